"""Streaming mode: one MP3 track per (step, side), paced exactly like dialog mode.

The track comes from the same pacing engine as dialog mode (`plan.side_timeline`,
seed 0) with one difference: measured clip durations replace the speech estimate.
So it is paced twice: once with the estimate to learn which lines are needed,
then, once every line has a clip, with the measured durations. The track's name
is a hash of its content, so a render is skipped when the store already has it.
Planning also notes the measured holds in the track index (skill.audio.holds), stored
or not, so the screen beside a Play is timed with the audio, not the estimate.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skill.audio.assemble import (
    CUE_ENCODING,
    RENDERER_VERSION,
    assemble,
    content_name,
    export_mp3,
    export_track,
    track_name,
)
from skill.audio.holds import measured_holds
from skill.audio.index import TrackIndex, index_name, track_key
from skill.audio.media import probe_ms
from skill.audio.sounds import SOUND_IDS, CueSounds
from skill.audio.speech import (
    Clip,
    EspeakSpeech,
    PollySpeech,
    RecordedClips,
    SpeechChain,
    Synthesizer,
)
from skill.audio.store import TrackStore, build_store
from skill.core.limits import SSML_AUDIO_BITRATE_KBPS, SSML_AUDIO_SAMPLE_RATE_HZ
from skill.core.plan import side_timeline, steps, track_order
from skill.core.preferences import Preferences
from skill.core.timeline import Timeline, estimate_speech_ms

if TYPE_CHECKING:
    from skill.content.model import Content
    from skill.settings import Settings

log = logging.getLogger(__name__)

TRACK_SEED = 0
"""Tracks always use seed 0, so the same settings always give the same track names."""
AUDIO_SOURCE_DIR = Path(__file__).resolve().parents[2] / "audio"
"""The repository's audio folder: clips/manifest.json with recordings, cues/*.mp3."""


@dataclass(frozen=True)
class TrackRef:
    """A rendered track: which step and side, its stored name and its exact length."""

    routine_id: str
    step_index: int
    side_index: int
    name: str
    """Content-hash file name, e.g. "3f...a1.mp3"; `TrackStore.url(name)` gives its URL."""
    duration_ms: int
    """Length of the paced timeline (the MP3 plays this long, within a frame)."""


@dataclass
class RenderSummary:
    """What a render did and cost."""

    tracks: int = 0
    audio_seconds: float = 0.0
    seconds_taken: float = 0.0
    from_cache: int = 0
    from_recordings: int = 0
    synthesized: int = 0
    tracks_reused: int = 0

    def add(self, other: RenderSummary) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class TrackPlan:
    """What one track will hold, known before any audio is assembled: its measured timeline,
    the clip of each line and its content-hash name (equal names, identical audio)."""

    timeline: Timeline
    clips: dict[str, Clip]
    name: str

    @property
    def spoken_ms(self) -> int:
        """How much of the track is speech (the rest is silence and soft cue tones)."""
        return sum(e.speech_ms for e in self.timeline.events if e.text in self.clips)


class TrackRenderer:
    """Renders and stores tracks; shared by the CLI and the AudioPlayer handlers."""

    def __init__(self, content: Content, chain: SpeechChain, store: TrackStore, *,
                 work_dir: Path, sounds: CueSounds | None = None,
                 clock: Callable[[], float] = time.perf_counter,
                 index: TrackIndex | None = None) -> None:
        self.content, self.chain, self.store = content, chain, store
        self.index = index
        self.work_dir, self.clock = work_dir, clock
        self.sounds = sounds if sounds is not None else CueSounds()
        self._cue_clips: dict[str, tuple[str, int]] | None = None

    def tracks_of(self, routine_id: str, prefs: Preferences) -> list[tuple[int, int]]:
        """(step_index, side_index) of every track, in play order."""
        return track_order(self.content, self.content.routines[routine_id], prefs)

    def plan(self, routine_id: str, step_index: int, side_index: int,
             prefs: Preferences) -> TrackPlan:
        """Pace one track with measured clips (synthesizing lines not yet cached)."""
        planned = steps(self.content, self.content.routines[routine_id])[step_index]
        asked: list[str] = []

        def spy(text: str) -> int:  # every text the pacer wants timed, even ones it then drops
            asked.append(text)
            return estimate_speech_ms(text)

        estimate = side_timeline(self.content, planned, side_index, prefs, TRACK_SEED,
                                 timer=spy)
        ids: dict[str, list[str]] = {}
        for e in estimate.events:
            if e.text and e.line_id:
                ids.setdefault(e.text, []).append(e.line_id)
        clips: dict[str, Clip] = {}
        for text in dict.fromkeys(asked):
            clip = self.chain.resolve(text, ids.get(text, ()))
            if clip is not None:
                clips[text] = clip
            elif text.strip():
                log.warning("no speech for %r; its slot stays silent", text)

        def measured(text: str) -> int:
            clip = clips.get(text)
            return clip.duration_ms if clip is not None else estimate_speech_ms(text)

        timeline = side_timeline(self.content, planned, side_index, prefs, TRACK_SEED,
                                 timer=measured)
        for e in estimate.events:  # a line longer than its fixed slot is dropped by the pacer
            if e.text and e.text not in {x.text for x in timeline.events}:
                log.warning("line %s (%r) does not fit its slot and is not played",
                            e.line_id, e.text)
        name = track_name(timeline.events, clips, self.sounds, self.chain.describe())
        if self.index is not None:  # the screens' clock, written with the next index write
            self.index.note_holds(name, measured_holds(timeline))
        return TrackPlan(timeline, clips, name)

    def _track(self, routine_id: str, step_index: int, side_index: int,
               prefs: Preferences) -> tuple[TrackRef, bool]:
        plan = self.plan(routine_id, step_index, side_index, prefs)
        reused = self.store.exists(plan.name)
        if not reused:
            self.store_plan(plan)
        ref = TrackRef(routine_id, step_index, side_index, plan.name,
                       plan.timeline.duration_ms)
        if self.index is not None:
            self.index.record(track_key(routine_id, step_index, side_index, prefs), plan.name)
        return ref, reused

    def store_plan(self, plan: TrackPlan) -> int:
        """Assemble, encode and store a planned track; its size in bytes."""
        audio = assemble(plan.timeline.events, plan.clips, self.sounds)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.work_dir, prefix=".render-") as tmp:
            out = Path(tmp) / plan.name
            export_track(audio, out)
            self.store.put(plan.name, out)
            return out.stat().st_size

    def track_for(self, routine_id: str, step_index: int, side_index: int,
                  prefs: Preferences) -> TrackRef:
        """The track for one step and side, rendered and stored first if missing."""
        return self._track(routine_id, step_index, side_index, prefs)[0]

    def render_routine(self, routine_id: str, prefs: Preferences,
                       progress: Callable[[TrackRef], None] | None = None) -> RenderSummary:
        """Render every track of a routine (reusing stored ones) and say what it cost."""
        start, before = self.clock(), self.chain.counts.copy()
        summary = RenderSummary()
        for step_index, side_index in self.tracks_of(routine_id, prefs):
            ref, reused = self._track(routine_id, step_index, side_index, prefs)
            summary.tracks += 1
            summary.tracks_reused += reused
            summary.audio_seconds += ref.duration_ms / 1000
            if progress is not None:
                progress(ref)
        counts = self.chain.counts - before
        summary.from_cache = counts["from_cache"]
        summary.from_recordings = counts["from_recordings"]
        summary.synthesized = counts["synthesized"]
        summary.seconds_taken = self.clock() - start
        return summary

    def render_cue_clips(self) -> dict[str, tuple[str, int]]:
        """Each cue sound as an SSML-ready MP3 (48 kbps, 24 kHz) in the store, for dialog mode.

        Returns {sound_id: (name, duration_ms)}; the duration is ffprobe's, which
        counts the encoder's padding, so the packer never under-budgets Alexa's limits.
        """
        if self._cue_clips is not None:
            return self._cue_clips
        result: dict[str, tuple[str, int]] = {}
        self.work_dir.mkdir(parents=True, exist_ok=True)
        for sound_id in SOUND_IDS:
            name = content_name({"renderer": RENDERER_VERSION, "cue": sound_id,
                                 "sound": self.sounds.fingerprint(sound_id),
                                 "encoding": dict(CUE_ENCODING)})
            with tempfile.TemporaryDirectory(dir=self.work_dir, prefix=".cue-") as tmp:
                out = Path(tmp) / name
                export_mp3(self.sounds.get(sound_id), out, SSML_AUDIO_BITRATE_KBPS,
                           SSML_AUDIO_SAMPLE_RATE_HZ)
                if not self.store.exists(name):
                    self.store.put(name, out)
                result[sound_id] = (name, probe_ms(out))
                if self.index is not None:
                    self.index.record_cue(sound_id, name, result[sound_id][1])
        self._cue_clips = result
        return result


def _synthesizer(settings: Settings, polly_client: Any | None) -> Synthesizer:
    if settings.speech == "polly":
        if polly_client is None:
            import boto3  # lazily: only the Polly path needs it

            polly_client = boto3.client("polly", region_name=settings.region)
        return PollySpeech(polly_client, settings.polly_voice)
    if settings.speech in ("auto", "neural"):
        from skill.audio.neural import embedded_speech  # the neural voice, espeak-ng behind it

        return embedded_speech(settings.voice_env, asked=settings.speech == "neural")
    if settings.speech != "espeak":
        raise ValueError(f"HIPCOACH_SPEECH={settings.speech!r}: use 'auto', 'neural', "
                         "'espeak' or 'polly'")
    return EspeakSpeech()


def build_renderer(settings: Settings, content: Content | None = None, *,
                   s3_client: Any | None = None, polly_client: Any | None = None,
                   audio_source: Path = AUDIO_SOURCE_DIR) -> TrackRenderer:
    """Wire recordings, synthesizer, cache and store from settings (clients injectable)."""
    if content is None:
        from skill.content import load_content

        content = load_content()
    cache = settings.data_dir / "cache"
    chain = SpeechChain(RecordedClips(audio_source), _synthesizer(settings, polly_client),
                        cache / "speech")
    store = build_store(settings, s3_client)
    return TrackRenderer(content, chain, store, work_dir=cache / "render",
                         sounds=CueSounds(audio_source / "cues"),
                         index=TrackIndex(store, index_name(content.version, settings)))
