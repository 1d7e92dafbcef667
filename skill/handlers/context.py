"""Small helpers every handler uses: state, session, slots and response shape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.state import UserState

STATE = "hipcoach.state"
STATE_OK = "hipcoach.state_ok"
DELETED = "hipcoach.deleted"
FINISHED = "finished_turn"
"""Session key: where a just-finished routine's last turn started, so "repeat" plays it
again (coaching turns are SSML and do not set last_speech)."""


def state_of(handler_input: HandlerInput) -> UserState:
    """The user's state, loaded by the LoadState interceptor."""
    state = handler_input.attributes_manager.request_attributes.get(STATE)
    return state if isinstance(state, UserState) else UserState()


UNAVAILABLE = ("Sorry, I can't reach your saved progress right now, so I can't tell where "
               "you were. Please try again in a minute.")


def state_known(handler_input: HandlerInput) -> bool:
    """False when the saved state could not be read: say so rather than guess from defaults."""
    return bool(handler_input.attributes_manager.request_attributes.get(STATE_OK, True))


def set_state(handler_input: HandlerInput, state: UserState) -> None:
    """Replace the user's state; the SaveState interceptor persists it."""
    handler_input.attributes_manager.request_attributes[STATE] = state


def session(handler_input: HandlerInput) -> dict[str, Any]:
    """Session attributes, or a throwaway dict when the request has no session.

    AudioPlayer and PlaybackController requests carry no session and the SDK
    raises if session attributes are touched there.
    """
    if handler_input.request_envelope.session is None:
        return {}
    attrs = handler_input.attributes_manager.session_attributes
    return attrs if isinstance(attrs, dict) else {}


def intent_name(handler_input: HandlerInput) -> str:
    request = handler_input.request_envelope.request
    intent = getattr(request, "intent", None)
    return str(getattr(intent, "name", "") or "")


def slot(handler_input: HandlerInput, name: str) -> tuple[str | None, str | None]:
    """(resolved value id, what was heard) for a slot; id None when nothing matched.

    Reads entity resolution (ER_SUCCESS_MATCH) rather than the raw value, so
    synonyms resolve to the content's ids.
    """
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    slots = getattr(intent, "slots", None) or {}
    found = slots.get(name) if isinstance(slots, dict) else None
    if found is None:
        return None, None
    heard = found.value if isinstance(found.value, str) and found.value.strip() else None
    resolutions = getattr(found, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        code = getattr(getattr(authority, "status", None), "code", None)
        if getattr(code, "value", code) == "ER_SUCCESS_MATCH" and authority.values:
            value = authority.values[0].value
            if value is not None and isinstance(value.id, str):
                return value.id, heard
    return None, heard


def spoken_list(items: Sequence[str], joiner: str = "and") -> str:
    """ "a, b, and c" for speech."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {joiner} {items[1]}"
    return ", ".join(items[:-1]) + f", {joiner} {items[-1]}"


def say(
    handler_input: HandlerInput,
    speech: str,
    reprompt: str | None = None,
    *,
    end: bool = False,
    ssml_body: bool = False,
) -> Response:
    """Build a response; open sessions always get a reprompt.

    Plain text is escaped for SSML unless `ssml_body` says it already is SSML.
    """
    from skill.core.ssml import escape

    body = speech if ssml_body else escape(speech)
    rb = handler_input.response_builder.speak(body)
    if end:
        rb.set_should_end_session(True)
    else:
        rb.ask(escape(reprompt or "What would you like to do?"))
        rb.set_should_end_session(False)
    if not ssml_body:
        session(handler_input)["last_speech"] = speech
        session(handler_input).pop(FINISHED, None)  # "repeat" now means this answer
    response: Response = rb.response
    return response
