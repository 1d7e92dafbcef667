"""Choosing a routine without starting one: describe it, suggest one for where it feels
tight or for the time there is, and what to use instead of missing equipment.

Nothing here starts a routine: "tell me about quick release" describes it and offers;
only "yes" (or "start ...") starts it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill.content.model import Routine
from skill.conversation import care
from skill.conversation.answers import (
    choices,
    equipment_sentence,
    follow_up,
    in_routine,
    minutes_of,
    spoken_list,
)
from skill.conversation.convo import Asked
from skill.conversation.outcome import Outcome
from skill.core.record import replace

if TYPE_CHECKING:
    from skill.conversation.moves import Moves


def duration_ms(t: Moves, routine: Routine) -> int:
    """How long `routine` runs for this user: their equipment's variant, their settings."""
    from skill.core.plan import routine_duration_ms

    content = t.world.content
    chosen = content.routines[content.variant(routine.id, t.state.has)]
    return routine_duration_ms(content, chosen, t.state.effective_prefs(chosen.id))


def _offer(t: Moves, text: str, routine: Routine) -> Outcome:
    """Say `text`; outside a routine, offer to start `routine` ("yes" starts it)."""
    if in_routine(t.state, t.world):
        return follow_up(t.state, t.convo, t.world, text, t.player)
    return t.say(f"{text} Shall I start {routine.name}?",
                 f"Say yes to start {routine.name}, or name another routine.",
                 asked=Asked.SUGGEST, suggested=routine.id)


def about(t: Moves, routine_id: str | None, heard: str | None) -> Outcome:
    content = t.world.content
    routine = content.routines.get(routine_id or "")
    if routine is None or routine.variant_of:
        return choices(t.state, t.convo, t.world, heard)
    chosen = content.routines[content.variant(routine.id, t.state.has)]
    minutes = minutes_of(duration_ms(t, routine))
    partner = " It's done with a partner." if routine.kind == "partner" else ""
    deep = " It uses deep pressure." if care.deep(t, chosen) else ""
    text = (f"{routine.name.capitalize()}. {routine.summary} It takes about {minutes} "
            f"minutes.{partner}{deep} {equipment_sentence(content, chosen)}")
    return _offer(t, text.strip(), routine)


def suggest(t: Moves, area_id: str | None) -> Outcome:
    """For a tight area, the guide's reason and the routine that works it; no diagnosis."""
    k = t.world.content.knowledge
    routines = t.world.content.routines
    where = care.area(t, area_id)
    if where is None:
        pairs = [(a.name, routines[a.routine].name) for a in k.areas if a.routine][:4]
        options = spoken_list([f"for your {a}, {r}" for a, r in pairs], "and")
        return t.say(f"It depends where you feel tight: {options}. Where do you feel it?",
                     "Where do you feel tight? For example, my lower back.", asked=Asked.WHERE)
    routine = routines.get(where.routine)
    if routine is None:
        return follow_up(t.state, t.convo, t.world, f"I don't have a routine for your "
                         f"{where.name}. If you have pain, numbness or tingling there, please "
                         "check with a healthcare professional.", t.player)
    return _offer(t, f"{where.why} {routine.name.capitalize()} works that area. "
                  f"{k.disclaimer} If the pain is new or severe, check with a healthcare "
                  "professional first.", routine)


def start_for(t: Moves, area_id: str | None, muscle: str | None) -> Outcome:
    """"Loosen up my glutes": start the routine that works that area (or that muscle's
    area); an area without a routine gets the suggestion's answer instead."""
    k = t.world.content.knowledge
    where = care.area(t, area_id) or k.area_for_muscle(muscle)
    if where is not None and where.routine in t.world.content.routines:
        return t.start(where.routine)
    return suggest(t, where.id if where else None)


def short_on_time(t: Moves, minutes: int | None) -> Outcome:
    """The longest routine that fits `minutes`, or the shortest one."""
    menu = [(duration_ms(t, r), r) for r in t.world.content.menu if r.kind == "self"] or \
        [(duration_ms(t, r), r) for r in t.world.content.menu]
    menu.sort(key=lambda pair: pair[0])
    fits = [pair for pair in menu if minutes is not None and pair[0] <= minutes * 60_000]
    ms, routine = fits[-1] if fits else menu[0]
    lead = "" if fits or minutes is None else f"Nothing fits in {minutes} minutes. "
    shortest = "the shortest, " if not fits else ""
    return _offer(t, f"{lead}Try {shortest}{routine.name}: it takes about {minutes_of(ms)} "
                  "minutes.", routine)


def kit(t: Moves, equipment_id: str | None, has: bool) -> Outcome:
    """Remember what the user has; say what stands in for what they lack."""
    k = t.world.content.knowledge
    item = next((e for e in k.equipment if e.id == equipment_id), None)
    if item is None:
        return follow_up(t.state, t.convo, t.world, "The routines use a massage ball, a "
                         "foam roller, or just your hands. Say what you have, like: I have a "
                         "tennis ball.", t.player)
    t.state = replace(t.state, kit={**t.state.kit, item.id: has})
    users = [r.name for r in t.world.content.routines.values() if r.uses == item.id]
    if not has:
        return follow_up(t.state, t.convo, t.world, item.without, t.player)
    also = f" The {spoken_list(users)} will use it too." if users else ""
    return follow_up(t.state, t.convo, t.world, f"Good. {item.note}{also}", t.player)
