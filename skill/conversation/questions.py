"""Questions asked mid-routine: how long is left, what's next, where am I, and "switch
sides". Each answers from the same timelines the coaching plays, in either mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill.conversation import tracks
from skill.conversation.answers import follow_up, minutes_of, spoken_list
from skill.conversation.coach import planned_step
from skill.conversation.outcome import Outcome
from skill.core.record import replace
from skill.core.timeline import Event, EventKind
from skill.state import Position

if TYPE_CHECKING:
    from skill.conversation.moves import Moves
    from skill.core.plan import PlannedStep


def _events(t: Moves, pos: Position, planned: PlannedStep) -> tuple[Event, ...]:
    from skill.core.plan import cached_step_timeline

    return cached_step_timeline(t.world.content, planned, tracks.prefs_of(t.state, pos),
                                pos.seed).events


def current_side(t: Moves, pos: Position) -> int:
    """0 or 1: which side of the current step is under way (0 for steps without sides)."""
    from skill.core.pacing import sides_of

    planned = planned_step(t.world, pos)
    assert planned is not None
    if t.streamed(pos):
        return pos.side
    events = _events(t, pos, planned)
    named = events[max(0, min(pos.next_offset, len(events)) - 1)].side
    sides = sides_of(planned.technique, tracks.prefs_of(t.state, pos))
    return next((i for i, s in enumerate(sides) if s is not None and s.value == named), 0)


def remaining_ms(t: Moves, pos: Position) -> int:
    """What is left of the routine from here, at the preferences it is paced with."""
    from skill.core.plan import cached_step_timeline, side_timeline, steps

    content = t.world.content
    plan = steps(content, content.routines[pos.routine])
    prefs = tracks.prefs_of(t.state, pos)
    later = sum(cached_step_timeline(content, p, prefs, pos.seed).duration_ms
                for p in plan[pos.step + 1:])
    if pos.step_done:
        return later
    here = plan[pos.step]
    if t.streamed(pos):
        sides = range(pos.side, len(tracks.order(content, t.state, pos)))
        own = [side_timeline(content, here, s, prefs, pos.seed).duration_ms
               for s in sides if (pos.step, s) in tracks.order(content, t.state, pos)]
        return later + max(0, sum(own) - pos.track_offset_ms)
    events = cached_step_timeline(content, here, prefs, pos.seed).events
    return later + sum(e.duration_ms for e in events[pos.offset:])


def time_left(t: Moves) -> Outcome:
    pos = t.pos
    if pos is None:
        return t.not_in_routine()
    from skill.core.plan import steps

    ms = remaining_ms(t, pos)
    count = len(steps(t.world.content, t.world.content.routines[pos.routine]))
    more = count - pos.step - 1
    after = f"this step and {more} more" if more else "this is the last step"
    minutes = minutes_of(ms)
    amount = "less than a minute" if ms < 60_000 else \
        f"about {minutes} minute{'s' * (minutes != 1)}"
    return follow_up(t.state, t.convo, t.world, f"There's {amount} left: {after}.", t.player)


def what_next(t: Moves) -> Outcome:
    pos = t.pos
    if pos is None:
        return t.not_in_routine()
    planned = planned_step(t.world, pos)
    assert planned is not None
    if not pos.step_done and planned.technique.per_side and current_side(t, pos) == 0:
        text = "Next, the other side of this step."
    elif planned.last:
        text = "This is the last step. After it, the routine is done."
    else:
        nxt = planned_step(t.world, replace(pos, step=pos.step + 1))
        assert nxt is not None
        text = f"Next is step {pos.step + 2}: {nxt.step.title}."
    return follow_up(t.state, t.convo, t.world, text, t.player)


def where_am_i(t: Moves) -> Outcome:
    pos = t.pos
    if pos is None:
        return t.not_in_routine()
    from skill.core.pacing import sides_of

    planned = planned_step(t.world, pos)
    assert planned is not None
    content = t.world.content
    name = content.routines[pos.routine].name
    side = sides_of(planned.technique, tracks.prefs_of(t.state, pos))[current_side(t, pos)]
    on = f", on your {side.value} side" if side is not None else ""
    muscles = spoken_list([content.muscle(m).name for m in planned.technique.muscles])
    return follow_up(t.state, t.convo, t.world,
                     f"This is step {pos.step + 1} of {planned.count} of {name}: "
                     f"{planned.step.title}{on}. It works your {muscles}.", t.player)


def switch_sides(t: Moves) -> Outcome:
    """Go on to the other side of this step now (the first side is cut short)."""
    pos = t.pos
    if pos is None:
        return t.not_in_routine()
    planned = planned_step(t.world, pos)
    assert planned is not None
    if not planned.technique.per_side:
        return follow_up(t.state, t.convo, t.world, "This step works both sides together, so "
                         "there's no side to switch to. Say next to go on.", t.player)
    if pos.step_done or current_side(t, pos) == 1:
        return follow_up(t.state, t.convo, t.world, "You're on the second side already. Say "
                         "next when you're ready for the next step.", t.player)
    intro = ("Okay, switching sides.",)
    if t.streamed(pos):
        return t.play(tracks.at_track(t.state, pos, pos.step, 1), intro)
    events = _events(t, pos, planned)
    # from the switch cue, so the way to change sides is said before the second side
    start = next((i for i, e in enumerate(events) if e.kind is EventKind.SWITCH_SIDES),
                 len(events) - 1)
    return t.coach(replace(pos, offset=start, next_offset=start, step_done=False), ("Okay.",))
