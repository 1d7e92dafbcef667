"""What `step` returns: the new state and convo, and a plan the adapter carries out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill.conversation.convo import Convo
from skill.core.record import Record, field
from skill.state import Position, UserState

if TYPE_CHECKING:
    from skill.core.packing import Turn


class Play(Record):
    """AudioPlayer.Play of the track at `pos` from `pos.track_offset_ms`."""

    pos: Position
    token: str
    behavior: str = "REPLACE_ALL"
    previous: str | None = None
    """expectedPreviousToken: with ENQUEUE, and only then."""
    intro: tuple[str, ...] = ()
    """Lines said before it (coached instead, should the track not be had)."""


class StopAudio(Record):
    """AudioPlayer.Stop."""


AudioDirective = Play | StopAudio


class TurnPlan(Record):
    """A packed dialog turn, with what is needed to settle it again should its progressive
    pieces not all be delivered (`machine.redeliver`)."""

    turn: Turn
    pos: Position
    """Where the turn starts."""
    intro: tuple[str, ...]
    replay: bool
    """Replaying a finished routine's last turn: nothing is counted again."""
    before: UserState
    """The state the turn was settled from."""
    convo_before: Convo


class Plan(Record):
    """What the response does. Speech is plain text (the adapter escapes it for SSML)."""

    speech: str = ""
    reprompt: str = ""
    turn: TurnPlan | None = None
    """A coaching turn (SSML pieces) instead of plain speech."""
    audio: tuple[AudioDirective, ...] = ()
    end: bool | None = None
    """True ends the session, False keeps it open for an answer, None says nothing
    (responses to requests without a session)."""
    forget: bool = False
    """Delete the user's saved data (and save nothing this turn)."""
    notes: tuple[str, ...] = field(default=())
    """Lines for the log at INFO (the core does no I/O)."""
    warnings: tuple[str, ...] = field(default=())
    """Lines for the log at WARNING: something failed on the device or the platform."""

    @property
    def speaks(self) -> bool:
        return bool(self.speech) or self.turn is not None

    @property
    def replaces_audio(self) -> bool:
        return any(isinstance(d, Play) and d.behavior == "REPLACE_ALL" for d in self.audio)

    @property
    def stops_audio(self) -> bool:
        return any(isinstance(d, StopAudio) for d in self.audio)


class Outcome(Record):
    state: UserState
    convo: Convo
    plan: Plan
