"""A handler base that carries the injected dependencies."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.deps import Deps


class Handler(AbstractRequestHandler):
    """Every Hip Coach handler gets `Deps` at construction, never from globals."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
