"""Speech sources for rendered tracks: a voice actor's recordings, then a synthesizer.

Every spoken line of a track is resolved to a `Clip` (an audio file and its
measured duration) so the pacing engine can be run again with real durations.
`SpeechChain` tries the recordings first, then the configured synthesizer
(Polly or the embedded espeak-ng), and keeps synthesized clips in a disk cache
so a second render costs no synthesis and no Polly bill.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydub.silence import detect_leading_silence

from skill.audio.media import load_audio, measure_ms, save_audio, segment_ms
from skill.core import ssml
from skill.core.timeline import WORDS_PER_MINUTE

if TYPE_CHECKING:
    from mypy_boto3_polly import PollyClient

log = logging.getLogger(__name__)

MANIFEST = Path("clips") / "manifest.json"
"""Where the recordings manifest lives inside the audio folder."""
TRIM_THRESHOLD_DBFS = -50.0
"""Synthesized clips lose leading/trailing audio quieter than this (espeak adds ~0.4 s)."""
KEEP_LEAD_MS = 30
KEEP_TAIL_MS = 120
"""Silence kept around trimmed synthesized speech so words do not start or stop abruptly."""
POLLY_SAMPLE_RATE = "24000"


class SpeechError(RuntimeError):
    """A speech source is misconfigured (missing binary, broken manifest)."""


@dataclass(frozen=True)
class Clip:
    """An audio file holding one spoken line, and how long it plays."""

    path: Path
    duration_ms: int
    """Exact playing time, measured by decoding the file (rounded up to whole ms)."""
    fingerprint: str = ""
    """Changes whenever the audio may change; part of a track's content hash."""


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class RecordedClips:
    """Prerecorded lines in ``<folder>/clips``, found through ``clips/manifest.json``.

    Manifest: ``{"format": 1, "clips": {"<line id>": {"file": "x.mp3", "text": "..."}}}``
    (or just ``"<line id>": "x.mp3"``). When "text" is given and no longer matches
    the line, the recording is stale and is skipped, so an edited line is never
    played in its old words.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._entries: dict[str, tuple[Path, str | None]] | None = None
        self._measured: dict[tuple[Path, int, int], tuple[int, str]] = {}

    def _load(self) -> dict[str, tuple[Path, str | None]]:
        if self._entries is not None:
            return self._entries
        manifest = self.folder / MANIFEST
        entries: dict[str, tuple[Path, str | None]] = {}
        if manifest.exists():
            try:
                data = json.loads(manifest.read_text(encoding="utf-8"))
            except json.JSONDecodeError as e:
                raise SpeechError(f"{manifest}: not valid JSON: {e}") from e
            clips = data.get("clips", {}) if isinstance(data, dict) else None
            if not isinstance(clips, dict):
                raise SpeechError(f"{manifest}: expected an object with a \"clips\" object")
            root = manifest.parent.resolve()
            for line_id, entry in clips.items():
                file, text = entry, None
                if isinstance(entry, dict):
                    file, text = entry.get("file"), entry.get("text")
                if not isinstance(file, str) or not (text is None or isinstance(text, str)):
                    raise SpeechError(f"{manifest}: clips.{line_id}: needs a \"file\" string")
                path = (root / file).resolve()
                if not path.is_relative_to(root):
                    raise SpeechError(f"{manifest}: clips.{line_id}: file outside {root}")
                entries[line_id] = (path, text)
        self._entries = entries
        return entries

    def get(self, line_id: str, text: str) -> Clip | None:
        """The recording for this line, or None (no entry, missing file, stale text)."""
        entry = self._load().get(line_id) if line_id else None
        if entry is None:
            return None
        path, recorded_text = entry
        if recorded_text is not None and recorded_text.split() != text.split():
            log.warning("recording for %s is stale (text changed); synthesizing", line_id)
            return None
        if not path.is_file():
            log.warning("recording for %s missing: %s", line_id, path)
            return None
        stat = path.stat()
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in self._measured:
            self._measured[key] = (measure_ms(path), "rec:" + _sha256_file(path))
        duration, fingerprint = self._measured[key]
        return Clip(path, duration, fingerprint)


class Synthesizer(Protocol):
    """A text-to-speech engine; `identity` names everything that changes its output."""

    @property
    def identity(self) -> Mapping[str, str]: ...

    def synthesize(self, text: str, out_dir: Path) -> Clip | None: ...


class EspeakSpeech:
    """espeak-ng through a subprocess: the embedded default that needs no account.

    It speaks at the coach's slower, calmer rate (skill.core.timeline.WORDS_PER_MINUTE,
    the same rate dialog mode asks Alexa for with <prosody>); `-s` is words per minute.
    """

    def __init__(self, voice: str = "en-us", words_per_minute: int = WORDS_PER_MINUTE,
                 binary: str = "espeak-ng") -> None:
        self.voice, self.words_per_minute, self.binary = voice, words_per_minute, binary

    @property
    def identity(self) -> Mapping[str, str]:
        return {"kind": "espeak-ng", "voice": self.voice, "wpm": str(self.words_per_minute),
                "format": "wav"}

    def synthesize(self, text: str, out_dir: Path) -> Clip | None:
        if not text.strip():
            return None
        out = out_dir / "espeak.wav"
        try:  # "--" ends the options, so a line starting with "-" is still spoken
            subprocess.run([self.binary, "-v", self.voice, "-s", str(self.words_per_minute),
                            "-w", str(out), "--", text], check=True, capture_output=True,
                           timeout=60)
        except FileNotFoundError as e:
            raise SpeechError(f"{self.binary} is not installed (apt-get install espeak-ng), "
                              "or set HIPCOACH_SPEECH=polly") from e
        except subprocess.CalledProcessError as e:
            raise SpeechError(f"{self.binary} failed: {e.stderr.decode(errors='replace')}") from e
        return Clip(out, measure_ms(out))


class PollySpeech:
    """Amazon Polly (SynthesizeSpeech, MP3 at 24 kHz): neural where the voice offers it."""

    def __init__(self, client: PollyClient, voice: str, engine: str = "neural") -> None:
        self.client, self.voice, self.engine = client, voice, engine
        self._engine_used: str | None = None
        """The engine that worked, learned on the first call (neural -> standard fallback)."""

    @property
    def identity(self) -> Mapping[str, str]:
        # The requested engine, not the learned one: the same settings must give the same
        # cache key in a fresh process, before anything has been learned.
        return {"kind": "polly", "voice": self.voice, "engine": self.engine, "format": "mp3",
                "rate": POLLY_SAMPLE_RATE, "speed": ssml.PROSODY_OPEN}

    def _call(self, text: str, engine: str) -> bytes:
        # The same calm rate as the skill's own speech (skill.core.ssml.text): neural voices
        # support prosody rate, not pitch (Polly, "Supported SSML tags").
        response = self.client.synthesize_speech(
            Text=ssml.speak(ssml.text(text)), TextType="ssml",
            VoiceId=self.voice,  # type: ignore[arg-type]
            Engine=engine, OutputFormat="mp3", SampleRate=POLLY_SAMPLE_RATE)  # type: ignore[arg-type]
        with response["AudioStream"] as stream:
            return stream.read()

    def synthesize(self, text: str, out_dir: Path) -> Clip | None:
        if not text.strip():
            return None
        engine = self._engine_used or self.engine
        try:
            data = self._call(text, engine)
        except Exception as e:  # botocore.exceptions.ClientError, imported lazily with boto3
            code = getattr(e, "response", {}).get("Error", {}).get("Code")
            if code != "EngineNotSupportedException" or engine == "standard":
                raise
            log.info("Polly voice %s has no %s engine; using standard", self.voice, engine)
            engine = "standard"
            data = self._call(text, engine)
        self._engine_used = engine
        out = out_dir / "polly.mp3"
        out.write_bytes(data)
        return Clip(out, measure_ms(out))


def _trimmed(segment: Any) -> Any:
    """Cut silence at both ends, keeping a short natural margin."""
    lead = detect_leading_silence(segment, silence_threshold=TRIM_THRESHOLD_DBFS)
    tail = detect_leading_silence(segment.reverse(), silence_threshold=TRIM_THRESHOLD_DBFS)
    start = max(0, lead - KEEP_LEAD_MS)
    end = len(segment) - max(0, tail - KEEP_TAIL_MS)
    return segment[start:end] if end - start > 0 else segment


class SpeechChain:
    """Recordings first, then the synthesizer through a disk cache; counts where clips came from.

    The cache key is a hash of the text and the synthesizer's identity (kind, voice,
    engine, format), so changing the voice or a line's words misses the cache and
    nothing else does. Cached clips are trimmed mono WAV with a JSON sidecar.
    """

    def __init__(self, recordings: RecordedClips | None, synthesizer: Synthesizer,
                 cache_dir: Path) -> None:
        self.recordings, self.synthesizer, self.cache_dir = recordings, synthesizer, cache_dir
        self.counts: Counter[str] = Counter()
        """Resolutions per kind: from_cache, from_recordings, synthesized."""

    def describe(self) -> str:
        """The synthesizer's identity as one stable string (part of track names)."""
        return json.dumps(dict(self.synthesizer.identity), sort_keys=True)

    def cache_key(self, text: str) -> str:
        payload = json.dumps([text, dict(self.synthesizer.identity)], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def resolve(self, text: str, line_ids: Iterable[str] = ()) -> Clip | None:
        """The clip for a line: a recording under any of its ids, else synthesized speech."""
        if not text.strip():
            return None
        if self.recordings is not None:
            for line_id in line_ids:
                clip = self.recordings.get(line_id, text)
                if clip is not None:
                    self.counts["from_recordings"] += 1
                    return clip
        return self.synthesized(text)

    def synthesized(self, text: str) -> Clip | None:
        """Synthesized speech for the text, from the cache when it is there."""
        key = self.cache_key(text)
        wav, meta = self.cache_dir / f"{key}.wav", self.cache_dir / f"{key}.json"
        if wav.is_file() and meta.is_file():
            try:
                duration = int(json.loads(meta.read_text(encoding="utf-8"))["duration_ms"])
            except (ValueError, KeyError, TypeError):
                duration = -1
            if duration >= 0:
                self.counts["from_cache"] += 1
                return Clip(wav, duration, "tts:" + key)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache_dir, prefix=".tmp-") as tmp:
            raw = self.synthesizer.synthesize(text, Path(tmp))
            if raw is None:
                return None
            if self.cache_key(text) != key:  # it fell back to another voice: cache it as that
                key = self.cache_key(text)
                wav, meta = self.cache_dir / f"{key}.wav", self.cache_dir / f"{key}.json"
            segment = _trimmed(load_audio(raw.path).set_channels(1))
            part = Path(tmp) / "clip.wav"
            save_audio(segment, part, format="wav")
            duration = segment_ms(segment)
            os.replace(part, wav)  # atomic: a reader never sees half a file
            (Path(tmp) / "meta.json").write_text(json.dumps(
                {"duration_ms": duration, "text": text,
                 "identity": dict(self.synthesizer.identity)}), encoding="utf-8")
            os.replace(Path(tmp) / "meta.json", meta)
        self.counts["synthesized"] += 1
        return Clip(wav, duration, "tts:" + key)
