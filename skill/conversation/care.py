"""Pain, nerve symptoms and medical conditions: where a voice coach can hurt someone, so
every rule here takes the safe side.

- Sharp pain and nerve symptoms (numbness, tingling, burning, pain down the leg) stop the
  step, rest that technique's muscles for the rest of the user's day (`UserState.sore`),
  and offer a step on a different area or ending; never the same muscle's other side.
- An ache gets the technique's own way to ease off and an offer to skip; nothing else
  (no preference is changed behind the user's back).
- A user's first routine with deep pressure is preceded by one question; a condition told
  at any time is answered on its own and remembered, and deep pressure then waits for a
  healthcare provider's say-so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill.content.knowledge import Area
from skill.content.model import Routine
from skill.conversation.answers import follow_up, spoken_list
from skill.conversation.coach import planned_step
from skill.conversation.convo import Asked
from skill.conversation.outcome import Outcome
from skill.conversation.progress import local_day
from skill.core.record import replace

if TYPE_CHECKING:
    from skill.conversation.moves import Moves

SHARP_WORDS = ("sharp", "shooting", "stabbing", "electric", "agon", "excruciat", "unbearab",
               "severe")
"""Sharp (stop) by what is heard; intense pain ("agony", "unbearable") is stopped like
sharp pain: the safe answer, as the model's PAIN_QUALITY values do."""
NERVE_WORDS = ("numb", "tingl", "burn", "pins and needles", "down my leg", "down the leg",
               "down my thigh", "radiat", "travels", "spreading")
"""Nerve symptoms by what is heard, for slot values the model did not resolve."""
FINE_WORDS = frozenset({"fine", "okay", "ok", "good", "great", "better", "alright",
                        "all right", "comfortable", "nice", "not bad", "perfect"})
"""Heard in a pain sample's slot ("it's fine"), these say the pressure is right."""
UNSPECIFIED = "unspecified"
"""The condition recorded when the user says yes to the screening question."""
NOT_ADVISED = ("I can't advise on that condition. If you have a medical condition, please "
               "check with a healthcare provider before any deep tissue massage.")
REMEMBERED = ("I'll remember that, and check with you before any routine with deep "
              "pressure.")


def quality_of(quality: str | None, heard: str | None) -> str:
    """"sharp", "nerve", "ache" or "fine": resolved ids first, then the words heard."""
    if quality in ("sharp", "nerve"):
        return quality
    words = (heard or "").lower().strip()
    if any(w in words for w in SHARP_WORDS):
        return "sharp"
    if any(w in words for w in NERVE_WORDS):
        return "nerve"
    if quality is None and words in FINE_WORDS:
        return "fine"
    return "ache"


def area(t: Moves, area_id: str | None) -> Area | None:
    return next((a for a in t.world.content.knowledge.areas if a.id == area_id), None)


def pain(t: Moves, quality: str | None, heard: str | None, area_id: str | None) -> Outcome:
    kind = quality_of(quality, heard)
    if kind == "fine":
        return follow_up(t.state, t.convo, t.world, "Good. Keep the pressure at a good hurt, "
                         "never sharp.", t.player)
    if kind in ("sharp", "nerve"):
        return _stop(t, kind, area(t, area_id))
    return _ache(t, area(t, area_id))


def _stop(t: Moves, kind: str, where: Area | None) -> Outcome:
    k = t.world.content.knowledge
    lines = " ".join(k.sharp_pain if kind == "sharp" else k.nerve)
    pos, planned = t.pos, planned_step(t.world, t.pos)
    muscles = set(where.muscles if where else ())
    if planned is not None:
        muscles |= set(planned.technique.muscles)
    today = local_day(t.state, t.world.now).isoformat()
    t.state = replace(t.state, sore={**t.state.sore, **dict.fromkeys(muscles, today)})
    rest = " We won't press on that area again today." if muscles else ""
    if pos is None or planned is None:
        return follow_up(t.state, t.convo, t.world, f"{lines}{rest}")
    t.state = replace(t.state, position=replace(pos, step_done=True))
    nxt = t.clear(t.after(pos))
    if nxt is None:
        if t.after(pos) is None:  # that was the routine's last step
            t.state = replace(t.state, position=None)
        return t.say(f"{lines}{rest} The rest of this routine works the same area, so let's "
                     "stop here for today. Take care.", "", end=True)
    nxt_step = planned_step(t.world, nxt)
    assert nxt_step is not None
    return t.say(f"{lines}{rest} Would you like to move on to {nxt_step.technique.name}, "
                 "which works a different area, or stop for today?",
                 "Say yes to move on to a different area, or no to stop for today.",
                 asked=Asked.MOVE_ON)


def _ache(t: Moves, where: Area | None) -> Outcome:
    k = t.world.content.knowledge
    pos, planned = t.pos, planned_step(t.world, t.pos)
    if pos is None or planned is None:
        text = " ".join(k.pain)
        routine = t.world.content.routines.get(where.routine) if where else None
        if routine is not None:
            text += (f" If it's tightness or a dull ache, {routine.name} works that area "
                     f"gently. Say: tell me about {routine.name}, to hear more.")
        return follow_up(t.state, t.convo, t.world, text)
    ease = " ".join(planned.technique.ease_off) or k.pain[0]
    t.state = replace(t.state, position=replace(pos, step_done=True))
    return t.say(f"{ease} If it still hurts, we can skip this step. Shall we skip it?",
                 "Say yes to skip this step, or no to go through it again more gently.",
                 asked=Asked.SKIP)


# ---------------------------------------------------------------------------- conditions
def deep(t: Moves, routine: Routine) -> bool:
    content = t.world.content
    return any(content.techniques[tid].deep for tid in routine.techniques)


def gate(t: Moves, asked_for: str, routine: Routine) -> Outcome | None:
    """The question to ask before starting `routine` (chosen for `asked_for`), if any."""
    if not deep(t, routine):
        return None
    if t.state.conditions:
        return t.say(f"You told me earlier about {_told(t)}. {routine.name.capitalize()} uses "
                     "deep pressure. Has a healthcare provider said deep pressure massage is "
                     "okay for you?", "Say yes if a healthcare provider has said it's okay, "
                     "or no.", asked=Asked.CLEARED, suggested=asked_for)
    if not t.state.screened:
        k = t.world.content.knowledge
        return t.say(f"Before we start: {routine.name} uses deep pressure. {k.screen}",
                     f"Please say yes or no. {k.screen}", asked=Asked.SCREEN,
                     suggested=asked_for)
    return None


def _told(t: Moves) -> str:
    names = {c.id: c.name for c in t.world.content.knowledge.conditions}
    said = [names.get(c, "a medical condition") for c in t.state.conditions]
    return spoken_list(list(dict.fromkeys(said)))


def screened_yes(t: Moves) -> Outcome:
    k = t.world.content.knowledge
    t.state = replace(t.state, screened=True,
                      conditions=tuple(dict.fromkeys((*t.state.conditions, UNSPECIFIED))))
    return t.say(f"{' '.join(k.screen_flagged)} What would you like to do?",
                 "Say list routines, or stop.")


def condition(t: Moves, condition_id: str | None) -> Outcome:
    found = next((c for c in t.world.content.knowledge.conditions if c.id == condition_id),
                 None)
    text = " ".join(found.lines) if found else NOT_ADVISED
    t.state = replace(t.state, screened=True, conditions=tuple(dict.fromkeys(
        (*t.state.conditions, found.id if found else UNSPECIFIED))))
    pos, planned = t.pos, planned_step(t.world, t.pos)
    if pos is not None and planned is not None:
        t.state = replace(t.state, position=replace(pos, step_done=True))
        return t.say(f"{text} Let's stop here for today. Your place is saved. Take care.", "",
                     end=True)
    return follow_up(t.state, t.convo, t.world, f"{text} {REMEMBERED}")
