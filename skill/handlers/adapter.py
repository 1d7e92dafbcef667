"""The one request handler: a request becomes an event and a device, the conversation core
decides, and this carries the plan out and builds the response. All I/O is here: the time
zone lookup, track URLs, progressive sends, deleting a user's data, logging."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import PlayBehavior

from skill.adapters.progressive_target import target_from_envelope
from skill.content.model import Content
from skill.conversation import events as ev
from skill.conversation import redeliver, step, without_track
from skill.conversation.convo import Convo
from skill.conversation.device import Device, World
from skill.conversation.outcome import Outcome, Plan, Play
from skill.conversation.tracks import prefs_of
from skill.core.record import replace
from skill.core.ssml import escape
from skill.deps import Deps
from skill.handlers.interceptors import loaded
from skill.handlers.requests import device_of, event_of
from skill.handlers.zone import with_time_zone

MAY_START = (ev.StartRoutine, ev.StartOver, ev.Yes, ev.Resume)
"""Events that may start a routine: the time the streak counts in is looked up first."""


class ConversationHandler(AbstractRequestHandler):
    """Handles every request: what differs per intent is a line in skill.handlers.requests
    and a move in skill.conversation."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        deps, record = self.deps, loaded(handler_input)
        event = event_of(handler_input)
        target = (target_from_envelope(handler_input.request_envelope)
                  if deps.settings.progressive else None)
        device = device_of(handler_input, progressive=target is not None)
        state = record.state
        if isinstance(event, MAY_START) and record.ok:
            state = with_time_zone(handler_input, deps, state)
        world = World(content=deps.content, now=deps.clock(),
                      streaming=deps.tracks is not None and deps.settings.streaming,
                      sounds=deps.sounds, state_known=record.ok)
        outcome = step(state, record.convo, event, device, world)
        if outcome.plan.turn is not None and world.sounds is None:
            # cue clips are asked for when a turn is first coached (it may read the store);
            # once found they are kept, so this second step happens once per process
            sounds = deps.cue_sounds()
            if sounds:
                world = replace(world, sounds=sounds)
                outcome = step(state, record.convo, event, device, world)
        directives, outcome = self._audio(record.convo, outcome, device, world)
        delivered = 0
        turn = outcome.plan.turn
        if turn is not None and turn.turn.progressive:
            if target is not None:
                delivered = deps.sender.send(target, [p.ssml for p in turn.turn.progressive])
            outcome = redeliver(outcome, delivered, world)
        for note in outcome.plan.notes:
            deps.log.info("%s", note)
        for warning in outcome.plan.warnings:
            deps.log.warning("%s", warning)
        if outcome.plan.forget:
            handler_input.attributes_manager.delete_persistent_attributes()
            record.deleted = True
        record.state, record.convo = outcome.state, outcome.convo
        return build(handler_input, outcome.plan, directives, enqueue_speech=delivered > 0)

    def _audio(self, convo: Convo, outcome: Outcome, device: Device,
               world: World) -> tuple[list[Any], Outcome]:
        """AudioPlayer directives with their track URLs; a track that cannot be had turns
        the outcome into dialog coaching (or, where speech is not allowed, no Play)."""
        out: list[Any] = []
        for directive in outcome.plan.audio:
            if not isinstance(directive, Play):
                out.append(stop_directive())
                continue
            try:
                assert self.deps.tracks is not None
                url = self.deps.tracks.url_for(directive.pos.routine, directive.pos.step,
                                               directive.pos.side,
                                               prefs_of(outcome.state, directive.pos))
            except Exception as exc:  # no stored track, renderer or store down
                self.deps.log.warning("streaming unavailable (%s); using dialog mode",
                                      type(exc).__name__)
                sounds = world.sounds or self.deps.cue_sounds()
                world = replace(world, sounds=sounds)
                fallback = without_track(convo, outcome, device, world)
                return self._audio(convo, fallback, device, world)
            out.append(play_directive(world.content, directive, url))
        return out, outcome


def play_directive(content: Content, play: Play, url: str) -> Any:
    """AudioPlayer.Play for a planned track (the models load on first use)."""
    from ask_sdk_model.interfaces.audioplayer import (
        AudioItem,
        AudioItemMetadata,
        PlayBehavior,
        PlayDirective,
        Stream,
    )

    routine = content.routines[play.pos.routine]
    return PlayDirective(
        play_behavior=PlayBehavior(play.behavior),
        audio_item=AudioItem(
            stream=Stream(token=play.token, url=url,
                          offset_in_milliseconds=play.pos.track_offset_ms,
                          expected_previous_token=play.previous),
            metadata=AudioItemMetadata(title=routine.name,
                                       subtitle=f"Step {play.pos.step + 1}"),
        ),
    )


def stop_directive() -> Any:
    from ask_sdk_model.interfaces.audioplayer import StopDirective

    return StopDirective()


def build(handler_input: HandlerInput, plan: Plan, directives: list[Any],
          enqueue_speech: bool) -> Response:
    """The response for `plan`; `directives` are its audio, already resolved to URLs.

    After progressive pieces the final speech says playBehavior ENQUEUE, so it queues
    behind them rather than cutting them off (already Alexa's default for skills without
    CustomInterfaceController, "Control Interruption of Alexa's Speech"; saying it keeps
    the pacing right should that default change).
    """
    rb = handler_input.response_builder
    if plan.turn is not None:
        body = plan.turn.turn.final.body
        if enqueue_speech:
            rb.speak(body, play_behavior=PlayBehavior.ENQUEUE)
        else:
            rb.speak(body)
    elif plan.speech:
        rb.speak(escape(plan.speech))
    if plan.end is False:
        rb.ask(escape(plan.reprompt))
    for directive in directives:
        rb.add_directive(directive)
    if plan.end is not None:
        rb.set_should_end_session(plan.end)
    response: Response = rb.response
    return response
