"""Only audio a device can play: the audio base per request, through POST /alexa and Lambda.

The Flask app is the real one (verification off), with the real LazyTracks over a local
store whose tracks were "rendered ahead" (placeholder bytes in the track index), and
rendering switched off as on Lambda, so nothing here needs ffmpeg. A device must never get
an http URL: without an HTTPS base it is coached in speech, as a speaker without
AudioPlayer is.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from skill.app import SkillApp
from skill.audio import lazy
from skill.content import load_content
from skill.web.app import create_app
from tests.support.alexa import Device, directives, plain, reprompt, speech, start_screened
from tests.support.fake_tracks import FakeTracks
from tests.support.tracks_ahead import render_ahead, stream_settings

ROUTINE = "glute-release"
TUNNEL = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tunnel.example"}
STREAMING_OFF = "AudioPlayer devices get spoken coaching"
Json = dict[str, Any]


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on Lambda: only tracks rendered ahead can stream."""
    monkeypatch.setattr(lazy, "can_render", lambda: False)


def poster(app: Flask, headers: dict[str, str] | None = None) -> Callable[[Json], Json]:
    client = app.test_client()

    def post(envelope: Json) -> Json:
        reply = client.post("/alexa", data=json.dumps(envelope),
                            content_type="application/json", headers=headers or {})
        assert reply.status_code == 200
        body: Json = reply.get_json()
        return body

    return post


def start(app: Flask, headers: dict[str, str] | None = None,
          device: Device | None = None) -> Json:
    return start_screened(poster(app, headers), device or Device(audio_player=True), ROUTINE)


def play_url(body: Json) -> str:
    found = directives(body)
    assert [d["type"] for d in found] == ["AudioPlayer.Play"], found
    url: str = found[0]["audioItem"]["stream"]["url"]
    return url


def assert_spoken_coaching(body: Json, caplog: pytest.LogCaptureFixture) -> None:
    """Dialog mode, and not one http URL anywhere in what the device got."""
    assert directives(body) == []
    assert "Step 1" in plain(speech(body)) and plain(reprompt(body))
    assert body["response"]["shouldEndSession"] is False
    assert "http://" not in json.dumps(body)
    assert [r for r in caplog.records if STREAMING_OFF in r.getMessage()]


def test_behind_a_trusted_tunnel_the_play_url_is_under_the_tunnel_and_is_served(
        tmp_path: Path) -> None:
    settings = stream_settings(tmp_path, trust_proxy=True)
    stored = render_ahead(settings)
    app = create_app(settings)
    device = Device(audio_player=True)

    url = play_url(start(app, TUNNEL, device))

    assert url.startswith("https://tunnel.example/audio/")
    name = url.rsplit("/", 1)[1]
    got = app.test_client().get(f"/audio/{name}")  # what the tunnel forwards
    assert got.status_code == 200 and got.get_data() == stored[name]
    got.close()
    token = directives(start(app, TUNNEL, device))[0]["audioItem"]["stream"]["token"]
    nearly = poster(app, TUNNEL)(device.audio_event("PlaybackNearlyFinished", token, 30_000))
    assert play_url(nearly).startswith("https://tunnel.example/audio/")  # the next side too


def test_without_an_https_base_an_audio_device_is_coached_like_a_plain_speaker(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = stream_settings(tmp_path)
    render_ahead(settings)
    app = create_app(settings)
    caplog.set_level(logging.INFO)

    echo = start(app, device=Device(audio_player=True, user_id="amzn1.ask.account.echo"))
    again = start(app, device=Device(audio_player=True, user_id="amzn1.ask.account.other"))
    speaker = start(app, device=Device(audio_player=False, user_id="amzn1.ask.account.plain"))

    assert_spoken_coaching(echo, caplog)
    assert echo["response"] == speaker["response"] == again["response"]
    why = [r.getMessage() for r in caplog.records if STREAMING_OFF in r.getMessage()]
    assert len(why) == 1, why  # once, not every request
    assert "no HTTPS base" in why[0] and "HIPCOACH_AUDIO_BASE_URL" in why[0]


@pytest.mark.parametrize("base", ["http://192.0.2.7:5000", "http://tunnel.example",
                                  "https://tunnel.example:8443", "https://localhost"])
def test_a_base_no_device_can_play_from_gives_spoken_coaching(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, base: str) -> None:
    settings = stream_settings(tmp_path, audio_base_url=base)  # nothing rendered ahead
    caplog.set_level(logging.INFO)

    body = start(create_app(settings))

    assert_spoken_coaching(body, caplog)
    assert base.split("//")[1].split(":")[0] not in json.dumps(body)
    # decided before any track is looked up or rendered: no "missing track" warning
    assert not [r for r in caplog.records if "no track for" in r.getMessage()]


def test_a_track_url_a_device_cannot_play_is_never_sent(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Tracks that ignore the request's base (a store misconfigured, a fake) are checked
    URL by URL."""
    plain_http = FakeTracks(load_content())
    plain_http.url_for = lambda *args: "http://cdn.example/track.mp3"  # type: ignore[method-assign]
    skill = SkillApp(stream_settings(tmp_path), tracks=plain_http)
    caplog.set_level(logging.INFO)

    body = start_screened(skill.handle, Device(audio_player=True), ROUTINE)

    assert_spoken_coaching(body, caplog)


def test_an_explicit_base_wins_over_the_forwarded_headers(tmp_path: Path) -> None:
    settings = stream_settings(tmp_path, trust_proxy=True, audio_base_url="https://cdn.example")
    render_ahead(settings)

    assert play_url(start(create_app(settings), TUNNEL)).startswith("https://cdn.example/audio/")


def test_forwarded_headers_are_ignored_unless_a_proxy_is_trusted(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = stream_settings(tmp_path)  # HIPCOACH_TRUST_PROXY off
    render_ahead(settings)
    caplog.set_level(logging.INFO)

    body = start(create_app(settings), TUNNEL)

    assert_spoken_coaching(body, caplog)
    assert "tunnel.example" not in json.dumps(body)


@pytest.mark.parametrize("host", ["tunnel.example/audio", "user@tunnel.example",
                                  "tunnel .example", "tunnel.example:99999", "-x.example",
                                  "tunnel.example?x=1", ""])
def test_a_malformed_forwarded_host_is_ignored_with_a_log_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, host: str) -> None:
    settings = stream_settings(tmp_path, trust_proxy=True)
    render_ahead(settings)
    caplog.set_level(logging.INFO)

    body = start(create_app(settings), {**TUNNEL, "X-Forwarded-Host": host})

    assert_spoken_coaching(body, caplog)
    if host:
        assert "tunnel" not in json.dumps(body)
        assert [r for r in caplog.records if "ignored forwarded host" in r.getMessage()]


@pytest.mark.parametrize(("headers", "base"), [
    ({"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "tunnel.example, 10.0.0.2:5000"},
     "https://tunnel.example/audio/"),
    ({"X-Forwarded-Proto": "HTTPS", "X-Forwarded-Host": "Tunnel.Example:443"},
     "https://tunnel.example/audio/"),
    ({"Forwarded": 'for=192.0.2.60;proto=https;host="tunnel.example", for=10.0.0.1'},
     "https://tunnel.example/audio/"),
    ({"X-Forwarded-Proto": "https", "Host": "public.example"}, "https://public.example/audio/"),
], ids=["first-of-a-list", "case-and-443", "rfc7239", "host-passed-on"])
def test_what_tunnels_send_gives_the_public_base(tmp_path: Path, headers: dict[str, str],
                                                 base: str) -> None:
    settings = stream_settings(tmp_path, trust_proxy=True)
    render_ahead(settings)

    assert play_url(start(create_app(settings), headers)).startswith(base)


def test_a_plain_speaker_behind_the_tunnel_is_unchanged(tmp_path: Path) -> None:
    settings = stream_settings(tmp_path, trust_proxy=True)
    render_ahead(settings)
    app = create_app(settings)

    tunnelled = start(app, TUNNEL, Device(user_id="amzn1.ask.account.a"))
    direct = start(app, None, Device(user_id="amzn1.ask.account.b"))

    assert directives(tunnelled) == []
    assert tunnelled["response"] == direct["response"]


def test_the_console_over_http_still_gets_local_audio(tmp_path: Path) -> None:
    settings = stream_settings(tmp_path)
    render_ahead(settings)

    url = play_url(start(create_app(settings), {"X-Hipcoach-Console": "1"}))

    assert url.startswith("http://localhost/audio/")  # the test client's own host
