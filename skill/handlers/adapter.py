"""The one request handler: a request becomes an event and a device, the conversation core
decides, and this carries the plan out and builds the response. All I/O is here: the time
zone lookup, track URLs, progressive sends, deleting a user's data, logging."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.interfaces.display import Image, ImageInstance
from ask_sdk_model.ui import PlayBehavior, SimpleCard

from skill.adapters.progressive_target import target_from_envelope
from skill.audio.public import AudioBase, audio_of, device_problem
from skill.content.model import Content
from skill.conversation import events as ev
from skill.conversation import redeliver, step, without_track
from skill.conversation.convo import Convo
from skill.conversation.device import Device, World
from skill.conversation.outcome import Outcome, Plan, Play
from skill.conversation.tracks import prefs_of
from skill.core.limits import NOW_PLAYING_ART_PX, NOW_PLAYING_BACKGROUND_PX
from skill.core.preferences import Preferences
from skill.core.record import replace
from skill.core.ssml import escape
from skill.deps import Deps, Tracks
from skill.handlers.cards import Card, card_for
from skill.handlers.interceptors import loaded
from skill.handlers.requests import device_of, event_of
from skill.handlers.zone import with_time_zone
from skill.state import UserState

if TYPE_CHECKING:
    from skill.audio.art import NowPlaying

MAY_START = (ev.StartRoutine, ev.StartOver, ev.Yes, ev.Resume)
"""Events that may start a routine: the time the streak counts in is looked up first."""
MAX_REASON_CHARS = 300
"""An exception's text in a log line, cut here (an S3 error can carry a whole XML body)."""


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
        audio = audio_of(handler_input.context, deps.settings.audio_base_url)
        # a device that cannot play our URLs is coached as one without AudioPlayer
        tracks = deps.tracks_for(audio) if device.audio_player else deps.tracks
        world = World(content=deps.content, now=deps.clock(),
                      streaming=tracks is not None and deps.settings.streaming,
                      sounds=deps.known_sounds(audio), state_known=record.ok)
        outcome = step(state, record.convo, event, device, world)
        if outcome.plan.turn is not None and world.sounds is None:
            # cue clips are asked for when a turn is first coached (it may read the store);
            # once found they are kept, so this second step happens once per process
            sounds = deps.cue_sounds(audio)
            if sounds:
                world = replace(world, sounds=sounds)
                outcome = step(state, record.convo, event, device, world)
        directives, outcome = self._audio(tracks, audio, record.convo, outcome, device, world)
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
        self._card(handler_input, state, outcome, device)
        if device.screen and device.can_speak:  # APL only where declared (loaded lazily)
            from skill.screens.directive import screen_directives

            directives = [*directives, *screen_directives(outcome, event, world, deps.log,
                                                          tracks)]
        return build(handler_input, outcome.plan, directives, enqueue_speech=delivered > 0)

    def _audio(self, tracks: Tracks | None, audio: AudioBase, convo: Convo, outcome: Outcome,
               device: Device, world: World) -> tuple[list[Any], Outcome]:
        """AudioPlayer directives with their track URLs; a track that cannot be had, or a
        URL the device could not play, turns the outcome into dialog coaching (or, where
        speech is not allowed, no Play)."""
        out: list[Any] = []
        for directive in outcome.plan.audio:
            if not isinstance(directive, Play):
                out.append(stop_directive())
                continue
            pos, prefs = directive.pos, prefs_of(outcome.state, directive.pos)
            try:
                assert tracks is not None
                url = tracks.url_for(pos.routine, pos.step, pos.side, prefs)
            except Exception as exc:  # no stored track, renderer or store down
                self.deps.log.warning("streaming unavailable: no track for %s; using dialog "
                                      "mode", missing(pos.routine, pos.step, pos.side, prefs,
                                                      exc))
                return self._without_track(tracks, audio, convo, outcome, device, world)
            problem = device_problem(url) if audio.device else None
            if problem is not None:  # a store or fake that ignored the request's base
                self.deps.warn_once(f"AudioPlayer devices get spoken coaching: {problem}")
                return self._without_track(tracks, audio, convo, outcome, device, world)
            from skill.audio.art import now_playing

            shown = now_playing(tracks, world.content, pos.routine, pos.step, pos.side, prefs,
                                self.deps.warn_once, audio.device)
            out.append(play_directive(world.content, directive, url, shown))
        return out, outcome

    def _card(self, handler_input: HandlerInput, before: UserState, outcome: Outcome,
              device: Device) -> None:
        """The Alexa app card for this response (skill.handlers.cards); a failure costs
        only the card."""
        try:
            card = card_for(self.deps.content, before, outcome, device.can_speak)
        except Exception as exc:  # a content or state surprise must not lose the answer
            self.deps.log.warning("no card: %s: %s", type(exc).__name__, exc)
            return
        if card is not None:
            handler_input.response_builder.set_card(simple_card(card))

    def _without_track(self, tracks: Tracks | None, audio: AudioBase, convo: Convo,
                       outcome: Outcome, device: Device,
                       world: World) -> tuple[list[Any], Outcome]:
        world = replace(world, sounds=world.sounds or self.deps.cue_sounds(audio))
        fallback = without_track(convo, outcome, device, world)
        return self._audio(tracks, audio, convo, fallback, device, world)


def missing(routine: str, step: int, side: int, prefs: Preferences, exc: Exception) -> str:
    """Which track could not be had and why, for the operator: "glute-release step 1 side 2,
    preferences long-normal-detailed-left (index key glute-release/0/1/...): reason"."""
    from skill.audio.index import track_key  # only on this failure path (shutil, hashlib)

    try:
        key = track_key(routine, step, side, prefs)
    except Exception:  # a preference that does not serialise: the names still say enough
        key = "?"
    reason = f"{type(exc).__name__}: {exc}"
    if len(reason) > MAX_REASON_CHARS:
        reason = reason[:MAX_REASON_CHARS] + "..."
    return (f"{routine} step {step + 1} side {side + 1}, preferences "
            f"{key.rsplit('/', 1)[-1]} (index key {key}): {reason}")


def simple_card(card: Card) -> SimpleCard:
    return SimpleCard(title=card.title, content=card.content)


def play_directive(content: Content, play: Play, url: str,
                   shown: NowPlaying | None = None) -> Any:
    """AudioPlayer.Play for a planned track (the models load on first use), with the
    now-playing subtitle, art and background image when there are any."""
    from ask_sdk_model.interfaces.audioplayer import (
        AudioItem,
        AudioItemMetadata,
        PlayBehavior,
        PlayDirective,
        Stream,
    )

    routine = content.routines[play.pos.routine]
    subtitle = shown.subtitle if shown else f"Step {play.pos.step + 1}"
    return PlayDirective(
        play_behavior=PlayBehavior(play.behavior),
        audio_item=AudioItem(
            stream=Stream(token=play.token, url=url,
                          offset_in_milliseconds=play.pos.track_offset_ms,
                          expected_previous_token=play.previous),
            metadata=AudioItemMetadata(
                title=routine.name, subtitle=subtitle,
                art=_image(shown.art, NOW_PLAYING_ART_PX, shown.description) if shown else None,
                background_image=_image(shown.background, NOW_PLAYING_BACKGROUND_PX,
                                        shown.description) if shown else None),
        ),
    )


def _image(url: str | None, size: tuple[int, int], description: str) -> Image | None:
    """A display Image with one source of its exact size, or None without a URL."""
    if url is None:
        return None
    return Image(content_description=description,
                 sources=[ImageInstance(url=url, width_pixels=size[0], height_pixels=size[1])])


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
