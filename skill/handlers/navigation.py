"""Moving through a routine in dialog mode: next, previous, repeat, start over, pause, resume,
and the yes/no answers to whatever the last turn asked."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.core.record import replace
from skill.handlers.base import Handler
from skill.handlers.coaching import PENDING, advance, coach, planned_step
from skill.handlers.context import (
    FINISHED,
    UNAVAILABLE,
    say,
    session,
    set_state,
    state_known,
    state_of,
)
from skill.handlers.streaming import resume
from skill.state import Position

NOT_IN_ROUTINE = (
    "You're not in a routine right now. Say list routines to hear them, or start glute release."
)
NOT_IN_ROUTINE_REPROMPT = "Which routine would you like to start?"


def not_in_routine(handler_input: HandlerInput) -> Response:
    """No routine in progress, or none we can see because the saved state is unreadable."""
    if not state_known(handler_input):
        return say(handler_input, UNAVAILABLE, NOT_IN_ROUTINE_REPROMPT)
    return say(handler_input, NOT_IN_ROUTINE, NOT_IN_ROUTINE_REPROMPT)


def _position(handler_input: HandlerInput, handler: Handler) -> Position | None:
    pos = state_of(handler_input).position
    return pos if pos is not None and planned_step(handler.deps, pos) is not None else None


def go_next(handler_input: HandlerInput, handler: Handler) -> Response:
    pos = _position(handler_input, handler)
    if pos is None:
        return not_in_routine(handler_input)
    nxt = advance(handler.deps, pos)
    if nxt is None:  # finished already (the last turn said so); nothing is lost
        set_state(handler_input, replace(state_of(handler_input), position=None))
        return say(
            handler_input,
            "That was the last step of the routine. Would you like another one?",
            "Say list routines, or stop.",
        )
    return coach(handler_input, handler.deps, nxt)


def pause(handler_input: HandlerInput, handler: Handler, replay: bool = True) -> Response:
    """Save the place; with `replay`, resuming replays the turn that was interrupted."""
    pos = _position(handler_input, handler)
    if pos is not None and replay:
        pos = replace(pos, next_offset=pos.offset, step_done=False)
        set_state(handler_input, replace(state_of(handler_input), position=pos))
    if pos is None:
        return say(handler_input, "There's nothing to pause. Goodbye for now.", end=True)
    return say(
        handler_input,
        f"Paused at step {pos.step + 1}. Your place is saved. When you're ready, "
        "say: Alexa, ask hip coach to resume.",
        end=True,
    )


class NextHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.NextIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return go_next(handler_input, self)


class PreviousHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.PreviousIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        pos = _position(handler_input, self)
        if pos is None:
            return not_in_routine(handler_input)
        if pos.offset == 0 and pos.step > 0:
            return coach(
                handler_input, self.deps, Position(pos.routine, pos.step - 1, seed=pos.seed)
            )
        return coach(handler_input, self.deps, replace(pos, offset=0, step_done=False))


class RepeatHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.RepeatIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        pos = _position(handler_input, self)
        if pos is not None:
            return coach(handler_input, self.deps, pos)
        finished = Position.from_dict(session(handler_input).get(FINISHED))
        if finished is not None and planned_step(self.deps, finished) is not None:
            # Just finished a routine: its last turn again (not the welcome from before it).
            return coach(handler_input, self.deps, finished, replay=True)
        last = session(handler_input).get("last_speech")
        if isinstance(last, str) and last:
            return say(handler_input, last, "What would you like to do?")
        return not_in_routine(handler_input)


class StartOverHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.StartOverIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        pos = _position(handler_input, self)
        if pos is None:
            return not_in_routine(handler_input)
        return coach(
            handler_input,
            self.deps,
            Position(pos.routine, seed=pos.seed),
            intro=("Starting over from step 1.",),
        )


class PauseHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.PauseIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return pause(handler_input, self)


class ResumeHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.ResumeIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        pos = _position(handler_input, self)
        if pos is None:
            return not_in_routine(handler_input)
        return resume(handler_input, self.deps, pos)


class YesHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.YesIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        pending = session(handler_input).pop(PENDING, None)
        pos = _position(handler_input, self)
        if pending == "resume_offer" and pos is not None:
            return resume(handler_input, self.deps, pos)
        if pending == "skip_offer" and pos is not None:
            return (
                go_next(handler_input, self)
                if pos.step_done
                else coach(handler_input, self.deps, *_skip(handler_input, self, pos))
            )
        if pending == "continue" and pos is not None:
            return go_next(handler_input, self)
        if pending == "another" or pos is None:
            from skill.handlers.routine import routine_choices

            return say(handler_input, routine_choices(self.deps.content), NOT_IN_ROUTINE_REPROMPT)
        return go_next(handler_input, self)


def _skip(
    handler_input: HandlerInput, handler: Handler, pos: Position
) -> tuple[Position, tuple[str, ...]]:
    nxt = advance(handler.deps, replace(pos, step_done=True))
    if nxt is None:  # skipping the last step ends the routine: restart it is wrong; stay
        return replace(pos, offset=0), ("That was the last step.",)
    return nxt, ("Skipping to the next step.",)


class NoHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.NoIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        pending = session(handler_input).pop(PENDING, None)
        pos = _position(handler_input, self)
        if pending == "resume_offer":
            from skill.handlers.routine import routine_choices

            return say(
                handler_input,
                "Okay. " + routine_choices(self.deps.content),
                NOT_IN_ROUTINE_REPROMPT,
            )
        if pending == "skip_offer" and pos is not None:
            return coach(
                handler_input,
                self.deps,
                replace(pos, offset=0, step_done=False, prefs={}),  # paced with the new prefs
                intro=("Okay. Let's go through this step again, more gently.",),
            )
        if pending == "continue" and pos is not None:
            return pause(handler_input, self, replay=False)  # the turn was heard
        return say(handler_input, "Okay. Goodbye for now.", end=True)
