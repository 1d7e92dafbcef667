"""Soft cue sounds at hold start, each breath and release, so a hold can be followed eyes closed.

Generated with pydub's signal generators (no asset to license or ship) unless a
sound designer drops ``<audio folder>/cues/<name>.mp3`` in, which then wins.
Sounds are quiet next to speech (CUE_DBFS against the speech's SPEECH_DBFS) because
they play under the spoken cue.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydub import AudioSegment
from pydub.generators import SignalGenerator

from skill.audio.media import load_audio
from skill.core.limits import STREAM_SAMPLE_RATE_HZ

log = logging.getLogger(__name__)

SOUND_IDS = ("hold_start", "breathe_in", "breathe_out", "release")
"""Every `Event.sound` the pacing engine uses."""
SOUNDS_VERSION = "1"
"""Bump when the generated sounds change, so tracks that use them get new names."""
CUE_DBFS = -32.0
"""Average loudness of a cue sound: about 12 dB under speech, audible but never on top of it."""


class _Tone(SignalGenerator):  # type: ignore[misc]  # pydub is untyped
    """A sine gliding from f0 to f1 with a soft harmonic, shaped by a bell or swell envelope.

    pydub's own Sine cannot glide or decay, and a glide built from steps clicks,
    so this generator keeps the phase continuous and shapes the amplitude itself.
    """

    def __init__(self, f0: float, f1: float, duration_ms: int, shape: str) -> None:
        super().__init__(sample_rate=STREAM_SAMPLE_RATE_HZ, bit_depth=16)
        self.f0, self.f1, self.shape = f0, f1, shape
        self.n = max(1, STREAM_SAMPLE_RATE_HZ * duration_ms // 1000)

    def _envelope(self, i: int) -> float:
        x = i / self.n
        if self.shape == "bell":  # quick 8 ms attack, exponential ring-out
            attack = min(1.0, i / (0.008 * STREAM_SAMPLE_RATE_HZ))
            return attack * math.exp(-5.0 * x) * min(1.0, (1.0 - x) * 20)
        return math.sin(math.pi * x) ** 2  # "swell": rises and falls like a breath

    def generate(self) -> Iterator[float]:
        phase = 0.0
        for i in range(self.n):
            freq = self.f0 + (self.f1 - self.f0) * (i / self.n)
            phase += 2 * math.pi * freq / self.sample_rate
            value = math.sin(phase) + 0.25 * math.sin(2 * phase)
            yield 0.8 * self._envelope(i) * value
        while True:
            yield 0.0


def _tone(f0: float, f1: float, duration_ms: int, shape: str) -> Any:
    return _Tone(f0, f1, duration_ms, shape).to_audio_segment(duration=duration_ms)


@functools.cache
def _generated(name: str) -> Any:
    """Generated once per process (pydub segments are immutable, so sharing is safe)."""
    if name == "hold_start":  # two-note rising chime, E5 then A5
        base = AudioSegment.silent(duration=630, frame_rate=STREAM_SAMPLE_RATE_HZ)
        return base.overlay(_tone(659.3, 659.3, 450, "bell")).overlay(
            _tone(880.0, 880.0, 450, "bell"), position=180)
    if name == "breathe_in":  # soft rising swell
        return _tone(330.0, 440.0, 700, "swell")
    if name == "breathe_out":  # soft falling, lower swell
        return _tone(392.0, 294.0, 700, "swell")
    if name == "release":  # one low soft bell
        return _tone(523.3, 523.3, 700, "bell")
    raise KeyError(name)


def _levelled(segment: Any) -> Any:
    """Mono, 16-bit, stream rate, at CUE_DBFS."""
    segment = segment.set_channels(1).set_sample_width(2).set_frame_rate(STREAM_SAMPLE_RATE_HZ)
    if segment.dBFS == float("-inf"):
        return segment
    return segment.apply_gain(CUE_DBFS - segment.dBFS)


class CueSounds:
    """Cue sounds by id: a designer's MP3 from ``cues_dir`` when present, else generated."""

    def __init__(self, cues_dir: Path | None = None) -> None:
        self.cues_dir = cues_dir
        self._cache: dict[str, Any] = {}

    def _file(self, name: str) -> Path | None:
        if self.cues_dir is None or name not in SOUND_IDS:
            return None
        path = self.cues_dir / f"{name}.mp3"
        return path if path.is_file() else None

    def get(self, name: str) -> Any | None:
        """The sound as a pydub segment, or None for an unknown id (logged, never fatal)."""
        if name not in self._cache:
            path = self._file(name)
            if path is not None:
                self._cache[name] = _levelled(load_audio(path))
            elif name in SOUND_IDS:
                self._cache[name] = _levelled(_generated(name))
            else:
                log.warning("unknown cue sound %r; playing none", name)
                return None
        return self._cache[name]

    def fingerprint(self, name: str) -> str:
        """Changes whenever the sound may change (its file's bytes or the generator version)."""
        path = self._file(name)
        if path is not None:
            return "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
        return f"gen:{SOUNDS_VERSION}:{CUE_DBFS}:{name}"
