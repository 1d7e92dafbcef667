"""Progressive responses from the whole skill: a real DirectiveApiSender against a local fake
of Alexa's directive API (tests/support/directive_server.py, 127.0.0.1 only).

What the user would notice: every cue of a step is heard, in order, whether the pieces go
out as progressive responses or the directive API fails or hangs (then the final response
carries them); and a hanging API never makes the skill miss Alexa's response window.
Expected cues come from the core's timeline (skill.core.plan.step_timeline). No sleeps:
the fake's slow replies wait on events that closing the server releases.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from skill.adapters.progressive import DirectiveApiSender
from skill.app import SkillApp
from skill.content import load_content
from skill.core.limits import MAX_PROGRESSIVE, MAX_PROGRESSIVE_MS, PROGRESSIVE_SEND_BUDGET_S
from skill.core.plan import step_timeline, steps
from skill.core.preferences import HoldLength, Preferences
from skill.core.record import replace as record_replace
from skill.core.timeline import estimate_speech_ms
from skill.settings import Settings
from tests.support.alexa import Device, plain, prescreen, slot, speech, start_screened
from tests.support.directive_server import DirectiveServer, RecordedRequest, Reply
from tests.support.response_check import assert_valid_response
from tests.support.ssml_check import check_ssml, play_ms, spoken_chunks

CONTENT = load_content()
GLUTE = CONTENT.routines["glute-release"]
PLAN = steps(CONTENT, GLUTE)
TOKEN = "eyJhbGciOiJSUzI1NiJ9.progressive-test-token-SECRET"
WALL_BOUND_S = PROGRESSIVE_SEND_BUDGET_S + 0.5
"""handle() may take at most the progressive budget plus this slack, whatever the API does."""


def cues_of(step: int, prefs: Preferences | None = None, seed: int = 0) -> list[str]:
    """Every spoken cue of a step as the core paces it (a first-time user: seed 0)."""
    timeline = step_timeline(CONTENT, PLAN[step], prefs or Preferences(), seed)
    return [e.text for e in timeline.events if e.text]


def in_order(expected: list[str], heard: list[str]) -> list[str]:
    """The expected cues NOT found in `heard` in order (repeats in `heard` are allowed)."""
    missing, pos = [], 0
    for cue in expected:
        try:
            pos = heard.index(cue, pos) + 1
        except ValueError:
            missing.append(cue)
    return missing



@pytest.fixture
def app(
    make_app: Callable[..., SkillApp], settings: Settings, sender: DirectiveApiSender
) -> SkillApp:
    return make_app(settings=record_replace(settings, progressive=True, settings_api=False),
                    sender=sender)


@pytest.fixture
def device(server: DirectiveServer) -> Device:
    return Device(api_endpoint=server.url, api_token=TOKEN)


class Turns:
    """Sends requests and pairs each final response with the progressive pieces it caused."""

    def __init__(self, app: SkillApp, device: Device, server: DirectiveServer) -> None:
        self.app, self.device, self.server = app, device, server

    def send(self, envelope: dict[str, Any]) -> tuple[dict[str, Any], list[RecordedRequest]]:
        before = len(self.server.requests)
        response = self.device.receive(self.app.handle(envelope))
        assert_valid_response(response, envelope["request"]["type"])
        return response, self.server.requests[before:]


@pytest.fixture
def turns(app: SkillApp, device: Device, server: DirectiveServer, settings: Settings) -> Turns:
    prescreen(settings.db_path, device)  # "start" coaches at once (the request under test)
    return Turns(app, device, server)


def played(
    pieces: list[RecordedRequest], response: dict[str, Any], delivered: int | None = None
) -> list[str]:
    """What the user hears: delivered progressive speeches in order, then the final one."""
    speeches = [p.body["directive"]["speech"] for p in pieces[:delivered]]
    return [chunk for doc in [*speeches, speech(response)] for chunk in spoken_chunks(doc)]


# ------------------------------------------------------------------------- delivery


def test_start_routine_sends_progressive_speeches_for_this_request(
    turns: Turns, device: Device
) -> None:
    turns.send(device.launch())
    envelope = device.start("glute-release")
    response, pieces = turns.send(envelope)

    assert 1 <= len(pieces) <= MAX_PROGRESSIVE
    for piece in pieces:
        assert (piece.method, piece.path) == ("POST", "/v1/directives")
        assert piece.header("Authorization") == f"Bearer {TOKEN}"
        assert piece.body["header"] == {"requestId": envelope["request"]["requestId"]}
        directive = piece.body["directive"]
        assert directive["type"] == "VoicePlayer.Speak"
        doc = directive["speech"]
        assert doc.startswith("<speak>") and doc.endswith("</speak>")
        assert check_ssml(doc) == []
        assert play_ms(doc, estimate_speech_ms) <= MAX_PROGRESSIVE_MS
    # The pieces carry the opening, so the final response starts further on.
    first_cue = cues_of(0)[0]
    assert first_cue in spoken_chunks(pieces[0].body["directive"]["speech"])
    assert first_cue not in spoken_chunks(speech(response))
    # the final speech queues behind the pieces instead of cutting them off
    assert response["response"]["outputSpeech"].get("playBehavior") == "ENQUEUE"


def test_progressive_and_final_together_speak_every_cue_once_in_order(
    turns: Turns, device: Device
) -> None:
    turns.send(device.launch())
    response, pieces = turns.send(device.start("glute-release"))
    expected = cues_of(0)
    heard = [c for c in played(pieces, response) if c in set(expected)]
    assert heard == expected


@pytest.mark.parametrize("hold", [HoldLength.STANDARD, HoldLength.LONG])
def test_a_whole_routine_loses_no_cue_across_turns(
    turns: Turns, device: Device, hold: HoldLength
) -> None:
    """Long holds split a step over several turns; still every cue, in order, once."""
    turns.send(device.launch())
    if hold is HoldLength.LONG:
        turns.send(
            device.intent(
                "PreferenceIntent", setting=slot("setting", "longer holds", "longer-holds")
            )
        )
    heard: list[str] = []
    response, pieces = turns.send(device.start("glute-release"))
    heard += played(pieces, response)
    for _ in range(8):
        if "another routine" in plain(speech(response)):  # the routine is over
            break
        response, pieces = turns.send(device.intent("AMAZON.NextIntent"))
        heard += played(pieces, response)
    prefs = Preferences(hold=hold)
    expected = [cue for n in range(len(PLAN)) for cue in cues_of(n, prefs)]
    assert [c for c in heard if c in set(expected)] == expected


# ----------------------------------------------------------- a failing directive API


@pytest.mark.parametrize(
    "reply", [Reply.hang_forever(), Reply.trickle(0.05)], ids=["hang", "trickle"]
)
def test_a_hanging_api_costs_at_most_the_budget_and_loses_no_cue(
    turns: Turns,
    device: Device,
    server: DirectiveServer,
    reply: Reply,
    caplog: pytest.LogCaptureFixture,
) -> None:
    turns.send(device.launch())
    server.set_default(reply)
    caplog.set_level(logging.INFO)

    start = time.monotonic()
    response, pieces = turns.send(device.start("glute-release"))
    elapsed = time.monotonic() - start

    assert elapsed < WALL_BOUND_S, f"handle() took {elapsed:.2f} s"
    assert pieces, "the skill did not even try the directive API"
    heard = spoken_chunks(speech(response))  # nothing was confirmed: all in the final
    assert in_order(cues_of(0), heard) == []
    assert any("glute release" in c for c in heard), "the intro was lost"
    assert TOKEN not in caplog.text


@pytest.mark.parametrize("status", [400, 401, 403, 500])
def test_an_error_on_the_second_piece_loses_no_cue(
    turns: Turns, device: Device, server: DirectiveServer, status: int
) -> None:
    turns.send(device.launch())
    server.script(Reply.ok(), Reply.error(status))
    response, pieces = turns.send(device.start("glute-release"))
    assert len(pieces) == 2, "the skill kept sending after a refused piece"
    heard = played(pieces, response, delivered=1)  # only the first piece was accepted
    assert in_order(cues_of(0), heard) == []


def test_an_unreachable_api_loses_no_cue(app: SkillApp, server: DirectiveServer) -> None:
    url = server.url
    server.close()  # nothing listens there any more: connection refused
    device = Device(api_endpoint=url, api_token=TOKEN)
    device.receive(app.handle(device.launch()))
    start = time.monotonic()
    response = start_screened(app.handle, device, "glute-release")
    assert time.monotonic() - start < WALL_BOUND_S
    assert_valid_response(response, "IntentRequest")
    assert in_order(cues_of(0), spoken_chunks(speech(response))) == []


def test_requests_that_allow_no_progressive_response_send_none(
    turns: Turns, device: Device
) -> None:
    turns.send(device.launch())
    turns.send(device.start("glute-release"))
    _, pieces = turns.send(device.ended())
    assert pieces == []
