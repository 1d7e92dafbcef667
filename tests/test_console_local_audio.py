"""The console is not a device: `hipcoach chat --audio-player` in process still plays this
machine's http tracks, and says once that a device would not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

import skill.app
from skill.app import SkillApp
from skill.audio import lazy
from skill.cli.chat import chat_command
from skill.console.transport import Http
from skill.web.app import create_app
from tests.conftest import Clock
from tests.support.alexa import Device, directives, start_screened
from tests.support.served import serving
from tests.support.tracks_ahead import render_ahead, stream_settings


def test_chat_in_process_plays_local_http_tracks_and_says_so_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lazy, "can_render", lambda: False)
    monkeypatch.delenv("HIPCOACH_SKILL_ID", raising=False)
    settings = stream_settings(tmp_path)  # no HIPCOACH_AUDIO_BASE_URL, no tunnel
    stored = render_ahead(settings)
    monkeypatch.setattr(skill.app, "_default", SkillApp(settings, clock=Clock()))

    result = CliRunner().invoke(chat_command, ["--fast", "--audio-player", "--no-launch"],
                                input="start glute release\nno\n")

    assert result.exit_code == 0, result.output
    playing = [line for line in result.output.splitlines() if line.startswith("▶ playing")]
    assert len(playing) == len(stored)  # every track of the routine, hands-free
    assert all("http://127.0.0.1:5000/audio/" in line for line in playing)
    assert {line.rsplit("/", 1)[1] for line in playing} == set(stored)
    notes = [line for line in result.output.splitlines() if "a device plays only HTTPS" in line]
    assert len(notes) == 1, notes


def test_chat_over_http_gets_the_servers_own_http_tracks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`hipcoach chat --url` against `hipcoach serve --no-verify`: the console says who it is,
    so the server sends it URLs under the address the console used, which it serves."""
    monkeypatch.setattr(lazy, "can_render", lambda: False)
    settings = stream_settings(tmp_path)
    stored = render_ahead(settings)
    with serving(create_app(settings)) as base:
        body = start_screened(Http(base).send, Device(audio_player=True), "glute-release")
        (play,) = directives(body)
        url = play["audioItem"]["stream"]["url"]
        assert url.startswith(f"{base}/audio/")
        fetched = requests.get(url, timeout=30)
        assert fetched.status_code == 200 and fetched.content in stored.values()
        # the same server gives a device (no console header) spoken coaching
        device = start_screened(lambda e: requests.post(f"{base}/alexa", json=e,
                                                        timeout=30).json(),
                                Device(audio_player=True, user_id="amzn1.ask.account.echo"),
                                "glute-release")
        assert directives(device) == [] and "http://" not in json.dumps(device)
