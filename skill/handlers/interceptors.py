"""Load the user's state (and the session's convo) before the handler runs and save them
after, never over a failed read.

The state for one request is one typed record in the request attributes (`Loaded`): LoadState
fills it, the handler replaces `state` and `convo`, SaveState writes them back. `ok` False
means the read failed: answer from defaults and write nothing, so an outage never overwrites
good progress."""

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

from skill.adapters.user_key import user_key
from skill.conversation.convo import Convo
from skill.core.record import Record, field
from skill.state import UserState

KEY = "hipcoach.loaded"


class Loaded(Record, frozen=False):
    state: UserState = field(default_factory=UserState)
    before: UserState | None = None
    """What was read, to skip writes that change nothing (None: nothing was read)."""
    ok: bool = False
    """The read succeeded; False (also when LoadState did not run) means save nothing."""
    deleted: bool = False
    """The user's data was deleted this turn: save nothing."""
    convo: Convo = field(default_factory=Convo)


def loaded(handler_input: HandlerInput) -> Loaded:
    """This request's record (a read-only default when LoadState did not run)."""
    attrs = handler_input.attributes_manager.request_attributes
    found = attrs.get(KEY)
    if not isinstance(found, Loaded):
        found = attrs[KEY] = Loaded()
    return found


class LoadState(AbstractRequestInterceptor):
    """Read persistent attributes into a `UserState`; on failure use defaults read-only."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def process(self, handler_input: HandlerInput) -> None:
        record = loaded(handler_input)
        if handler_input.request_envelope.session is not None:
            record.convo = Convo.from_session(
                handler_input.attributes_manager.session_attributes)
        try:
            raw: Any = handler_input.attributes_manager.persistent_attributes
        except PersistenceException as exc:
            cause = exc.__cause__ or exc.__context__ or exc
            self.log.error(
                "persistence read failed: %s; answering without saving", type(cause).__name__
            )
            record.state, record.ok = UserState(), False
            return
        record.state = record.before = UserState.from_dict(raw)
        record.ok = True


class SaveState(AbstractResponseInterceptor):
    """Write the state back when it changed, so progress is saved at every step boundary;
    carry the convo to the next request in the session attributes."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        record = loaded(handler_input)
        if handler_input.request_envelope.session is not None:
            handler_input.attributes_manager.session_attributes = record.convo.to_session()
        if not record.ok or record.deleted or record.state == record.before:
            return  # records compare by value: unchanged, no write
        try:
            handler_input.attributes_manager.persistent_attributes = record.state.to_dict()
            handler_input.attributes_manager.save_persistent_attributes()
        except PersistenceException as exc:
            cause = exc.__cause__ or exc.__context__ or exc
            self.log.error(
                "persistence write failed: %s; progress of this turn not saved",
                type(cause).__name__,
            )


class RequestLog(AbstractRequestInterceptor):
    """One line per request: type, intent and a hashed user key (never the raw id or token)."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def process(self, handler_input: HandlerInput) -> None:
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
