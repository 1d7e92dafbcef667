"""A WSGI app under real waitress on loopback, for tests that need the HTTP server's own
handling (its proxy-header rules, real sockets), stopped cleanly afterwards."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from waitress import wasyncore
from waitress.server import create_server


@contextmanager
def serving(app: Any, **options: Any) -> Iterator[str]:
    """Serve `app` with waitress `options` on an ephemeral loopback port; yields its URL."""
    server = create_server(app, host="127.0.0.1", port=0, threads=2, **options)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):  # its sockets closed under select(): being stopped
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)  # keep-alive channels too, so the loop ends
        thread.join(timeout=5)
