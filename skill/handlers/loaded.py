"""The user's state for one request, as one typed record in the request attributes.

LoadState fills it before the handler runs, the handler replaces `state`, SaveState
writes it back when it changed. `ok` False means the read failed: answer from
defaults and write nothing, so an outage never overwrites good progress.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

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
