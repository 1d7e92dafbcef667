"""A local fake of Alexa's directive API (``POST /v1/directives``) for hermetic tests; it
also answers other service API paths (the Settings API's GET) with scripted JSON.

Why a real HTTP server instead of mocking ``requests``: the progressive-response sender's
guarantees (timeouts, a hard budget, keep-alive reuse, connection errors) live in the socket
and thread layer, and only a real server on loopback exercises them.

The server binds 127.0.0.1 on an ephemeral port, runs in a daemon thread and records every
request (path, headers, parsed JSON body). Each request is answered according to a
:class:`Reply`: taken from a queue of scripted replies first, then the default reply.

Slow and hanging replies wait on a ``threading.Event`` rather than ``time.sleep``, so
:meth:`DirectiveServer.close` releases them at once and shutdown is clean and quick.

Usage::

    with DirectiveServer(default=Reply.hang()) as server:
        sender.send(ProgressiveTarget(server.url, "token", "req-1"), ["<speak>hi</speak>"])
        assert server.requests[0].path == "/v1/directives"
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tests.support.json_http import JsonHandler

__all__ = ["DirectiveServer", "RecordedRequest", "Reply"]


@dataclass(frozen=True)
class Reply:
    """How the fake answers one request.

    ``status``: HTTP status to send (204 = directive accepted). ``delay_s``: wait this long
    before answering. ``hang``: never answer until the server is closed. ``trickle_s``: start
    answering, then send one more header byte every ``trickle_s`` seconds, forever (until
    closed): a socket read timeout never fires against that, only a hard deadline does.
    """

    status: int = 204
    delay_s: float = 0.0
    hang: bool = False
    trickle_s: float = 0.0
    body: Any = None
    """A JSON body to answer with (other Alexa service APIs, e.g. the Settings API)."""

    @classmethod
    def ok(cls) -> Reply:
        """204 No Content, what Alexa answers for a queued directive."""
        return cls(204)

    @classmethod
    def error(cls, status: int) -> Reply:
        """An error status (400 invalid, 401 unauthorized, 403 not allowed now, 5xx)."""
        return cls(status)

    @classmethod
    def delayed(cls, delay_s: float, status: int = 204) -> Reply:
        """Answer ``status`` after ``delay_s`` seconds."""
        return cls(status, delay_s=delay_s)

    @classmethod
    def json(cls, value: Any, status: int = 200) -> Reply:
        """Answer ``status`` with ``value`` as a JSON body."""
        return cls(status, body=value)

    @classmethod
    def hang_forever(cls) -> Reply:
        """Read the request, then never answer (until the server shuts down)."""
        return cls(hang=True)

    @classmethod
    def trickle(cls, interval_s: float = 0.05) -> Reply:
        """Answer one byte every ``interval_s`` seconds and never finish the headers."""
        return cls(trickle_s=interval_s)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any = field(default=None)
    client_port: int = 0  # the client's TCP port: equal ports = one reused connection

    def header(self, name: str) -> str | None:
        """A header value by case-insensitive name (HTTP header names are)."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


# Error bodies shaped like the directive API's ``Error`` model ({code, message}).
_ERROR_CODES = {
    400: "INVALID_DIRECTIVE",
    401: "UNAUTHORIZED",
    403: "NOT_ALLOWED",
}


class _Handler(JsonHandler):
    """Request handler; the owning :class:`DirectiveServer` is reached via ``self.server``."""

    # HTTP/1.1 so the client's keep-alive connection reuse is exercised.
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def _handle(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        reply = owner._record_and_pick(
            RecordedRequest(
                self.command,
                self.path,
                dict(self.headers.items()),
                body,
                client_port=int(self.client_address[1]),
            )
        )
        if reply.hang:
            owner._stop.wait()
            self.close_connection = True
            return
        if reply.delay_s > 0 and owner._stop.wait(reply.delay_s):
            self.close_connection = True
            return
        if reply.trickle_s > 0:
            self._trickle(reply.trickle_s)
            return
        self._answer(reply.status, reply.body)

    def _trickle(self, interval_s: float) -> None:
        self.close_connection = True
        self.wfile.write(b"HTTP/1.1 204 No Content\r\nX-Trickle: ")
        while not self.server.owner._stop.wait(interval_s):
            try:
                self.wfile.write(b"a")
            except OSError:  # the client gave up and closed the connection
                return

    def _answer(self, status: int, body: Any = None) -> None:
        if status == 204:
            self.send_response(204)
            self.end_headers()
            return
        self.send_json(
            body if body is not None
            else {"code": _ERROR_CODES.get(status, "INTERNAL_ERROR"), "message": f"fake {status}"},
            status)

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle + delayed ACK on
        # loopback add ~40 ms to every error reply (a fake-server artefact, not the client's).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._track(self.connection, add=False)

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Don't join handler threads in server_close: close() already released them.
    block_on_close = False
    owner: DirectiveServer


class DirectiveServer:
    """The fake directive API; a context manager that starts on enter and stops on exit."""

    def __init__(self, default: Reply | None = None, script: list[Reply] | None = None) -> None:
        self._default = default or Reply.ok()
        self._script: deque[Reply] = deque(script or [])
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-directive-api",
            daemon=True,
        )
        self._started = False

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> DirectiveServer:
        """Start serving in the background (idempotent)."""
        if not self._started:
            self._thread.start()
            self._started = True
        return self

    def close(self) -> None:
        """Release hanging/slow replies, stop serving and close every open connection."""
        self._stop.set()
        if self._started:
            self._server.shutdown()
            self._thread.join(timeout=5)
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            # Idle keep-alive connections block a handler thread in readline(); shutting the
            # socket down wakes it so no thread outlives the server.
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()

    def __enter__(self) -> DirectiveServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- configuration and inspection --------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL to use as ``context.System.apiEndpoint``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def set_default(self, reply: Reply) -> None:
        """Reply used once the script is exhausted."""
        with self._lock:
            self._default = reply

    def script(self, *replies: Reply) -> None:
        """Queue replies for the next requests, in order."""
        with self._lock:
            self._script.extend(replies)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    # -- used by the handler -----------------------------------------------------------------

    def _record_and_pick(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self._requests.append(request)
            return self._script.popleft() if self._script else self._default

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)
