"""Moving through a routine, in either mode: start, next, previous, repeat, start over,
pause, resume, stop, step by step. Answers to the skill's own questions (yes, no) and to
pain are in skill.conversation.replies.

Each move asks `tracks.streams` once: a streamed routine moves between tracks and
answers with a Play; otherwise it is coached turn by turn (`coach.coach`).
"""

from __future__ import annotations

from skill.conversation import progress, tracks
from skill.conversation.answers import (
    UNAVAILABLE,
    WHAT_NEXT,
    equipment_sentence,
    minutes_of,
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


class Moves:
    """One request's inputs, so the moves below read as the conversation they are."""

    def __init__(self, state: UserState, convo: Convo, device: Device, world: World,
                 prior: Convo | None = None) -> None:
        self.state, self.convo, self.device, self.world = state, convo, device, world
        self.prior = prior or convo
        """The convo as the previous turn left it: what it asked and offered (`convo` is
        the one this turn builds on, with the question cleared)."""

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

    def say(self, text: str, reprompt: str, *, asked: Asked = Asked.NOTHING,
            end: bool = False, suggested: str = "") -> Outcome:
        return say(self.state, self.convo, text, reprompt, asked=asked, end=end,
                   suggested=suggested)

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

    def after(self, pos: Position) -> Position | None:
        """Where the routine goes once the step at `pos` is over, in this routine's mode."""
        done = replace(pos, step_done=True)
        if self.streamed(pos):
            return tracks.move(self.world.content, self.state, done, +1)
        return advance(self.world, done)

    def clear(self, target: Position | None) -> Position | None:
        """`target`, or the first step after it that works no muscle resting today (sharp
        pain or nerve symptoms there); None when the rest of the routine would."""
        from skill.core.plan import steps

        if target is None or not self.state.sore:  # nothing has hurt: the common case
            return target
        sore = self.state.sore_today(progress.local_day(self.state, self.world.now))
        if not sore:
            return target
        plan = steps(self.world.content, self.world.content.routines[target.routine])
        for i in range(target.step, len(plan)):
            if not sore & set(plan[i].technique.muscles):
                if i == target.step:
                    return target
                if self.streamed(target):
                    return tracks.at_track(self.state, target, i, 0)
                return Position(target.routine, i, seed=target.seed, dialog=target.dialog)
        return None

    def resting(self) -> Outcome:
        """What is left works an area that hurt sharply today."""
        return self.say("The rest of this routine works the area that hurt earlier today, "
                        "so let's leave it until tomorrow. Your place is saved. Take care.", "",
                        end=True)

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
        """Start a routine by its menu id: its variant for the user's equipment, after the
        deep-pressure question when it is due, skipping steps on an area resting today."""
        from skill.conversation.care import gate  # not needed to launch
        from skill.core.plan import routine_duration_ms

        content = self.world.content
        chosen = content.variant(routine_id, self.state.has)
        routine = content.routines[chosen]
        question = gate(self, routine_id, routine)
        if question is not None:
            return question
        # a failed playback runs the next routine in dialog mode, all of it
        pos = self.clear(first_position(self.state, chosen, dialog=self.state.stream_failed))
        if pos is None:
            return self.say(f"{routine.name.capitalize()} works the area that hurt earlier "
                            "today, so let's leave it until tomorrow. Which other routine "
                            "would you like?", NOT_IN_ROUTINE_REPROMPT, asked=Asked.PICK)
        # "Alexa, ask hip coach to start glute release" skips the welcome: the disclaimer
        # and the key safety rule are said here instead, before the first routine
        first = "" if self.state.safety_heard else content.knowledge.first_words
        self.state = replace(progress.routine_started(self.state, self.world.now),
                             position=pos, stream_failed=False, safety_heard=True)
        total = minutes_of(routine_duration_ms(content, routine,
                                               self.state.effective_prefs(chosen)))
        intro = (f"{lead}Let's do {routine.name}. It takes about {total} minutes.",
                 equipment_sentence(content, routine), first)
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
        else:
            nxt = advance(self.world, pos)
        if nxt is None:
            return self.past_end(pos)
        clear = self.clear(nxt)
        if clear is None:
            return self.resting()
        return self.play(clear) if self.streamed(pos) else self.coach(clear)

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

    def repeat(self) -> Outcome:
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
                            asked=self.prior.asked, suggested=self.prior.suggested)
        return self.not_in_routine()

    def resume_target(self, pos: Position) -> Position | None:
        """Where a resume continues: the saved track and offset when streamed (the next
        step if this one was stopped); in dialog mode the turn after the last delivered."""
        if self.streamed(pos):
            return tracks.move(self.world.content, self.state, pos, +1) if pos.step_done \
                else pos
        return advance(self.world, pos)

    def resume(self, lead: str = "Picking up where you left off.", *,
               restart: bool = True) -> Outcome:
        """Carry on (skill.conversation.resuming): in place moments after a stop, else from
        the current side's setup."""
        from skill.conversation.resuming import resume

        return resume(self, lead, restart=restart)

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
