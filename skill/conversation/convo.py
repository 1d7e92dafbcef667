"""What one spoken session remembers between turns, typed (session attributes hold its dict).

Persistent facts (the routine position, history) live in `UserState`; this is only
what a follow-up like "yes" or "repeat" needs: the question it answers and what to
replay. AudioPlayer requests carry no session, so nothing here may be needed there.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from skill.core.record import Record
from skill.state import Position


class Asked(StrEnum):
    """What the last turn asked, so "yes" and "no" mean the right thing."""

    NOTHING = ""
    CONTINUE = "continue"
    """"Ready to go on?": yes = the next turn; no = pause."""
    RESUME = "resume"
    """"Would you like to continue?" at launch: yes = resume the saved routine."""
    SKIP = "skip"
    """After ordinary pain: yes = skip this step; no = redo it more gently."""
    ANOTHER = "another"
    """"Would you like another routine?": yes = hear the choices."""
    PICK = "pick"
    """"Which would you like?": yes is no answer, so suggest one; a muscle or area named
    on its own starts its routine."""
    WHERE = "where"
    """"Where do you feel it?": a muscle named on its own is heard as its area."""
    EXPLAIN = "explain"
    """"Which would you like me to explain?": a routine named on its own is described,
    an area explained by its muscle."""
    SUGGEST = "suggest"
    """"Shall I start X?" (`Convo.suggested`): yes = start it."""
    AGAIN = "again"
    """"Would you like to do it again?" (or, after a partner routine, "swap roles and go
    again?"): yes = restart the routine just finished."""
    SCREEN = "screen"
    """"Are you pregnant, or do you have ...?" before deep pressure (`Convo.suggested` is
    the routine): yes = no deep pressure; no = start it."""
    CLEARED = "cleared"
    """"Has a healthcare provider said deep pressure is okay?": yes = start `suggested`."""
    MOVE_ON = "move_on"
    """After sharp pain or nerve symptoms: yes = the next step on a different area;
    no = stop for today."""
    FORGET = "forget"
    """"Delete all your progress and settings?": yes = delete."""


class Repeat(StrEnum):
    """What "repeat" replays."""

    NOTHING = ""
    TURN = "turn"
    """The current coaching turn (the position's turn)."""
    FINISHED = "finished"
    """The last turn of the routine just finished (`Convo.finished`)."""
    ANSWER = "answer"
    """The last answer (`Convo.said`)."""


class Convo(Record):
    """The session's conversational state."""

    asked: Asked = Asked.NOTHING
    suggested: str = ""
    """Routine id offered by `Asked.SUGGEST`."""
    repeat: Repeat = Repeat.NOTHING
    said: str = ""
    """The last plain answer, for `Repeat.ANSWER`."""
    said_reprompt: str = ""
    finished: Position | None = None
    """Where the just-finished routine's last turn started, with its preferences."""

    def to_session(self) -> dict[str, Any]:
        """The session attributes that carry this convo to the next request."""
        return {"convo": {"asked": self.asked.value, "suggested": self.suggested,
                          "repeat": self.repeat.value, "said": self.said,
                          "said_reprompt": self.said_reprompt,
                          "finished": self.finished.to_dict() if self.finished else None}}

    @classmethod
    def from_session(cls, attributes: Any) -> Convo:
        """Tolerant: anything missing or malformed reads as a fresh session."""
        data = attributes.get("convo") if isinstance(attributes, dict) else None
        if not isinstance(data, dict):
            return cls()

        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        try:
            asked, repeat = Asked(text("asked")), Repeat(text("repeat"))
        except ValueError:
            asked, repeat = Asked.NOTHING, Repeat.NOTHING
        return cls(asked=asked, suggested=text("suggested"), repeat=repeat, said=text("said"),
                   said_reprompt=text("said_reprompt"),
                   finished=Position.from_dict(data.get("finished")))
