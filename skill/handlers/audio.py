"""Streaming mode: AudioPlayer events, playback buttons and intents while a track is current.

AudioPlayer and PlaybackController requests carry no session, so everything lives
in persistent attributes (the position, with the track's side and offset). Their
responses carry no speech, card or reprompt: only AudioPlayer directives.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.core.record import replace
from skill.deps import Deps
from skill.handlers.base import Handler
from skill.handlers.coaching import planned_step
from skill.handlers.context import say, set_state, state_of
from skill.handlers.playback import (
    empty,
    move,
    parse_token,
    play_directive,
    play_response,
    prefs_of,
    streaming_position,
)
from skill.state import Position


def stop_directive() -> Any:
    """AudioPlayer.Stop (its model loads on first use, not at cold start)."""
    from ask_sdk_model.interfaces.audioplayer import StopDirective

    return StopDirective()


class PlaybackEventHandler(Handler):
    """AudioPlayer.* events: keep the position right and the queue filled."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request_type = getattr(handler_input.request_envelope.request, "object_type", "")
        return str(request_type).startswith("AudioPlayer.")

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.core.plan import track_order

        request: Any = handler_input.request_envelope.request
        kind = request.object_type.split(".", 1)[1]
        parsed = parse_token(getattr(request, "token", None))
        state = state_of(handler_input)
        if parsed is None or state.position is None:
            return empty(handler_input)
        routine, step, side = parsed
        if routine not in self.deps.content.routines or self.deps.tracks is None:
            return empty(handler_input)
        pos = replace(state.position, routine=routine, step=step, side=side)
        routine_obj = self.deps.content.routines[routine]
        if (step, side) not in track_order(self.deps.content, routine_obj,
                                           prefs_of(handler_input, pos)):
            self.deps.log.info("playback event for a track that does not exist: %s", kind)
            return empty(handler_input)  # a stale or forged token: change nothing
        if kind == "PlaybackStarted":
            set_state(handler_input, replace(state, position=replace(pos, track_offset_ms=0)))
        elif kind == "PlaybackStopped":
            offset = getattr(request, "offset_in_milliseconds", 0) or 0
            set_state(
                handler_input,
                replace(state, position=replace(pos, track_offset_ms=max(0, int(offset)))),
            )
        elif kind == "PlaybackNearlyFinished":
            nxt = move(handler_input, self.deps, pos, +1)
            if nxt is not None:
                try:
                    directive = play_directive(handler_input, self.deps, nxt,
                                               behavior="ENQUEUE",
                                               previous=request.token)
                except Exception as exc:  # the queue ends; the next request falls back
                    self.deps.log.warning("next track unavailable: %s", type(exc).__name__)
                else:
                    handler_input.response_builder.add_directive(directive)
        elif kind == "PlaybackFinished":
            self._finished(handler_input, pos)
        elif kind == "PlaybackFailed":
            error = getattr(getattr(request, "error", None), "object_type", None)
            self.deps.log.warning(
                "playback failed: %s; dialog mode next time for this user",
                getattr(error, "value", error),
            )
            set_state(handler_input, replace(state, position=pos, stream_failed=True))
        return empty(handler_input)

    def _finished(self, handler_input: HandlerInput, pos: Position) -> None:
        from skill.core.plan import side_timeline

        state = state_of(handler_input)
        nxt = move(handler_input, self.deps, pos, +1)
        history = state.history
        planned = planned_step(self.deps, pos)
        if planned is not None:  # count the minutes the finished track played
            played = side_timeline(self.deps.content, planned, pos.side,
                                   prefs_of(handler_input, pos), 0).duration_ms
            history = replace(history, seconds=history.seconds + played // 1000)
        if nxt is None:  # the routine is complete
            done = history.completed.get(pos.routine, 0) + 1
            history = replace(history, completed={**history.completed, pos.routine: done})
        set_state(handler_input, replace(state, position=nxt, history=history))


class PlaybackControllerHandler(Handler):
    """Buttons on the device or remote: next, previous, play, pause."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request_type = getattr(handler_input.request_envelope.request, "object_type", "")
        return str(request_type).startswith("PlaybackController.")

    def handle(self, handler_input: HandlerInput) -> Response:
        request: Any = handler_input.request_envelope.request
        kind = str(request.object_type).split(".", 1)[1]
        pos = state_of(handler_input).position
        if pos is None or self.deps.tracks is None:
            return empty(handler_input)
        if kind == "PauseCommandIssued":
            handler_input.response_builder.add_directive(stop_directive())
            return empty(handler_input)
        target = {
            "NextCommandIssued": move(handler_input, self.deps, pos, +1),
            "PreviousCommandIssued": move(handler_input, self.deps, pos, -1)
            or replace(pos, track_offset_ms=0),
            "PlayCommandIssued": pos,
        }.get(kind)
        if target is None:
            return empty(handler_input)
        set_state(handler_input, replace(state_of(handler_input), position=target))
        handler_input.response_builder.add_directive(
            play_directive(handler_input, self.deps, target)
        )
        return empty(handler_input)


STREAM_INTENTS = (
    "AMAZON.PauseIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.RepeatIntent",
)


class StreamIntentHandler(Handler):
    """Pause/stop, resume, next, previous, start over and repeat on a hands-free routine."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            any(is_intent_name(n)(handler_input) for n in STREAM_INTENTS)
            and streaming_position(handler_input, self.deps) is not None
        )

    def _play(self, handler_input: HandlerInput, pos: Position) -> Response:
        """Play `pos`; when its track cannot be had, coach that step in dialog mode."""
        try:
            return play_response(handler_input, self.deps, pos)
        except Exception as exc:  # no stored track, renderer or speech service down
            from skill.handlers.coaching import coach

            self.deps.log.warning("streaming unavailable (%s); using dialog mode",
                                  type(exc).__name__)
            dialog = replace(pos, offset=0, next_offset=0, step_done=False, track_offset_ms=0)
            return coach(handler_input, self.deps, dialog)

    def handle(self, handler_input: HandlerInput) -> Response:
        pos = streaming_position(handler_input, self.deps)
        assert pos is not None
        request: Any = handler_input.request_envelope.request
        name = request.intent.name
        if name in {"AMAZON.PauseIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"}:
            rb = handler_input.response_builder
            rb.add_directive(stop_directive())
            rb.set_should_end_session(True)
            response: Response = rb.response
            return response  # PlaybackStopped follows and saves the offset
        if name == "AMAZON.ResumeIntent":
            return self._play(handler_input, pos)
        if name == "AMAZON.NextIntent":
            nxt = move(handler_input, self.deps, pos, +1)
            if nxt is None:
                return say(handler_input, "That was the last part of the routine.", end=True)
            return self._play(handler_input, nxt)
        if name == "AMAZON.PreviousIntent":
            prev = move(handler_input, self.deps, pos, -1) or replace(pos, track_offset_ms=0)
            return self._play(handler_input, prev)
        if name == "AMAZON.StartOverIntent":
            first = replace(pos, step=0, side=0, track_offset_ms=0, prefs={})
            return self._play(handler_input, first)
        return self._play(handler_input, replace(pos, track_offset_ms=0))


class LoopShuffleHandler(Handler):
    """Loop and shuffle make no sense for a routine: a polite answer, nothing breaks."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(
            is_intent_name(n)(handler_input)
            for n in (
                "AMAZON.LoopOnIntent",
                "AMAZON.LoopOffIntent",
                "AMAZON.ShuffleOnIntent",
                "AMAZON.ShuffleOffIntent",
            )
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return say(
            handler_input,
            "Routines always play in order, so looping and shuffling "
            "aren't available. Say resume to carry on.",
            end=True,
        )


class ExceptionEncounteredHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("System.ExceptionEncountered")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        error = getattr(handler_input.request_envelope.request, "error", None)
        self.deps.log.warning(
            "device reported an exception: %s",
            getattr(getattr(error, "object_type", None), "value", None),
        )
        return empty(handler_input)


def build_audio_handlers(deps: Deps) -> list[Handler]:
    return [
        PlaybackEventHandler(deps),
        PlaybackControllerHandler(deps),
        StreamIntentHandler(deps),
        LoopShuffleHandler(deps),
        ExceptionEncounteredHandler(deps),
    ]
