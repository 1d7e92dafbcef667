"""AudioPlayer events and the device's playback buttons: keep the position right and the
queue filled. Their responses never speak (enforced again in `machine.settle`)."""

from __future__ import annotations

from skill.conversation import progress, tracks
from skill.conversation.coach import planned_step
from skill.conversation.convo import Convo
from skill.conversation.device import Device, World
from skill.conversation.events import (
    Event,
    NextCommand,
    PauseCommand,
    PlaybackFailed,
    PlaybackFinished,
    PlaybackNearlyFinished,
    PlaybackStarted,
    PlaybackStopped,
    PlayCommand,
    PreviousCommand,
)
from skill.conversation.outcome import Outcome, Plan, StopAudio
from skill.core.record import replace
from skill.state import Position, UserState

PlaybackEvent = (PlaybackStarted | PlaybackStopped | PlaybackNearlyFinished | PlaybackFinished
                 | PlaybackFailed)


def quiet(state: UserState, convo: Convo, *notes: str) -> Outcome:
    return Outcome(state=state, convo=convo, plan=Plan(notes=notes))


def track_of(state: UserState, world: World, token: str | None) -> Position | None:
    """The position of the track a token names, when it is a track of the routine in
    progress in streaming mode; None for stale, forged or foreign tokens."""
    parsed = tracks.parse_token(token)
    pos = state.position
    if parsed is None or pos is None or pos.dialog or state.dialog_only or not world.streaming:
        return None
    routine, step, side = parsed
    if routine != pos.routine or routine not in world.content.routines:
        return None
    moved = replace(pos, step=step, side=side)
    if not tracks.valid_track(world.content, state, moved):
        return None
    if step != pos.step:  # a new step: its own turn offsets, paced with the current prefs
        moved = replace(moved, step_done=False, offset=0, next_offset=0,
                        prefs=state.effective_prefs(routine).to_dict())
    return moved


def on_playback(state: UserState, convo: Convo, event: PlaybackEvent, world: World) -> Outcome:
    pos = track_of(state, world, event.token)
    kind = type(event).__name__
    if pos is None:
        return quiet(state, convo, f"{kind} for a track not in progress: ignored")
    if isinstance(event, PlaybackStarted | PlaybackStopped):
        # the best known offset: where playback started, then where it stopped
        pos = replace(pos, track_offset_ms=max(0, event.offset_ms),
                      offset_at=int(world.now.timestamp()))
        return quiet(replace(state, position=pos), convo)
    if isinstance(event, PlaybackNearlyFinished):
        nxt = tracks.move(world.content, state, replace(pos, step_done=False), +1)
        if nxt is None:
            return quiet(state, convo)
        _, directive = tracks.play(world, state, nxt, "ENQUEUE", previous=event.token)
        return Outcome(state=state, convo=convo, plan=Plan(audio=(directive,)))
    if isinstance(event, PlaybackFinished):
        return quiet(finished_track(state, world, pos), convo)
    return Outcome(state=replace(state, position=replace(pos, dialog=True), stream_failed=True),
                   convo=convo, plan=Plan(warnings=(
                       f"playback failed: {event.error}; dialog mode for the rest of this "
                       "routine",)))


def finished_track(state: UserState, world: World, pos: Position) -> UserState:
    """A track played to its end: its minutes count; the last one finishes the routine."""
    from skill.core.plan import side_timeline

    planned = planned_step(world, pos)
    assert planned is not None  # track_of checked it
    played = side_timeline(world.content, planned, pos.side, tracks.prefs_of(state, pos),
                           0).duration_ms
    state = progress.time_played(state, played)
    nxt = tracks.move(world.content, state, replace(pos, step_done=False), +1)
    if nxt is None:
        return progress.routine_finished(state, pos.routine)
    return replace(state, position=nxt)


ControllerEvent = PlayCommand | PauseCommand | NextCommand | PreviousCommand


def on_button(state: UserState, convo: Convo, event: Event, device: Device,
              world: World) -> Outcome:
    """Play, pause, next and previous buttons on the device or its remote."""
    pos = state.position
    if pos is None or planned_step(world, pos) is None or not tracks.streams(
            state, device, world, pos):
        return quiet(state, convo, "playback button outside a streamed routine: ignored")
    if isinstance(event, PauseCommand):
        return Outcome(state=state, convo=convo, plan=Plan(audio=(StopAudio(),)))
    if isinstance(event, NextCommand):
        target = tracks.move(world.content, state, pos, +1)
    elif isinstance(event, PreviousCommand):
        target = tracks.move(world.content, state, pos, -1) or replace(pos, track_offset_ms=0)
    else:
        target = pos
    if target is None:
        return quiet(state, convo)
    target, directive = tracks.play(world, state, target)
    return Outcome(state=replace(state, position=target), convo=convo,
                   plan=Plan(audio=(directive,)))
