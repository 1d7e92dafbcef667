"""Screens through the Lambda entry (`handler(event, None)`): what an Echo Show user sees.

A device that declares Alexa.Presentation.APL gets a RenderDocument whose datasource names the
step, side, muscle and hold being spoken; a device without it gets no APL at all. Touches
(Alexa.Presentation.APL.UserEvent) are the same events as the words on their buttons. Hold
times are checked against the SSML the user hears (tests/support/ssml_check.py reads it
independently), with the platform's speech-rate estimate, to within a second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import skill.app
from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.content import Content
from skill.core.limits import MAX_RESPONSE_BYTES
from skill.core.plan import steps
from skill.core.preferences import Preferences
from skill.core.record import replace
from skill.core.timeline import EventKind, estimate_speech_ms
from skill.lambda_function import handler
from skill.settings import Settings
from skill.state import UserState
from tests.conftest import Clock
from tests.support.alexa import Device, directives, past_screening, plain, prescreen, speech
from tests.support.directive_server import DirectiveServer
from tests.support.response_check import assert_valid_response
from tests.support.ssml_check import items

ROUTINE = "glute-release"
APL = "Alexa.Presentation.APL.RenderDocument"
WITHIN_MS = 1000


def send(device: Device, envelope: dict[str, Any]) -> dict[str, Any]:
    response = device.receive(handler(envelope, None))
    assert_valid_response(response, envelope["request"]["type"])
    return response


def start(device: Device, routine: str = ROUTINE) -> dict[str, Any]:
    return past_screening(lambda e: send(device, e), device, send(device, device.start(routine)))


def touch(device: Device, *arguments: object) -> dict[str, Any]:
    """A tap on one of our buttons: a UserEvent in the open session, as Alexa sends it."""
    return device.factory.envelope({
        "type": "Alexa.Presentation.APL.UserEvent", "token": "hipcoach-step",
        "arguments": list(arguments),
        "source": {"type": "TouchWrapper", "handler": "Press", "id": "b"}})


def screens(response: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in directives(response) if d["type"].startswith("Alexa.Presentation.APL")]


def payload(response: dict[str, Any]) -> dict[str, Any]:
    found = screens(response)
    assert len(found) == 1 and found[0]["type"] == APL, directives(response)
    data: dict[str, Any] = found[0]["datasources"]["payload"]
    return data


def said_times(ssml: str, text: str) -> list[int]:
    """Each time `text` starts in `ssml`: breaks plus the documented speech estimate per
    chunk."""
    at, found = 0, []
    for kind, value in items(ssml):
        if kind == "say" and text in str(value):
            found.append(at)
        at += estimate_speech_ms(str(value)) if kind == "say" else int(value)
    return found


def said_at(ssml: str, text: str) -> int:
    """When `text` is first said in `ssml`."""
    found = said_times(ssml, text)
    assert found, f"{text!r} is not said in {plain(ssml)[:300]}"
    return found[0]


def state_of(settings: Settings, device: Device) -> UserState:
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    probe = Device(user_id=device.user_id).launch()
    env = DefaultSerializer().deserialize(json.dumps(probe), RequestEnvelope)
    return UserState.from_dict(SqliteAdapter(settings.db_path).get_attributes(env))


@pytest.fixture
def dialog_skill(settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The Lambda entry's skill in dialog mode (no tracks: nothing streams)."""
    app = SkillApp(settings, persistence=SqliteAdapter(settings.db_path), clock=clock)
    monkeypatch.setattr(skill.app, "_default", app)
    return settings


def first_hold(content: Content) -> tuple[int, str]:
    """Step 1's hold for a new user, from the content (standard holds), and the first line of
    its hold (breathing) that the user hears."""
    planned = steps(content, content.routines[ROUTINE])[0]
    return Preferences().hold_seconds(planned.step.hold) * 1000, planned.step.title


# ------------------------------------------------------------------------ the step screen


def test_a_started_routine_shows_the_step_side_muscle_and_hold_being_spoken(
        dialog_skill: Settings, content: Content) -> None:
    show = Device(screen=True)
    response = start(show)
    shown = payload(response)
    hold_ms, title = first_hold(content)
    said = plain(speech(response))
    assert shown["kind"] == "step"
    assert (shown["number"], shown["count"]) == (1, len(steps(content, content.routines[ROUTINE])))
    assert shown["title"] == title and title in said
    assert shown["side"] == "left" and "left" in said
    assert shown["muscle"] == "gluteus maximus"
    assert shown["instruction"] and shown["holds"]
    first = shown["holds"][0]
    assert first["ms"] == hold_ms and first["side"] == "left"
    assert (first["in"], first["out"]) == Preferences().breath_ms()
    # the hold starts with the first breath cue of the speech, to within a second
    ssml = speech(response)
    breath = next(str(v) for k, v in items(ssml) if k == "say" and "reathe in" in str(v))
    assert abs(said_at(ssml, breath) - first["start"]) <= WITHIN_MS


def test_a_device_without_apl_gets_no_apl_directive(dialog_skill: Settings) -> None:
    for device in (Device(), Device(user_id="amzn1.ask.account.OTHER", audio_player=True)):
        for response in (send(device, device.launch()), start(device),
                         send(device, device.intent("AMAZON.NextIntent"))):
            assert screens(response) == []


def test_every_answer_on_a_screen_shows_the_text_said(dialog_skill: Settings) -> None:
    show = Device(screen=True)
    launch = payload(send(show, show.launch()))
    assert launch["kind"] == "menu" and "medical advice" in launch["note"]
    assert any(r["id"] == ROUTINE and r["minutes"] >= 1 and "ball" in r["equipment"]
               for r in launch["rows"])
    safety = send(show, show.intent("SafetyIntent"))
    assert payload(safety)["kind"] == "safety"
    assert payload(safety)["text"] in plain(speech(safety))


# ------------------------------------------------------------------------ touches


@pytest.mark.parametrize(("button", "intent"), [("pause", "AMAZON.PauseIntent"),
                                                ("next", "AMAZON.NextIntent"),
                                                ("repeat", "AMAZON.RepeatIntent")])
def test_a_button_behaves_as_its_intent(dialog_skill: Settings, button: str,
                                        intent: str) -> None:
    tapped = Device(screen=True, user_id="amzn1.ask.account.TAPPER")
    spoken = Device(screen=True, user_id="amzn1.ask.account.SPEAKER")
    for device in (tapped, spoken):
        prescreen(dialog_skill.db_path, device)
        start(device)
    by_touch = send(tapped, touch(tapped, button))
    by_voice = send(spoken, spoken.intent(intent))
    assert speech(by_touch) == speech(by_voice) and speech(by_voice)
    assert by_touch["response"].get("shouldEndSession") == \
        by_voice["response"].get("shouldEndSession")
    assert state_of(dialog_skill, tapped).position == state_of(dialog_skill, spoken).position
    assert [d["type"] for d in directives(by_touch)] == [d["type"] for d in directives(by_voice)]


def test_touching_a_routine_starts_it_as_saying_its_name(dialog_skill: Settings) -> None:
    tapped = Device(screen=True, user_id="amzn1.ask.account.TAPPER")
    spoken = Device(screen=True, user_id="amzn1.ask.account.SPEAKER")
    for device in (tapped, spoken):
        prescreen(dialog_skill.db_path, device)
        send(device, device.launch())
    by_touch = send(tapped, touch(tapped, "start", ROUTINE))
    by_voice = send(spoken, spoken.start(ROUTINE))
    assert speech(by_touch) == speech(by_voice)
    assert payload(by_touch)["kind"] == "step" and payload(by_touch) == payload(by_voice)


@pytest.mark.parametrize("arguments", [[], ["dance"], [7], [None], ["start"],
                                       ["start", "../../etc"], ["start", 3], ["next", "extra"],
                                       [{"deep": ["pause"]}]])
def test_unknown_touches_are_heard_as_not_understood(dialog_skill: Settings,
                                                     arguments: list[Any]) -> None:
    tapped = Device(screen=True, user_id="amzn1.ask.account.TAPPER")
    spoken = Device(screen=True, user_id="amzn1.ask.account.SPEAKER")
    by_touch = send(tapped, touch(tapped, *arguments))
    by_voice = send(spoken, spoken.intent("AMAZON.FallbackIntent"))
    assert speech(by_touch) == speech(by_voice)


def test_a_user_event_without_arguments_is_decoded_and_answered(dialog_skill: Settings) -> None:
    show = Device(screen=True)
    envelope = touch(show)
    del envelope["request"]["arguments"]
    assert speech(send(show, envelope))


# ------------------------------------------------------------------------ streaming


@pytest.fixture
def show_speaker(lambda_skill: Settings) -> Device:
    """An Echo Show with AudioPlayer: routines stream (fake tracks), answered screened."""
    device = Device(screen=True, audio_player=True)
    prescreen(lambda_skill.db_path, device)
    return device


def playing(device: Device, response: dict[str, Any]) -> None:
    play = next(d for d in directives(response) if d["type"] == "AudioPlayer.Play")
    device.player = {"token": play["audioItem"]["stream"]["token"],
                     "offsetInMilliseconds": 30_000, "playerActivity": "PLAYING"}


def test_a_streamed_step_shows_its_screen_beside_the_play(show_speaker: Device) -> None:
    response = start(show_speaker)
    kinds = [d["type"] for d in directives(response)]
    assert "AudioPlayer.Play" in kinds and APL in kinds
    assert response["response"]["shouldEndSession"] is True
    shown = payload(response)
    assert shown["kind"] == "step" and shown["side"] == "left" and shown["holds"]
    assert shown["holds"][0]["start"] > 0  # the track starts with the step's instructions


def test_playback_events_carry_no_apl(show_speaker: Device) -> None:
    playing(show_speaker, start(show_speaker))
    token = show_speaker.player["token"] if show_speaker.player else ""
    for kind in ("PlaybackStarted", "PlaybackNearlyFinished", "PlaybackStopped"):
        response = show_speaker.receive(handler(show_speaker.audio_event(kind, token, 1000), None))
        assert screens(response) == [] and "outputSpeech" not in response["response"]


def test_the_hurts_button_stops_a_playing_track_exactly_as_the_voice(
        lambda_skill: Settings) -> None:
    tapped = Device(screen=True, audio_player=True, user_id="amzn1.ask.account.TAPPER")
    spoken = Device(screen=True, audio_player=True, user_id="amzn1.ask.account.SPEAKER")
    for device in (tapped, spoken):
        prescreen(lambda_skill.db_path, device)
        playing(device, start(device))
    by_touch = send(tapped, touch(tapped, "hurts"))
    by_voice = send(spoken, spoken.intent("PainIntent"))
    assert [d["type"] for d in directives(by_touch)][:1] == ["AudioPlayer.Stop"]
    assert [d["type"] for d in directives(by_touch)] == [d["type"] for d in directives(by_voice)]
    assert speech(by_touch) == speech(by_voice)
    assert payload(by_touch)["kind"] == "pain"
    assert state_of(lambda_skill, tapped) == replace(state_of(lambda_skill, spoken))


# ------------------------------------------------------------------------ progressive pieces


def test_with_progressive_pieces_the_screen_clock_follows_the_final_speech(
        settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch,
        server: DirectiveServer, make_app: Callable[..., SkillApp], content: Content) -> None:
    from skill.adapters.progressive import DirectiveApiSender

    sender = DirectiveApiSender()
    try:
        progressive = replace(settings, progressive=True, settings_api=False)
        app = make_app(settings=progressive, sender=sender)
        monkeypatch.setattr(skill.app, "_default", app)
        show = Device(screen=True, api_endpoint=server.url, api_token="t")
        prescreen(progressive.db_path, show)
        response = start(show)
    finally:
        sender.close()
    assert server.requests, "the turn was meant to be paced by progressive responses"
    final = speech(response)
    shown = payload(response)
    planned = steps(content, content.routines[ROUTINE])[0]
    from skill.core.plan import step_timeline

    releases = [e.text for e in step_timeline(content, planned, Preferences(), 0).events
                if e.kind is EventKind.RELEASE and e.text]
    # the first hold that ends in the final response ends where its release line is said
    hold = next(h for h in shown["holds"] if h["start"] + h["ms"] > 0)
    begun = max(0, hold["start"])  # both sides end with the same line: the one after it
    release = min(t for r in releases for t in said_times(final, r) if t >= begun)
    print(f"progressive pieces: {len(server.requests)}; hold {hold}")
    assert abs(hold["start"] + hold["ms"] - release) <= WITHIN_MS
    if hold["start"] >= 0:  # it starts in the final response: with its first breath cue
        breath = next(str(v) for k, v in items(final) if k == "say" and "reathe in" in str(v))
        assert abs(said_at(final, breath) - hold["start"]) <= WITHIN_MS


# ------------------------------------------------------------------------ size


def test_the_largest_response_with_a_screen_fits_the_response_budget(
        dialog_skill: Settings, content: Content) -> None:
    largest, where = 0, ""
    for routine in content.menu:
        show = Device(screen=True, user_id=f"amzn1.ask.account.{routine.id.upper()}")
        prescreen(dialog_skill.db_path, show)
        response = start(show, routine.id)
        for turn in range(30):
            size = len(json.dumps(response).encode())
            if size > largest:
                largest, where = size, f"{routine.id} turn {turn + 1}"
            if state_of(dialog_skill, show).position is None:
                break
            response = send(show, show.intent("AMAZON.NextIntent"))
            assert screens(response)
    print(f"largest response with APL: {largest} bytes ({where}); budget {MAX_RESPONSE_BYTES}")
    assert largest <= MAX_RESPONSE_BYTES, where
