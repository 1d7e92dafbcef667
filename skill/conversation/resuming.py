"""Resuming a routine: where it continues, and how a person is brought back into it.

A player stopped moments ago resumes in place (the person is likely still in position);
after longer, or in dialog mode, the current side starts again from its setup with "Back
to step 2: ..., on the right side", so nobody lands mid-hold with no instruction.
"""

from __future__ import annotations

from skill.conversation import progress, tracks
from skill.conversation.coach import planned_step
from skill.conversation.convo import Asked
from skill.conversation.moves import Moves
from skill.conversation.outcome import Outcome
from skill.core.record import replace
from skill.state import Position

RESUME_IN_PLACE_S = 300
"""Our choice: a track stopped less than five minutes ago resumes where it stopped (the
person is likely still in position); after longer, the side starts again from its
setup instructions, so a resume never lands mid-hold with no instruction."""


def resume(t: Moves, lead: str = "Picking up where you left off.", *,
           restart: bool = True) -> Outcome:
    """Carry on. A player stopped moments ago resumes in place; otherwise (`restart`)
    the current side starts again from its setup, so nobody lands mid-hold cold."""
    pos = t.pos
    if pos is None:
        last = t.state.last_finished
        if last in t.world.content.routines:
            name = t.world.content.routines[last].name
            return t.say(f"You finished {name} last time. Would you like to do it again?",
                         f"Say yes to start {name} again, or list routines.",
                         asked=Asked.AGAIN)
        return t.not_in_routine()
    t.state = progress.resumed(t.state, t.world.now)
    if t.streamed(pos) and not pos.step_done and t.clear(pos) == pos:
        if not restart or in_place(t, pos):
            return t.play(pos) if t.hands_free is not None else t.deliver(pos, (lead,))
        again = replace(pos, track_offset_ms=0)
        return t.play(again, (back_to(t, again, lead),))
    target = t.resume_target(pos)
    if target is None:
        return t.past_end(pos)
    clear = t.clear(target)
    if clear is None:
        return t.resting()
    if restart:
        clear = side_start(t, clear)
        return t.deliver(clear, (back_to(t, clear, lead),))
    return t.deliver(clear, (lead,))


def in_place(t: Moves, pos: Position) -> bool:
    """The track's offset is recent enough that the person is likely still in
    position (unknown times, from before this was recorded, count as recent)."""
    if not pos.offset_at:
        return True
    return t.world.now.timestamp() - pos.offset_at < RESUME_IN_PLACE_S


def side_start(t: Moves, pos: Position) -> Position:
    """The start of the side `pos` is on: its track from 0, or its first dialog event."""
    from skill.core.plan import cached_step_timeline

    if t.streamed(pos):
        return replace(pos, track_offset_ms=0)
    planned = planned_step(t.world, pos)
    assert planned is not None
    events = cached_step_timeline(t.world.content, planned,
                                  tracks.prefs_of(t.state, pos), pos.seed).events
    i = min(pos.offset, len(events) - 1)
    while i > 0 and events[i - 1].side == events[i].side:
        i -= 1
    return replace(pos, offset=i, next_offset=i, step_done=False)


def back_to(t: Moves, pos: Position, lead: str) -> str:
    """"Back to step 2: the upper outer buttock, on the right side." (just `lead` at
    the very start of a step, whose own intro names it)."""
    from skill.core.pacing import sides_of
    from skill.core.plan import cached_step_timeline

    planned = planned_step(t.world, pos)
    assert planned is not None
    prefs = tracks.prefs_of(t.state, pos)
    if (pos.side if t.streamed(pos) else pos.offset) == 0:
        return lead
    if t.streamed(pos):
        side = sides_of(planned.technique, prefs)[min(pos.side, 1)]
        named = side.value if side is not None else ""
    else:
        events = cached_step_timeline(t.world.content, planned, prefs, pos.seed).events
        named = events[min(pos.offset, len(events) - 1)].side
    where = f", on the {named} side" if named else ""
    return f"Back to step {pos.step + 1}: {planned.step.title}{where}."
