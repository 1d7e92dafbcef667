"""Calls to Alexa's service APIs with a request's bearer token: where the token may go, and
the threads the calls run in.

Shared by the directive API sender (skill.adapters.progressive) and the Settings API
lookup (skill.adapters.settings_api). Both need a hard deadline that socket timeouts do
not give (DNS, a server trickling bytes), so each call runs in a daemon thread the caller
waits on; a process-wide semaphore caps the calls in flight, abandoned ones included, so a
hanging API costs a request its deadline but never piles up threads (see the
progressive module's docstring for why daemon threads and not an executor).
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Final
from urllib.parse import urlsplit

#: Calls allowed in flight process-wide, abandoned ones included.
MAX_IN_FLIGHT_CALLS: Final = 8

_LOOPBACK_NAMES: Final = frozenset({"localhost"})
_in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT_CALLS)


def endpoint_problem(endpoint: str) -> str | None:
    """Why ``endpoint`` must not receive the bearer token, or None if it may.

    HTTPS is required, as in ask-sdk's ``DefaultApiClient``; plain HTTP is allowed only to a
    loopback host, for the local fake directive API in tests and local runs.
    """
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
    except ValueError:
        return "malformed apiEndpoint"
    if not host:
        return "apiEndpoint without host"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and is_loopback(host):
        return None
    return f"apiEndpoint scheme {parts.scheme or 'none'!r} not allowed"


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_daemon(work: Callable[[], None], name: str = "call") -> Future[None] | None:
    """Run ``work`` in a new daemon thread; None when too many calls are already in flight."""
    if not _in_flight.acquire(blocking=False):
        return None
    future: Future[None] = Future()

    def run() -> None:
        try:
            if future.set_running_or_notify_cancel():
                try:
                    work()
                except BaseException as exc:
                    future.set_exception(exc)
                else:
                    future.set_result(None)
        finally:
            _in_flight.release()

    try:
        threading.Thread(target=run, name=f"alexa-api-{name}", daemon=True).start()
    except BaseException:
        _in_flight.release()
        raise
    return future
