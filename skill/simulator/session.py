"""One browser's conversation: its device profile, user, session and what the player reports.

Why the page, not the server, owns the player: the browser's <audio> element really plays
the tracks, so the offsets in PlaybackStopped and in context.AudioPlayer are the ones it
reports (`PlayerReport`). Everything else is the console's: the same matcher, the same
`EnvelopeFactory` (so envelopes are real and the session follows Alexa's rules) and the
same directive-API stand-in, so progressive responses travel through the skill's real
sender and come back in order before the final response.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from skill.console.directives import Speech
from skill.console.envelopes import EnvelopeFactory, JsonDict
from skill.console.matcher import Matcher, normalize
from skill.console.render import speech_ssml
from skill.core.record import Record, field, replace

PROFILES = {"echo-show": (True, True), "echo": (True, False), "speaker": (False, False)}
"""Profile -> (AudioPlayer, screen): Echo Show, Echo, a speaker without AudioPlayer."""
ACTIVITIES = frozenset({"IDLE", "PLAYING", "PAUSED", "STOPPED", "FINISHED",
                        "BUFFER_UNDERRUN"})
"""playerActivity values of context.AudioPlayer (AudioPlayer interface reference)."""
EVENTS = frozenset({"PlaybackStarted", "PlaybackNearlyFinished", "PlaybackFinished",
                    "PlaybackStopped"})
BUTTONS = frozenset({"Play", "Pause", "Next", "Previous"})
MAX_TEXT = 500
"""Our cap on one typed utterance; Alexa never sends a longer one."""


class SimClock:
    """The skill's clock and the envelopes' timestamps: real time plus whole simulated days
    (the days of the conversation whose turn it is; the app sets them under its lock)."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now, self.days = now, 0

    def __call__(self) -> datetime:
        return self._now() + timedelta(days=self.days)


class PlayerReport(Record):
    """What the page's player says it is doing (context.AudioPlayer)."""

    activity: str = "IDLE"
    token: str | None = None
    offset_ms: int = 0

    @classmethod
    def parse(cls, raw: Any) -> PlayerReport:
        """From the page's JSON; anything odd becomes an idle player (never a crash)."""
        if not isinstance(raw, dict):
            return cls()
        activity = raw.get("activity")
        token, offset = raw.get("token"), raw.get("offset")
        return cls(activity=activity if activity in ACTIVITIES else "IDLE",
                   token=token if isinstance(token, str) and token else None,
                   offset_ms=max(0, int(offset)) if isinstance(offset, (int, float)) else 0)

    def to_json(self) -> JsonDict:
        state: JsonDict = {"playerActivity": self.activity}
        if self.token is not None:
            state.update({"token": self.token, "offsetInMilliseconds": self.offset_ms})
        return state


class Exchange(Record):
    """One request and what came back: progressive speeches first, then the response."""

    request: JsonDict
    response: JsonDict
    progressive: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """What the console would print dimmed: the matcher's approximation warning."""


Send = Callable[[JsonDict], tuple[JsonDict, list[Speech]]]
"""Sends an envelope through the skill; returns the response and the progressive speeches."""


class Conversation(Record, frozen=False):
    """One simulated user on one simulated device."""

    matcher: Matcher
    clock: SimClock
    api_endpoint: str
    api_access_token: str
    application_id: str
    profile: str = "echo"
    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.sim-{uuid.uuid4().hex}")
    player: PlayerReport = field(default_factory=PlayerReport)
    factory: EnvelopeFactory | None = None
    days: int = 0
    """This browser's simulated days ahead ("come back tomorrow"): the shared clock is set
    to it for each of its turns, so one tab moving a day does not move another's."""

    def device(self) -> EnvelopeFactory:
        """The envelope factory for this profile (built on first use, kept for the session)."""
        if self.factory is None:
            audio, screen = PROFILES[self.profile]
            self.factory = EnvelopeFactory(
                api_endpoint=self.api_endpoint, api_access_token=self.api_access_token,
                user_id=self.user_id, device_id=f"amzn1.ask.device.sim-{self.profile}",
                application_id=self.application_id, audio_player=audio, screen=screen,
                clock=self.clock, reported_player=self._reported if audio else None)
        return self.factory

    def _reported(self) -> JsonDict | None:
        return self.player.to_json()

    def switch(self, profile: str) -> None:
        """Another device for the same user: a fresh session and an idle player."""
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}")
        self.profile, self.factory, self.player = profile, None, PlayerReport()

    def new_user(self) -> None:
        self.user_id = f"amzn1.ask.account.sim-{uuid.uuid4().hex}"
        self.factory, self.player = None, PlayerReport()

    def say(self, text: str, send: Send) -> list[Exchange]:
        """What the user said: launch, "exit", or an utterance matched like `hipcoach chat`."""
        factory = self.device()
        said = normalize(text[:MAX_TEXT])
        name = re.escape(self.matcher.invocation_name)
        if re.fullmatch(rf"(?:open|launch|start|talk to)? ?{name}", said):
            return [*self._close(send), self._send(factory.launch(), send)]
        if said == "exit":
            return self._close(send)
        one_shot = re.fullmatch(rf"(?:ask|tell) {name}(?: to)? (.+)", said)
        match = self.matcher.match(one_shot.group(1) if one_shot else text[:MAX_TEXT])
        notes: list[str] = []
        if match.approximate:
            notes.append("Alexa may not understand this phrasing: matched only approximately, "
                         f"to \"{match.sample or match.intent}\"")
        if match.intent == "AMAZON.StopIntent" and self.player.activity == "PLAYING":
            notes.append('while audio plays, Alexa sends "stop" as AMAZON.PauseIntent')
            match = replace(match, intent="AMAZON.PauseIntent")
        exchange = self._send(factory.intent(match), send)
        return [replace(exchange, notes=tuple(notes))]

    def event(self, kind: str, token: str, offset_ms: int, send: Send) -> Exchange:
        """An AudioPlayer event from the page's player, with the offset it measured."""
        if kind not in EVENTS:
            raise ValueError(f"unknown AudioPlayer event {kind!r}")
        request = {"type": f"AudioPlayer.{kind}", "token": token,
                   "offsetInMilliseconds": max(0, offset_ms)}
        return self._send(self.device().playback(request), send)

    def button(self, command: str, send: Send) -> Exchange:
        """A button on the device: PlaybackController.<command>CommandIssued."""
        if command not in BUTTONS:
            raise ValueError(f"unknown button {command!r}")
        return self._send(self.device().controller(command), send)

    def _close(self, send: Send) -> list[Exchange]:
        factory = self.device()
        if not factory.in_session:
            return []
        return [self._send(factory.session_ended("USER_INITIATED"), send)]

    def _send(self, envelope: JsonDict, send: Send) -> Exchange:
        response, speeches = send(envelope)
        request_id = envelope["request"]["requestId"]
        mine = tuple(s.ssml for s in speeches if s.request_id == request_id)
        self.device().absorb(response)
        return Exchange(request=envelope, response=response, progressive=mine)


def final_ssml(response: JsonDict) -> str | None:
    """The response's outputSpeech as SSML (None when it says nothing)."""
    return speech_ssml((response.get("response") or {}).get("outputSpeech"))
