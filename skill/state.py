"""What Hip Coach remembers about a user between sessions, as a typed, tolerant record.

Stored as a plain dict in persistent attributes (SQLite or DynamoDB). Reading is
tolerant: a missing or malformed field falls back to its default instead of
raising, so one bad value never locks a user out. Pure: no SDK, no I/O; the
clock's date is passed in.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from skill.core.preferences import Detail, Preferences
from skill.core.record import Record, field, replace

SCHEMA_VERSION = 1


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


class Position(Record):
    """Where the user is in a routine: step and the event the current turn starts at."""

    routine: str
    step: int = 0
    offset: int = 0
    """Index of the first timeline event of the current turn (repeat plays from here)."""
    next_offset: int = 0
    """Where the next turn starts within the step; 0 with `step_done` means next step."""
    step_done: bool = False
    """The current turn reached the end of the step."""
    prefs: dict[str, str] = field(default_factory=dict)
    """Preferences the current step was paced with (changes apply from the next step)."""
    seed: int = 0
    """Variation seed of this run of the routine."""
    track_offset_ms: int = 0
    """Streaming mode: where playback of the current track stopped."""
    side: int = 0
    """Streaming mode: which side's track of the step is current."""
    dialog: bool = False
    """This run of the routine is coached in dialog mode even on a speaker with audio
    (playback failed, a track could not be had, or step by step was asked for)."""
    offset_at: int = 0
    """Streaming mode: when `track_offset_ms` was reported (Unix seconds; 0 unknown), so
    a resume much later starts the side again instead of landing mid-hold."""

    def to_dict(self) -> dict[str, Any]:
        return {"routine": self.routine, "step": self.step, "offset": self.offset,
                "next_offset": self.next_offset, "step_done": self.step_done,
                "prefs": dict(self.prefs), "seed": self.seed,
                "track_offset_ms": self.track_offset_ms, "side": self.side,
                "dialog": self.dialog, "offset_at": self.offset_at}

    @classmethod
    def from_dict(cls, data: Any) -> Position | None:
        if not isinstance(data, dict) or not isinstance(data.get("routine"), str):
            return None
        prefs = data.get("prefs")
        return cls(routine=data["routine"], step=max(0, _int(data.get("step"))),
                   offset=max(0, _int(data.get("offset"))),
                   next_offset=max(0, _int(data.get("next_offset"))),
                   step_done=data.get("step_done") is True,
                   prefs={k: v for k, v in prefs.items() if isinstance(v, str)}
                   if isinstance(prefs, dict) else {},
                   seed=_int(data.get("seed")),
                   track_offset_ms=max(0, _int(data.get("track_offset_ms"))),
                   side=max(0, _int(data.get("side"))),
                   dialog=data.get("dialog") is True,
                   offset_at=max(0, _int(data.get("offset_at"))))


class History(Record):
    """Sessions, minutes and streak for "how am I doing"."""

    sessions: int = 0
    seconds: int = 0
    streak: int = 0
    last_day: str = ""
    """ISO date of the last session, for the streak."""
    completed: dict[str, int] = field(default_factory=dict)
    """Routine id -> times finished (first-timers get detailed cues)."""

    def with_session(self, today: date) -> History:
        """Count a session started today and extend or restart the streak."""
        last = parse_day(self.last_day)
        if last == today:
            streak = max(self.streak, 1)
        elif last is not None and today - last == timedelta(days=1):
            streak = self.streak + 1
        else:
            streak = 1
        return replace(self, sessions=self.sessions + 1, streak=streak,
                       last_day=today.isoformat())

    def current_streak(self, today: date) -> int:
        """The streak as of today: broken when the last session is older than yesterday."""
        last = parse_day(self.last_day)
        if last is None or today - last > timedelta(days=1):
            return 0
        return self.streak

    def to_dict(self) -> dict[str, Any]:
        return {"sessions": self.sessions, "seconds": self.seconds, "streak": self.streak,
                "last_day": self.last_day, "completed": dict(self.completed)}

    @classmethod
    def from_dict(cls, data: Any) -> History:
        if not isinstance(data, dict):
            return cls()
        done = data.get("completed")
        return cls(sessions=max(0, _int(data.get("sessions"))),
                   seconds=max(0, _int(data.get("seconds"))),
                   streak=max(0, _int(data.get("streak"))), last_day=_str(data.get("last_day")),
                   completed={k: _int(v) for k, v in done.items() if isinstance(k, str)}
                   if isinstance(done, dict) else {})


def parse_day(text: str) -> date | None:
    """An ISO date as stored in the state, or None when missing or malformed."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class UserState(Record):
    """Everything persisted for one user."""

    safety_heard: bool = False
    prefs: Preferences = field(default_factory=Preferences)
    detail_chosen: bool = False
    """True when the user asked for a detail level; otherwise it follows experience."""
    position: Position | None = None
    history: History = field(default_factory=History)
    dialog_only: bool = False
    """The user asked to be guided step by step (no hands-free audio)."""
    stream_failed: bool = False
    """Playback failed: the next routine started runs in dialog mode (once)."""
    time_zone: str = ""
    """The device's IANA time zone from the Alexa Settings API ("" = unknown: UTC days)."""
    zone_checked: str = ""
    """ISO date (UTC) the time zone was last asked for, so it is asked at most weekly."""
    last_finished: str = ""
    """Routine id of the routine finished most recently ("start over" restarts it; kept
    here, not in the session, because a streamed routine ends without one)."""
    screened: bool = False
    """The user answered the deep-pressure question (or told us a condition)."""
    conditions: tuple[str, ...] = ()
    """Condition ids the user told us (pregnancy, ...): deep pressure waits for a
    healthcare provider's say-so. "unspecified" when they said yes to the question."""
    sore: dict[str, str] = field(default_factory=dict)
    """Muscle id -> ISO local day of a sharp pain or nerve symptom there: no more pressure
    on it that day."""
    kit: dict[str, bool] = field(default_factory=dict)
    """Equipment id -> whether the user said they have it (chooses routine variants)."""

    def sore_today(self, today: date) -> frozenset[str]:
        """Muscles resting today after sharp pain or nerve symptoms."""
        return frozenset(m for m, day in self.sore.items() if day == today.isoformat())

    @property
    def has(self) -> frozenset[str]:
        """Equipment the user said they have."""
        return frozenset(k for k, v in self.kit.items() if v)

    def effective_prefs(self, routine_id: str) -> Preferences:
        """Preferences for pacing: detailed cues the first time through a routine."""
        if self.detail_chosen:
            return self.prefs
        seen = self.history.completed.get(routine_id, 0) > 0
        return replace(self.prefs, detail=Detail.BRIEF if seen else Detail.DETAILED)

    def to_dict(self) -> dict[str, Any]:
        return {"v": SCHEMA_VERSION, "safety_heard": self.safety_heard,
                "prefs": self.prefs.to_dict(), "detail_chosen": self.detail_chosen,
                "position": self.position.to_dict() if self.position else None,
                "history": self.history.to_dict(), "dialog_only": self.dialog_only,
                "stream_failed": self.stream_failed, "time_zone": self.time_zone,
                "zone_checked": self.zone_checked, "last_finished": self.last_finished,
                "screened": self.screened, "conditions": list(self.conditions),
                "sore": dict(self.sore), "kit": dict(self.kit)}

    @classmethod
    def from_dict(cls, data: Any) -> UserState:
        if not isinstance(data, dict):
            return cls()
        return cls(safety_heard=data.get("safety_heard") is True,
                   prefs=Preferences.from_dict(data.get("prefs")),
                   detail_chosen=data.get("detail_chosen") is True,
                   position=Position.from_dict(data.get("position")),
                   history=History.from_dict(data.get("history")),
                   dialog_only=data.get("dialog_only") is True,
                   stream_failed=data.get("stream_failed") is True,
                   time_zone=_str(data.get("time_zone")),
                   zone_checked=_str(data.get("zone_checked")),
                   last_finished=_str(data.get("last_finished")),
                   screened=data.get("screened") is True,
                   conditions=tuple(c for c in _list(data.get("conditions"))
                                    if isinstance(c, str)),
                   sore={k: v for k, v in _dict(data.get("sore")).items()
                         if isinstance(k, str) and isinstance(v, str)},
                   kit={k: v for k, v in _dict(data.get("kit")).items()
                        if isinstance(k, str) and isinstance(v, bool)})
