"""Reading, writing and measuring audio files through pydub, ffmpeg and LAME, in one place.

pydub leaves files open in places (a WAV read from a path, every export), which
leaks descriptors in a long-running server; these helpers close them. Streaming
tracks are encoded by the `lame` command (`encode_vbr_mp3`): ffmpeg's libmp3lame
wrapper cannot give variable-bitrate MP3 a minimum bitrate.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
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


# --- LAME (the `lame` command, Debian package lame) ----------------------------------------

class EncoderError(RuntimeError):
    """LAME is missing or refused the settings or the audio."""


LAME_TIMEOUT_S = 600
"""A whole-routine track encodes in well under a second a minute of audio; this only stops
a hung encoder from hanging a render."""


def lame_path() -> str | None:
    """The `lame` executable, or None (rendering streaming tracks needs it)."""
    return shutil.which("lame")


def encode_vbr_mp3(pcm: bytes, rate: int, path: Path, *, quality: int, min_kbps: int) -> None:
    """Mono 16-bit PCM (native byte order) to a VBR MP3 file whose every frame is at least
    `min_kbps`, with a Xing/LAME tag (frame count, seek table, encoder delay and padding).

    ``lame -V <quality> -b <min_kbps> -F`` (LAME's usage text: "-b specify minimum allowed
    bitrate", "-F strictly enforce the -b option"; without -F LAME still writes digital
    silence at the lowest bitrate). ``--resample`` keeps the output at `rate`: LAME would
    otherwise pick a lower rate for a low VBR quality. Writing to a file (not a pipe) lets
    LAME go back and fill in the tag, so players know the length and trim the encoder's
    delay and padding.
    """
    if len(pcm) % 2:
        raise EncoderError("16-bit PCM must have an even number of bytes")
    lame = lame_path()
    if lame is None:
        raise EncoderError("the lame command is not installed (Debian: apt-get install lame)")
    khz = f"{rate / 1000:g}"
    cmd = [lame, "--quiet", "-r", "-s", khz, "--bitwidth", "16", "--signed",
           "--little-endian" if sys.byteorder == "little" else "--big-endian",
           "-m", "m", "--resample", khz, "-V", str(quality), "-b", str(min_kbps), "-F",
           "-", str(path)]
    try:
        done = subprocess.run(cmd, input=pcm, capture_output=True, timeout=LAME_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EncoderError(f"lame failed to run: {exc}") from exc
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        raise EncoderError(f"lame -V {quality} -b {min_kbps} at {rate} Hz failed "
                           f"({done.returncode}): {reason[0]}")
