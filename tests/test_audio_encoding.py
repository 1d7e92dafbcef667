"""How streaming tracks and cue clips are encoded, read back frame by frame (tests/support/
mp3_frames.py parses the MPEG headers itself) and with ffprobe/ffmpeg.

Tracks: MP3, 24 kHz mono, variable bitrate with every frame inside AudioPlayer's 16-384 kbps,
a Xing/LAME tag that gives players the exact length, so a silent minute costs a fraction of a
spoken one. Cue clips for SSML <audio> keep Amazon's encoding: 48 kbps constant, 24 kHz.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydub import AudioSegment

from skill.audio import media
from skill.audio.assemble import export_track
from skill.audio.render import TrackPlan, TrackRenderer, build_renderer
from skill.content import load_content
from skill.core.limits import (
    SSML_AUDIO_BITRATE_KBPS,
    SSML_AUDIO_SAMPLE_RATE_HZ,
    STREAM_BITRATE_KBPS,
    STREAM_MIN_BITRATE_KBPS,
    STREAM_SAMPLE_RATE_HZ,
)
from skill.core.preferences import HoldLength, Preferences
from skill.settings import Settings
from tests.support import mp3_frames
from tests.support.mp3 import audio_stream, duration_ms

AUDIOPLAYER_MAX_KBPS = 384
"""AudioPlayer's documented ceiling ("Bitrates: 16kbps to 384 kbps", see limits.py)."""
FRAME_MS = 576 * 1000 / STREAM_SAMPLE_RATE_HZ
"""One MPEG-2 Layer III frame at the stream rate: 24 ms."""


@dataclass
class Rendered:
    renderer: TrackRenderer
    plan: TrackPlan
    track: Path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = tmp_path_factory.mktemp("encoding")
    (root / "audio" / "clips").mkdir(parents=True)
    (root / "audio" / "clips" / "manifest.json").write_text('{"format": 1, "clips": {}}')
    renderer = build_renderer(Settings(data_dir=root / "data"), load_content(),
                              audio_source=root / "audio")
    prefs = Preferences(hold=HoldLength.SHORT)
    ref = renderer.track_for("glute-release", 0, 0, prefs)
    path = renderer.store.open_path(ref.name)
    assert path is not None
    return Rendered(renderer, renderer.plan("glute-release", 0, 0, prefs), path)


def _decoded_samples(path: Path) -> int:
    """Samples an independent decoder (ffmpeg) plays, after the LAME tag's trimming."""
    pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-"], check=True, capture_output=True).stdout
    return len(pcm) // 2


def test_stream_track_is_mono_24khz_mp3_with_every_frame_inside_audioplayer_range(
        rendered: Rendered) -> None:
    stream = audio_stream(rendered.track)
    assert (stream["codec_name"], stream["channels"], stream["sample_rate"]) == ("mp3", 1,
                                                                                "24000")
    mp3 = mp3_frames.read(rendered.track)
    assert mp3.tag == "Xing"  # the variable-bitrate tag, not "Info"
    rates = {f.rate for f in mp3.frames}
    kbps = [f.kbps for f in mp3.audio]
    assert rates == {STREAM_SAMPLE_RATE_HZ} and all(f.mono and not f.mpeg1 for f in mp3.frames)
    assert min(kbps) >= STREAM_MIN_BITRATE_KBPS and max(kbps) <= AUDIOPLAYER_MAX_KBPS
    assert len(set(kbps)) > 3  # really variable: silence at the floor, speech above it
    average = rendered.track.stat().st_size * 8 / (sum(f.samples for f in mp3.audio)
                                                   / STREAM_SAMPLE_RATE_HZ) / 1000
    assert STREAM_MIN_BITRATE_KBPS <= average <= AUDIOPLAYER_MAX_KBPS


def test_track_plays_exactly_as_long_as_its_timeline(rendered: Rendered) -> None:
    timeline_ms = rendered.plan.timeline.duration_ms
    wanted = timeline_ms * STREAM_SAMPLE_RATE_HZ // 1000
    assert _decoded_samples(rendered.track) == wanted  # within a frame: to the sample
    mp3 = mp3_frames.read(rendered.track)
    assert mp3.tag_frames == len(mp3.audio)  # the length players read from the Xing tag
    assert mp3.gapless_samples() == wanted  # ... less the LAME tag's delay and padding
    # A player that ignores the LAME tag counts the encoder's delay and padding too: a few
    # frames long, never short, so an offset it reports never points past the audio.
    assert 0 <= duration_ms(rendered.track) - timeline_ms <= 4 * FRAME_MS


def test_a_seek_by_the_xing_table_lands_within_a_second(rendered: Rendered) -> None:
    """A resume sends back the offset the device reported; a player that seeks with the
    Xing table (100 steps, linear within each) instead of an exact index lands near it.
    Variable bitrate makes that coarser than constant (bytes are not spread evenly within a
    step); the 16 kbps floor keeps it to 0.6 s on this track (1.5 s at worst over a full
    render, BENCHMARKS.md). Without the floor this kind of track is off by about 1.6 s."""
    mp3 = mp3_frames.read(rendered.track)
    assert mp3.toc is not None and len(mp3.toc) == 100
    assert mp3_frames.toc_seek_error_s(mp3) <= 1.0


def _minute(tmp: Path, name: str, segment: AudioSegment) -> int:
    path = tmp / f"{name}.mp3"
    export_track(segment, path)
    mp3 = mp3_frames.read(path)
    assert min(f.kbps for f in mp3.audio) >= STREAM_MIN_BITRATE_KBPS, name
    return path.stat().st_size


def test_a_silent_minute_costs_a_fraction_of_a_spoken_one(rendered: Rendered,
                                                         tmp_path: Path) -> None:
    silent = _minute(tmp_path, "silent", AudioSegment.silent(60_000, STREAM_SAMPLE_RATE_HZ))
    clip = rendered.renderer.chain.synthesized(
        "Breathe in slowly through your nose, and let the ball sink a little deeper.")
    assert clip is not None
    speech = media.load_audio(clip.path).set_frame_rate(STREAM_SAMPLE_RATE_HZ)
    spoken = _minute(tmp_path, "spoken", (speech * (60_000 // len(speech) + 1))[:60_000])
    floor_minute = STREAM_MIN_BITRATE_KBPS * 1000 // 8 * 60  # 120 kB: every frame at 16 kbps
    cbr_minute = STREAM_BITRATE_KBPS * 1000 // 8 * 60  # the 64 kbps constant-rate tracks: 480 kB
    assert silent <= floor_minute * 1.01
    assert silent <= cbr_minute / 4 * 1.01 and silent <= spoken / 2.5
    assert spoken < cbr_minute  # speech itself is no dearer than before


def test_cue_clips_keep_the_ssml_audio_encoding(rendered: Rendered) -> None:
    for name, _ms in rendered.renderer.render_cue_clips().values():
        path = rendered.renderer.store.open_path(name)
        assert path is not None
        mp3 = mp3_frames.read(path)
        assert {(f.kbps, f.rate, f.mono) for f in mp3.audio} == {
            (SSML_AUDIO_BITRATE_KBPS, SSML_AUDIO_SAMPLE_RATE_HZ, True)}  # constant, every frame


def test_a_machine_without_lame_gets_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no lame (nor anything else) on PATH
    with pytest.raises(media.EncoderError, match="apt-get install lame"):
        export_track(AudioSegment.silent(100, STREAM_SAMPLE_RATE_HZ), tmp_path / "x.mp3")
    assert not (tmp_path / "x.mp3").exists()


def test_the_renderer_is_unavailable_without_lame(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    """So a missing track on such a machine falls back to spoken coaching at once."""
    from skill.audio.lazy import can_render

    assert can_render()
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not can_render()
