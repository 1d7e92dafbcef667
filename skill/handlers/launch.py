"""Launch: a first-time welcome with the safety basics, or an offer to continue."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.core.record import replace
from skill.handlers.base import Handler
from skill.handlers.coaching import PENDING, advance, planned_step
from skill.handlers.context import say, session, set_state, state_of
from skill.handlers.streaming import can_stream

WHAT_YOU_CAN_SAY = "You can say start glute release, list routines, or ask what you need."


class LaunchHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        state = state_of(handler_input)
        k = self.deps.content.knowledge
        if not state.safety_heard:
            key_rule = next(r.text for r in k.safety if r.key)
            set_state(handler_input, replace(state, safety_heard=True))
            return say(
                handler_input,
                "Welcome to Hip Coach. I'll talk you through hip and pelvis "
                f"massage, one step at a time. {k.disclaimer} {key_rule} "
                f"{WHAT_YOU_CAN_SAY} What would you like to do?",
                "Say list routines, or start glute release.",
            )
        pos = state.position
        if pos is not None and planned_step(self.deps, pos) is not None \
                and not can_stream(handler_input, self.deps, state):
            pos = advance(self.deps, pos)  # dialog mode resumes after the last delivered turn
        planned = planned_step(self.deps, pos) if pos else None
        if pos is not None and planned is not None:
            name = self.deps.content.routines[pos.routine].name
            session(handler_input)[PENDING] = "resume_offer"
            return say(
                handler_input,
                f"Welcome back. You were about to do step {pos.step + 1} of "
                f"{name}, {planned.step.title}. Would you like to continue, or "
                "start something new?",
                f"Say yes to continue {name}, or name another routine.",
            )
        names = [r.name for r in self.deps.content.routines.values()][:3]
        return say(
            handler_input,
            f"Welcome back to Hip Coach. Which routine would you like today? "
            f"For example, {names[0]} or {names[1]}. Or say list routines.",
            "Which routine would you like? Say list routines to hear them all.",
        )
