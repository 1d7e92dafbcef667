"""Request envelopes as Alexa sends them, and helpers to read responses, for tests.

Envelopes are plain dicts (what Lambda receives and what the web endpoint
parses), built from tests/fixtures/*.json templates so the shapes stay those of
real Alexa traffic.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001"
USER_ID = "amzn1.ask.account.TESTUSER0001"


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


@dataclass
class Device:
    """One simulated user on one device, carrying a session like Alexa does."""

    user_id: str = USER_ID
    audio_player: bool = False
    api_endpoint: str = "https://api.amazonalexa.com"
    api_token: str = "test-api-access-token"
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    player: dict[str, Any] | None = None
    """context.AudioPlayer as the device reports it (token, offset, playerActivity)."""
    timestamp: str = "2026-11-29T12:00:00Z"

    def _base(self, request: dict[str, Any], with_session: bool) -> dict[str, Any]:
        env = fixture("envelope")
        system = env["context"]["System"]
        system["user"]["userId"] = self.user_id
        system["application"]["applicationId"] = SKILL_ID
        system["apiEndpoint"] = self.api_endpoint
        system["apiAccessToken"] = self.api_token
        if self.audio_player:
            system["device"]["supportedInterfaces"]["AudioPlayer"] = {}
        if self.player is not None:
            env["context"]["AudioPlayer"] = copy.deepcopy(self.player)
        if with_session:
            new = self.session_id is None
            if new:
                self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
                self.attributes = {}
            env["session"] = {"new": new, "sessionId": self.session_id,
                              "application": {"applicationId": SKILL_ID},
                              "attributes": copy.deepcopy(self.attributes),
                              "user": {"userId": self.user_id}}
        else:
            env.pop("session", None)
        request.setdefault("requestId", f"amzn1.echo-api.request.{uuid.uuid4()}")
        request.setdefault("timestamp", self.timestamp)
        request.setdefault("locale", "en-US")
        env["request"] = request
        return env

    def launch(self) -> dict[str, Any]:
        self.session_id = None
        return self._base({"type": "LaunchRequest"}, True)

    def intent(self, name: str, **slots: dict[str, Any]) -> dict[str, Any]:
        return self._base({"type": "IntentRequest", "dialogState": "COMPLETED",
                           "intent": {"name": name, "confirmationStatus": "NONE",
                                      "slots": slots}}, True)

    def start(self, routine_id: str, said: str | None = None) -> dict[str, Any]:
        return self.intent("StartRoutineIntent",
                           routine=slot("routine", said or routine_id.replace("-", " "),
                                        routine_id))

    def ended(self, reason: str = "USER_INITIATED",
              error_type: str | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {"type": "SessionEndedRequest", "reason": reason}
        if error_type:
            request["error"] = {"type": error_type, "message": "test"}
        return self._base(request, True)

    def audio_event(self, kind: str, token: str, offset_ms: int = 0) -> dict[str, Any]:
        """AudioPlayer.<kind>: no session, as Alexa sends it."""
        return self._base({"type": f"AudioPlayer.{kind}", "token": token,
                           "offsetInMilliseconds": offset_ms}, False)

    def controller(self, kind: str) -> dict[str, Any]:
        """PlaybackController.<kind>CommandIssued: no session."""
        return self._base({"type": f"PlaybackController.{kind}CommandIssued"}, False)

    def receive(self, response: dict[str, Any]) -> dict[str, Any]:
        """Keep session attributes; forget the session when the response ends it."""
        self.attributes = response.get("sessionAttributes") or {}
        if response.get("response", {}).get("shouldEndSession") is not False:
            self.session_id = None
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
    return response.get("response", {}).get("shouldEndSession") is not False
