"""Streaming-mode building blocks: track tokens, Play directives, moving between tracks.

Shared by the AudioPlayer handlers (skill.handlers.audio) and the dialog handlers
that start or resume a hands-free routine (skill.handlers.streaming).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.core.record import replace

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.audioplayer import PlayDirective

from skill.core.preferences import Preferences
from skill.deps import Deps
from skill.handlers.context import set_state, state_of
from skill.state import Position

TOKEN_PREFIX = "hc1"


def token_of(deps: Deps, pos: Position) -> str:
    """routine, step, side and content version: enough to find the track again."""
    return f"{TOKEN_PREFIX}:{pos.routine}:{pos.step}:{pos.side}:{deps.content.version}"


def parse_token(token: Any) -> tuple[str, int, int] | None:
    if not isinstance(token, str):
        return None
    parts = token.split(":")
    if len(parts) != 5 or parts[0] != TOKEN_PREFIX:
        return None
    try:
        return parts[1], int(parts[2]), int(parts[3])
    except ValueError:
        return None


def prefs_of(handler_input: HandlerInput, pos: Position) -> Preferences:
    if pos.prefs:
        return Preferences.from_dict(pos.prefs)
    return state_of(handler_input).effective_prefs(pos.routine)


def tracks_in_order(deps: Deps, handler_input: HandlerInput,
                    pos: Position) -> list[tuple[int, int]]:
    assert deps.tracks is not None
    return deps.tracks.tracks_of(pos.routine, prefs_of(handler_input, pos))


def play_directive(
    handler_input: HandlerInput,
    deps: Deps,
    pos: Position,
    *,
    behavior: str = "REPLACE_ALL",
    previous: str | None = None,
) -> PlayDirective:
    """An AudioPlayer.Play for the track at `pos` (the models load on first use)."""
    from ask_sdk_model.interfaces.audioplayer import (
        AudioItem,
        AudioItemMetadata,
        PlayBehavior,
        PlayDirective,
        Stream,
    )

    assert deps.tracks is not None
    prefs = prefs_of(handler_input, pos)
    url = deps.tracks.url_for(pos.routine, pos.step, pos.side, prefs)
    routine = deps.content.routines[pos.routine]
    return PlayDirective(
        play_behavior=PlayBehavior(behavior),
        audio_item=AudioItem(
            stream=Stream(
                token=token_of(deps, pos),
                url=url,
                offset_in_milliseconds=pos.track_offset_ms,
                expected_previous_token=previous,
            ),
            metadata=AudioItemMetadata(title=routine.name, subtitle=f"Step {pos.step + 1}"),
        ),
    )


def play_response(
    handler_input: HandlerInput, deps: Deps, pos: Position, speech: str = ""
) -> Response:
    """Play the track at `pos` from its saved offset (REPLACE_ALL); speech only if allowed."""
    prefs = prefs_of(handler_input, pos)
    pos = replace(pos, prefs=prefs.to_dict())
    set_state(handler_input, replace(state_of(handler_input), position=pos))
    rb = handler_input.response_builder
    if speech:
        from skill.core.ssml import escape

        rb.speak(escape(speech))
    rb.add_directive(play_directive(handler_input, deps, pos))
    rb.set_should_end_session(True)
    response: Response = rb.response
    return response


def move(handler_input: HandlerInput, deps: Deps, pos: Position, delta: int) -> Position | None:
    """The position `delta` tracks away (sides then steps), or None past either end."""
    order = tracks_in_order(deps, handler_input, pos)
    try:
        i = order.index((pos.step, pos.side))
    except ValueError:
        i = 0
    j = i + delta
    if not 0 <= j < len(order):
        return None
    step, side = order[j]
    # the same step keeps the preferences it started with; a new step takes the current ones
    prefs = pos.prefs if step == pos.step and pos.prefs else (
        state_of(handler_input).effective_prefs(pos.routine).to_dict())
    return replace(
        pos,
        step=step,
        side=side,
        track_offset_ms=0,
        offset=0,
        next_offset=0,
        step_done=False,
        prefs=prefs,
    )


def empty(handler_input: HandlerInput) -> Response:
    response: Response = handler_input.response_builder.response
    return response


def audio_context(handler_input: HandlerInput) -> tuple[str, Any] | None:
    """(playerActivity, token) when the device's player holds one of our tracks."""
    player = getattr(handler_input.request_envelope.context, "audio_player", None)
    token = getattr(player, "token", None)
    if player is None or parse_token(token) is None:
        return None
    activity = getattr(getattr(player, "player_activity", None), "value", None)
    return str(activity), token


def streaming_position(handler_input: HandlerInput, deps: Deps) -> Position | None:
    """Our position when this device is in a hands-free routine (playing or paused)."""
    state = state_of(handler_input)
    ctx = audio_context(handler_input)
    if deps.tracks is None or state.dialog_only or ctx is None or state.position is None:
        return None
    if ctx[0] not in {"PLAYING", "PAUSED", "STOPPED", "BUFFER_UNDERRUN"}:
        return None
    return state.position
