"""Help, stop and cancel, fallback, navigate home and session end."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.handlers.base import Handler
from skill.handlers.coaching import planned_step
from skill.handlers.context import say, state_of

GOODBYE = "Goodbye. Your place is saved for next time."


class HelpHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.HelpIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        pos = state_of(handler_input).position
        planned = planned_step(self.deps, pos) if pos else None
        if pos is not None and planned is not None:
            name = self.deps.content.routines[pos.routine].name
            return say(
                handler_input,
                f"You're on step {pos.step + 1} of {name}: {planned.step.title}. "
                "Say next to go on, repeat to hear it again, previous to go back, "
                "pause to stop for now, or that hurts if it's too much. "
                "What would you like?",
                "Say next, repeat, previous, or pause.",
            )
        return say(
            handler_input,
            "I talk you through hip and pelvis massage, with timed holds and "
            "breathing cues. Say list routines to hear them, start glute release "
            "to begin, what do I need, or is this safe. What would you like?",
            "Say list routines, or start glute release.",
        )


class StopHandler(Handler):
    """Stop, Cancel and NavigateHome: save (the interceptor does) and say a short goodbye."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(
            is_intent_name(n)(handler_input)
            for n in ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        in_routine = state_of(handler_input).position is not None
        return say(handler_input, GOODBYE if in_routine else "Goodbye. Take care.", end=True)


class FallbackHandler(Handler):
    """Says what can be said at this point, inside or outside a routine."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.FallbackIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        pos = state_of(handler_input).position
        if pos is not None and planned_step(self.deps, pos) is not None:
            return say(
                handler_input,
                "Sorry, I didn't catch that. You can say next, repeat, pause, or that hurts.",
                "Say next to go on, or repeat.",
            )
        return say(
            handler_input,
            "Sorry, I didn't catch that. You can say list routines, or start a "
            "routine by name, like start glute release.",
            "Say list routines, or start glute release.",
        )


class SessionEndedHandler(Handler):
    """Alexa closed the session; state is saved by the interceptor, the reason logged."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        error = getattr(request, "error", None)
        error_type = getattr(getattr(error, "object_type", None), "value", None) or getattr(
            error, "object_type", None
        )
        if error is not None:
            self.deps.log.warning("session ended: reason=%s error_type=%s", reason, error_type)
        else:
            self.deps.log.info("session ended: reason=%s", reason)
        response: Response = handler_input.response_builder.response
        return response


class UnknownIntentHandler(Handler):
    """Any intent nothing else took (not in our model, or sent by a newer model)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("IntentRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return FallbackHandler(self.deps).handle(handler_input)


class CatchAllHandler(Handler):
    """Request types we do not use (System.ExceptionEncountered, new types): answer quietly."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        self.deps.log.info("unhandled request type %s", getattr(request, "object_type", "?"))
        response: Response = handler_input.response_builder.response
        return response
