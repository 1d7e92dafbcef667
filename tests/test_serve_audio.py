"""`hipcoach serve` says at start which audio devices get, and a tunnel's headers reach the app.

The command runs for real with waitress.serve replaced by a recorder that returns at once;
the end-to-end test serves the real app under waitress on loopback with the options the
command passes, since waitress strips X-Forwarded-* headers unless told otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import waitress
from click.testing import CliRunner, Result

from skill.audio import lazy
from skill.cli.serve import serve_command, waitress_options
from skill.web.app import create_app
from tests.support.alexa import Device, directives, plain, speech, start_screened
from tests.support.served import serving
from tests.support.tracks_ahead import render_ahead, stream_settings

NONE = "none: devices get spoken coaching, since AudioPlayer needs HTTPS"
DERIVED = "derived from the tunnel's X-Forwarded-* headers"
TUNNEL = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tunnel.example"}
VARIABLES = ("AUDIO_BASE_URL", "TRUST_PROXY", "STREAMING", "AUDIO_STORE", "AUDIO_BUCKET",
             "VERIFY", "SKILL_ID")


def run_serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str,
              **env: str) -> tuple[Result, dict[str, Any]]:
    """`hipcoach serve ARGS` with HIPCOACH_<name>=value for `env`; (result, waitress kwargs)."""
    for name in VARIABLES:
        monkeypatch.delenv(f"HIPCOACH_{name}", raising=False)
    monkeypatch.setenv("HIPCOACH_DATA_DIR", str(tmp_path / "data"))
    for name, value in env.items():
        monkeypatch.setenv(f"HIPCOACH_{name}", value)
    called: dict[str, Any] = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: called.update(kw, app=app))
    result = CliRunner().invoke(serve_command, list(args))
    assert result.exit_code == 0, result.output
    return result, called


def devices_line(result: Result) -> str:
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("Audio for devices:")]
    return line


def test_without_any_https_base_it_says_devices_get_speech_and_warns(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, called = run_serve(monkeypatch, tmp_path, "--port", "5055")
    assert NONE in devices_line(result)
    assert "warning:" in result.stderr and "HIPCOACH_TRUST_PROXY" in result.stderr
    # the console is not a device: it still gets this server's own http audio
    assert "http://127.0.0.1:5055/audio/" in result.stdout
    assert called["clear_untrusted_proxy_headers"] is True  # forged headers never reach it
    assert (called["host"], called["port"]) == ("127.0.0.1", 5055)


def test_behind_a_trusted_tunnel_it_says_the_base_is_derived_and_keeps_the_headers(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, called = run_serve(monkeypatch, tmp_path, TRUST_PROXY="1")
    assert DERIVED in devices_line(result)
    assert "warning:" not in result.stderr
    assert called["clear_untrusted_proxy_headers"] is False


def test_an_explicit_https_base_is_what_devices_get(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    result, _ = run_serve(monkeypatch, tmp_path, AUDIO_BASE_URL="https://tunnel.example/",
                          TRUST_PROXY="1")
    line = devices_line(result)
    assert "https://tunnel.example/audio/" in line and NONE not in line
    assert "warning:" not in result.stderr


def test_an_http_base_is_named_as_unplayable(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    result, _ = run_serve(monkeypatch, tmp_path, AUDIO_BASE_URL="http://192.0.2.7:5000")
    assert NONE in devices_line(result)
    assert "warning:" in result.stderr and "http://192.0.2.7:5000 is not HTTPS" in result.stderr


def test_streaming_off_is_said_without_a_warning(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    result, _ = run_serve(monkeypatch, tmp_path, STREAMING="0")
    assert "streaming is off" in devices_line(result)
    assert "warning:" not in result.stderr


def test_no_verify_behind_a_tunnel_is_warned_about(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    result, _ = run_serve(monkeypatch, tmp_path, "--no-verify", TRUST_PROXY="1")
    assert "warning:" in result.stderr and "verification is off" in result.stderr


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app under waitress on loopback, as `hipcoach serve` runs it behind a tunnel."""
    monkeypatch.setattr(lazy, "can_render", lambda: False)
    settings = stream_settings(tmp_path, trust_proxy=True)
    render_ahead(settings)
    with serving(create_app(settings), **waitress_options(settings)) as url:
        yield url


def test_a_tunnel_in_front_of_waitress_gets_play_urls_under_its_name(served: str) -> None:
    def post(envelope: dict[str, Any]) -> dict[str, Any]:
        reply = requests.post(f"{served}/alexa", data=json.dumps(envelope), headers=TUNNEL,
                              timeout=30)
        assert reply.status_code == 200
        body: dict[str, Any] = reply.json()
        return body

    body = start_screened(post, Device(audio_player=True), "glute-release")

    (play,) = directives(body)
    url = play["audioItem"]["stream"]["url"]
    assert url.startswith("https://tunnel.example/audio/")
    path = url.removeprefix("https://tunnel.example")
    assert requests.get(f"{served}{path}", timeout=30).status_code == 200  # served here
    assert plain(speech(body)).startswith("Let's do glute release.")
