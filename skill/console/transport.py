"""How the console reaches the skill: in-process (the Lambda path) or over HTTP.

Both carry plain JSON dicts, so the console is agnostic; tests inject a fake
`Transport`. The in-process transport round-trips through JSON text, as the
wire would, so a non-JSON value in an envelope or response fails here too.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any, Protocol, cast
from urllib.parse import urlsplit, urlunsplit

import requests

from skill.audio.public import CONSOLE_HEADER

JsonDict = dict[str, Any]
HTTP_TIMEOUT_S = 30.0
"""Generous: a real device gives up after ~8 s, but a debugger pause should not break chat."""


class TransportError(RuntimeError):
    """The skill could not be reached or answered something that is not a response."""


class Transport(Protocol):
    """Sends one request envelope and returns the response envelope."""

    def send(self, envelope: JsonDict) -> JsonDict: ...


class InProcess:
    """Calls `handle_event(envelope) -> response` directly (default:
    `skill.app.handle_console_event`: the Lambda path, told it is the console, not a device,
    so local http audio URLs are fine)."""

    def __init__(self, handle_event: Callable[[JsonDict], JsonDict] | None = None) -> None:
        self._handle = handle_event

    def load(self) -> Callable[[JsonDict], JsonDict]:
        """The handler, imported on first use; TransportError says how to work around."""
        if self._handle is None:
            try:  # imported late: it builds the whole skill
                module = importlib.import_module("skill.app")
            except ImportError as exc:
                raise TransportError(f"cannot load the skill in process ({exc}); "
                                     "run `hipcoach serve --no-verify` and use --url") from exc
            self._handle = cast(Callable[[JsonDict], JsonDict], module.handle_console_event)
        return self._handle

    def send(self, envelope: JsonDict) -> JsonDict:
        response = self.load()(json.loads(json.dumps(envelope)))
        try:
            decoded: Any = json.loads(json.dumps(response))
        except TypeError as exc:
            raise TransportError(f"the skill answered something that is not JSON: {exc}") from exc
        if not isinstance(decoded, dict):
            raise TransportError(f"the skill answered {type(decoded).__name__}, not an object")
        return decoded


def alexa_url(url: str) -> str:
    """`http://127.0.0.1:5000` -> `http://127.0.0.1:5000/alexa` (a path given is kept)."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    path = parts.path if parts.path not in ("", "/") else "/alexa"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


class Http:
    """POSTs the envelope as JSON to a running `hipcoach serve --no-verify`, saying it is the
    console (CONSOLE_HEADER), so the server sends its own http audio URLs, not a device's."""

    def __init__(self, url: str, session: requests.Session | None = None,
                 timeout_s: float = HTTP_TIMEOUT_S) -> None:
        self.url = alexa_url(url)
        self._session = session or requests.Session()
        self._timeout_s = timeout_s

    def send(self, envelope: JsonDict) -> JsonDict:
        try:
            reply = self._session.post(self.url, json=envelope, timeout=self._timeout_s,
                                       headers={CONSOLE_HEADER: "1"})
        except requests.RequestException as exc:
            raise TransportError(f"cannot reach {self.url}: {exc}") from exc
        if reply.status_code != 200:
            hint = " (is the server running with --no-verify?)" if reply.status_code in (
                400, 401, 403) else ""
            raise TransportError(f"{self.url} answered HTTP {reply.status_code}{hint}: "
                                 f"{reply.text[:200]}")
        try:
            decoded: Any = reply.json()
        except ValueError as exc:
            raise TransportError(f"{self.url} answered non-JSON: {reply.text[:200]}") from exc
        if not isinstance(decoded, dict):
            raise TransportError(f"{self.url} answered {type(decoded).__name__}, not an object")
        return decoded
