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

from skill.console.envelopes import EnvelopeFactory, ends_session, timestamp
from skill.console.matcher import Matcher
from skill.content import load_content
from skill.interaction.generate import build_model
from tests.support.alexa import SKILL_ID, USER_ID, Device, fixture
from tests.support.alexa import ends as alexa_ends

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


# --- shouldEndSession as Alexa follows it, and the tests' Device on the same code path -------

def answer(end: Any = "absent", attributes: Json | None = None) -> Json:
    """A response envelope; `end` is the shouldEndSession value, or "absent" to leave it out."""
    body: Json = {"outputSpeech": {"type": "PlainText", "text": "Hi."}}
    if end != "absent":
        body["shouldEndSession"] = end
    return {"version": "1.0", "sessionAttributes": attributes or {"turn": 1}, "response": body}


@pytest.mark.parametrize("screen", [False, True], ids=["voice-only", "screen"])
@pytest.mark.parametrize("end,ends_on_voice_only,ends_on_screen", [
    (True, True, True),  # the session ends
    (False, False, False),  # open, with the microphone on
    ("absent", True, False),  # the device decides: a screen keeps it open (no microphone)
    (None, True, False),  # a JSON null is taken as left out (ask-sdk never sends one)
])
def test_should_end_session_as_alexa_follows_it(
        matcher: Matcher, screen: bool, end: Any, ends_on_voice_only: bool,
        ends_on_screen: bool) -> None:
    ends = ends_on_screen if screen else ends_on_voice_only
    assert ends_session(answer(end), screen) is ends
    f = factory(screen=screen)
    opened = f.launch()
    assert f.ends(answer(end)) is ends
    f.absorb(answer(end, {"turn": 1}))
    assert f.in_session is not ends
    following = f.intent(matcher.match("next"))["session"]
    if ends:
        assert following["new"] is True and following["attributes"] == {}
        assert following["sessionId"] != opened["session"]["sessionId"]
    else:
        assert following["new"] is False and following["attributes"] == {"turn": 1}
        assert following["sessionId"] == opened["session"]["sessionId"]


def test_a_screen_device_advertises_apl() -> None:
    env = factory(screen=True, audio_player=True).launch()
    assert env["context"]["System"]["device"]["supportedInterfaces"] == {
        "AudioPlayer": {}, "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}
    interfaces = deserialize(env).context.system.device.supported_interfaces
    assert interfaces.alexa_presentation_apl is not None
    assert interfaces.alexa_presentation_apl.runtime.max_version == "2023.3"
    voice = deserialize(factory().launch()).context.system.device.supported_interfaces
    assert voice.alexa_presentation_apl is None


def test_an_answer_to_a_playback_request_leaves_the_session_be(matcher: Matcher) -> None:
    f = factory(audio_player=True)
    opened = f.launch()
    f.absorb(answer(False, {"turn": 1}))
    f.controller("Next")
    f.absorb({"version": "1.0", "response": {}})  # no session, no shouldEndSession
    after = f.intent(matcher.match("help"))["session"]
    assert after["sessionId"] == opened["session"]["sessionId"]
    assert after["attributes"] == {"turn": 1}


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value ("context.System.device.deviceId", ...)."""
    if not isinstance(value, dict):
        return {prefix}
    paths = {prefix} if prefix else set()
    for key, item in value.items():
        paths |= key_paths(item, f"{prefix}.{key}" if prefix else key)
    return paths


def test_the_tests_device_sends_what_the_console_sends_and_the_fixture_shows(
        matcher: Matcher) -> None:
    fixture_env = fixture("envelope")
    device = Device()
    console = factory(user_id=USER_ID, application_id=SKILL_ID)
    launched = device.launch()
    assert key_paths(launched) == key_paths(console.launch()) == key_paths(fixture_env)
    for path in ("context.System.device.deviceId", "request.locale", "request.timestamp",
                 "context.System.apiEndpoint", "context.System.apiAccessToken",
                 "session.application.applicationId", "session.user.userId"):
        here, there = launched, fixture_env
        for key in path.split("."):
            here, there = here[key], there[key]
        assert here == there, path
    assert deserialize(launched).request.object_type == "LaunchRequest"
    # an intent: the same request shape, the tests' slot or the console's
    ours = device.start("glute-release")["request"]
    theirs = console.intent(matcher.match("start glute release"))["request"]
    assert set(ours) == set(theirs) == {"type", "requestId", "timestamp", "locale", "intent"}
    assert set(ours["intent"]) == set(theirs["intent"]) == {"name", "confirmationStatus",
                                                            "slots"}


@pytest.mark.parametrize("screen", [False, True], ids=["voice-only", "screen"])
def test_device_and_console_follow_a_response_without_should_end_session_alike(
        matcher: Matcher, screen: bool) -> None:
    device = Device(screen=screen)
    device.launch()
    device.receive(answer("absent"))
    via_device = device.intent("AMAZON.NextIntent")["session"]
    console = factory(screen=screen)
    console.launch()
    console.absorb(answer("absent"))
    via_console = console.intent(matcher.match("next"))["session"]
    assert set(via_device) == set(via_console)
    for session in (via_device, via_console):
        assert session["new"] is not screen  # voice-only: the session ended, a new one opens
        assert session["attributes"] == ({"turn": 1} if screen else {})
    assert device.factory.ends(answer("absent")) is console.ends(answer("absent")) is not screen
    assert alexa_ends(answer("absent")) is True  # tests' `ends`: a voice-only device


def test_device_keeps_its_test_facing_semantics() -> None:
    device = Device(audio_player=True)
    assert "AudioPlayer" not in device.launch()["context"]  # nothing pinned: none reported
    pinned = {"token": "t", "offsetInMilliseconds": 5, "playerActivity": "PAUSED"}
    device.player = pinned
    assert device.audio_event("PlaybackStopped", "t", 5)["context"]["AudioPlayer"] == pinned
    device.audio_player = False  # pinned is reported as is, as the old Device did
    assert device.controller("Next")["context"]["AudioPlayer"] == pinned
    device.session_id, device.attributes = "amzn1.echo-api.session.set", {"pending": "x"}
    env = device.intent("AMAZON.HelpIntent")
    assert env["session"]["new"] is False  # a session the test says is open is not new
    assert env["session"]["sessionId"] == "amzn1.echo-api.session.set"
    assert env["session"]["attributes"] == {"pending": "x"}
    stamped = Device(timestamp="2026-12-01T08:30:00Z").launch()
    assert stamped["request"]["timestamp"] == "2026-12-01T08:30:00Z"
    ended = device.ended("ERROR", "ENDPOINT_TIMEOUT")
    assert ended["request"]["error"] == {"type": "ENDPOINT_TIMEOUT", "message": "test"}
    assert device.session_id is None
