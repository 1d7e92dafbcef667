"""Sessions, minutes, streaks and completions: counted here and nowhere else.

Both delivery modes call these: dialog mode when a turn completes a step, streaming
mode when a track finishes. A routine counts as a session when it starts (and again when
it is resumed on a later day) and as finished once, when its last step is delivered.
"""

from __future__ import annotations

from datetime import date, datetime

from skill.core.record import replace
from skill.state import UserState


def local_day(state: UserState, now: datetime) -> date:
    """Today on the user's calendar: the device's time zone, else UTC."""
    if state.time_zone:
        from zoneinfo import ZoneInfo

        try:
            return now.astimezone(ZoneInfo(state.time_zone)).date()
        except Exception:  # unknown name, or no zone data on this machine: UTC days
            pass
    return now.date()


def routine_started(state: UserState, now: datetime) -> UserState:
    """A session begins: counted, and the streak extended or restarted."""
    return replace(state, history=state.history.with_session(local_day(state, now)))


def resumed(state: UserState, now: datetime) -> UserState:
    """Going on with a routine begun on an earlier day counts as today's session, so the
    streak sees a person who practised both days; on the same day nothing changes."""
    if state.history.last_day == local_day(state, now).isoformat():
        return state
    return routine_started(state, now)


def time_played(state: UserState, ms: int) -> UserState:
    """Minutes of massage: a step (dialog) or a side's track (streaming) was played."""
    h = state.history
    return replace(state, history=replace(h, seconds=h.seconds + ms // 1000))


def routine_finished(state: UserState, routine_id: str) -> UserState:
    """The routine's last step was delivered: counted once, and remembered for
    "start over"; the position is cleared."""
    h = state.history
    done = {**h.completed, routine_id: h.completed.get(routine_id, 0) + 1}
    return replace(state, position=None, last_finished=routine_id,
                   history=replace(h, completed=done))
