"""Dialog mode's cue chimes: rendered clips in SSML <audio>, only over HTTPS, within limits."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from skill.app import SkillApp
from skill.audio import lazy
from skill.audio.lazy import LazyTracks
from skill.core.limits import MAX_AUDIO_TAGS, SSML_AUDIO_BITRATE_KBPS, SSML_AUDIO_SAMPLE_RATE_HZ
from skill.settings import Settings
from tests.support.alexa import Device, speech, start_screened

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                reason="cue clips are encoded with ffmpeg")
AUDIO_SRC = re.compile(r'<audio src="([^"]+)"/>')


def _settings(tmp_path: Path, base: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", progressive=False, streaming=True, verify=False,
                    audio_base_url=base)


def test_dialog_turns_carry_cue_chimes_over_https(
        tmp_path: Path, make_app: Callable[..., SkillApp]) -> None:
    settings = _settings(tmp_path, "https://audio.example")
    app = make_app(settings=settings)
    device = Device(audio_player=False)  # dialog mode
    device.receive(app.handle(device.launch()))

    ssml = speech(start_screened(app.handle, device, "glute-release"))

    sources = AUDIO_SRC.findall(ssml)
    assert 0 < len(sources) <= MAX_AUDIO_TAGS
    for url in set(sources):
        assert url.startswith("https://audio.example/audio/")
        clip = settings.audio_dir / "tracks" / url.rsplit("/", 1)[1]
        probe = json.loads(subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(clip)],
            capture_output=True, text=True, check=True).stdout)["streams"][0]
        assert probe["codec_name"] == "mp3"
        assert int(probe["sample_rate"]) == SSML_AUDIO_SAMPLE_RATE_HZ
        assert int(probe["bit_rate"]) == SSML_AUDIO_BITRATE_KBPS * 1000


def test_plain_http_audio_gets_no_chimes(tmp_path: Path,
                                         make_app: Callable[..., SkillApp]) -> None:
    app = make_app(settings=_settings(tmp_path, "http://127.0.0.1:5000"))
    device = Device()
    device.receive(app.handle(device.launch()))

    ssml = speech(start_screened(app.handle, device, "glute-release"))

    assert "<audio" not in ssml and "buttock" in ssml


def test_chimes_rendered_ahead_are_found_where_nothing_can_render(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(tmp_path, "https://audio.example")
    rendered = LazyTracks(settings).cue_sounds()  # renders and indexes the clips
    assert rendered is not None and set(rendered) >= {"breathe_in", "release"}
    monkeypatch.setattr(lazy, "can_render", lambda: False)

    assert LazyTracks(settings).cue_sounds() == rendered  # a fresh Lambda: index only
    empty = _settings(tmp_path / "other", "https://audio.example")
    assert LazyTracks(empty).cue_sounds() is None  # nothing rendered, nothing to play


def _through_a_tunnel(client: Any, host: str | None) -> str:
    """A voice-only speaker starting glute release through `hipcoach serve`; `host`: the
    HTTPS name a trusted proxy forwards (None: a plain http request, no proxy)."""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": host} if host else {}
    device = Device(audio_player=False)

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        reply = client.post("/alexa", data=json.dumps(envelope), headers=headers,
                            content_type="application/json")
        assert reply.status_code == 200
        return device.receive(reply.get_json())

    send(device.launch())
    return speech(start_screened(send, device, "glute-release"))


def test_behind_a_trusted_tunnel_dialog_turns_chime_under_the_tunnels_name(
        tmp_path: Path) -> None:
    """No HIPCOACH_AUDIO_BASE_URL: the chimes go under the HTTPS name each request came
    through, as its tracks do, and a plain http request gets none."""
    from skill.core.record import replace
    from skill.web.app import create_app

    settings = replace(_settings(tmp_path, "unused"), audio_base_url=None, trust_proxy=True)
    client = create_app(settings).test_client()
    for host in ("one.tunnel.example", "two.tunnel.example"):
        sources = AUDIO_SRC.findall(_through_a_tunnel(client, host))
        assert sources and all(u.startswith(f"https://{host}/audio/") for u in sources)
        for url in set(sources):  # the tunnel would fetch them from this server
            with client.get(urlsplit(url).path) as served:
                assert served.status_code == 200 and served.data
    assert "<audio" not in _through_a_tunnel(client, None)
