"""Moving through a routine, in either mode: start, next, previous, repeat, start over,
pause, resume, stop, pain, and what "yes" and "no" answer.

Each move asks `tracks.streams` once: a streamed routine moves between tracks and
answers with a Play; otherwise it is coached turn by turn (`coach.coach`).
"""

from __future__ import annotations

from skill.conversation import progress, tracks
from skill.conversation.answers import (
    UNAVAILABLE,
    WHAT_NEXT,
    choices,
    equipment_sentence,
    follow_up,
    say,
)
from skill.conversation.coach import advance, coach, first_position, planned_step
from skill.conversation.convo import Asked, Convo, Repeat
from skill.conversation.device import ACTIVE, Device, World
from skill.conversation.outcome import Outcome, Plan, StopAudio
from skill.core.record import replace
from skill.state import Position, UserState

NOT_IN_ROUTINE = ("You're not in a routine right now. Which one would you like? Say list "
                  "routines to hear them, or start glute release.")
NOT_IN_ROUTINE_REPROMPT = "Which routine would you like to start?"
GOODBYE = "Goodbye. Your place is saved for next time."
SHARP_WORDS = ("sharp", "shooting", "stabbing", "electric")


class Turn:
    """One request's inputs, so the moves below read as the conversation they are."""

    def __init__(self, state: UserState, convo: Convo, device: Device, world: World,
                 asked: Convo | None = None) -> None:
        self.state, self.convo, self.device, self.world = state, convo, device, world
        self.asked = asked or convo
        """The convo as the previous turn left it: what it asked and offered."""

    # where we are -------------------------------------------------------------------
    @property
    def pos(self) -> Position | None:
        """The saved position, when it still points at a step of the content."""
        pos = self.state.position
        return pos if planned_step(self.world, pos) is not None else None

    def streamed(self, pos: Position | None) -> bool:
        return tracks.streams(self.state, self.device, self.world, pos)

    @property
    def hands_free(self) -> Position | None:
        return tracks.hands_free(self.state, self.device, self.world)

    @property
    def player(self) -> str:
        """"active" while our track plays on, "held" while the device holds it stopped,
        "" when the routine is not hands-free here."""
        if self.hands_free is None:
            return ""
        return "active" if self.device.activity in ACTIVE else "held"

    def say(self, text: str, reprompt: str, **kw: object) -> Outcome:
        return say(self.state, self.convo, text, reprompt, **kw)  # type: ignore[arg-type]

    # answers that every move may need -------------------------------------------------
    def not_in_routine(self) -> Outcome:
        text = f"{UNAVAILABLE} {WHAT_NEXT}" if not self.world.state_known else NOT_IN_ROUTINE
        return self.say(text, NOT_IN_ROUTINE_REPROMPT, asked=Asked.PICK)

    def past_end(self, pos: Position) -> Outcome:
        """Moved past the last step (skipped it): the routine is over, not counted."""
        name = self.world.content.routines[pos.routine].name
        self.state = replace(self.state, position=None, last_finished=pos.routine)
        return self.say(f"That was the last part of {name}, so the routine is over. Would you "
                        "like another routine?",
                        "Say list routines, start over, or stop.", asked=Asked.ANOTHER)

    def play(self, pos: Position, intro: tuple[str, ...] = ()) -> Outcome:
        """Play the track at `pos` (REPLACE_ALL), after `intro`: the session ends, as Play
        requires."""
        pos, directive = tracks.play(self.world, self.state, pos, intro=intro)
        state = replace(self.state, position=pos)
        return Outcome(state=state, convo=self.convo,
                       plan=Plan(speech=" ".join(intro), audio=(directive,), end=True))

    def coach(self, pos: Position, intro: tuple[str, ...] = (), replay: bool = False) -> Outcome:
        return coach(self.state, self.convo, pos, self.device, self.world,
                     tuple(i for i in intro if i), replay=replay)

    def deliver(self, pos: Position, intro: tuple[str, ...] = ()) -> Outcome:
        """The step at `pos` in this routine's mode: its track, or its dialog turn."""
        if self.streamed(pos):
            return self.play(pos, tuple(i for i in intro if i))
        return self.coach(pos, intro)

    # starting ----------------------------------------------------------------------------
    def start(self, routine_id: str, lead: str = "") -> Outcome:
        from skill.core.plan import format_clock, routine_duration_ms

        content = self.world.content
        routine = content.routines[routine_id]
        # a failed playback runs the next routine in dialog mode, all of it
        pos = first_position(self.state, routine_id, dialog=self.state.stream_failed)
        self.state = replace(progress.routine_started(self.state, self.world.now),
                             position=pos, stream_failed=False)
        total = format_clock(routine_duration_ms(content, routine,
                                                 self.state.effective_prefs(routine_id)))
        intro = (f"{lead}Let's do {routine.name}. It takes about {total.split(':')[0]} minutes.",
                 equipment_sentence(content, routine))
        return self.deliver(pos, intro)

    def start_over(self) -> Outcome:
        pos = self.pos
        if pos is None:
            last = self.state.last_finished
            if last in self.world.content.routines and self.world.state_known:
                return self.start(last, "Starting again. ")
            return self.not_in_routine()
        first = Position(pos.routine, seed=pos.seed, dialog=pos.dialog)
        if self.streamed(pos):
            return self.play(first)
        return self.coach(first, ("Starting over from step 1.",))

    # moving ------------------------------------------------------------------------------
    def next(self) -> Outcome:
        pos = self.pos
        if pos is None:
            return self.not_in_routine()
        if self.streamed(pos):
            nxt = tracks.move(self.world.content, self.state, pos, +1)
            if nxt is None and self.player == "active":  # the last track plays on to its end
                return self.say("That was the last part of the routine.", "", end=True)
            return self.past_end(pos) if nxt is None else self.play(nxt)
        nxt = advance(self.world, pos)
        return self.past_end(pos) if nxt is None else self.coach(nxt)

    def previous(self) -> Outcome:
        pos = self.pos
        if pos is None:
            return self.not_in_routine()
        if self.streamed(pos):
            prev = tracks.move(self.world.content, self.state, pos, -1)
            return self.play(prev or replace(pos, track_offset_ms=0))
        if pos.offset == 0 and pos.step > 0:
            return self.coach(Position(pos.routine, pos.step - 1, seed=pos.seed,
                                       dialog=pos.dialog))
        return self.coach(replace(pos, offset=0, step_done=False))

    def repeat(self, asked: Asked) -> Outcome:
        """Inside a routine the current step's turn (what every in-routine reprompt
        promises); just after one ends its last turn; otherwise the last answer."""
        pos, convo = self.pos, self.convo
        if pos is not None:
            if self.streamed(pos):
                return self.play(replace(pos, track_offset_ms=0))
            return self.coach(pos)
        finished = convo.finished
        if convo.repeat is Repeat.FINISHED and planned_step(self.world, finished) is not None:
            assert finished is not None
            return self.coach(finished, replay=True)  # its last turn, counted once
        if convo.repeat is Repeat.ANSWER and convo.said:
            return self.say(convo.said, convo.said_reprompt or "What would you like to do?",
                            asked=asked, suggested=self.asked.suggested)
        return self.not_in_routine()

    def resume_target(self, pos: Position) -> Position | None:
        """Where a resume continues: the saved track and offset when streamed (the next
        step if this one was stopped); in dialog mode the turn after the last delivered."""
        if self.streamed(pos):
            return tracks.move(self.world.content, self.state, pos, +1) if pos.step_done \
                else pos
        return advance(self.world, pos)

    def resume(self, lead: str = "Picking up where you left off.") -> Outcome:
        pos = self.pos
        if pos is None:
            last = self.state.last_finished
            if last in self.world.content.routines:
                name = self.world.content.routines[last].name
                return self.say(f"You finished {name} last time. Would you like to do it "
                                "again?", f"Say yes to start {name} again, or list routines.",
                                asked=Asked.AGAIN)
            return self.not_in_routine()
        if self.hands_free is not None and not pos.step_done:
            return self.play(pos)
        target = self.resume_target(pos)
        if target is None:
            return self.past_end(pos)
        return self.deliver(target, (lead,))

    def pause(self) -> Outcome:
        """Keep the place exactly where "no" at "Ready to go on?" would: after the turn
        that was heard (pause never rewinds, so resume never replays a heard turn)."""
        pos = self.pos
        if pos is None:
            return self.say("There's nothing to pause. Goodbye for now.", "", end=True)
        if self.hands_free is not None:  # PlaybackStopped (or the context) saves the offset
            return Outcome(state=self.state, convo=self.convo,
                           plan=Plan(audio=(StopAudio(),), end=True))
        where = (f"after step {pos.step + 1}" if pos.step_done and not self.streamed(pos)
                 else f"at step {pos.step + 1}")
        return self.say(f"Paused {where}. Your place is saved. When you're ready, say: "
                        "Alexa, ask hip coach to resume.", "", end=True)

    def stop(self) -> Outcome:
        if self.hands_free is not None:
            return Outcome(state=self.state, convo=self.convo,
                           plan=Plan(audio=(StopAudio(),), end=True))
        text = GOODBYE if self.state.position is not None else "Goodbye. Take care."
        return self.say(text, "", end=True)

    def step_by_step(self) -> Outcome:
        self.state = replace(self.state, dialog_only=True)
        pos = self.pos
        if pos is not None:
            turn = replace(pos, offset=0, next_offset=0, step_done=False, side=0,
                           track_offset_ms=0, dialog=True)
            return self.coach(turn, ("Okay, I'll guide you step by step.",))
        return self.say("Okay, I'll guide you step by step, one turn at a time. Which routine "
                        "would you like?", "Which routine would you like?", asked=Asked.PICK)

    # pain ------------------------------------------------------------------------------
    def pain(self, quality: str | None, heard: str | None) -> Outcome:
        k = self.world.content.knowledge
        sharp = quality == "sharp" or any(w in (heard or "").lower() for w in SHARP_WORDS)
        pos = self.pos
        if sharp:
            if pos is None:
                return follow_up(self.state, self.convo, self.world, " ".join(k.sharp_pain))
            # this step is over; the place is kept so nothing is lost
            self.state = replace(self.state, position=replace(pos, step_done=True))
            return self.say(" ".join(k.sharp_pain) + " Would you like to skip to the next step? "
                            "Say yes to skip it, or no to stop for today.",
                            "Say yes to skip this step, or no to stop for today.",
                            asked=Asked.SKIP_OR_END)
        self.state = replace(self.state, prefs=self.state.prefs.slower_breathing())
        if pos is None:
            return follow_up(self.state, self.convo, self.world, " ".join(k.pain))
        self.state = replace(self.state, position=replace(pos, step_done=True))
        return self.say(" ".join(k.pain) + " If it still hurts, we can skip this step. Shall we "
                        "skip it?", "Say yes to skip this step, or no to go through it again "
                        "more gently.", asked=Asked.SKIP)

    def skip(self) -> Outcome:
        pos = self.pos
        assert pos is not None
        done = replace(pos, step_done=True)
        if self.streamed(pos):
            nxt = tracks.move(self.world.content, self.state, done, +1)
        else:
            nxt = advance(self.world, done)
        if nxt is None:
            return self.past_end(pos)
        return self.deliver(nxt, ("Skipping to the next step.",))

    def redo_gently(self) -> Outcome:
        pos = self.pos
        assert pos is not None
        again = replace(pos, offset=0, next_offset=0, step_done=False, side=0,
                        track_offset_ms=0, prefs={})  # paced with the new preferences
        return self.deliver(again, ("Okay. Let's go through this step again, more gently.",))

    # yes and no --------------------------------------------------------------------------
    def yes(self, asked: Asked) -> Outcome:
        pos = self.pos
        if asked in (Asked.SKIP, Asked.SKIP_OR_END) and pos is not None:
            return self.skip()
        if asked is Asked.RESUME and pos is not None:
            return self.resume()
        if asked is Asked.CONTINUE and pos is not None:
            return self.resume("") if self.hands_free is not None else self.next()
        if asked is Asked.SUGGEST and self.asked.suggested in self.world.content.routines:
            return self.start(self.asked.suggested)
        if asked is Asked.AGAIN and self.state.last_finished in self.world.content.routines:
            return self.start(self.state.last_finished)
        if asked is Asked.PICK:
            return self.suggest()
        if asked is Asked.NOTHING and pos is not None:
            return self.next()
        return choices(self.state, self.convo, self.world)

    def suggest(self) -> Outcome:
        """"Yes" to "which would you like?" answers nothing: offer one routine by name."""
        routines = self.world.content.routines
        pick = next((r for r in routines if r != self.state.last_finished), next(iter(routines)))
        name = routines[pick].name
        return self.say(f"Shall I start {name}? Or name another routine.",
                        f"Say yes to start {name}, or name another routine.",
                        asked=Asked.SUGGEST, suggested=pick)

    def no(self, asked: Asked) -> Outcome:
        pos = self.pos
        if asked is Asked.RESUME:
            return choices(self.state, self.convo, self.world, lead="Okay. ")
        if asked is Asked.SKIP and pos is not None:
            return self.redo_gently()
        if asked is Asked.SKIP_OR_END and pos is not None:
            return self.say("Okay. Let's stop here for today. Your place is saved, and we'll "
                            "start with the next step next time. Take care.", "", end=True)
        if asked is Asked.CONTINUE and pos is not None:
            return self.pause()
        return self.say("Okay. Goodbye for now.", "", end=True)
