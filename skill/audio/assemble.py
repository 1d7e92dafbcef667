"""From a paced timeline and its clips to PCM audio, an MP3 file and a content-hash name.

Timing is never decided here: every event becomes exactly ``duration_ms`` of
audio (its clip padded with silence), so the rendered track is as long as the
timeline to the sample, and a hold lasts what the pacing engine said.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydub import AudioSegment

from skill.audio.media import encode_vbr_mp3, load_audio, save_audio
from skill.audio.sounds import CueSounds
from skill.audio.speech import Clip
from skill.core.limits import (
    SSML_AUDIO_BITRATE_KBPS,
    SSML_AUDIO_SAMPLE_RATE_HZ,
    STREAM_MIN_BITRATE_KBPS,
    STREAM_SAMPLE_RATE_HZ,
)
from skill.core.timeline import Event

RENDERER_VERSION = "2"
"""Bump when the assembly changes in a way the name would not otherwise see.

2: tracks are VBR MP3 with a 16 kbps floor (were 64 kbps CBR), so no old track is reused."""
SPEECH_DBFS = -20.0
"""Every speech clip is brought to this average loudness, so recordings and synthesis match."""
PEAK_CEILING_DBFS = -3.0
"""...unless that would push its peaks above this (leaves headroom for a cue under it)."""
RATE = STREAM_SAMPLE_RATE_HZ
SAMPLE_WIDTH = 2
STREAM_VBR_QUALITY = 7
"""LAME's VBR quality for tracks (``-V 7``; 0 is best, 9 smallest). Measured on glute-release's
first track (`python -m benchmarks.audio_cost`): its speech frames average about 52 kbps,
above the 48 kbps Amazon asks of SSML speech clips, while the silence of a hold sits at the
floor, STREAM_MIN_BITRATE_KBPS."""
TRACK_ENCODING: Mapping[str, object] = {"format": "mp3", "mode": "vbr", "encoder": "lame",
                                        "vbr_quality": STREAM_VBR_QUALITY,
                                        "min_kbps": STREAM_MIN_BITRATE_KBPS, "channels": 1,
                                        "rate": RATE}
CUE_ENCODING: Mapping[str, object] = {"format": "mp3", "mode": "cbr", "channels": 1,
                                      "kbps": SSML_AUDIO_BITRATE_KBPS,
                                      "rate": SSML_AUDIO_SAMPLE_RATE_HZ}


def _frames(ms: int) -> int:
    return RATE * ms // 1000


def _pcm(data: bytes) -> Any:
    return AudioSegment(data=data, sample_width=SAMPLE_WIDTH, frame_rate=RATE, channels=1)


def fit(segment: Any, ms: int) -> Any:
    """Exactly `ms` of audio: cut or padded with silence at the end."""
    size = _frames(ms) * SAMPLE_WIDTH
    data: bytes = segment.raw_data[:size]
    return _pcm(data + b"\0" * (size - len(data)))


def prepared_speech(clip: Clip, ms: int) -> Any:
    """A clip as mono 16-bit PCM at the stream rate, loudness-matched, exactly `ms` long."""
    segment = load_audio(clip.path)
    segment = segment.set_channels(1).set_sample_width(SAMPLE_WIDTH).set_frame_rate(RATE)
    if segment.dBFS != float("-inf"):
        gain = min(SPEECH_DBFS - segment.dBFS, PEAK_CEILING_DBFS - segment.max_dBFS)
        segment = segment.apply_gain(gain)
    return fit(segment, ms)


def assemble(events: Iterable[Event], clips: Mapping[str, Clip], sounds: CueSounds) -> Any:
    """The whole timeline as one PCM segment: speech, then silence; cue sounds under the start."""
    parts: list[bytes] = []
    prepared: dict[str, Any] = {}
    for e in events:
        clip = clips.get(e.text) if e.text else None
        if clip is not None and e.speech_ms > 0:
            key = f"{clip.path}|{e.speech_ms}"
            if key not in prepared:
                prepared[key] = prepared_speech(clip, e.speech_ms)
            piece = fit(prepared[key], e.duration_ms)
        else:
            piece = fit(_pcm(b""), e.duration_ms)
        sound = sounds.get(e.sound) if e.sound else None
        if sound is not None:
            piece = piece.overlay(sound)  # overlay keeps the event's length exactly
        parts.append(piece.raw_data)
    return _pcm(b"".join(parts))


def export_track(segment: Any, path: Path) -> None:
    """Encode a streaming track as TRACK_ENCODING says: VBR MP3, mono, at the stream rate,
    every frame at least STREAM_MIN_BITRATE_KBPS, so a silent hold costs the floor (2 kB/s)
    instead of the speech rate, and the Xing/LAME tag gives players its exact length."""
    segment = segment.set_channels(1).set_sample_width(SAMPLE_WIDTH).set_frame_rate(RATE)
    encode_vbr_mp3(segment.raw_data, RATE, path, quality=STREAM_VBR_QUALITY,
                   min_kbps=STREAM_MIN_BITRATE_KBPS)


def export_mp3(segment: Any, path: Path, kbps: int, rate: int) -> None:
    """Encode CBR MP3, mono, at `rate` Hz (ffmpeg/libmp3lame through pydub): the SSML
    <audio> clips, whose encoding Amazon fixes (SSML_AUDIO_BITRATE_KBPS)."""
    save_audio(segment, path, format="mp3", bitrate=f"{kbps}k",
               parameters=["-ar", str(rate), "-ac", "1", "-map_metadata", "-1"])


def content_name(payload: object) -> str:
    """``<24 hex>.mp3`` from a JSON-able payload: same content, same name; any change, new name."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:24] + ".mp3"


def track_name(events: Iterable[Event], clips: Mapping[str, Clip], sounds: CueSounds,
               voice: str) -> str:
    """Content hash of everything that shapes a track's audio.

    Beyond the events, it covers which clip plays each line (a new recording of
    an unchanged line must give a new name), the cue sounds, the voice and the
    encoding, and the renderer version.
    """
    rows = []
    used: set[str] = set()
    for e in events:
        clip = clips.get(e.text) if e.text else None
        rows.append([e.kind.value, e.duration_ms, e.text, e.speech_ms, e.line_id, e.sound,
                     clip.fingerprint if clip is not None else ""])
        if e.sound:
            used.add(e.sound)
    return content_name({"renderer": RENDERER_VERSION, "encoding": dict(TRACK_ENCODING),
                         "speech_dbfs": SPEECH_DBFS, "voice": voice, "events": rows,
                         "sounds": {s: sounds.fingerprint(s) for s in sorted(used)}})
