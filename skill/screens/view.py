"""What a screen shows for one response, computed from the outcome: pure, no SDK.

The screen shows what the timeline says, nothing of its own: a step screen's holds, sides
and breaths are read from the same timeline the speech was packed from, with times
relative to the start of the response's own speech (the final response when progressive
pieces were sent first: the document is rendered with it, so its clock starts there).
Beside a streamed track the timeline is the rendered track's, measured at render time
and passed in by the caller (this module does no I/O).
"""

from __future__ import annotations

from skill.audio.holds import TrackHolds
from skill.content.model import Content, Routine
from skill.conversation import events as ev
from skill.conversation.coach import planned_step
from skill.conversation.convo import Asked
from skill.conversation.device import World
from skill.conversation.outcome import Outcome, Play, TurnPlan
from skill.conversation.progress import local_day
from skill.conversation.tracks import prefs_of
from skill.core.plan import (
    PlannedStep,
    cached_step_timeline,
    routine_duration_ms,
    side_timeline,
    step_muscle,
)
from skill.core.record import Record
from skill.core.timeline import Event, Timeline, estimate_speech_ms
from skill.state import Position, UserState


class RoutineRow(Record):
    """One routine in the list: touching it starts it."""

    id: str
    name: str
    minutes: int
    """About how long it takes at the user's preferences (as "It takes about N minutes")."""
    equipment: str
    """What it needs, as a short list ("massage ball, quiet space")."""
    summary: str
    """The routine's one-sentence description."""


class MenuView(Record):
    """Welcome and routine list."""

    title: str
    hint: str
    """What to say (the response's reprompt)."""
    note: str
    """The health disclaimer, always on this screen."""
    rows: tuple[RoutineRow, ...]

    kind = "menu"


class Hold(Record):
    """One hold of the response, timed from the start of the response's speech."""

    start_ms: int
    """When the hold starts; negative when it started before this response (progressive
    pieces or an earlier part of the track): the screen then joins it in progress."""
    hold_ms: int
    breath_in_ms: int
    breath_out_ms: int
    """The hold is tiled with in and out breaths from its start (skill.core.pacing)."""
    side: str
    """"left", "right" or "" for steps without sides."""

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.hold_ms


class Summary(Record):
    """The routine's end: time done and the streak."""

    minutes: int
    streak: int
    at_ms: int
    """When to show it: after the last hold, in the same clock as the holds."""


class StepView(Record):
    """A coaching step (a dialog turn or a streamed track)."""

    routine: str
    """The routine's name."""
    number: int
    count: int
    title: str
    side: str
    """The side the response starts on ("" without sides)."""
    muscle: str
    instruction: str
    """The instruction in a few words (the step's first brief line)."""
    holds: tuple[Hold, ...]
    done: Summary | None = None
    """Set on the routine's last turn."""

    @property
    def kind(self) -> str:
        return "end" if self.done is not None else "step"


class TextView(Record):
    """A simple screen with the text said: paused, pain, safety and other answers."""

    kind: str
    """"paused", "pain", "safety" or "answer"."""
    title: str
    text: str


Screen = MenuView | StepView | TextView

TEXT_KINDS: dict[type[ev.Event], tuple[str, str]] = {
    ev.Pause: ("paused", "Paused"),
    ev.Pain: ("pain", "Take care"),
    ev.Safety: ("safety", "Safety"),
    ev.Condition: ("safety", "Safety"),
}
"""Events whose plain answer gets its own kind and title; any other is an "answer"."""


def view_of(outcome: Outcome, event: ev.Event, world: World,
            measured: TrackHolds | None = None) -> Screen | None:
    """The screen for this response, or None when it says nothing to show. `measured`:
    the holds of the first Play's rendered track, if known (`play_view`)."""
    plan = outcome.plan
    if plan.turn is not None:
        return turn_view(plan.turn, outcome.state, world)
    play = first_play(outcome)
    if play is not None:
        return play_view(play, outcome.state, world, measured)
    if not plan.speech:
        return None
    if outcome.convo.asked is Asked.PICK or (
            isinstance(event, ev.Launch | ev.ListRoutines) and outcome.convo.asked
            is not Asked.RESUME):
        return menu_view(outcome.state, world, plan.reprompt or plan.speech)
    kind, title = TEXT_KINDS.get(type(event), ("answer", ""))
    pos = outcome.state.position
    if not title:
        routine = world.content.routines.get(pos.routine) if pos is not None else None
        title = routine.name.capitalize() if routine is not None else "Hip Coach"
    return TextView(kind=kind, title=title, text=plan.speech)


def menu_view(state: UserState, world: World, hint: str) -> MenuView:
    content = world.content
    rows = tuple(RoutineRow(
        id=r.id, name=r.name.capitalize(),
        minutes=max(1, round(routine_duration_ms(content, r, state.effective_prefs(r.id))
                             / 60_000)),
        equipment=equipment_of(content, r), summary=r.summary) for r in content.menu)
    return MenuView(title="Hip Coach", hint=hint, note=content.knowledge.disclaimer, rows=rows)


def equipment_of(content: Content, routine: Routine) -> str:
    names = {e.id: e.name for e in content.knowledge.equipment}
    ids = dict.fromkeys(e for t in routine.techniques for e in content.techniques[t].equipment)
    return ", ".join(names.get(i, i) for i in ids)


def turn_view(tp: TurnPlan, after: UserState, world: World) -> StepView | None:
    """The step screen of a dialog turn: the holds that play in its final response."""
    planned = planned_step(world, tp.pos)
    if planned is None:
        return None
    prefs = prefs_of(tp.before, tp.pos)
    tl = cached_step_timeline(world.content, planned, prefs, tp.pos.seed)
    events = tl.events[tp.pos.offset:]
    sent = sum(p.event_count for p in tp.turn.progressive)
    final = tp.turn.final
    if not events or sent >= len(events):
        return None
    lead = 0
    for seg in final.segments:  # intro lines (no progressive piece took them) come first
        if seg.event is not None:
            break
        lead += seg.ms
    first = events[sent]
    last = events[min(len(events), sent + final.event_count) - 1]
    shift = lead - first.start_ms  # timeline time -> time since the final speech began
    holds = holds_of(tl, first.start_ms, last.end_ms, shift)
    done = None
    if tp.turn.complete and planned.last and not tp.replay:
        routine = world.content.routines[tp.pos.routine]
        total = routine_duration_ms(world.content, routine, prefs)
        streak = after.history.current_streak(local_day(after, world.now))
        at = holds[-1].end_ms if holds else last.end_ms + shift
        done = Summary(minutes=max(1, round(total / 60_000)), streak=streak, at_ms=at)
    return _step(world, tp.pos.routine, planned, holds, first, done)


def first_play(outcome: Outcome) -> Play | None:
    """The Play a step screen is shown beside (the response's first)."""
    return next((d for d in outcome.plan.audio if isinstance(d, Play)), None)


def play_view(play: Play, state: UserState, world: World,
              measured: TrackHolds | None = None) -> StepView | None:
    """The step screen beside a streamed track: its holds, from where the track starts
    playing (after the lines said before it).

    The holds are the rendered track's, as measured when it was rendered (`measured`,
    from the track index: the track is paced with measured clip lengths, which the
    speech-rate estimate misses by seconds a step). A hold starts at the lead (the intro
    lines said before the track, estimated: a sentence or two) plus its start in the
    track minus the Play's offset. Without measured holds (an index written before they
    were recorded, or a store error) the screen shows the step with no countdown rather
    than one that drifts."""
    pos: Position = play.pos
    planned = planned_step(world, pos)
    if planned is None:
        return None
    prefs = prefs_of(state, pos)
    try:
        tl = side_timeline(world.content, planned, pos.side, prefs, pos.seed)
    except IndexError:  # a side the step no longer has (content changed)
        return None
    if not tl.events:
        return None
    lead = sum(estimate_speech_ms(line) for line in play.intro)
    side = next((e.side for e in tl.events if e.side), "")
    holds = () if measured is None else tuple(
        Hold(start_ms=lead + h.start_ms - pos.track_offset_ms, hold_ms=h.hold_ms,
             breath_in_ms=h.breath_in_ms, breath_out_ms=h.breath_out_ms, side=side)
        for h in measured if h.end_ms > pos.track_offset_ms)
    at = next((e for e in tl.events if e.end_ms > pos.track_offset_ms), tl.events[-1])
    return _step(world, pos.routine, planned, holds, at, None)


def holds_of(tl: Timeline, start: int, end: int, shift: int) -> tuple[Hold, ...]:
    """The holds of `tl` that overlap [start, end), moved by `shift`."""
    out: list[Hold] = []
    for s, e in tl.holds():
        if e <= start or s >= end:
            continue
        inside = [x for x in tl.events if s <= x.start_ms < e]
        out.append(Hold(start_ms=s + shift, hold_ms=e - s,
                        breath_in_ms=_breath(inside, "in"), breath_out_ms=_breath(inside, "out"),
                        side=inside[0].side if inside else ""))
    return tuple(out)


def _breath(events: list[Event], phase: str) -> int:
    """The length of the hold's first `phase` breath (pacing tiles the hold with them)."""
    return next((x.duration_ms for x in events if x.breath == phase), 0)


def _step(world: World, routine_id: str, planned: PlannedStep, holds: tuple[Hold, ...],
          at: Event, done: Summary | None) -> StepView:
    routine = world.content.routines[routine_id]
    side = holds[0].side if holds and holds[0].start_ms <= 0 else at.side
    return StepView(routine=routine.name.capitalize(), number=planned.index + 1,
                    count=planned.count, title=planned.step.title, side=side,
                    muscle=step_muscle(world.content, planned.technique, planned.step),
                    instruction=_instruction(planned, side), holds=holds, done=done)


def _instruction(planned: PlannedStep, side: str) -> str:
    lines = planned.step.brief or planned.step.say
    text = lines[0] if lines else planned.step.title
    return text.replace("{side}", side) if side else text.replace("{side} ", "")
