"""Real Alexa request envelopes (as JSON dicts), with session bookkeeping: the one device simulator.

Why real envelopes: the console must drive the skill through exactly the path a
device does (deserialization, session attributes, entity resolution, the
directive API for progressive responses), so bugs show up on a laptop. The
tests' `Device` (tests/support/alexa.py) is a thin wrapper over the same
`EnvelopeFactory`, so tests and console build the same envelopes and follow
the session by the same rule (`ends_session`). The clock and the id source are
injected, so tests get stable envelopes.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from skill.console.matcher import IntentMatch, SlotFill

JsonDict = dict[str, Any]
DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-00000000c0de"
"""Used when HIPCOACH_SKILL_ID is unset; the skill only checks the id when one is set."""
APL_INTERFACE: JsonDict = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}
"""What a device with a screen adds to supportedInterfaces (minimal: no context.Viewport)."""


def utc_now() -> datetime:
    """The real clock (tests inject their own)."""
    return datetime.now(UTC)


def new_id() -> str:
    """A fresh random id (tests inject a counter)."""
    return str(uuid.uuid4())


def timestamp(moment: datetime) -> str:
    """Alexa's request timestamp: UTC, whole seconds, "YYYY-MM-DDTHH:MM:SSZ"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slot_json(fill: SlotFill | None, name: str, authority: str) -> JsonDict:
    """One slot as Alexa sends it: value plus an entity-resolution block (or empty)."""
    slot: JsonDict = {"name": name, "confirmationStatus": "NONE"}
    if fill is None:
        return slot
    if fill.type.startswith("AMAZON."):  # built-in types carry no entity resolution
        slot.update({"value": fill.spoken, "source": "USER",
                     "slotValue": {"type": "Simple", "value": fill.spoken}})
        return slot
    status = "ER_SUCCESS_MATCH" if fill.resolved else "ER_SUCCESS_NO_MATCH"
    per_authority: JsonDict = {"authority": f"{authority}.{fill.type}", "status": {"code": status}}
    if fill.resolved:
        per_authority["values"] = [{"value": {"name": fill.value_name, "id": fill.value_id}}]
    resolutions = {"resolutionsPerAuthority": [per_authority]}
    slot.update({"value": fill.spoken, "source": "USER", "resolutions": resolutions,
                 "slotValue": {"type": "Simple", "value": fill.spoken,
                               "resolutions": resolutions}})
    return slot


def ends_session(response_envelope: Mapping[str, Any], screen: bool = False) -> bool:
    """Whether Alexa closes the session after this response, on a device with or without a screen.

    Alexa's rule, from "Manage the Skill Session and Session Attributes"
    (https://developer.amazon.com/en-US/docs/alexa/custom-skills/manage-skill-session-and-session-attributes.html)
    and "Keep the Session Open"
    (https://developer.amazon.com/docs/alexa-gadgets-toolkit/keep-session-open.html):
    `shouldEndSession: true` ends the session; `false` keeps it open and opens the
    microphone; left undefined, it depends on the device: one with a screen keeps the
    session open for up to about 30 seconds without opening the microphone (the user
    can still speak to the skill after the wake word), one without a screen ends it.
    A JSON null is taken as undefined here (one version of the first page groups an
    explicit null with false; moot for this skill: ask-sdk leaves a None out of the
    JSON, so the skill never sends null). Not modelled: the 30-second limit, and the
    docs' proviso that the screen shows the skill's visual content.
    """
    value = (response_envelope.get("response") or {}).get("shouldEndSession")
    if value is None:
        return not screen
    return value is not False


class DevicePlayer(Protocol):
    """The device's audio player as envelopes see it (`player_sim.SimPlayer` or `PlayerState`)."""

    def to_json(self) -> JsonDict: ...

    def absorb(self, directives: list[JsonDict]) -> None: ...


@dataclass
class PlayerState:
    """What `context.AudioPlayer` reports: the last stream the skill asked to play."""

    activity: str = "IDLE"
    token: str | None = None
    offset_ms: int = 0

    def absorb(self, directives: list[JsonDict]) -> None:
        """Follow AudioPlayer.Play / Stop / ClearQueue as a device would (instantly)."""
        for d in directives:
            kind = d.get("type")
            if kind == "AudioPlayer.Play":
                stream = d.get("audioItem", {}).get("stream", {})
                if d.get("playBehavior") != "ENQUEUE" or self.activity != "PLAYING":
                    self.token = stream.get("token")
                    self.offset_ms = int(stream.get("offsetInMilliseconds", 0))
                    self.activity = "PLAYING"
            elif kind == "AudioPlayer.Stop" or (
                    kind == "AudioPlayer.ClearQueue" and d.get("clearBehavior") == "CLEAR_ALL"):
                self.activity = "STOPPED" if self.token else "IDLE"

    def to_json(self) -> JsonDict:
        state: JsonDict = {"playerActivity": self.activity}
        if self.token is not None:
            state.update({"token": self.token, "offsetInMilliseconds": self.offset_ms})
        return state


@dataclass
class EnvelopeFactory:
    """Builds envelopes for one simulated user and device and follows the session.

    `absorb(response)` after each answer carries `sessionAttributes` forward and
    closes the session as Alexa would on this device (`ends_session`: on true; when
    shouldEndSession is left out, unless the device has a screen); the next request
    then opens a new session (`session.new` true). Requests that carry no session
    (AudioPlayer, PlaybackController) never touch the open session.
    """

    api_endpoint: str
    """Where the skill sends progressive responses (the console's local directive API)."""
    api_access_token: str = "console-token"
    user_id: str = "amzn1.ask.account.console-user"
    device_id: str = "amzn1.ask.device.console-device"
    application_id: str = DEFAULT_SKILL_ID
    locale: str = "en-US"
    audio_player: bool = False
    """Advertise the AudioPlayer interface (a smart speaker) or not (dialog mode only)."""
    screen: bool = False
    """A device with a screen (an Echo Show): advertises Alexa.Presentation.APL, and keeps the
    session open when a response leaves shouldEndSession out (see `ends_session`)."""
    clock: Callable[[], datetime] = utc_now
    ids: Callable[[], str] = new_id
    session_id: str | None = None
    """The open session, or None when no session is open (set it to pretend one is open)."""
    attributes: JsonDict = field(default_factory=dict)
    player: DevicePlayer = field(default_factory=PlayerState)
    """Follows the AudioPlayer directives of each response; what context.AudioPlayer reports."""
    reported_player: Callable[[], JsonDict | None] | None = None
    """Overrides `player` for context.AudioPlayer: what it returns is reported as is, and
    None reports none, with or without `audio_player` (tests pin the device's state)."""
    _fresh: str | None = field(default=None, init=False, repr=False)
    """A session opened by this factory and not yet sent (its first request is `new`)."""
    _last_in_session: bool = field(default=False, init=False, repr=False)
    """Whether the last envelope built carried the session (what `absorb` answers to)."""

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def launch(self) -> JsonDict:
        """LaunchRequest ("Alexa, open hip coach"): always in a new session."""
        self.session_id = None
        return self.envelope({"type": "LaunchRequest", "shouldLinkResultBeReturned": False})

    def intent(self, match: IntentMatch) -> JsonDict:
        """IntentRequest for a matched phrase; opens a session if none is open (one-shot)."""
        authority = f"amzn1.er-authority.echo-sdk.{self.application_id}"
        slots = {name: slot_json(match.slots.get(name), name, authority)
                 for name in match.slot_types}
        return self.intent_request(match.intent, slots)

    def intent_request(self, name: str, slots: Mapping[str, JsonDict] | None = None) -> JsonDict:
        """IntentRequest for intent `name` with slots as Alexa sends them (name -> slot JSON).

        No dialogState: Alexa includes it only for skills with a dialog model.
        """
        intent = {"name": name, "confirmationStatus": "NONE", "slots": dict(slots or {})}
        return self.envelope({"type": "IntentRequest", "intent": intent})

    def session_ended(self, reason: str = "USER_INITIATED",
                      error: Mapping[str, str] | None = None) -> JsonDict:
        """SessionEndedRequest for the open session; the session is closed afterwards."""
        request: JsonDict = {"type": "SessionEndedRequest", "reason": reason}
        if error is not None:
            request["error"] = dict(error)
        envelope = self.envelope(request)
        self.drop_session()
        return envelope

    def playback(self, request: JsonDict, audio: JsonDict | None = None) -> JsonDict:
        """An AudioPlayer.* or PlaybackController.* request: no session, as Alexa sends them.

        `audio` is context.AudioPlayer when the event happened (default: the player now).
        """
        return self.envelope(request, session=False, audio=audio)

    def controller(self, command: str) -> JsonDict:
        """A button on the device: PlaybackController.<Play|Pause|Next|Previous>CommandIssued."""
        return self.playback({"type": f"PlaybackController.{command}CommandIssued"})

    def ends(self, response_envelope: Mapping[str, Any]) -> bool:
        """Whether this response closes the session on this device (`ends_session`)."""
        return ends_session(response_envelope, self.screen)

    def absorb(self, response_envelope: Mapping[str, Any]) -> None:
        """Carry the skill's answer to the last request into the next (attributes, session,
        player); an answer to a request without a session changes only the player."""
        response = response_envelope.get("response") or {}
        self.player.absorb(list(response.get("directives") or []))
        if not self.in_session or not self._last_in_session:
            return
        attributes = response_envelope.get("sessionAttributes")
        self.attributes = dict(attributes) if isinstance(attributes, dict) else {}
        if self.ends(response_envelope):
            self.drop_session()

    def drop_session(self) -> None:
        """Forget the open session (it ended, or the skill failed and Alexa closed it)."""
        self.session_id = None
        self.attributes = {}

    def envelope(self, request: JsonDict, session: bool = True,
                 audio: JsonDict | None = None) -> JsonDict:
        """Any request (`type` plus its fields) in an envelope from this device.

        With `session`, in the open session (one is opened if none is); `audio` is
        context.AudioPlayer (default: `reported_player`, else `player` on a device
        with AudioPlayer). requestId, timestamp and locale are filled in unless given.
        """
        if session and self.session_id is None:
            self.session_id = self._fresh = f"amzn1.echo-api.session.{self.ids()}"
            self.attributes = {}
        self._last_in_session = session
        request = {"type": request["type"], "requestId": f"amzn1.echo-api.request.{self.ids()}",
                   "timestamp": timestamp(self.clock()), "locale": self.locale,
                   **{k: v for k, v in request.items() if k != "type"}}
        application = {"applicationId": self.application_id}
        user = {"userId": self.user_id}
        interfaces: JsonDict = {"AudioPlayer": {}} if self.audio_player else {}
        if self.screen:
            interfaces.update(copy.deepcopy(APL_INTERFACE))
        context: JsonDict = {"System": {
            "application": application, "user": user,
            "device": {"deviceId": self.device_id, "supportedInterfaces": interfaces},
            "apiEndpoint": self.api_endpoint, "apiAccessToken": self.api_access_token}}
        state = self._player_context(audio)
        if state is not None:
            context["AudioPlayer"] = state
        if not session:
            return {"version": "1.0", "context": context, "request": request}
        opened = {"new": self._fresh is not None and self._fresh == self.session_id,
                  "sessionId": self.session_id, "application": dict(application),
                  "attributes": copy.deepcopy(self.attributes), "user": dict(user)}
        self._fresh = None
        return {"version": "1.0", "session": opened, "context": context, "request": request}

    def _player_context(self, audio: JsonDict | None) -> JsonDict | None:
        if audio is not None:
            return dict(audio)
        if self.reported_player is not None:
            return self.reported_player()
        return self.player.to_json() if self.audio_player else None
