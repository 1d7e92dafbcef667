"""Pain, safety, explanations and equipment: what the guide says, in the coach's voice."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.core.record import replace
from skill.handlers.base import Handler
from skill.handlers.coaching import PENDING, planned_step
from skill.handlers.context import say, session, set_state, slot, spoken_list, state_of
from skill.handlers.routine import equipment_sentence

WHY_TOPIC = "why-massage"
"""What ExplainIntent means when no topic was said ("why does this help", "how does this work")."""
SHARP_WORDS = ("sharp", "shooting", "stabbing", "electric")


def _in_routine_reprompt(handler_input: HandlerInput, handler: Handler) -> str:
    pos = state_of(handler_input).position
    if pos is not None and planned_step(handler.deps, pos) is not None:
        return "Say next to go on, or repeat to hear the step again."
    return "What would you like to do?"


class PainHandler(Handler):
    """Ordinary pain: ease off and breathe slower; sharp pain: stop and see a professional."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("PainIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        k = self.deps.content.knowledge
        quality, heard = slot(handler_input, "quality")
        sharp = quality == "sharp" or any(w in (heard or "").lower() for w in SHARP_WORDS)
        state = state_of(handler_input)
        pos = state.position
        if sharp:
            if pos is not None:  # stop this step; keep the place so nothing is lost
                state = replace(state, position=replace(pos, step_done=True))
                set_state(handler_input, state)
                session(handler_input)[PENDING] = "continue"
            return say(
                handler_input,
                " ".join(k.sharp_pain) + " Say next to skip to the next step, "
                "or stop to end for today.",
                "Say next to skip this step, or stop to end.",
            )
        state = replace(state, prefs=state.prefs.slower_breathing())
        if pos is not None:  # "next" or "yes" now skips the step; "no" redoes it gently
            state = replace(state, position=replace(pos, step_done=True))
            session(handler_input)[PENDING] = "skip_offer"
        set_state(handler_input, state)
        if pos is not None:
            return say(
                handler_input,
                " ".join(k.pain) + " If it still hurts, we can skip this step. Shall we skip it?",
                "Say yes to skip this step, or no to go through it again more gently.",
            )
        return say(handler_input, " ".join(k.pain), "What would you like to do?")


class SafetyHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("SafetyIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        k = self.deps.content.knowledge
        rules = sorted(k.safety, key=lambda r: not r.key)
        text = " ".join(r.text for r in rules)
        return say(
            handler_input,
            f"{k.disclaimer} {text} {' '.join(k.conditions)}",
            _in_routine_reprompt(handler_input, self),
        )


class ExplainHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ExplainIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        k = self.deps.content.knowledge
        topic_id, heard = slot(handler_input, "topic")
        if topic_id is None and heard is None:  # "why does this help": the samples with no slot
            topic_id = WHY_TOPIC
        reprompt = _in_routine_reprompt(handler_input, self)
        for m in k.muscles:
            if m.id == topic_id:
                return say(handler_input, f"{m.what} {m.tightness}", reprompt)
        for t in k.topics:
            if t.id == topic_id:
                return say(handler_input, " ".join(t.lines), reprompt)
        options = [m.name for m in k.muscles] + [k.topics[0].name]
        return say(
            handler_input,
            f"I can explain {spoken_list(options, 'or')}. Which would you like?",
            "Which would you like me to explain?",
        )


class EquipmentHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("EquipmentIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        content = self.deps.content
        pos = state_of(handler_input).position
        if pos is not None and pos.routine in content.routines:
            routine = content.routines[pos.routine]
            ids = {e for t in routine.techniques for e in content.techniques[t].equipment}
            notes = " ".join(e.note for e in content.knowledge.equipment if e.id in ids)
            return say(
                handler_input,
                f"{equipment_sentence(content, routine)} {notes}",
                _in_routine_reprompt(handler_input, self),
            )
        notes = " ".join(e.note for e in content.knowledge.equipment)
        return say(handler_input, notes, "Which routine would you like to start?")
