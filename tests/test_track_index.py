"""Streaming where tracks cannot be rendered (AWS Lambda has no ffmpeg).

Tracks rendered ahead of time are found through the track index without pydub;
a track that is neither indexed nor renderable makes the skill fall back to
dialog mode instead of failing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from skill.app import SkillApp
from skill.audio import lazy
from skill.audio.lazy import LazyTracks, TrackUnavailable
from skill.audio.render import build_renderer
from skill.core.preferences import HoldLength, Preferences
from skill.settings import Settings
from tests.support.alexa import Device, directives, ends, reprompt, speech, start_screened

needs_tools = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None,
    reason="espeak-ng and ffmpeg render the tracks")


@pytest.fixture
def stream_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", progressive=False, streaming=True,
                    verify=False, audio_base_url="https://audio.example")


@needs_tools
def test_a_track_rendered_ahead_is_found_without_a_renderer(
        stream_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    prefs = Preferences(hold=HoldLength.SHORT)
    ref = build_renderer(stream_settings).track_for("piriformis-release", 0, 1, prefs)
    monkeypatch.setattr(lazy, "can_render", lambda: False)
    tracks = LazyTracks(stream_settings)  # a fresh process: only the store and its index

    url = tracks.url_for("piriformis-release", 0, 1, prefs)

    assert url == f"https://audio.example/audio/{ref.name}"
    assert (stream_settings.audio_dir / "tracks" / ref.name).is_file()
    with pytest.raises(TrackUnavailable):  # other preferences were never rendered
        tracks.url_for("piriformis-release", 0, 1, Preferences(hold=HoldLength.LONG))


def test_without_tracks_or_renderer_the_skill_coaches_in_dialog_mode(
        stream_settings: Settings, make_app: Callable[..., SkillApp],
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(lazy, "can_render", lambda: False)
    app = make_app(settings=stream_settings)
    device = Device(audio_player=True)
    device.receive(app.handle(device.launch()))

    response = start_screened(app.handle, device, "glute-release")

    assert not directives(response)
    assert not ends(response)
    assert "buttock" in speech(response) and reprompt(response)
    assert any("streaming unavailable" in r.getMessage() for r in caplog.records)
