"""Answers to the skill's own questions: what "yes" and "no" mean depends on what was
asked (`Asked`), never on which handler ran. Pain itself is answered in `care`."""

from __future__ import annotations

from skill.conversation import tracks
from skill.conversation.answers import choices
from skill.conversation.convo import Asked, Convo
from skill.conversation.moves import Moves
from skill.conversation.outcome import Outcome, Plan
from skill.core.record import replace
from skill.state import UserState


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


def ask_forget(t: Moves) -> Outcome:
    """Deleting is for good: ask once."""
    return t.say("This deletes your progress, streak and settings for good. Shall I delete "
                 "them?", "Say yes to delete your data, or no to keep it.", asked=Asked.FORGET)


def forget(t: Moves) -> Outcome:
    return Outcome(state=UserState(), convo=Convo(), plan=Plan(
        speech="Done. I've deleted your progress and preferences. Goodbye.", end=True,
        forget=True))
