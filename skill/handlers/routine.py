"""Start a routine by name, and list the routines."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.content.model import Content, Routine
from skill.core.record import replace
from skill.handlers.base import Handler
from skill.handlers.coaching import coach, start_position
from skill.handlers.context import say, set_state, slot, spoken_list, state_of
from skill.handlers.local_time import local_today, with_time_zone
from skill.handlers.streaming import can_stream, consume_stream_failure, start_stream

MASS_NOUNS = ("oil", "lotion")
"""Equipment named without "a": "massage oil", not "a massage oil"."""


def equipment_sentence(content: Content, routine: Routine) -> str:
    """ "You'll need a massage ball and a quiet space." from the routine's techniques."""
    ids: list[str] = []
    for tid in routine.techniques:
        for eid in content.techniques[tid].equipment:
            if eid not in ids:
                ids.append(eid)
    names = {e.id: e.name for e in content.knowledge.equipment}
    items = [names[i] if names[i].endswith(MASS_NOUNS) else f"a {names[i]}" for i in ids]
    return f"You'll need {spoken_list(items)}." if items else ""


def routine_choices(content: Content, heard: str | None = None) -> str:
    """The choices, briefly, when a routine was not named or not recognised."""
    names = spoken_list([r.name for r in content.routines.values()], "or")
    lead = f"I don't know a routine called {heard}. " if heard and len(heard) <= 60 else (
        "I don't know that routine. " if heard else "")
    return f"{lead}You can choose {names}. Which would you like?"


class StartRoutineHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("StartRoutineIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        content = self.deps.content
        routine_id, heard = slot(handler_input, "routine")
        if routine_id is None or routine_id not in content.routines:
            return say(
                handler_input,
                routine_choices(content, heard),
                "Which routine would you like? For example, glute release.",
            )
        return start_routine(handler_input, self, content.routines[routine_id])


def start_routine(handler_input: HandlerInput, handler: Handler, routine: Routine) -> Response:
    """Begin `routine` from its first step: equipment check, then step 1."""
    from skill.core.plan import format_clock, routine_duration_ms

    deps = handler.deps
    state = with_time_zone(handler_input, deps, state_of(handler_input))
    today = local_today(deps, state)
    pos = start_position(deps, state, routine.id)
    state = replace(state, position=pos, history=state.history.with_session(today))
    set_state(handler_input, state)
    total = format_clock(
        routine_duration_ms(deps.content, routine, state.effective_prefs(routine.id))
    )
    minutes = total.split(":")[0]
    intro = (
        f"Let's do {routine.name}. It takes about {minutes} minutes.",
        equipment_sentence(deps.content, routine),
    )
    if can_stream(handler_input, deps, state):
        return start_stream(handler_input, deps, pos, intro)
    consume_stream_failure(handler_input, state)
    return coach(handler_input, deps, pos, intro=tuple(i for i in intro if i))


class ListRoutinesHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ListRoutinesIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        content = self.deps.content
        own = [r.name for r in content.routines.values() if r.kind == "self"]
        partner = [r.name for r in content.routines.values() if r.kind == "partner"]
        return say(
            handler_input,
            f"On your own, you can do {spoken_list(own)}. With a partner: "
            f"{spoken_list(partner)}. Which would you like to start?",
            "Which routine would you like to start?",
        )
