"""The console's stand-in for Alexa's directive API, so progressive responses really travel.

Why: the skill sends `VoicePlayer.Speak` over HTTP to `context.System.apiEndpoint`
with the request's `apiAccessToken`. The console puts this server's address
there, so the skill's real progressive path runs (with either transport) and
the console prints the speeches in order before the final response, as a
device would play them. Like Alexa it answers 204, 400 for a malformed body
and 401 for a wrong token. It also answers the Settings API's time zone question with
this machine's zone, so streaks in the console follow local days.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

PATH = "/v1/directives"
ZONE_PATH = r"/v2/devices/[^/]+/settings/System\.timeZone"


def local_zone_name() -> str | None:
    """This machine's IANA zone: $TZ, else the /etc/localtime link, else None."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = os.path.realpath("/etc/localtime")
        except OSError:
            return None
        name = target.partition("/zoneinfo/")[2]
    return name or None


@dataclass(frozen=True)
class Speech:
    """One progressive response as received."""

    request_id: str
    """`header.requestId`: which request it belongs to."""
    ssml: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.split("?")[0] != PATH:
            self._reply(404, "NOT_FOUND")
            return
        if self.headers.get("Authorization") != f"Bearer {owner.token}":
            self._reply(401, "UNAUTHORIZED")
            return
        speech = _parse(raw)
        if speech is None:
            self._reply(400, "INVALID_DIRECTIVE")
            return
        owner.put(speech)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        """The Settings API's time zone, as this machine's (the console is the device)."""
        if not re.fullmatch(ZONE_PATH, self.path.split("?")[0]):
            self._reply(404, "NOT_FOUND")
            return
        if self.headers.get("Authorization") != f"Bearer {self.server.owner.token}":
            self._reply(401, "UNAUTHORIZED")
            return
        zone = local_zone_name()
        if zone is None:  # like a device whose owner never set one
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._json(200, zone)

    def _reply(self, status: int, code: str) -> None:
        self._json(status, {"code": code, "message": f"console directive API: {code}"})

    def _json(self, status: int, value: object) -> None:
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on the console."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: DirectiveInbox


def _parse(raw: bytes) -> Speech | None:
    """A valid VoicePlayer.Speak body, or None (-> 400)."""
    try:
        body = json.loads(raw)
        request_id = body["header"]["requestId"]
        directive = body["directive"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(directive, dict) or directive.get("type") != "VoicePlayer.Speak":
        return None
    speech = directive.get("speech")
    if not (isinstance(request_id, str) and isinstance(speech, str) and speech):
        return None
    return Speech(request_id, speech)


class DirectiveInbox:
    """A loopback HTTP server on an ephemeral port; a context manager (start/stop)."""

    def __init__(self, token: str = "console-token", host: str = "127.0.0.1") -> None:
        self.token = token
        self._lock = threading.Lock()
        self._received: list[Speech] = []
        self._server = _Server((host, 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="console-directive-api", daemon=True)

    @property
    def url(self) -> str:
        """The apiEndpoint to put in envelopes, e.g. http://127.0.0.1:43121."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def put(self, speech: Speech) -> None:
        with self._lock:
            self._received.append(speech)

    def take(self) -> list[Speech]:
        """Everything received since the last call, in arrival order."""
        with self._lock:
            taken, self._received = self._received, []
        return taken

    def __enter__(self) -> DirectiveInbox:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)
