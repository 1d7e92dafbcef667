"""Streaming-mode rendering: real tracks from espeak-ng, checked with ffprobe against the pacing.

One session-scoped render of glute-release (short holds) is shared; tests that
need a changed world build a new renderer over copies or new folders.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydub import AudioSegment

from skill.audio.render import RenderSummary, TrackRef, TrackRenderer, build_renderer
from skill.audio.sounds import CUE_DBFS, SOUND_IDS, CueSounds
from skill.audio.speech import RecordedClips
from skill.cli.render import render_command
from skill.content import Content, load_content
from skill.core.limits import STREAM_MIN_BITRATE_KBPS
from skill.core.plan import side_timeline, steps
from skill.core.preferences import HoldLength, Preferences
from skill.core.record import replace as record_replace
from skill.core.timeline import Timeline
from skill.settings import Settings
from tests.support.mp3 import audio_stream, duration_ms, write_mp3, write_wav

ROUTINE = "glute-release"
PREFS = Preferences(hold=HoldLength.SHORT)


@dataclasses.dataclass
class Rendered:
    settings: Settings
    audio_source: Path
    content: Content
    renderer: TrackRenderer
    refs: list[TrackRef]
    summary: RenderSummary


def _empty_source(folder: Path) -> Path:
    (folder / "clips").mkdir(parents=True)
    (folder / "clips" / "manifest.json").write_text('{"format": 1, "clips": {}}')
    return folder


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = tmp_path_factory.mktemp("render")
    settings = Settings(data_dir=root / "data")
    source = _empty_source(root / "audio")
    content = load_content()
    renderer = build_renderer(settings, content, audio_source=source)
    refs: list[TrackRef] = []
    summary = renderer.render_routine(ROUTINE, PREFS, progress=refs.append)
    return Rendered(settings, source, content, renderer, refs, summary)


def _measured(renderer: TrackRenderer) -> Callable[[str], int]:
    def timer(text: str) -> int:
        clip = renderer.chain.resolve(text)
        assert clip is not None, text
        return clip.duration_ms
    return timer


def _repaced(r: Rendered, ref: TrackRef, renderer: TrackRenderer | None = None) -> Timeline:
    planned = steps(r.content, r.content.routines[ROUTINE])[ref.step_index]
    return side_timeline(r.content, planned, ref.side_index, PREFS, 0,
                         timer=_measured(renderer or r.renderer))


def test_routine_renders_one_track_per_step_and_side(rendered: Rendered) -> None:
    assert rendered.renderer.tracks_of(ROUTINE, PREFS) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [(r.step_index, r.side_index) for r in rendered.refs] == [(0, 0), (0, 1), (1, 0),
                                                                      (1, 1)]
    s = rendered.summary
    assert (s.tracks, s.tracks_reused, s.from_recordings) == (4, 0, 0)
    assert s.synthesized > 10 and s.from_cache > 0  # cue phrasings repeat across tracks
    assert s.audio_seconds == pytest.approx(sum(r.duration_ms for r in rendered.refs) / 1000)
    assert len({r.name for r in rendered.refs}) == 4


def test_tracks_are_stream_mp3_and_as_long_as_the_measured_timeline(rendered: Rendered) -> None:
    for ref in rendered.refs:
        path = rendered.renderer.store.open_path(ref.name)
        assert path is not None and path.name == ref.name
        stream = audio_stream(path)
        assert stream["codec_name"] == "mp3"
        assert stream["channels"] == 1
        assert stream["sample_rate"] == "24000"
        # variable bitrate: its average inside AudioPlayer's 16-384 kbps (frames: test_audio_
        # encoding.py)
        assert STREAM_MIN_BITRATE_KBPS * 1000 <= int(stream["bit_rate"]) <= 384_000
        timeline = _repaced(rendered, ref)
        assert timeline.duration_ms == ref.duration_ms
        assert abs(duration_ms(path) - timeline.duration_ms) <= 100


def test_speech_sounds_where_the_timeline_speaks_and_holds_are_quiet(rendered: Rendered) -> None:
    ref = rendered.refs[0]
    path = rendered.renderer.store.open_path(ref.name)
    assert path is not None
    audio = AudioSegment.from_file(str(path))
    timeline = _repaced(rendered, ref)
    first = timeline.events[0]
    assert audio[first.start_ms + 100:first.start_ms + first.speech_ms - 100].dBFS > -35
    quiet = [e for e in timeline.events if e.breath and e.silence_ms > 2000]
    assert quiet
    for e in quiet:  # after the spoken cue and its sound, the hold is silence
        start = e.start_ms + max(e.speech_ms, 800) + 200
        assert audio[start:e.end_ms - 100].dBFS < -60
    cued = [e for e in timeline.events if e.breath and not e.text]
    for e in cued:  # a breath with no words still has its soft tone, quieter than speech
        assert -50 < audio[e.start_ms + 50:e.start_ms + 600].dBFS < -25


def test_second_render_synthesizes_nothing_and_reuses_every_track(rendered: Rendered) -> None:
    again = build_renderer(rendered.settings, rendered.content,
                           audio_source=rendered.audio_source)
    ticks = iter([100.0, 101.5])
    again.clock = lambda: next(ticks)  # an injected clock gives exact seconds_taken
    refs: list[TrackRef] = []
    s = again.render_routine(ROUTINE, PREFS, progress=refs.append)
    assert s.seconds_taken == 1.5
    assert (s.synthesized, s.from_recordings, s.tracks_reused, s.tracks) == (0, 0, 4, 4)
    assert s.from_cache == rendered.summary.from_cache + rendered.summary.synthesized
    assert refs == rendered.refs


def test_changing_one_line_resynthesizes_only_that_line(rendered: Rendered) -> None:
    content = rendered.content
    tech = content.techniques["glute-ball"]
    step = tech.steps[0]
    say = (*step.say[:2], "Let your body weight rest on the ball, gently.", *step.say[3:])
    changed_tech = record_replace(
        tech, steps=(record_replace(step, say=say), *tech.steps[1:]))
    changed = record_replace(content, techniques={**content.techniques,
                                                       "glute-ball": changed_tech})
    renderer = build_renderer(rendered.settings, changed, audio_source=rendered.audio_source)
    refs: list[TrackRef] = []
    s = renderer.render_routine(ROUTINE, PREFS, progress=refs.append)
    assert (s.synthesized, s.tracks_reused) == (1, 3)
    assert refs[0].name != rendered.refs[0].name
    assert refs[1:] == rendered.refs[1:]


def test_recording_wins_over_synthesis_for_its_line(rendered: Rendered, tmp_path: Path) -> None:
    ref = rendered.refs[0]
    event = next(e for e in _repaced(rendered, ref).events if e.line_id.endswith(".say.2"))
    source = _empty_source(tmp_path / "audio")
    write_wav(source / "clips" / "line.wav", 1234, rate=44100)
    (source / "clips" / "manifest.json").write_text(json.dumps(
        {"format": 1, "clips": {event.line_id: {"file": "line.wav", "text": event.text}}}))
    renderer = build_renderer(rendered.settings, rendered.content, audio_source=source)
    before = renderer.chain.counts.copy()
    new = renderer.track_for(ROUTINE, ref.step_index, ref.side_index, PREFS)
    counts = renderer.chain.counts - before
    assert counts["from_recordings"] == 1 and counts["synthesized"] == 0
    assert new.name != ref.name  # a new recording of the same words is new content
    planned = steps(rendered.content, rendered.content.routines[ROUTINE])[0]
    measured = _measured(renderer)
    recorded = RecordedClips(source).get(event.line_id, event.text)
    assert recorded is not None and recorded.duration_ms == 1234
    timeline = side_timeline(rendered.content, planned, 0, PREFS, 0,
                             timer=lambda t: 1234 if t == event.text else measured(t))
    assert timeline.duration_ms == new.duration_ms
    path = renderer.store.open_path(new.name)
    assert path is not None and abs(duration_ms(path) - new.duration_ms) <= 100


def test_stale_recording_is_not_played(rendered: Rendered, tmp_path: Path) -> None:
    source = _empty_source(tmp_path / "audio")
    write_wav(source / "clips" / "old.wav", 900)
    line_id = "glute-ball.maximus.say.2"
    (source / "clips" / "manifest.json").write_text(json.dumps(
        {"clips": {line_id: {"file": "old.wav", "text": "Words that were changed since."}}}))
    renderer = build_renderer(rendered.settings, rendered.content, audio_source=source)
    ref = renderer.track_for(ROUTINE, 0, 0, PREFS)
    assert renderer.chain.counts["from_recordings"] == 0
    assert ref == rendered.refs[0]


def test_cue_clips_are_ssml_ready_and_stable(rendered: Rendered) -> None:
    clips = rendered.renderer.render_cue_clips()
    assert set(clips) == {"hold_start", "breathe_in", "breathe_out", "release"}
    for name, ms in clips.values():
        path = rendered.renderer.store.open_path(name)
        assert path is not None
        stream = audio_stream(path)
        assert (stream["sample_rate"], stream["bit_rate"], stream["channels"]) == (
            "24000", "48000", 1)
        assert 300 <= ms <= 900
    again = build_renderer(rendered.settings, rendered.content,
                           audio_source=rendered.audio_source)
    assert again.render_cue_clips() == clips


def test_cue_sounds_are_short_soft_and_replaceable(tmp_path: Path) -> None:
    generated = CueSounds()
    for sound_id in SOUND_IDS:
        sound = generated.get(sound_id)
        assert sound is not None
        assert 300 <= len(sound) <= 800 and sound.frame_rate == 24000 and sound.channels == 1
        assert sound.dBFS == pytest.approx(CUE_DBFS, abs=0.5)
        assert sound[:5].dBFS < sound.dBFS - 6 or sound_id in ("hold_start", "release")
    (tmp_path / "cues").mkdir()
    write_mp3(tmp_path / "cues" / "hold_start.mp3", 400, freq=600)
    designed = CueSounds(tmp_path / "cues")
    replaced = designed.get("hold_start")
    assert replaced is not None and abs(len(replaced) - 400) <= 30
    assert designed.fingerprint("hold_start").startswith("file:")
    assert designed.fingerprint("breathe_in") == generated.fingerprint("breathe_in")
    assert designed.fingerprint("hold_start") != generated.fingerprint("hold_start")
    assert designed.get("thunder") is None


def _run(args: list[str], data_dir: Path) -> Any:
    env = {"HIPCOACH_DATA_DIR": str(data_dir), "HIPCOACH_SPEECH": "espeak",
           "HIPCOACH_AUDIO_STORE": "local", "HIPCOACH_AUDIO_BASE_URL": ""}
    result = CliRunner().invoke(render_command, args, env=env)
    assert result.exit_code == 0, result.output
    return dict(line.split(": ", 1) for line in result.output.splitlines() if ": " in line)


def test_cli_renders_and_reports_then_reuses(tmp_path: Path) -> None:
    first = _run([ROUTINE, "--hold", "short"], tmp_path)
    assert first["tracks"] == "4" and first["tracks reused"] == "0"
    assert int(first["clips synthesized"]) > 10
    assert float(first["audio seconds"]) > 100
    assert "seconds taken" in first and "clips from recordings" in first
    assert first["cue clips"] == "4"  # dialog mode's chimes, rendered alongside
    assert len(list((tmp_path / "audio" / "tracks").glob("*.mp3"))) == 4 + 4
    second = _run([ROUTINE, "--hold", "short"], tmp_path)
    assert second["clips synthesized"] == "0" and second["tracks reused"] == "4"
    assert second["clips from cache"] == str(int(first["clips from cache"])
                                            + int(first["clips synthesized"]))


def test_cli_rejects_unknown_routine(tmp_path: Path) -> None:
    result = CliRunner().invoke(render_command, ["no-such-routine"],
                                env={"HIPCOACH_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "unknown routine" in result.output
