"""Answers to the skill's own questions: what "yes" and "no" mean depends on what was
asked (`Asked`), never on which handler ran. Pain itself is answered in `care`."""

from __future__ import annotations

import re

from skill.conversation import tracks
from skill.conversation.answers import WHAT_NEXT, choices, in_routine
from skill.conversation.answers import fallback as not_understood
from skill.conversation.convo import Asked, Convo
from skill.conversation.moves import Moves
from skill.conversation.outcome import Outcome, Plan
from skill.core.record import replace
from skill.state import UserState

ALL_OVER = "hips"
"""The knowledge.yaml area that is everywhere around the hips (for "I'm not sure where")."""


def skip(t: Moves) -> Outcome:
    """On past the step that hurt, and past any step on an area resting today."""
    pos = t.pos
    assert pos is not None
    nxt = t.after(pos)
    if nxt is None:
        return t.past_end(pos)
    clear = t.clear(nxt)
    if clear is None:
        return t.resting()
    return t.deliver(clear, ("Okay, moving on.",))


def redo_gently(t: Moves) -> Outcome:
    pos = t.pos
    assert pos is not None
    slower = tracks.prefs_of(t.state, pos).slower_breathing()  # for this step alone
    again = replace(pos, offset=0, next_offset=0, step_done=False, side=0,
                    track_offset_ms=0, prefs=slower.to_dict())
    return t.deliver(again, ("Okay. Let's go through this step again, with lighter pressure "
                             "and slower breathing.",))


def yes(t: Moves) -> Outcome:
    asked, pos = t.prior.asked, t.pos
    if asked in (Asked.SKIP, Asked.MOVE_ON) and pos is not None:
        return skip(t)
    if asked is Asked.RESUME and pos is not None:
        return t.resume()
    if asked is Asked.CONTINUE and pos is not None:
        return t.resume("", restart=False) if t.hands_free is not None else t.next()
    if asked is Asked.SCREEN:
        from skill.conversation.care import screened_yes  # not needed to launch

        return screened_yes(t)
    if asked is Asked.CLEARED and t.prior.suggested in t.world.content.routines:
        t.state = replace(t.state, conditions=(), screened=True)
        return t.start(t.prior.suggested)
    if asked is Asked.FORGET:
        return forget(t)
    if asked is Asked.SUGGEST and t.prior.suggested in t.world.content.routines:
        return t.start(t.prior.suggested)
    if asked is Asked.AGAIN and t.state.last_finished in t.world.content.routines:
        return t.start(t.state.last_finished)
    if asked is Asked.PICK:
        return suggest(t)
    if asked is Asked.NOTHING and pos is not None:
        return t.next()
    return choices(t.state, t.convo, t.world)


def suggest(t: Moves) -> Outcome:
    """"Yes" to "which would you like?" answers nothing: offer one routine by name."""
    routines = t.world.content.routines
    pick = next((r for r in routines if r != t.state.last_finished), next(iter(routines)))
    name = routines[pick].name
    return t.say(f"Shall I start {name}? Or name another routine.",
                    f"Say yes to start {name}, or name another routine.",
                    asked=Asked.SUGGEST, suggested=pick)


def no(t: Moves) -> Outcome:
    asked, pos = t.prior.asked, t.pos
    if asked is Asked.RESUME:
        return choices(t.state, t.convo, t.world, lead="Okay. ")
    if asked is Asked.SKIP and pos is not None:
        return redo_gently(t)
    if asked is Asked.MOVE_ON and pos is not None:
        return t.say("Okay. Let's stop here for today. Your place is saved. Take care.", "",
                     end=True)
    if asked is Asked.SCREEN and t.prior.suggested in t.world.content.routines:
        t.state = replace(t.state, screened=True)
        return t.start(t.prior.suggested)
    if asked is Asked.CLEARED:
        return t.say("Then please check with them first. Until then, I'll leave out deep "
                     "pressure. What would you like to do?", "Say list routines, or stop.")
    if asked is Asked.FORGET:
        return t.say("Okay, I've kept everything. What would you like to do?",
                     "Say list routines, or stop.")
    if asked is Asked.CONTINUE and pos is not None:
        return t.pause()
    return t.say("Okay. Goodbye for now.", "", end=True)


def unsure(t: Moves) -> Outcome:
    """"I'm not sure": to a safety question, the careful answer; to a choice, a suggestion;
    to anything else, the question again in other words."""
    asked, pos = t.prior.asked, t.pos
    if asked is Asked.SCREEN:  # "are you pregnant, or ...?": not sure counts as yes
        from skill.conversation.care import screened_yes

        return screened_yes(t)
    if asked is Asked.CLEARED:  # "has a healthcare provider said it's okay?"
        return no(t)
    if asked is Asked.MOVE_ON and pos is not None:  # after sharp pain: stop for today
        return no(t)
    if asked is Asked.SKIP and pos is not None:  # after pain: leave that step out
        return skip(t)
    if asked is Asked.FORGET:  # deleting is for good: only a clear yes deletes
        return no(t)
    if asked in (Asked.PICK, Asked.ANOTHER, Asked.AGAIN):
        return suggest(t)
    if asked is Asked.WHERE:
        return _all_over(t)
    if t.prior.said and asked is not Asked.NOTHING:
        return t.say(f"That's okay. {t.prior.said_reprompt or t.prior.said}",
                     t.prior.said_reprompt or WHAT_NEXT, asked=asked,
                     suggested=t.prior.suggested)
    return choices(t.state, t.convo, t.world, lead="That's okay. ")


def pause(t: Moves) -> Outcome:
    """"Hold on" / "wait" to a question, with no routine to pause: keep the question open
    (ending the session would lose it); otherwise pause as usual."""
    question = _question_in(t.prior.said)
    if t.pos is None and t.prior.asked is not Asked.NOTHING and question:
        return t.say(f"Okay, take your time. {question}", t.prior.said_reprompt or question,
                     asked=t.prior.asked, suggested=t.prior.suggested)
    return t.pause()


def fallback(t: Moves) -> Outcome:
    """Not understood while a question is open: ask it again, so a misheard answer to
    "Are you pregnant, or ...?" never drops the question (or its careful default)."""
    question = _question_in(t.prior.said)
    if t.prior.asked is Asked.NOTHING or not question:
        return not_understood(t.state, t.convo, t.world)
    hint = "You can say next, repeat, pause, or that hurts. " \
        if in_routine(t.state, t.world) else ""
    return t.say(f"Sorry, I didn't catch that. {hint}{question}",
                 t.prior.said_reprompt or question, asked=t.prior.asked,
                 suggested=t.prior.suggested)


def _question_in(said: str) -> str:
    """The last question in what was said ("" when it asked none)."""
    found = re.findall(r"[^.?!]*\?", said)
    return found[-1].strip() if found else ""


def _all_over(t: Moves) -> Outcome:
    """No one place: offer the routine for the area that is all around the hips."""
    routines = t.world.content.routines
    whole = next((a for a in t.world.content.knowledge.areas
                  if a.id == ALL_OVER and a.routine in routines), None)
    if whole is None or whole.routine is None:
        return choices(t.state, t.convo, t.world, lead="That's okay. ")
    name = routines[whole.routine].name
    return t.say(f"That's okay. If it's all around your {whole.name}, {name} works the "
                 f"whole area. Shall I start {name}?",
                 f"Say yes to start {name}, or name another routine.",
                 asked=Asked.SUGGEST, suggested=whole.routine)


def ask_forget(t: Moves) -> Outcome:
    """Deleting is for good: ask once."""
    return t.say("This deletes your progress, streak and settings for good. Shall I delete "
                 "them?", "Say yes to delete your data, or no to keep it.", asked=Asked.FORGET)


def forget(t: Moves) -> Outcome:
    return Outcome(state=UserState(), convo=Convo(), plan=Plan(
        speech="Done. I've deleted your progress and preferences. Goodbye.", end=True,
        forget=True))
