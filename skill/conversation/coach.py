"""Dialog-mode coaching in the core: pack the turn that starts at a position and settle
what it leaves behind (where the next turn starts, minutes played, a finished routine).

The turn is packed for progressive responses when the request allows them. If the
adapter cannot deliver them all, `machine.redeliver` settles again from the same
inputs with what was not delivered moved into the final response, so no cue is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill.conversation import progress
from skill.conversation.convo import Asked, Convo, Repeat
from skill.conversation.device import Device, World
from skill.conversation.outcome import Outcome, Plan, TurnPlan
from skill.conversation.tracks import prefs_of
from skill.core.limits import ALEXA
from skill.core.preferences import Preferences
from skill.core.record import replace
from skill.core.variation import PHRASING_VARIANTS, Phraser, stable_int
from skill.state import Position, UserState

if TYPE_CHECKING:  # pacing loads on the first turn that needs it, not at cold start
    from skill.core.plan import PlannedStep

ANOTHER_REPROMPT = "Would you like another routine? Say list routines, or stop."


def planned_step(world: World, pos: Position | None) -> PlannedStep | None:
    """The step a position points at, or None when it no longer exists (content changed)."""
    from skill.core.plan import steps

    routine = world.content.routines.get(pos.routine) if pos is not None else None
    if routine is None or pos is None:
        return None
    plan = steps(world.content, routine)
    return plan[pos.step] if 0 <= pos.step < len(plan) else None


def step_count(world: World, routine_id: str) -> int:
    from skill.core.plan import steps

    return len(steps(world.content, world.content.routines[routine_id]))


def phrase(world: World, name: str, seed: int, **fields: object) -> str:
    if not fields:
        from skill.core.plan import cached_phrase

        return cached_phrase(world.content, name, seed)
    return Phraser(world.content.cues.phrasings, stable_int(seed, name)).pick(name, **fields)[1]


def first_position(state: UserState, routine_id: str, dialog: bool = False) -> Position:
    """Step 1 of a routine; the phrasing variant cycles with the user's sessions."""
    return Position(routine=routine_id, seed=state.history.sessions % PHRASING_VARIANTS,
                    dialog=dialog)


def advance(world: World, pos: Position) -> Position | None:
    """The position of the next turn, or None when the routine is over."""
    if not pos.step_done:
        return replace(pos, offset=pos.next_offset, track_offset_ms=0)
    if pos.step + 1 < step_count(world, pos.routine):
        return Position(routine=pos.routine, step=pos.step + 1, seed=pos.seed, dialog=pos.dialog)
    return None


def coach(state: UserState, convo: Convo, pos: Position, device: Device, world: World,
          intro: tuple[str, ...] = (), *, replay: bool = False) -> Outcome:
    """Speak the turn that starts at `pos` (progressive pieces when allowed)."""
    from skill.core.plan import cached_turn

    planned, prefs, pos = _paced(world, state, pos)
    profile = ALEXA if device.progressive else ALEXA.without_progressive()
    seed, question = _question(world, planned, pos)
    turn = cached_turn(world.content, planned, prefs, pos.seed, pos.offset, seed=seed,
                       question=question, intro=intro, profile=profile, sounds=world.sounds)
    plan = TurnPlan(turn=turn, pos=pos, intro=intro, replay=replay, before=state,
                    convo_before=convo)
    return settle_turn(world, plan, planned, prefs, seed)


def repack(world: World, plan: TurnPlan, delivered: int) -> Outcome:
    """The turn again with only its first `delivered` progressive pieces sent: the rest
    moves into the final response, packed without progressive responses."""
    from skill.core.packing import Turn, pack_turn
    from skill.core.plan import cached_step_timeline

    planned, prefs, pos = _paced(world, plan.before, plan.pos)
    seed, question = _question(world, planned, pos)
    events = cached_step_timeline(world.content, planned, prefs, pos.seed).events[pos.offset:]
    done = sum(p.event_count for p in plan.turn.progressive[:delivered])
    rest = pack_turn(events[done:], world.content.cues, seed, question=question,
                     intro=plan.intro if delivered == 0 else (),
                     profile=ALEXA.without_progressive(), sounds=world.sounds)
    sent = plan.turn.progressive[:delivered]
    turn = Turn(progressive=sent, final=rest.final, question=rest.question,
                event_count=done + rest.event_count, complete=rest.complete)
    return settle_turn(world, replace(plan, turn=turn), planned, prefs, seed)


def settle_turn(world: World, plan: TurnPlan, planned: PlannedStep, prefs: Preferences,
                seed: int) -> Outcome:
    """The state after the turn (`plan.turn`, paced with `prefs`, phrased with `seed`):
    where the next one starts, and what was counted."""
    from skill.core.plan import cached_step_timeline

    state, pos, turn = plan.before, plan.pos, plan.turn
    complete = turn.complete
    if complete and not plan.replay:
        tl = cached_step_timeline(world.content, planned, prefs, pos.seed)
        state = progress.time_played(state, tl.duration_ms)
    if complete and planned.last:
        if not plan.replay:
            state = progress.routine_finished(state, pos.routine)
        else:
            state = replace(state, position=None)
        swap = world.content.routines[pos.routine].kind == "partner"  # "swap roles?"
        convo = replace(plan.convo_before, asked=Asked.AGAIN if swap else Asked.ANOTHER,
                        repeat=Repeat.FINISHED,
                        said="", said_reprompt="", finished=replace(pos, prefs=prefs.to_dict()))
        reprompt = ANOTHER_REPROMPT
    else:
        new_pos = replace(pos, next_offset=pos.offset + turn.event_count, step_done=complete,
                          prefs=prefs.to_dict())
        state = replace(state, position=new_pos)
        convo = replace(plan.convo_before, asked=Asked.CONTINUE, repeat=Repeat.TURN, said="",
                        said_reprompt="", finished=None)
        reprompt = f"{turn.question} {phrase(world, 'reprompt', seed)}"
    return Outcome(state=state, convo=convo,
                   plan=Plan(turn=plan, reprompt=reprompt, end=False))


def _paced(world: World, state: UserState,
           pos: Position) -> tuple[PlannedStep, Preferences, Position]:
    """The step, the preferences it is paced with, and the position (a stale offset, after
    a content change, restarts the step)."""
    from skill.core.plan import cached_step_timeline

    planned = planned_step(world, pos)
    assert planned is not None, "callers check the position first"
    prefs = prefs_of(state, pos)
    tl = cached_step_timeline(world.content, planned, prefs, pos.seed)
    if pos.offset >= len(tl.events):
        pos = replace(pos, offset=0)
    return planned, prefs, pos


def _question(world: World, planned: PlannedStep, pos: Position) -> tuple[int, str]:
    """The turn's phrasing seed, and the question that closes the step's last turn."""
    seed = stable_int(pos.seed, pos.step, pos.offset)
    if planned.last and world.content.routines[pos.routine].kind == "partner":
        return seed, f"{phrase(world, 'routine_done', seed)} " \
            f"{phrase(world, 'swap_roles_question', seed)}"
    if planned.last:
        return seed, phrase(world, "routine_done", seed) + " Would you like another routine?"
    return seed, phrase(world, "next_question", seed)
