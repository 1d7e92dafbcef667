"""The chat loop: what you type -> a real request envelope -> the skill -> what Alexa says.

Why it behaves like a device: it opens with a LaunchRequest ("Alexa, open hip
coach"), keeps one session while the skill keeps it open, starts a new one
after `shouldEndSession: true` (a line then counts as "Alexa, ask hip coach
to ..."), plays progressive responses before the final response, and on the
end of input sends SessionEndedRequest(USER_INITIATED) for an open session.

Special lines: "open hip coach" (re)launches; "ask/tell hip coach to X" is a
one-shot; "exit" ends the session as Alexa does; an empty line is silence
(the reprompt once, then the session ends); lines starting with "#" are
comments, so a piped script can be annotated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from skill.console.directives import Speech
from skill.console.envelopes import EnvelopeFactory, JsonDict
from skill.console.matcher import Matcher, normalize
from skill.console.render import Player, describe_request, play_response, speech_ssml
from skill.console.transport import Transport, TransportError
from skill.core.limits import MAX_PROGRESSIVE


class Inbox(Protocol):
    """Where progressive responses arrive (the console's directive API, or a fake)."""

    def take(self) -> list[Speech]: ...


class NoInbox:
    """An inbox that never receives anything (for fakes that send no progressive responses)."""

    def take(self) -> list[Speech]:
        return []


def _wrappers(invocation: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    name = re.escape(invocation)
    launch = re.compile(rf"(?:open|launch|start|begin|load|run|talk to|use)? ?{name}(?: please)?")
    one_shot = re.compile(rf"(?:ask|tell|use) {name}(?: (?:to|for|about|if|whether|that))? (.+)")
    return launch, one_shot


@dataclass
class ChatSession:
    """One developer talking to one skill as one user on one device."""

    transport: Transport
    matcher: Matcher
    factory: EnvelopeFactory
    player: Player
    inbox: Inbox = field(default_factory=NoInbox)
    echo: bool = False
    """Print each input line (when input is piped, so the transcript reads as a dialog)."""
    _reprompt: str | None = None
    _silences: int = 0
    responses: list[JsonDict] = field(default_factory=list)
    """Every response envelope received, in order (tests and debugging)."""

    def __post_init__(self) -> None:
        self._launch, self._one_shot = _wrappers(self.matcher.invocation_name)

    def run(self, lines: Iterable[str], launch: bool = True) -> None:
        """Launch (optional), one turn per line, then end an open session."""
        if launch:
            self.send(self.factory.launch())
        try:
            for line in lines:
                self.turn(line)
        finally:
            self.close()

    def close(self) -> None:
        """End an open session the way a user walking away does."""
        if self.factory.in_session:
            self.send(self.factory.session_ended("USER_INITIATED"))

    def turn(self, line: str) -> None:
        """One thing the user says (or a silence, or a comment)."""
        line = line.strip()
        if line.startswith("#"):
            return
        if self.echo:
            self.player.screen.line(f"you> {line}")
        if not line:
            self._silence()
            return
        self._silences = 0
        text = normalize(line)
        if self._launch.fullmatch(text):
            self.close()
            self.send(self.factory.launch())
            return
        if text == "exit":
            self.close()
            return
        said = self._one_shot.fullmatch(text)
        self.send(self.factory.intent(self.matcher.match(said.group(1) if said else line)))

    def _silence(self) -> None:
        if not self.factory.in_session:
            return
        self._silences += 1
        if self._silences == 1 and self._reprompt:
            self.player.play_ssml(self._reprompt, "Alexa (reprompt): ")
            return
        self._silences = 0
        self.send(self.factory.session_ended("EXCEEDED_MAX_REPROMPTS"))

    def send(self, envelope: JsonDict) -> JsonDict | None:
        """Send, then play progressive responses in order, then the final response."""
        self.player.screen.line(f"  {describe_request(envelope)}", dim=True)
        late = self.inbox.take()
        if late:
            self._note(f"(dropped {len(late)} progressive response(s) that came after the "
                       "final response, as Alexa would)")
        try:
            response = self.transport.send(envelope)
        except TransportError as exc:
            self.player.screen.line(f"! {exc}")
            if envelope["request"]["type"] == "SessionEndedRequest":
                return None
            # Alexa ends the session when the skill fails; so does the console.
            self.factory.drop_session()
            self._reprompt = None
            return None
        self.responses.append(response)
        self._progressive(envelope, self.inbox.take())
        if envelope["request"]["type"] != "SessionEndedRequest":
            play_response(self.player, response)
        else:
            self._note("(session ended)")
        self.player.screen.line("")
        reprompt = ((response.get("response") or {}).get("reprompt") or {}).get("outputSpeech")
        self._reprompt = speech_ssml(reprompt)
        self.factory.absorb(response)
        return response

    def _progressive(self, envelope: JsonDict, speeches: list[Speech]) -> None:
        request = envelope["request"]
        mine = [s for s in speeches if s.request_id == request["requestId"]]
        if len(mine) < len(speeches):
            self._note(f"(warning: {len(speeches) - len(mine)} progressive response(s) carried "
                       "another requestId)")
        if mine and request["type"] not in ("LaunchRequest", "IntentRequest"):
            self._note(f"(warning: progressive responses are not allowed for {request['type']})")
        if len(mine) > MAX_PROGRESSIVE:
            self._note(f"(warning: {len(mine)} progressive responses; keep to {MAX_PROGRESSIVE})")
        for speech in mine:
            self.player.play_ssml(speech.ssml, "Alexa (progressive): ")

    def _note(self, text: str) -> None:
        self.player.screen.line(f"  {text}", dim=True)
