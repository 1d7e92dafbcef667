"""Progressive responses: delivery, stopping rules, the hard time budget, and envelope checks.

All HTTP goes to a local fake of the directive API on 127.0.0.1 (tests/support). Timing tests
check a guarantee (an upper bound on added wall time), not speed; the test code never sleeps.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.request_envelope import RequestEnvelope

from skill.adapters.progressive import (
    DEFAULT_BUDGET_S,
    DirectiveApiSender,
    NullSender,
    ProgressiveSender,
    ProgressiveTarget,
    target_from_envelope,
)
from skill.core.limits import MAX_PROGRESSIVE, PROGRESSIVE_SEND_BUDGET_S
from tests.support.directive_server import DirectiveServer, Reply

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.SECRET-access-token-do-not-log"
REQUEST_ID = "amzn1.echo-api.request.6f1b7c2e-9d0a-4c55-a0f1-3d2b9e7c1a11"
SPEECHES = [
    "<speak>Breathe in slowly.</speak>",
    "<speak>Keep the pressure steady <break time='2s'/> on the hip.</speak>",
    "<speak>Ten more seconds.</speak>",
    "<speak>Five.</speak>",
    "<speak>Release.</speak>",
]
# Slack for thread hand-off and loopback I/O on a loaded CI machine; a bound, not a benchmark.
SLACK_S = 0.3
LOGGER_NAME = "skill.adapters.progressive"



def _target(server: DirectiveServer) -> ProgressiveTarget:
    return ProgressiveTarget(api_endpoint=server.url, api_access_token=TOKEN, request_id=REQUEST_ID)


def _timed_send(
    sender: ProgressiveSender, target: ProgressiveTarget, speeches: list[str]
) -> tuple[int, float]:
    start = time.monotonic()
    count = sender.send(target, speeches)
    return count, time.monotonic() - start


def _warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER_NAME and r.levelno >= logging.WARNING]


def _assert_no_secrets_logged(caplog: pytest.LogCaptureFixture) -> None:
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert TOKEN not in text
    assert "SECRET" not in text
    for speech in SPEECHES:
        assert speech not in text
    assert "<speak>" not in text


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# --- delivery ------------------------------------------------------------------------------


def test_three_pieces_to_204_server_are_all_delivered_in_order(
    server: DirectiveServer, sender: DirectiveApiSender
) -> None:
    assert sender.send(_target(server), SPEECHES[:3]) == 3

    seen = server.requests
    assert [(r.method, r.path) for r in seen] == [("POST", "/v1/directives")] * 3
    for recorded, speech in zip(seen, SPEECHES[:3], strict=True):
        assert recorded.header("Authorization") == f"Bearer {TOKEN}"
        assert (recorded.header("Content-Type") or "").startswith("application/json")
        assert recorded.body == {
            "header": {"requestId": REQUEST_ID},
            "directive": {"type": "VoicePlayer.Speak", "speech": speech},
        }
    # One requests.Session: the pieces reuse one keep-alive connection.
    assert len({r.client_port for r in seen}) == 1


def test_403_on_second_piece_stops_and_does_not_send_the_third(
    server: DirectiveServer, sender: DirectiveApiSender, caplog: pytest.LogCaptureFixture
) -> None:
    server.script(Reply.ok(), Reply.error(403))
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)

    assert sender.send(_target(server), SPEECHES[:3]) == 1

    assert len(server.requests) == 2
    (warning,) = _warnings(caplog)
    assert "HTTP 403" in warning.getMessage()
    assert "delivered=1/3" in warning.getMessage()
    _assert_no_secrets_logged(caplog)


@pytest.mark.parametrize("status", [400, 401, 500, 503])
def test_error_status_on_first_piece_delivers_nothing(
    status: int,
    server: DirectiveServer,
    sender: DirectiveApiSender,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.set_default(Reply.error(status))
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)

    assert sender.send(_target(server), SPEECHES[:3]) == 0

    assert len(server.requests) == 1
    (warning,) = _warnings(caplog)
    assert f"HTTP {status}" in warning.getMessage()
    _assert_no_secrets_logged(caplog)


def test_at_most_five_pieces_are_sent(server: DirectiveServer, sender: DirectiveApiSender) -> None:
    assert sender.send(_target(server), [*SPEECHES, "<speak>extra</speak>"]) == MAX_PROGRESSIVE
    assert len(server.requests) == MAX_PROGRESSIVE == 5


def test_nothing_to_send_makes_no_call(server: DirectiveServer, sender: DirectiveApiSender) -> None:
    assert sender.send(_target(server), []) == 0
    assert server.requests == []


def test_null_sender_delivers_nothing(server: DirectiveServer) -> None:
    sender: ProgressiveSender = NullSender()
    assert sender.send(_target(server), SPEECHES) == 0
    assert server.requests == []


# --- the time budget -----------------------------------------------------------------------


def test_default_budget_keeps_the_added_time_promise() -> None:
    """The sender's deadline sits inside the promise in skill/core/limits.py."""
    assert DEFAULT_BUDGET_S < PROGRESSIVE_SEND_BUDGET_S <= 1.5


def test_hanging_server_returns_zero_within_budget(
    server: DirectiveServer, sender: DirectiveApiSender, caplog: pytest.LogCaptureFixture
) -> None:
    server.set_default(Reply.hang_forever())
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)

    count, elapsed = _timed_send(sender, _target(server), SPEECHES)

    assert count == 0
    assert elapsed <= DEFAULT_BUDGET_S + SLACK_S
    assert len(server.requests) == 1  # stopped at the first failure
    assert len(_warnings(caplog)) == 1
    _assert_no_secrets_logged(caplog)


@pytest.mark.parametrize(
    "reply",
    # A hang; and one byte every 50 ms, against which a read timeout (here 30 s, or any
    # value > 50 ms) never fires: only the hard deadline bounds either.
    [Reply.hang_forever(), Reply.trickle(0.05)],
    ids=["hanging", "trickling"],
)
def test_a_stuck_server_is_bounded_by_the_budget_even_with_long_call_timeout(
    server: DirectiveServer, reply: Reply
) -> None:
    server.set_default(reply)
    sender = DirectiveApiSender(call_timeout_s=30.0, budget_s=0.5)
    try:
        count, elapsed = _timed_send(sender, _target(server), SPEECHES)
    finally:
        sender.close()
    assert count == 0
    assert elapsed <= 0.5 + SLACK_S


def test_slow_server_delivers_a_prefix_within_budget(
    server: DirectiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.set_default(Reply.delayed(0.3))
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    sender = DirectiveApiSender(budget_s=1.0)
    try:
        count, elapsed = _timed_send(sender, _target(server), SPEECHES)
    finally:
        sender.close()

    assert 1 <= count < 5
    assert elapsed <= 1.0 + SLACK_S
    # The delivered ones are the first `count` pieces, in order (a prefix).
    bodies = [r.body["directive"]["speech"] for r in server.requests]
    assert bodies[:count] == SPEECHES[:count]
    assert len(_warnings(caplog)) == 1


def test_budget_uses_the_injected_clock(server: DirectiveServer) -> None:
    # deadline computed at t=0; piece 1 starts at t=0; piece 2 would start at t=0.99 (0.01 left).
    ticks = iter([0.0, 0.0, 0.99, 0.99])
    sender = DirectiveApiSender(budget_s=1.0, clock=lambda: next(ticks))
    try:
        assert sender.send(_target(server), SPEECHES[:3]) == 1
    finally:
        sender.close()
    assert len(server.requests) == 1


# --- connection failures and endpoint checks -----------------------------------------------


def test_connection_refused_returns_zero_quickly_and_logs_one_warning(
    sender: DirectiveApiSender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    target = ProgressiveTarget(f"http://127.0.0.1:{_closed_port()}", TOKEN, REQUEST_ID)

    count, elapsed = _timed_send(sender, target, SPEECHES)

    assert count == 0
    assert elapsed < 0.5
    (warning,) = _warnings(caplog)
    assert "ConnectionError" in warning.getMessage()
    assert "delivered=0/5" in warning.getMessage()
    _assert_no_secrets_logged(caplog)


@pytest.mark.parametrize(
    "endpoint", ["http://api.amazonalexa.com", "ftp://127.0.0.1:9", "not a url", ""]
)
def test_token_is_never_sent_to_a_plain_http_remote_endpoint(
    endpoint: str, sender: DirectiveApiSender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    assert sender.send(ProgressiveTarget(endpoint, TOKEN, REQUEST_ID), SPEECHES) == 0
    assert len(_warnings(caplog)) == 1
    _assert_no_secrets_logged(caplog)


def test_target_repr_hides_the_token() -> None:
    assert TOKEN not in repr(ProgressiveTarget("https://api.amazonalexa.com", TOKEN, REQUEST_ID))


# --- target_from_envelope ------------------------------------------------------------------


def _envelope(request: dict[str, Any], *, token: str | None = TOKEN) -> RequestEnvelope:
    system: dict[str, Any] = {
        "application": {"applicationId": "amzn1.ask.skill.0f8e2a6c-1111-4b2b-9a55-hipcoach"},
        "user": {"userId": "amzn1.ask.account.AEXAMPLEUSER"},
        "device": {
            "deviceId": "amzn1.ask.device.AEXAMPLEDEVICE",
            "supportedInterfaces": {"AudioPlayer": {}},
        },
        "apiEndpoint": "https://api.eu.amazonalexa.com",
    }
    if token is not None:
        system["apiAccessToken"] = token
    body: dict[str, Any] = {
        "version": "1.0",
        "context": {
            "System": system,
            "AudioPlayer": {"playerActivity": "PLAYING", "token": "hold-1"},
        },
        "request": {
            "requestId": REQUEST_ID,
            "timestamp": "2025-11-29T12:00:00Z",
            "locale": "en-GB",
            **request,
        },
    }
    if request["type"] in ("LaunchRequest", "IntentRequest"):
        body["session"] = {
            "new": request["type"] == "LaunchRequest",
            "sessionId": "amzn1.echo-api.session.0000-hipcoach",
            "application": system["application"],
            "user": system["user"],
            "attributes": {},
        }
    envelope: RequestEnvelope = DefaultSerializer().deserialize(json.dumps(body), RequestEnvelope)
    return envelope


LAUNCH = {"type": "LaunchRequest"}
INTENT = {
    "type": "IntentRequest",
    "dialogState": "COMPLETED",
    "intent": {
        "name": "StartRoutineIntent",
        "confirmationStatus": "NONE",
        "slots": {"area": {"name": "area", "value": "hip", "confirmationStatus": "NONE"}},
    },
}


@pytest.mark.parametrize("request_body", [LAUNCH, INTENT], ids=["launch", "intent"])
def test_target_from_launch_and_intent_requests(request_body: dict[str, Any]) -> None:
    target = target_from_envelope(_envelope(request_body))
    assert target == ProgressiveTarget(
        api_endpoint="https://api.eu.amazonalexa.com",
        api_access_token=TOKEN,
        request_id=REQUEST_ID,
    )


@pytest.mark.parametrize("request_body", [LAUNCH, INTENT], ids=["launch", "intent"])
def test_no_target_without_access_token(request_body: dict[str, Any]) -> None:
    assert target_from_envelope(_envelope(request_body, token=None)) is None


@pytest.mark.parametrize(
    "request_body",
    [
        {
            "type": "AudioPlayer.PlaybackNearlyFinished",
            "token": "hold-1",
            "offsetInMilliseconds": 0,
        },
        {"type": "PlaybackController.NextCommandIssued"},
        {"type": "SessionEndedRequest", "reason": "USER_INITIATED"},
    ],
    ids=["audioplayer", "playbackcontroller", "sessionended"],
)
def test_no_target_for_requests_that_forbid_progressive_responses(
    request_body: dict[str, Any],
) -> None:
    envelope = _envelope(request_body)
    assert envelope.request is not None
    assert envelope.request.object_type == request_body["type"]
    assert target_from_envelope(envelope) is None


def test_no_target_for_missing_context() -> None:
    assert target_from_envelope(RequestEnvelope()) is None
    assert target_from_envelope(None) is None
