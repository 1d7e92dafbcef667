"""A user on an Echo or a voice-only speaker, talking to the Lambda entry.

`skill.lambda_function.handler(event, None)` runs the real skill, made hermetic by the
`lambda_skill` fixture: SQLite in a temporary folder, the fixed clock, streaming on with
fake tracks (URLs only, no audio rendered). `Echo.send` follows AudioPlayer directives
the way the device does (module docstring of tests/test_issue9_regressions.py), so a
test can hear a track that is left playing.

Its fixtures (`content`, `lambda_skill`, `new_user`) are registered for every test
module by tests/conftest.py (`pytest_plugins`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

import skill.app
from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.content import Content, load_content
from skill.core.record import replace
from skill.lambda_function import handler
from skill.settings import Settings
from skill.state import UserState
from tests.conftest import Clock
from tests.support.alexa import Device, directives, past_screening, plain, reprompt, speech
from tests.support.fake_tracks import FakeTracks

ROUTINE = "glute-release"
"""Two steps, both worked per side: tracks (0, 0), (0, 1), (1, 0), (1, 1)."""


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
def lambda_skill(settings: Settings, clock: Clock, content: Content,
                 monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The skill `handler` runs: streaming on, SQLite in tmp_path, the fixed clock."""
    streaming = replace(settings, streaming=True)
    app = SkillApp(streaming, persistence=SqliteAdapter(streaming.db_path), clock=clock,
                   tracks=FakeTracks(content))
    monkeypatch.setattr(skill.app, "_default", app)
    return streaming


@dataclass
class Echo:
    """One user on one device, talking to the Lambda entry."""

    device: Device
    settings: Settings
    content: Content

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        response = self.device.receive(handler(envelope, None))
        self._follow(response)
        return response

    def _follow(self, response: dict[str, Any]) -> None:
        """The device's player after the response (see the module docstring)."""
        for d in directives(response):
            if d["type"] == "AudioPlayer.Stop" and self.device.player is not None:
                self.device.player = {**self.device.player, "playerActivity": "STOPPED"}
            elif d["type"] == "AudioPlayer.Play" and d["playBehavior"] == "REPLACE_ALL":
                stream = d["audioItem"]["stream"]
                self.device.player = {"token": stream["token"],
                                      "offsetInMilliseconds": stream["offsetInMilliseconds"],
                                      "playerActivity": "PLAYING"}

    def say(self, intent: str, **slots: dict[str, Any]) -> dict[str, Any]:
        return self.send(self.device.intent(intent, **slots))

    def start(self, routine_id: str) -> dict[str, Any]:
        """"Start <routine>", answering "no" to the deep-pressure question if it comes."""
        return past_screening(self.send, self.device, self.send(self.device.start(routine_id)))

    def token(self, step: int, side: int, routine: str = ROUTINE) -> str:
        return f"hc1:{routine}:{step}:{side}:{self.content.version}"

    def event(self, kind: str, step: int, side: int, offset_ms: int = 0,
              routine: str = ROUTINE) -> dict[str, Any]:
        """AudioPlayer.<kind> for our track (step, side)."""
        return self.send(self.device.audio_event(kind, self.token(step, side, routine),
                                                 offset_ms))

    def playing(self, step: int, side: int, offset_ms: int, routine: str = ROUTINE) -> None:
        """The device reports our track (step, side) playing, `offset_ms` in."""
        self.device.player = {"token": self.token(step, side, routine),
                              "offsetInMilliseconds": offset_ms, "playerActivity": "PLAYING"}

    def plays_track(self, step: int, side: int) -> bool:
        """Whether the device is playing our track (step, side) right now."""
        player = self.device.player or {}
        return (player.get("playerActivity") == "PLAYING"
                and player.get("token") == self.token(step, side))

    def state(self) -> UserState:
        """The user's state as stored (what the next request will load)."""
        probe = Device(user_id=self.device.user_id).launch()
        envelope = DefaultSerializer().deserialize(json.dumps(probe), RequestEnvelope)
        return UserState.from_dict(SqliteAdapter(self.settings.db_path).get_attributes(envelope))


@pytest.fixture
def new_user(lambda_skill: Settings, content: Content) -> Callable[..., Echo]:
    """A first-time user on an Echo (`audio_player=True`) or a voice-only device."""

    def make(audio_player: bool = True,
             user_id: str = "amzn1.ask.account.ISSUE9USER") -> Echo:
        return Echo(Device(user_id=user_id, audio_player=audio_player), lambda_skill, content)

    return make


def types(response: dict[str, Any]) -> list[str]:
    return [d["type"] for d in directives(response)]


def the_play(response: dict[str, Any]) -> dict[str, Any]:
    plays = [d for d in directives(response) if d["type"] == "AudioPlayer.Play"]
    assert len(plays) == 1, directives(response)
    return plays[0]


def said(response: dict[str, Any]) -> str:
    return plain(speech(response))


def assert_dialog(response: dict[str, Any]) -> None:
    """Spoken coaching or an answer, no audio started, and the session stays open."""
    assert "AudioPlayer.Play" not in types(response), directives(response)
    assert said(response)
    assert response["response"]["shouldEndSession"] is False
    assert plain(reprompt(response))
