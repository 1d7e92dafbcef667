"""Dialog-mode coaching: play the current turn of a routine, paced by the core.

Progressive responses carry the first part of a hold, the final response the
rest. When they cannot be sent (no token, an AudioPlayer request, a failing or
hanging directive API), whatever was not delivered moves into the final
response, repacked without progressive responses, so no cue is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.adapters.progressive_target import target_from_envelope
from skill.core.preferences import Preferences
from skill.core.record import replace
from skill.core.variation import PHRASING_VARIANTS, Phraser, stable_int
from skill.deps import Deps
from skill.handlers.context import FINISHED, session, set_state, state_of
from skill.state import Position, UserState

if TYPE_CHECKING:  # pacing loads on the first turn that needs it, not at cold start
    from skill.core.plan import PlannedStep
    from skill.core.timeline import Timeline

PENDING = "pending"
"""Session key: what a yes/no answers ("continue", "resume_offer", "skip_offer", "another")."""


def planned_step(deps: Deps, pos: Position) -> PlannedStep | None:
    from skill.core.plan import steps

    routine = deps.content.routines.get(pos.routine)
    if routine is None:
        return None
    plan = steps(deps.content, routine)
    return plan[pos.step] if 0 <= pos.step < len(plan) else None


def step_count(deps: Deps, routine_id: str) -> int:
    from skill.core.plan import steps

    return len(steps(deps.content, deps.content.routines[routine_id]))


def timeline_for(deps: Deps, state: UserState, pos: Position) -> tuple[Timeline, Preferences]:
    """The current step's timeline, paced with the preferences it started with."""
    from skill.core.plan import cached_step_timeline

    planned = planned_step(deps, pos)
    assert planned is not None
    prefs = Preferences.from_dict(pos.prefs) if pos.prefs else state.effective_prefs(pos.routine)
    return cached_step_timeline(deps.content, planned, prefs, pos.seed), prefs


def phrase(deps: Deps, name: str, seed: int, **fields: object) -> str:
    if not fields:
        from skill.core.plan import cached_phrase

        return cached_phrase(deps.content, name, seed)
    return Phraser(deps.content.cues.phrasings, stable_int(seed, name)).pick(name, **fields)[1]


def start_position(deps: Deps, state: UserState, routine_id: str) -> Position:
    return Position(routine=routine_id, seed=state.history.sessions % PHRASING_VARIANTS)


def advance(deps: Deps, pos: Position) -> Position | None:
    """The position of the next turn, or None when the routine is over."""
    if not pos.step_done:
        return replace(pos, offset=pos.next_offset, track_offset_ms=0)
    if pos.step + 1 < step_count(deps, pos.routine):
        return Position(routine=pos.routine, step=pos.step + 1, seed=pos.seed)
    return None


def coach(
    handler_input: HandlerInput,
    deps: Deps,
    pos: Position,
    intro: tuple[str, ...] = (),
    *,
    replay: bool = False,
) -> Response:
    """Speak the turn that starts at `pos`; save where the next one starts.

    `replay` plays a routine's finished last turn again without counting it twice.
    """
    from skill.core.limits import ALEXA  # the packer is not needed to launch: load it here
    from skill.core.packing import pack_turn
    from skill.core.plan import cached_turn

    state = state_of(handler_input)
    tl, prefs = timeline_for(deps, state, pos)
    if pos.offset >= len(tl.events):  # stale position (content changed): restart the step
        pos = replace(pos, offset=0)
    events = tl.events[pos.offset :]
    planned = planned_step(deps, pos)
    assert planned is not None  # timeline_for found it
    last_step = pos.step == step_count(deps, pos.routine) - 1
    seed = stable_int(pos.seed, pos.step, pos.offset)
    question = (
        phrase(deps, "routine_done", seed) + " Would you like another routine?"
        if last_step
        else phrase(deps, "next_question", seed)
    )
    cues = deps.content.cues
    sounds = deps.cue_sounds()
    target = (
        target_from_envelope(handler_input.request_envelope) if deps.settings.progressive else None
    )
    profile = ALEXA if target is not None else ALEXA.without_progressive()
    turn = cached_turn(
        deps.content,
        planned,
        prefs,
        pos.seed,
        pos.offset,
        seed=seed,
        question=question,
        intro=intro,
        profile=profile,
        sounds=sounds,
    )
    delivered = 0
    if target is not None and turn.progressive:
        delivered = deps.sender.send(target, [p.ssml for p in turn.progressive])
    if delivered == len(turn.progressive):
        final, used, complete, asked = turn.final, turn.event_count, turn.complete, turn.question
    else:  # move what was not delivered into the final response
        done = sum(p.event_count for p in turn.progressive[:delivered])
        rest = pack_turn(
            events[done:],
            cues,
            seed,
            question=question,
            intro=intro if delivered == 0 else (),
            profile=ALEXA.without_progressive(),
            sounds=sounds,
        )
        final, used, complete, asked = (
            rest.final,
            done + rest.event_count,
            rest.complete,
            rest.question,
        )
    new_pos = replace(pos, next_offset=pos.offset + used, step_done=complete, prefs=prefs.to_dict())
    history = state.history
    if complete and not replay:
        history = replace(history, seconds=history.seconds + tl.duration_ms // 1000)
    if complete and last_step:
        if not replay:
            done_count = history.completed.get(pos.routine, 0) + 1
            history = replace(history, completed={**history.completed, pos.routine: done_count})
        set_state(handler_input, replace(state, position=None, history=history))
        session(handler_input)[PENDING] = "another"
        # with the preferences it was paced with (finishing can change the effective ones)
        session(handler_input)[FINISHED] = replace(pos, prefs=prefs.to_dict()).to_dict()
        reprompt = "Would you like another routine? Say list routines, or stop."
    else:
        set_state(handler_input, replace(state, position=new_pos, history=history))
        session(handler_input)[PENDING] = "continue"
        reprompt = f"{asked} {phrase(deps, 'reprompt', seed)}"
    # Queue the final speech behind the progressive pieces rather than cutting them off.
    # ENQUEUE is already Alexa's default for skills without CustomInterfaceController
    # ("Control Interruption of Alexa's Speech", developer.amazon.com); saying it keeps
    # the pacing right should that default ever change.
    from ask_sdk_model.ui import PlayBehavior

    from skill.core.ssml import escape

    rb = handler_input.response_builder
    if delivered:
        rb.speak(final.body, play_behavior=PlayBehavior.ENQUEUE)
    else:
        rb.speak(final.body)
    rb.ask(escape(reprompt))
    rb.set_should_end_session(False)
    response: Response = rb.response
    return response
