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

Streaming mode (`audio`, a simulated player): AudioPlayer directives are carried
out and the device's events sent without a session; tracks play on the injected
clock. With `playthrough` the whole queue plays before the next line is read;
without it one track plays at a time: a line said meanwhile goes to the skill
with context.AudioPlayer (the track, its offset, PLAYING), an empty line keeps
listening (Ctrl-C while it plays: back to the prompt). "press
play|pause|next|previous" is a button on the device.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from skill.console.directives import Speech
from skill.console.envelopes import EnvelopeFactory, JsonDict
from skill.console.matcher import Matcher, normalize
from skill.console.player_sim import Event, SimPlayer
from skill.console.render import Player, clock_text, describe_request, play_response, speech_ssml
from skill.console.tracks import describe_audio
from skill.console.transport import Transport, TransportError
from skill.core.limits import MAX_PROGRESSIVE
from skill.core.record import replace

MAX_EVENTS = 50
"""Playback events in a row before the console suspects a loop (e.g. Play answering Started)."""
BUTTONS = {"play": "Play", "pause": "Pause", "next": "Next", "previous": "Previous"}
LISTEN_HINT = "(say pause, next, previous, resume, or press enter to keep listening)"


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
    audio: SimPlayer | None = None
    """The simulated AudioPlayer (a device that declares AudioPlayer), or None."""
    playthrough: bool = True
    """Play the whole queue before the next line (piped or --fast); else one track a line."""

    def __post_init__(self) -> None:
        self._launch, self._one_shot = _wrappers(self.matcher.invocation_name)
        if self.audio is not None:
            self.factory.player = self.audio

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
        audio = self.audio
        if not line:
            if audio is not None and audio.playing and not self.factory.in_session:
                self._listen()  # keep listening: the track plays on
                self._after_playback()
            else:
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
        button = re.fullmatch(r"press (play|pause|next|previous)", text)
        if button and audio is not None:
            self._drain(self.factory.controller(BUTTONS[button.group(1)]))
            self._after_playback()
            return
        said = self._one_shot.fullmatch(text)
        match = self.matcher.match(said.group(1) if said else line)
        if match.approximate:
            self._note(f"(Alexa may not understand this phrasing: the console matched it only "
                       f"approximately, to \"{match.sample or match.intent}\")")
        if match.intent == "AMAZON.StopIntent" and audio is not None and audio.playing:
            self._note('(while audio plays, Alexa sends "stop" as AMAZON.PauseIntent)')
            match = replace(match, intent="AMAZON.PauseIntent")
        self.send(self.factory.intent(match))

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
            play_response(self.player, response, audio_player=self.audio is not None)
        else:
            self._note("(session ended)")
        reprompt = ((response.get("response") or {}).get("reprompt") or {}).get("outputSpeech")
        self._reprompt = speech_ssml(reprompt)
        self._check_play(response)
        self.factory.absorb(response)
        self._drain()
        if envelope["request"]["type"] == "SessionEndedRequest":
            self.player.screen.line("")
        else:
            self._after_playback()
        return response

    # --- streaming mode ---------------------------------------------------------------
    def _check_play(self, response: JsonDict) -> None:
        """Alexa needs shouldEndSession true beside AudioPlayer.Play."""
        body = response.get("response") or {}
        plays = [d for d in body.get("directives") or [] if d.get("type") == "AudioPlayer.Play"]
        if plays and body.get("shouldEndSession") is not True:
            self.player.screen.line("! AudioPlayer.Play in a response without "
                                    "shouldEndSession: true")

    def _after_playback(self) -> None:
        """What happens before the next line is read: the queue plays, or one track is on."""
        audio = self.audio
        if audio is not None and audio.playing and not self.factory.in_session:
            if self.playthrough:
                self._listen(whole=True)
            else:
                self._note(LISTEN_HINT)
        self.player.screen.line("")

    def _listen(self, whole: bool = False) -> None:
        """Let the current track play to its end, then the next; all of them with `whole`."""
        audio = self.audio
        while audio is not None and audio.playing:
            track = audio.current
            try:
                self.player.listen(audio.remaining_ms() or 0)
            except KeyboardInterrupt:
                if whole:
                    raise
                self.player.screen.line("")
                return  # Ctrl-C: back to the prompt; the track plays on
            audio.run_out()
            self._drain(audio.event("PlaybackNearlyFinished"))
            if audio.current is not track or not audio.playing:
                continue  # the skill replaced or stopped the track
            self._drain(audio.finish())
            if audio.current is not track:
                continue
            audio.advance()
            self._drain()
            if not whole:
                return

    def _drain(self, first: JsonDict | Event | None = None) -> None:
        """Send `first` and then the events the player owes, one at a time."""
        audio = self.audio
        if audio is None:
            return
        if isinstance(first, Event):
            audio.outbox.insert(0, first)
        elif first is not None:
            self._playback(first)
        for _ in range(MAX_EVENTS):
            if not audio.outbox:
                return
            event = audio.outbox.pop(0)
            if event.note:
                self.player.screen.line(event.note)
            self._playback(self.factory.playback(event.request(), event.context))
        audio.outbox.clear()
        self.player.screen.line(f"! {MAX_EVENTS} playback events in a row; the console stops "
                                "following the skill's AudioPlayer directives here")
        audio.activity = "STOPPED"

    def _playback(self, envelope: JsonDict) -> None:
        """One AudioPlayer or PlaybackController request: a single line, no session."""
        request = envelope["request"]
        line = f"  ◦ {request['type']}"
        if request["type"] == "AudioPlayer.PlaybackStopped":
            line += f" at {clock_text(int(request['offsetInMilliseconds']))}"
        try:
            response = self.transport.send(envelope)
        except TransportError as exc:
            self.player.screen.line(line, dim=True)
            self.player.screen.line(f"! {exc}")
            return
        self.responses.append(response)
        body = response.get("response") or {}
        directives = list(body.get("directives") or [])
        summary = describe_audio(directives)
        self.player.screen.line(f"{line} → {summary}" if summary else line, dim=True)
        self._progressive(envelope, self.inbox.take())
        for key, what in (("outputSpeech", "spoke"), ("card", "sent a card"),
                          ("reprompt", "sent a reprompt")):
            if body.get(key):
                self.player.screen.line(f"! the skill {what} in a playback response")
        assert self.audio is not None
        self.audio.absorb(directives)  # never the session: these requests have none

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
