"""`step`: one event in, one outcome out, with every device rule applied in one place.

The rules (PLATFORM.md; each checked over every reachable state by tests/test_crawler.py):
- a response that speaks while our track is playing or paused stops it (or replaces it
  with a Play of what comes next): otherwise the device resumes it after the answer;
- a response with a Play ends the session (AudioPlayer requires it);
- requests that may not speak (AudioPlayer, PlaybackController, system) get no speech,
  reprompt or coaching turn, and so never progressive responses;
- an open session always ends on a question with a reprompt;
- what "repeat" replays is set here, from what was actually said.
"""

from __future__ import annotations

from collections.abc import Callable

from skill.conversation import answers, playback, replies, tracks
from skill.conversation import events as ev
from skill.conversation.coach import planned_step, repack
from skill.conversation.context import reinterpret
from skill.conversation.convo import Asked, Convo, Repeat
from skill.conversation.device import ACTIVE, Device, World
from skill.conversation.moves import Moves
from skill.conversation.outcome import Outcome, Plan, Play, StopAudio
from skill.core.record import replace
from skill.state import UserState

Move = Callable[[Moves, ev.Event], Outcome]


def _m(fn: Callable[[Moves], Outcome]) -> Move:
    return lambda t, e: fn(t)


def _a(fn: Callable[[UserState, Convo, World], Outcome]) -> Move:
    return lambda t, e: fn(t.state, t.convo, t.world)


def _p(fn: Callable[..., Outcome], *slots: str) -> Move:
    """An answer that may be given mid-routine: it learns whether the player is ours."""
    return lambda t, e: fn(t.state, t.convo, t.world, *(getattr(e, s, None) for s in slots),
                           player=t.player)


def _played(t: Moves, e: ev.Event) -> Outcome:
    assert isinstance(e, playback.PlaybackEvent)
    return playback.on_playback(t.state, t.convo, e, t.world)


def _button(t: Moves, e: ev.Event) -> Outcome:
    return playback.on_button(t.state, t.convo, e, t.device, t.world)


def _care(name: str) -> Callable[..., Outcome]:
    """A move of skill.conversation.care, loaded when first needed (not by a Launch)."""
    import skill.conversation.care as care

    found: Callable[..., Outcome] = getattr(care, name)
    return found


def _advice(name: str) -> Callable[..., Outcome]:
    import skill.conversation.advice as advice

    found: Callable[..., Outcome] = getattr(advice, name)
    return found


def _question(name: str) -> Callable[..., Outcome]:
    import skill.conversation.questions as questions

    found: Callable[..., Outcome] = getattr(questions, name)
    return found


def _launch(t: Moves) -> Outcome:
    state, k = t.state, t.world.content.knowledge
    pos = t.pos if state.position is not None else None  # a new user loads no plan
    target = t.resume_target(pos) if pos is not None else None
    if not state.safety_heard and target is None:
        return answers.say(replace(state, safety_heard=True), t.convo,
                           "Welcome to Hip Coach. I'll talk you through hip and pelvis massage, "
                           f"one step at a time. {k.first_words} You can say start "
                           "glute release, list routines, or ask what you need. What would you "
                           "like to do?", "Say list routines, or start glute release.")
    if pos is not None and target is not None:
        planned = planned_step(t.world, target)
        assert planned is not None
        name = t.world.content.routines[pos.routine].name
        # a routine begun before the safety words were said (older saved state) hears them
        # here, without losing the offer to go on
        first = "" if state.safety_heard else f"{k.first_words} "
        t.state = replace(t.state, safety_heard=True)
        return t.say(f"Welcome back. {first}You were about to do step {target.step + 1} of "
                     f"{name}, {planned.step.title}. Would you like to continue, or start "
                     "something new?", f"Say yes to continue {name}, or name another routine.",
                     asked=Asked.RESUME)
    if pos is not None:  # its last step was skipped: the routine is over
        t.state = replace(t.state, position=None, last_finished=pos.routine)
    names = [r.name for r in t.world.content.menu][:2]
    return t.say(f"Welcome back to Hip Coach. Which routine would you like today? For example, "
                 f"{names[0]} or {names[1]}. Or say list routines.",
                 "Which routine would you like? Say list routines to hear them all.",
                 asked=Asked.PICK)


def _start(t: Moves, e: ev.Event) -> Outcome:
    assert isinstance(e, ev.StartRoutine)
    routine = e.routine
    if routine is None and (e.area or e.muscle):  # "loosen up my glutes"
        return _advice("start_for")(t, e.area, e.muscle)
    if routine is None or routine not in t.world.content.routines:
        return answers.choices(t.state, t.convo, t.world, e.heard)
    return t.start(routine)


def _area(t: Moves, e: ev.Event) -> str | None:
    """The area an event names, or the area of the muscle it names."""
    area: str | None = getattr(e, "area", None)
    if area is None:
        found = t.world.content.knowledge.area_for_muscle(getattr(e, "muscle", None))
        area = found.id if found else None
    return area


def _loop(t: Moves) -> Outcome:
    return answers.follow_up(t.state, t.convo, t.world, "Routines always play in order, so "
                             "looping and shuffling aren't available.", t.player)


def _ended(t: Moves, e: ev.Event) -> Outcome:
    assert isinstance(e, ev.SessionEnded)
    note = f"session ended: reason={e.reason}" + (f" error_type={e.error}" if e.error else "")
    plan = Plan(warnings=(note,)) if e.error else Plan(notes=(note,))
    return Outcome(state=t.state, convo=Convo(), plan=plan)


def _device_error(t: Moves, e: ev.Event) -> Outcome:
    assert isinstance(e, ev.DeviceError)
    return Outcome(state=t.state, convo=t.convo,
                   plan=Plan(warnings=(f"device reported an exception: {e.error}",)))


MOVES: dict[type[ev.Event], Move] = {
    ev.Launch: _m(_launch),
    ev.StartRoutine: _start,
    ev.ListRoutines: _a(answers.list_routines),
    ev.Next: _m(Moves.next),
    ev.Previous: _m(Moves.previous),
    ev.Repeat: _m(Moves.repeat),
    ev.StartOver: _m(Moves.start_over),
    ev.Pause: _m(replies.pause),
    ev.Resume: _m(Moves.resume),
    ev.Yes: _m(replies.yes),
    ev.No: _m(replies.no),
    ev.Stop: _m(Moves.stop),
    ev.Help: lambda t, e: answers.help_answer(t.state, t.convo, t.device, t.world,
                                               t.hands_free is not None),
    ev.Fallback: _m(replies.fallback),
    ev.LoopShuffle: _m(_loop),
    ev.Pain: lambda t, e: _care("pain")(t, getattr(e, "quality", None),
                                        getattr(e, "heard", None), _area(t, e)),
    ev.Condition: lambda t, e: _care("condition")(t, getattr(e, "condition", None)),
    ev.AboutRoutine: lambda t, e: _advice("about")(t, getattr(e, "routine", None),
                                                   getattr(e, "heard", None)),
    ev.Suggest: lambda t, e: _advice("suggest")(t, _area(t, e)),
    ev.Unsure: _m(replies.unsure),
    ev.ShortOnTime: lambda t, e: _advice("short_on_time")(t, getattr(e, "minutes", None)),
    ev.Kit: lambda t, e: _advice("kit")(t, getattr(e, "equipment", None),
                                        getattr(e, "has", True)),
    ev.TimeLeft: lambda t, e: _question("time_left")(t),
    ev.WhatNext: lambda t, e: _question("what_next")(t),
    ev.WhereAmI: lambda t, e: _question("where_am_i")(t),
    ev.SwitchSides: lambda t, e: _question("switch_sides")(t),
    ev.Safety: _p(answers.safety),
    ev.Explain: _p(answers.explain, "topic", "heard"),
    ev.Equipment: _p(answers.equipment),
    ev.Preference: _p(answers.preference, "setting"),
    ev.Progress: _p(answers.progress_answer),
    ev.ForgetMe: _m(replies.ask_forget),
    ev.StepByStep: _m(Moves.step_by_step),
    ev.SessionEnded: _ended,
    ev.PlaybackStarted: _played,
    ev.PlaybackStopped: _played,
    ev.PlaybackNearlyFinished: _played,
    ev.PlaybackFinished: _played,
    ev.PlaybackFailed: _played,
    ev.PlayCommand: _button,
    ev.PauseCommand: _button,
    ev.NextCommand: _button,
    ev.PreviousCommand: _button,
    ev.DeviceError: _device_error,
    ev.Unhandled: lambda t, e: playback.quiet(
        t.state, t.convo, f"unhandled request type {getattr(e, 'kind', '?')}"),
}
"""Event type -> the move that answers it; an event not listed is heard as Fallback."""


def step(state: UserState, convo: Convo, event: ev.Event, device: Device,
         world: World) -> Outcome:
    """The conversation's one transition: pure, total, and device-safe."""
    state = _with_context_offset(state, device, world)
    # the previous question is answered (or abandoned) by whatever is said next
    moves = Moves(state, replace(convo, asked=Asked.NOTHING, suggested=""), device, world,
                  prior=convo)
    event = reinterpret(event, convo.asked, world.content,
                        in_routine=isinstance(event, ev.Suggest)
                        and answers.in_routine(state, world))
    move = MOVES.get(type(event), MOVES[ev.Fallback])
    return settle(move(moves, event), device)


def settle(outcome: Outcome, device: Device) -> Outcome:
    """Apply the device rules to an outcome (see the module docstring)."""
    plan, convo = outcome.plan, outcome.convo
    if not device.can_speak:
        plan = replace(plan, speech="", reprompt="", turn=None, end=None)
    if plan.speaks and _ours_active(device) and not plan.replaces_audio \
            and not plan.stops_audio and (plan.end is False or _leaves_track(outcome.state,
                                                                             device)):
        plan = replace(plan, audio=(StopAudio(), *plan.audio))
    if any(isinstance(d, Play) for d in plan.audio) and device.can_speak:
        plan = replace(plan, end=True, reprompt="")
    if plan.end is False and not plan.reprompt:
        plan = replace(plan, reprompt=answers.WHAT_NEXT)
    if plan.speech and plan.turn is None and plan.end is False:
        convo = replace(convo, repeat=Repeat.ANSWER, said=plan.speech,
                        said_reprompt=plan.reprompt)
    return replace(outcome, plan=plan, convo=convo)


def _leaves_track(after: UserState, device: Device) -> bool:
    """The routine no longer goes on with the track the device is playing: it ended, was
    stopped (pain), moved, or switched to dialog mode."""
    pos = after.position
    if pos is None or pos.dialog or pos.step_done or after.dialog_only:
        return True
    return tracks.parse_token(device.token) != (pos.routine, pos.step, pos.side)


def _ours_active(device: Device) -> bool:
    return device.activity in ACTIVE and tracks.parse_token(device.token) is not None


def _with_context_offset(state: UserState, device: Device, world: World) -> UserState:
    """A spoken request made while our track is current carries where it is: keep it as
    the best known offset, in case no PlaybackStopped follows."""
    pos = state.position
    parsed = tracks.parse_token(device.token)
    if (pos is None or parsed is None or not device.can_speak or pos.dialog
            or device.activity not in ACTIVE | {"STOPPED"}):
        return state
    if parsed != (pos.routine, pos.step, pos.side) or device.offset_ms <= 0:
        return state
    # a playing track's offset is from now; a stopped one's is as old as the stop
    when = int(world.now.timestamp()) if device.activity in ACTIVE else pos.offset_at
    return replace(state, position=replace(pos, track_offset_ms=device.offset_ms,
                                           offset_at=when))


def redeliver(outcome: Outcome, delivered: int, world: World) -> Outcome:
    """The same outcome when only `delivered` of its turn's progressive pieces were sent."""
    turn = outcome.plan.turn
    if turn is None or delivered >= len(turn.turn.progressive):
        return outcome
    again = repack(world, turn, delivered)
    return replace(outcome, state=again.state, convo=again.convo,
                   plan=replace(outcome.plan, turn=again.plan.turn, reprompt=again.plan.reprompt))


def without_track(convo: Convo, outcome: Outcome, device: Device,
                  world: World) -> Outcome:
    """The outcome when its Play cannot be had (no stored track, renderer or store down):
    a spoken request coaches that step in dialog mode, for the rest of the routine; a
    request that may not speak just goes without the directive."""
    play = next(d for d in outcome.plan.audio if isinstance(d, Play))
    if not device.can_speak or play.behavior == "ENQUEUE":
        kept = tuple(d for d in outcome.plan.audio if not isinstance(d, Play))
        return replace(outcome, plan=replace(outcome.plan, audio=kept))
    pos = replace(play.pos, offset=0, next_offset=0, step_done=False, track_offset_ms=0,
                  dialog=True)
    state = replace(outcome.state, position=pos)
    t = Moves(state, convo, device, world)
    return settle(t.coach(pos, play.intro), device)
