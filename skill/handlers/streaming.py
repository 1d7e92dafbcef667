"""Streaming mode entry: hands-free AudioPlayer routines on devices that support them."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model import Response

from skill.deps import Deps
from skill.state import Position, UserState


def supports_audio(handler_input: HandlerInput) -> bool:
    """The device declares AudioPlayer (context.System.device.supportedInterfaces)."""
    try:
        return get_supported_interfaces(handler_input).audio_player is not None
    except Exception:  # no device block at all: treat as a screenless dialog device
        return False


def can_stream(handler_input: HandlerInput, deps: Deps, state: UserState) -> bool:
    """Stream when audio is configured, the device can play it and the user did not opt out."""
    return (
        deps.tracks is not None
        and deps.settings.streaming
        and not state.dialog_only
        and not state.stream_failed  # playback failed last time: dialog mode this once
        and supports_audio(handler_input)
    )


def start_stream(
    handler_input: HandlerInput, deps: Deps, pos: Position, intro: tuple[str, ...]
) -> Response:
    """Speak the intro, then play the track; dialog mode when the track cannot be had."""
    from skill.handlers.coaching import coach
    from skill.handlers.playback import play_response

    try:
        return play_response(handler_input, deps, pos, speech=" ".join(i for i in intro if i))
    except Exception as exc:  # no stored track and no renderer, S3 down, synthesis failed
        deps.log.warning("streaming unavailable (%s); using dialog mode", type(exc).__name__)
        return coach(handler_input, deps, pos, intro=tuple(i for i in intro if i))


def resume(handler_input: HandlerInput, deps: Deps, pos: Position) -> Response:
    """Continue a saved routine: the saved track and offset on audio devices; in dialog
    mode the turn after the last one delivered (a pause set it to replay its own turn)."""
    from skill.handlers.coaching import advance, coach
    from skill.handlers.context import say, set_state, state_of

    state = state_of(handler_input)
    if can_stream(handler_input, deps, state):
        return start_stream(handler_input, deps, pos, ("Picking up where you left off.",))
    state = consume_stream_failure(handler_input, state)
    nxt = advance(deps, pos)
    if nxt is None:
        from skill.core.record import replace

        set_state(handler_input, replace(state, position=None))
        return say(handler_input, "You had finished that routine. Would you like another one?",
                   "Say list routines, or stop.")
    return coach(handler_input, deps, nxt, intro=("Picking up where you left off.",))


def consume_stream_failure(handler_input: HandlerInput, state: UserState) -> UserState:
    """After one routine or resume in dialog mode, streaming gets another chance."""
    if not state.stream_failed:
        return state
    from skill.core.record import replace
    from skill.handlers.context import set_state

    state = replace(state, stream_failed=False)
    set_state(handler_input, state)
    return state
