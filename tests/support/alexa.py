"""Request envelopes as Alexa sends them, and helpers to read responses, for tests.

Envelopes are plain dicts (what Lambda receives and what the web endpoint
parses). `Device` builds them with the console's `EnvelopeFactory`
(skill/console/envelopes.py), the one device simulator: tests and `hipcoach
chat` send the same envelopes and follow the session by the same rule. The
shapes are those of real Alexa traffic (tests/fixtures/envelope.json is the
reference; tests/test_console_envelopes.py checks that they agree).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from skill.console.envelopes import EnvelopeFactory, ends_session

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001"
USER_ID = "amzn1.ask.account.TESTUSER0001"
DEVICE_ID = "amzn1.ask.device.TESTDEVICE"
T = TypeVar("T")


def fixture(name: str) -> dict[str, Any]:
    """A copy of tests/fixtures/<name>.json."""
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    assert isinstance(data, dict)
    return data


def slot(name: str, value: str | None, resolved_id: str | None = None,
         no_match: bool = False) -> dict[str, Any]:
    """A slot as Alexa fills it, with entity resolution."""
    s: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is None:
        return s
    s["value"] = value
    if resolved_id is not None or no_match:
        status = "ER_SUCCESS_NO_MATCH" if no_match else "ER_SUCCESS_MATCH"
        authority: dict[str, Any] = {
            "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.TYPE",
            "status": {"code": status}}
        if not no_match:
            authority["values"] = [{"value": {"name": value, "id": resolved_id}}]
        s["resolutions"] = {"resolutionsPerAuthority": [authority]}
    return s


class _Shared(Generic[T]):
    """A Device attribute that lives on its EnvelopeFactory (one state under two names)."""

    def __init__(self, factory_name: str | None = None) -> None:
        self.factory_name = factory_name

    def __set_name__(self, owner: type, name: str) -> None:
        self.factory_name = self.factory_name or name

    def __get__(self, device: Device, owner: type | None = None) -> T:
        return cast(T, getattr(device.factory, str(self.factory_name)))

    def __set__(self, device: Device, value: T) -> None:
        setattr(device.factory, str(self.factory_name), value)


class Device:
    """One simulated user on one device, carrying a session like Alexa does.

    A thin test-facing wrapper over `EnvelopeFactory`: `intent` takes slots made by
    `slot()`, `player` pins what context.AudioPlayer reports, and `timestamp` is a
    fixed request time. A voice-only device by default (a response that leaves
    shouldEndSession out ends the session); `screen=True` for an Echo Show.
    """

    user_id: _Shared[str] = _Shared()
    audio_player: _Shared[bool] = _Shared()
    screen: _Shared[bool] = _Shared()
    api_endpoint: _Shared[str] = _Shared()
    api_token: _Shared[str] = _Shared("api_access_token")
    session_id: _Shared[str | None] = _Shared()
    """The open session, or None; set it to pretend a session is open (not `new`)."""
    attributes: _Shared[dict[str, Any]] = _Shared()

    def __init__(self, user_id: str = USER_ID, audio_player: bool = False,
                 api_endpoint: str = "https://api.amazonalexa.com",
                 api_token: str = "test-api-access-token", session_id: str | None = None,
                 attributes: dict[str, Any] | None = None,
                 player: dict[str, Any] | None = None,
                 timestamp: str = "2026-11-29T12:00:00Z", screen: bool = False) -> None:
        self.player = player
        """context.AudioPlayer as the device reports it (token, offset, playerActivity), or
        None: no context.AudioPlayer at all. Tests set it; responses do not change it."""
        self.timestamp = timestamp
        """Every request's timestamp ("YYYY-MM-DDTHH:MM:SSZ")."""
        self.factory = EnvelopeFactory(
            api_endpoint=api_endpoint, api_access_token=api_token, user_id=user_id,
            device_id=DEVICE_ID, application_id=SKILL_ID, audio_player=audio_player,
            screen=screen, clock=self._now, session_id=session_id,
            attributes=dict(attributes or {}), reported_player=self._reported_player)

    def _now(self) -> datetime:
        return datetime.fromisoformat(self.timestamp).astimezone(UTC)

    def _reported_player(self) -> dict[str, Any] | None:
        return copy.deepcopy(self.player)

    def _base(self, request: dict[str, Any], with_session: bool) -> dict[str, Any]:
        """Any request (`type` plus fields) from this device, in the session or without one."""
        return self.factory.envelope(dict(request), session=with_session)

    def launch(self) -> dict[str, Any]:
        return self.factory.launch()

    def intent(self, name: str, **slots: dict[str, Any]) -> dict[str, Any]:
        return self.factory.intent_request(name, slots)

    def start(self, routine_id: str, said: str | None = None) -> dict[str, Any]:
        return self.intent("StartRoutineIntent",
                           routine=slot("routine", said or routine_id.replace("-", " "),
                                        routine_id))

    def ended(self, reason: str = "USER_INITIATED",
              error_type: str | None = None) -> dict[str, Any]:
        """SessionEndedRequest in the open session (one is opened if none is); closes it."""
        error = {"type": error_type, "message": "test"} if error_type else None
        return self.factory.session_ended(reason, error)

    def audio_event(self, kind: str, token: str, offset_ms: int = 0) -> dict[str, Any]:
        """AudioPlayer.<kind>: no session, as Alexa sends it."""
        return self.factory.playback({"type": f"AudioPlayer.{kind}", "token": token,
                                      "offsetInMilliseconds": offset_ms})

    def controller(self, kind: str) -> dict[str, Any]:
        """PlaybackController.<kind>CommandIssued: no session."""
        return self.factory.controller(kind)

    def receive(self, response: dict[str, Any]) -> dict[str, Any]:
        """Keep session attributes; forget the session when the response ends it (as Alexa
        does on this device); an answer to a request without a session leaves it be."""
        self.factory.absorb(response)
        return response


def speech(response: dict[str, Any]) -> str:
    """The outputSpeech SSML of a response envelope ("" when none)."""
    out = response.get("response", {}).get("outputSpeech") or {}
    return str(out.get("ssml") or out.get("text") or "")


def reprompt(response: dict[str, Any]) -> str:
    out = (response.get("response", {}).get("reprompt") or {}).get("outputSpeech") or {}
    return str(out.get("ssml") or out.get("text") or "")


def plain(ssml: str) -> str:
    """SSML without tags, whitespace collapsed (for "does it say X" checks)."""
    return " ".join(re.sub(r"<[^>]+>", " ", ssml).split())


def directives(response: dict[str, Any]) -> list[dict[str, Any]]:
    found = response.get("response", {}).get("directives") or []
    return list(found)


def ends(response: dict[str, Any]) -> bool:
    """Whether the response ends the session on a voice-only device (anything but false)."""
    return ends_session(response)


def past_screening(send: Callable[[dict[str, Any]], dict[str, Any]], device: Device,
                   response: dict[str, Any]) -> dict[str, Any]:
    """`response` to starting a routine, or, when it was the deep-pressure question (asked
    once, before a user's first routine with deep pressure), the answer to "no"."""
    from skill.content import load_content

    if load_content().knowledge.screen in plain(speech(response)):
        return send(device.intent("AMAZON.NoIntent"))
    return response


def start_screened(handle: Callable[[dict[str, Any]], dict[str, Any]], device: Device,
                   routine_id: str) -> dict[str, Any]:
    """Start `routine_id` on `device` through `handle` (an app's), answering the
    deep-pressure question with "no" when it is asked; the response, as received."""

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        return device.receive(handle(envelope))

    return past_screening(send, device, send(device.start(routine_id)))


def prescreen(db_path: Path, device: Device) -> None:
    """Store `device`'s user as having answered the deep-pressure question ("no"), for
    tests about something else that start a deep routine as their first request."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.adapters.sqlite_store import SqliteAdapter
    from skill.state import UserState

    probe = Device(user_id=device.user_id).launch()
    envelope = DefaultSerializer().deserialize(json.dumps(probe), RequestEnvelope)
    store = SqliteAdapter(db_path)
    state = UserState.from_dict(store.get_attributes(envelope))
    store.save_attributes(envelope, {**state.to_dict(), "screened": True})
