"""Real audio made at test time (pydub/ffmpeg), and ffprobe readings of what was rendered."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

from pydub.generators import Sine


def tone(ms: int, freq: float = 440.0, rate: int = 24000) -> Any:
    """A plain sine tone as a pydub segment (mono, 16-bit)."""
    return Sine(freq, sample_rate=rate).to_audio_segment(duration=ms, volume=-12.0)


def mp3_bytes(ms: int, freq: float = 440.0, rate: int = 24000, kbps: int = 48) -> bytes:
    """Real MP3 bytes, as Polly would return them (moto's Polly returns zeros)."""
    buf = io.BytesIO()
    tone(ms, freq, rate).export(buf, format="mp3", bitrate=f"{kbps}k")
    return buf.getvalue()


def write_mp3(path: Path, ms: int = 1000, freq: float = 440.0) -> Path:
    path.write_bytes(mp3_bytes(ms, freq))
    return path


def write_wav(path: Path, ms: int, freq: float = 440.0, rate: int = 24000) -> Path:
    tone(ms, freq, rate).export(str(path), format="wav").close()
    return path


def ffprobe(path: Path) -> dict[str, Any]:
    """ffprobe's streams and format of a file, as JSON."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of",
                          "json", str(path)], check=True, capture_output=True, text=True)
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def audio_stream(path: Path) -> dict[str, Any]:
    """The single audio stream's fields (codec_name, sample_rate, channels, bit_rate...)."""
    streams = [s for s in ffprobe(path)["streams"] if s["codec_type"] == "audio"]
    assert len(streams) == 1, streams
    stream: dict[str, Any] = streams[0]
    return stream


def duration_ms(path: Path) -> float:
    return float(ffprobe(path)["format"]["duration"]) * 1000
