"""Answers to pain, and to the skill's own questions: what "yes" and "no" mean depends on
what was asked (`Asked`), never on which handler ran."""

from __future__ import annotations

from skill.conversation import tracks
from skill.conversation.answers import choices, follow_up
from skill.conversation.coach import advance
from skill.conversation.convo import Asked
from skill.conversation.moves import Moves
from skill.conversation.outcome import Outcome
from skill.core.record import replace
from skill.state import Position

SHARP_WORDS = ("sharp", "shooting", "stabbing", "electric")


def pain(t: Moves, quality: str | None, heard: str | None) -> Outcome:
    """Sharp pain stops the step (skip it or end, never redo it); an ache slows the
    breathing and offers to skip or redo the step more gently."""
    k = t.world.content.knowledge
    sharp = quality == "sharp" or any(w in (heard or "").lower() for w in SHARP_WORDS)
    pos = t.pos
    if sharp:
        if pos is None:
            return follow_up(t.state, t.convo, t.world, " ".join(k.sharp_pain))
        # this step is over; the place is kept so nothing is lost
        t.state = replace(t.state, position=replace(pos, step_done=True))
        return t.say(" ".join(k.sharp_pain) + " Would you like to skip to the next step? "
                        "Say yes to skip it, or no to stop for today.",
                        "Say yes to skip this step, or no to stop for today.",
                        asked=Asked.SKIP_OR_END)
    t.state = replace(t.state, prefs=t.state.prefs.slower_breathing())
    if pos is None:
        return follow_up(t.state, t.convo, t.world, " ".join(k.pain))
    t.state = replace(t.state, position=replace(pos, step_done=True))
    return t.say(" ".join(k.pain) + " If it still hurts, we can skip this step. Shall we "
                    "skip it?", "Say yes to skip this step, or no to go through it again "
                    "more gently.", asked=Asked.SKIP)


def _after(t: Moves, pos: Position) -> Position | None:
    """Where the routine goes on once the step at `pos` is over, in this routine's mode."""
    done = replace(pos, step_done=True)
    if t.streamed(pos):
        return tracks.move(t.world.content, t.state, done, +1)
    return advance(t.world, done)


def skip(t: Moves) -> Outcome:
    pos = t.pos
    assert pos is not None
    nxt = _after(t, pos)
    if nxt is None:
        return t.past_end(pos)
    return t.deliver(nxt, ("Skipping to the next step.",))


def redo_gently(t: Moves) -> Outcome:
    pos = t.pos
    assert pos is not None
    again = replace(pos, offset=0, next_offset=0, step_done=False, side=0,
                    track_offset_ms=0, prefs={})  # paced with the new preferences
    return t.deliver(again, ("Okay. Let's go through this step again, more gently.",))


def yes(t: Moves) -> Outcome:
    asked, pos = t.prior.asked, t.pos
    if asked in (Asked.SKIP, Asked.SKIP_OR_END) and pos is not None:
        return skip(t)
    if asked is Asked.RESUME and pos is not None:
        return t.resume()
    if asked is Asked.CONTINUE and pos is not None:
        return t.resume("") if t.hands_free is not None else t.next()
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
    if asked is Asked.SKIP_OR_END and pos is not None:
        if _after(t, pos) is None:  # the painful step was the last: the routine is over
            t.state = replace(t.state, position=None, last_finished=pos.routine)
            return t.say("Okay. That was the last step, so let's leave it there for today. "
                         "Take care.", "", end=True)
        return t.say("Okay. Let's stop here for today. Your place is saved, and we'll "
                     "start with the next step next time. Take care.", "", end=True)
    if asked is Asked.CONTINUE and pos is not None:
        return t.pause()
    return t.say("Okay. Goodbye for now.", "", end=True)
