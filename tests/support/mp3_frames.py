"""MP3 files read frame by frame, from the ISO 11172-3 / 13818-3 header layout, independently
of the encoder under test: each frame's bitrate and sample rate, the Xing/Info tag (frame
count, seek table) and the LAME tag's encoder delay and padding.

Also: where a player that seeks with the Xing table (as ExoPlayer's XingSeeker does: percent
of the duration -> table entry, linear between entries -> byte) lands for a wanted time.
"""

from __future__ import annotations

import bisect
import struct
from dataclasses import dataclass
from pathlib import Path

_KBPS = {  # (MPEG-1?, layer III) bitrate index -> kbps
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
"""Version bits (3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5) -> sample rates by index."""


@dataclass(frozen=True)
class Frame:
    offset: int
    size: int
    kbps: int
    rate: int
    mpeg1: bool
    mono: bool

    @property
    def samples(self) -> int:
        return 1152 if self.mpeg1 else 576


@dataclass(frozen=True)
class Mp3:
    frames: list[Frame]
    """Every frame, the Xing/Info frame first when there is one."""
    tag: str | None
    """"Xing" (variable bitrate), "Info" (constant) or None."""
    tag_frames: int | None
    tag_bytes: int | None
    toc: list[int] | None
    delay: int | None
    padding: int | None
    """LAME tag: encoder delay and padding, in samples."""

    @property
    def audio(self) -> list[Frame]:
        """The frames that carry audio (without the tag frame)."""
        return self.frames[1:] if self.tag else self.frames

    def gapless_samples(self) -> int:
        """What a player honouring the LAME tag plays: the frames less delay and padding."""
        assert self.delay is not None and self.padding is not None
        return sum(f.samples for f in self.audio) - self.delay - self.padding


def _id3_size(data: bytes) -> int:
    if data[:3] != b"ID3":
        return 0
    size = data[6:10]
    return 10 + (size[0] << 21 | size[1] << 14 | size[2] << 7 | size[3])


def _frame(data: bytes, at: int) -> Frame | None:
    if at + 4 > len(data):
        return None
    h = struct.unpack(">I", data[at:at + 4])[0]
    version, layer = h >> 19 & 3, h >> 17 & 3
    if h >> 21 != 0x7FF or version == 1 or layer != 1:  # sync, a known version, layer III
        return None
    bitrate, rate_index, pad = h >> 12 & 15, h >> 10 & 3, h >> 9 & 1
    if bitrate in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    kbps, rate = _KBPS[mpeg1][bitrate], _RATES[version][rate_index]
    size = (144 if mpeg1 else 72) * kbps * 1000 // rate + pad
    return Frame(at, size, kbps, rate, mpeg1, (h >> 6 & 3) == 3)


def read(path: Path) -> Mp3:
    data = path.read_bytes()
    at, frames = _id3_size(data), []
    while (frame := _frame(data, at)) is not None:
        frames.append(frame)
        at += frame.size
    assert frames and at == len(data), f"{path}: not all MP3 frames ({at} of {len(data)})"
    first = data[frames[0].offset:frames[0].offset + frames[0].size]
    side = (32 if not frames[0].mono else 17) if frames[0].mpeg1 else \
        (17 if not frames[0].mono else 9)
    tag = first[4 + side:8 + side].decode("latin-1")
    if tag not in ("Xing", "Info"):
        return Mp3(frames, None, None, None, None, None, None)
    flags = struct.unpack(">I", first[8 + side:12 + side])[0]
    p = 12 + side
    count = nbytes = None
    toc = None
    if flags & 1:
        count = struct.unpack(">I", first[p:p + 4])[0]
        p += 4
    if flags & 2:
        nbytes = struct.unpack(">I", first[p:p + 4])[0]
        p += 4
    if flags & 4:
        toc = list(first[p:p + 100])
        p += 100
    if flags & 8:
        p += 4
    delay = padding = None
    if first[p:p + 4] in (b"LAME", b"Lavc", b"Lavf"):  # the LAME tag (ffmpeg writes one too)
        d = first[p + 21:p + 24]
        delay, padding = d[0] << 4 | d[1] >> 4, (d[1] & 15) << 8 | d[2]
    return Mp3(frames, tag, count, nbytes, toc, delay, padding)


def toc_seek_error_s(mp3: Mp3, step_s: float = 0.1) -> float:
    """The worst distance (s) between a wanted time and where a Xing-table seek lands."""
    assert mp3.toc is not None and mp3.tag_bytes is not None
    audio = mp3.audio
    starts, t = [], 0.0
    for f in audio:
        starts.append(t)
        t += f.samples / f.rate
    duration, offsets = t, [f.offset for f in audio]
    origin = mp3.frames[0].offset  # XingSeeker: positions from the tag frame's start
    worst, wanted = 0.0, 0.0
    while wanted < duration:
        percent = wanted * 100 / duration
        i = min(int(percent), 99)
        lo = mp3.toc[i]
        hi = 256 if i == 99 else mp3.toc[i + 1]
        byte = origin + round((lo + (percent - i) * (hi - lo)) / 256 * mp3.tag_bytes)
        k = max(0, bisect.bisect_right(offsets, byte) - 1)
        worst = max(worst, abs(starts[k] - wanted))
        wanted += step_s
    return worst
