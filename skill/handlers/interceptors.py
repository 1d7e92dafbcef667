"""Load the user's state before a handler runs and save it after, never over a failed read."""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.handlers.context import DELETED, STATE, STATE_OK, state_of
from skill.state import UserState

BEFORE = "hipcoach.state_before"


class LoadState(AbstractRequestInterceptor):
    """Read persistent attributes into a `UserState`; on failure use defaults read-only."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def process(self, handler_input: HandlerInput) -> None:
        attrs = handler_input.attributes_manager.request_attributes
        try:
            raw: Any = handler_input.attributes_manager.persistent_attributes
        except PersistenceException as exc:
            cause = exc.__cause__ or exc.__context__ or exc
            self.log.error(
                "persistence read failed: %s; answering without saving", type(cause).__name__
            )
            attrs[STATE], attrs[STATE_OK] = UserState(), False
            return
        state = UserState.from_dict(raw)
        attrs[STATE], attrs[STATE_OK], attrs[BEFORE] = state, True, state


class SaveState(AbstractResponseInterceptor):
    """Write the state back when it changed, so progress is saved at every step boundary."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        attrs = handler_input.attributes_manager.request_attributes
        if not attrs.get(STATE_OK) or attrs.get(DELETED):
            return
        current = state_of(handler_input)
        if current == attrs.get(BEFORE):  # records compare by value: unchanged, no write
            return
        try:
            handler_input.attributes_manager.persistent_attributes = current.to_dict()
            handler_input.attributes_manager.save_persistent_attributes()
        except PersistenceException as exc:
            cause = exc.__cause__ or exc.__context__ or exc
            self.log.error(
                "persistence write failed: %s; progress of this turn not saved",
                type(cause).__name__,
            )


class EnsureReprompt(AbstractResponseInterceptor):
    """Safety net: an open session without a reprompt gets one (no dead ends)."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None or response.should_end_session is not False:
            return
        if response.reprompt is None and response.output_speech is not None:
            handler_input.response_builder.ask("What would you like to do?")


class RequestLog(AbstractRequestInterceptor):
    """One line per request: type, intent and a hashed user key (never the raw id or token)."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def process(self, handler_input: HandlerInput) -> None:
        from skill.adapters.user_key import user_key

        request: Any = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        try:
            who = user_key(handler_input.request_envelope)[:12]
        except PersistenceException:
            who = "-"
        self.log.info(
            "request type=%s intent=%s user=%s",
            getattr(request, "object_type", "?"),
            intent or "-",
            who,
        )
