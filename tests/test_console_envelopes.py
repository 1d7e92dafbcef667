"""The console's request envelopes: valid for ask-sdk, and following the session like Alexa."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.console.envelopes import EnvelopeFactory, timestamp
from skill.console.matcher import Matcher
from skill.content import load_content
from skill.interaction.generate import build_model

Json = dict[str, Any]
NOW = datetime(2026, 11, 29, 12, 0, 5, 123456, tzinfo=UTC)


def ids() -> Callable[[], str]:
    counter = count(1)
    return lambda: f"id-{next(counter)}"


def factory(**kw: Any) -> EnvelopeFactory:
    kw.setdefault("api_endpoint", "http://127.0.0.1:9")
    return EnvelopeFactory(clock=lambda: NOW, ids=ids(), **kw)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(build_model(load_content()))


def deserialize(envelope: Json) -> Any:
    return DefaultSerializer().deserialize(json.dumps(envelope), "ask_sdk_model.RequestEnvelope")


def test_intent_envelope_is_valid_for_ask_sdk(matcher: Matcher) -> None:
    f = factory(user_id="amzn1.ask.account.me")
    env = f.intent(matcher.match("start glute release"))
    assert env["version"] == "1.0"
    assert env["request"]["timestamp"] == "2026-11-29T12:00:05Z"
    assert env["request"]["locale"] == "en-US"
    model = deserialize(env)
    assert model.session.new is True
    assert model.session.user.user_id == "amzn1.ask.account.me"
    assert model.context.system.api_endpoint == "http://127.0.0.1:9"
    assert model.context.system.api_access_token == "console-token"
    assert model.context.system.device.supported_interfaces.audio_player is None
    assert model.request.object_type == "IntentRequest"
    assert model.request.request_id == "amzn1.echo-api.request.id-2"
    assert model.request.intent.name == "StartRoutineIntent"
    slot = model.request.intent.slots["routine"]
    assert slot.value == "glute release"
    authority = slot.resolutions.resolutions_per_authority[0]
    assert authority.status.code == StatusCode.ER_SUCCESS_MATCH
    assert (authority.values[0].value.id, authority.values[0].value.name) == (
        "glute-release", "glute release")
    assert authority.authority.endswith(".ROUTINE")


def test_no_match_and_empty_slots(matcher: Matcher) -> None:
    f = factory()
    model = deserialize(f.intent(matcher.match("start tap dancing")))
    slot = model.request.intent.slots["routine"]
    assert slot.value == "tap dancing"
    assert slot.resolutions.resolutions_per_authority[0].status.code == \
        StatusCode.ER_SUCCESS_NO_MATCH
    empty = deserialize(f.intent(matcher.match("let's start"))).request.intent.slots["routine"]
    assert (empty.name, empty.value, empty.resolutions) == ("routine", None, None)


def test_session_follows_the_skill(matcher: Matcher) -> None:
    f = factory()
    launch = f.launch()
    assert deserialize(launch).request.object_type == "LaunchRequest"
    assert launch["session"]["new"] is True
    f.absorb({"version": "1.0", "sessionAttributes": {"step": 2},
              "response": {"shouldEndSession": False}})
    second = f.intent(matcher.match("next"))
    assert second["session"]["new"] is False
    assert second["session"]["sessionId"] == launch["session"]["sessionId"]
    assert second["session"]["attributes"] == {"step": 2}
    f.absorb({"response": {"shouldEndSession": True}, "sessionAttributes": {"step": 3}})
    assert not f.in_session
    ended = factory()
    ended.launch()
    bye = ended.session_ended("EXCEEDED_MAX_REPROMPTS")
    model = deserialize(bye)
    assert model.request.object_type == "SessionEndedRequest"
    assert model.request.reason.value == "EXCEEDED_MAX_REPROMPTS"
    assert not ended.in_session


def test_next_request_after_end_opens_a_new_session(matcher: Matcher) -> None:
    f = factory()
    first = f.launch()
    f.absorb({"response": {"shouldEndSession": True}})
    again = f.intent(matcher.match("pause"))
    assert again["session"]["new"] is True
    assert again["session"]["sessionId"] != first["session"]["sessionId"]
    assert again["session"]["attributes"] == {}


def test_audio_player_interface_and_state(matcher: Matcher) -> None:
    f = factory(audio_player=True)
    env = f.launch()
    assert env["context"]["System"]["device"]["supportedInterfaces"] == {"AudioPlayer": {}}
    assert env["context"]["AudioPlayer"] == {"playerActivity": "IDLE"}
    f.absorb({"response": {"shouldEndSession": True, "directives": [
        {"type": "AudioPlayer.Play", "playBehavior": "REPLACE_ALL", "audioItem": {"stream": {
            "url": "https://x/a.mp3", "token": "t1", "offsetInMilliseconds": 1500}}}]}})
    model = deserialize(f.intent(matcher.match("pause")))
    assert model.context.system.device.supported_interfaces.audio_player is not None
    player = model.context.audio_player
    assert (player.token, player.offset_in_milliseconds, player.player_activity.value) == (
        "t1", 1500, "PLAYING")


def test_timestamp_is_utc_whole_seconds() -> None:
    assert timestamp(NOW) == "2026-11-29T12:00:05Z"




def test_playback_requests_carry_no_session(matcher: Matcher) -> None:
    f = factory(audio_player=True)
    opened = f.launch()
    f.absorb({"sessionAttributes": {"a": 1}, "response": {"shouldEndSession": False}})
    snapshot = {"playerActivity": "STOPPED", "token": "t1", "offsetInMilliseconds": 42}
    event = f.playback({"type": "AudioPlayer.PlaybackStopped", "token": "t1",
                        "offsetInMilliseconds": 42}, snapshot)
    assert "session" not in event
    assert event["context"]["AudioPlayer"] == snapshot
    model = deserialize(event)
    assert model.session is None
    assert (model.request.token, model.request.offset_in_milliseconds) == ("t1", 42)
    button = f.controller("Next")
    assert "session" not in button
    assert deserialize(button).request.object_type == "PlaybackController.NextCommandIssued"
    # the open session is untouched by them
    after = f.intent(matcher.match("help"))
    assert after["session"]["sessionId"] == opened["session"]["sessionId"]
    assert after["session"]["new"] is False
    assert after["session"]["attributes"] == {"a": 1}
