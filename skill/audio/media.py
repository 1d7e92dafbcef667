"""Reading, writing and measuring audio files through pydub and ffmpeg, in one place.

pydub leaves files open in places (a WAV read from a path, every export), which
leaks descriptors in a long-running server; these helpers close them.
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path
from typing import Any

from pydub import AudioSegment


def load_audio(path: Path) -> Any:
    """Decode any audio file to a pydub segment (WAV natively, the rest through ffmpeg).

    pydub leaves the file open when it reads a WAV from a path, so WAVs are
    opened here and closed on return.
    """
    if path.suffix.lower() == ".wav":
        with path.open("rb") as f:
            return AudioSegment.from_file(f, format="wav")
    return AudioSegment.from_file(str(path))


def save_audio(segment: Any, path: Path, **options: Any) -> None:
    """Export a segment (pydub returns the open output file; close it)."""
    segment.export(str(path), **options).close()


def measure_ms(path: Path) -> int:
    """Decode a file with pydub/ffmpeg and return its duration, rounded up to whole ms."""
    return segment_ms(load_audio(path))


def probe_ms(path: Path) -> int:
    """Container duration by ffprobe, rounded up: for MP3 it includes encoder padding,
    so it never understates what a player may play (what SSML budgets need)."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                          "default=noprint_wrappers=1:nokey=1", str(path)],
                         check=True, capture_output=True, text=True, timeout=60)
    return math.ceil(float(out.stdout.strip()) * 1000)


def segment_ms(segment: Any) -> int:
    """Duration of a pydub segment from its frame count (len() rounds, this rounds up)."""
    return math.ceil(int(segment.frame_count()) * 1000 / int(segment.frame_rate))
