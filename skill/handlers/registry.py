"""The handler chain: one conversation handler (the core decides everything)."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.deps import Deps
from skill.handlers.adapter import ConversationHandler


def build_handlers(deps: Deps) -> list[AbstractRequestHandler]:
    """Handlers in dispatch order."""
    return [ConversationHandler(deps)]
