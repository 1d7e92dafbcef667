"""Progressive responses (``VoicePlayer.Speak``) sent through ask-sdk's directive service.

Why this module exists: Hip Coach paces a massage hold with a few short progressive
responses before the final response. ask-sdk's ``DefaultApiClient`` calls ``requests`` with
no timeout, so a slow or hanging directive API could eat Alexa's whole ~8 s response window
(see shared/PLATFORM.md, "Response timing"). Here sending is bounded by a hard budget, and
the caller learns how many pieces were delivered so it can move the rest into the final
response.

How the bound is enforced (the choice, and why):

* Each HTTP call gets an explicit ``requests`` timeout ``(connect, read)`` equal to
  ``min(call_timeout_s, remaining budget)``. That alone is not enough: a read timeout applies
  per socket read, so a server trickling one byte at a time never trips it.
* So each call also runs in a daemon worker thread and the caller waits on it with the same
  window. When the window closes the caller stops and returns; the abandoned call finishes
  (or fails) on its own in the background and its result is ignored.
* Daemon threads, not a ``ThreadPoolExecutor``: the executor's workers are joined at
  interpreter exit (a call stuck on a trickling server would block shutdown), and work queued
  behind stuck workers would wait inside our budget. Instead a module-level semaphore caps the
  number of calls in flight (:data:`MAX_IN_FLIGHT_CALLS`); when it is exhausted, sending fails
  fast (counted as a failure) instead of queueing. Starting a thread costs ~0.1 ms.

What the count means: a piece counts as delivered only when the API confirmed it (2xx; the
API answers 204). A timed-out call may still have reached Alexa, so the caller may repeat a
piece in the final response; that is the safe side of the trade (no silent gap in pacing).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import wait
from typing import Final

import requests
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.services.api_client import ApiClient
from ask_sdk_model.services.api_client_request import ApiClientRequest
from ask_sdk_model.services.api_client_response import ApiClientResponse
from ask_sdk_model.services.api_configuration import ApiConfiguration
from ask_sdk_model.services.directive.directive_service_client import DirectiveServiceClient
from ask_sdk_model.services.directive.header import Header
from ask_sdk_model.services.directive.send_directive_request import SendDirectiveRequest
from ask_sdk_model.services.directive.speak_directive import SpeakDirective
from ask_sdk_model.services.service_exception import ServiceException

from skill.adapters.api_calls import MAX_IN_FLIGHT_CALLS, endpoint_problem, start_daemon
from skill.adapters.progressive_target import (
    NullSender,
    ProgressiveSender,
    ProgressiveTarget,
    target_from_envelope,
)
from skill.core.limits import (
    MAX_PROGRESSIVE,
    PROGRESSIVE_CALL_TIMEOUT_S,
    PROGRESSIVE_SEND_BUDGET_S,
)

__all__ = [
    "DEFAULT_BUDGET_S",
    "DirectiveApiSender",
    "NullSender",
    "ProgressiveSender",
    "ProgressiveTarget",
    "target_from_envelope",
]

# --- Limits ------------------------------------------------------------------------------
# The platform limits and our budgets live in skill/core/limits.py: sending may add at most
# PROGRESSIVE_SEND_BUDGET_S to the request (Alexa's ~8 s window is not extended by
# progressive responses), each call waits at most PROGRESSIVE_CALL_TIMEOUT_S, and at most
# MAX_PROGRESSIVE pieces are sent. What follows is only how this sender keeps to them.

#: Slack kept between the budget and the promise for thread hand-off, GIL scheduling and the
#: warning log line after the deadline (measured overshoot is a few milliseconds).
SCHEDULING_MARGIN_S: Final = 0.1
#: Hard deadline for all pieces of one ``send()``, so deadline + slack <= the promise.
DEFAULT_BUDGET_S: Final = PROGRESSIVE_SEND_BUDGET_S - SCHEDULING_MARGIN_S
#: Don't start a call with less than this left: it could not complete, only waste time.
MIN_CALL_WINDOW_S: Final = 0.05

_DIRECTIVES_PATH: Final = "/v1/directives"

_serializer = DefaultSerializer()
_module_logger = logging.getLogger(__name__)


class _SendFailed(Exception):
    """One piece was not delivered; ``cause`` is safe to log (no token, no SSML)."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class _TimedApiClient(ApiClient):
    """An ``ApiClient`` like ask-sdk's ``DefaultApiClient`` but with an explicit timeout.

    One instance per call: it remembers the HTTP status or transport exception of its call,
    because ``BaseServiceClient.invoke`` wraps every api-client exception into a generic
    ``ServiceException(500)`` and would otherwise hide the real cause from the warning.
    The ``requests.Session`` is shared (keep-alive across calls and across requests).
    """

    def __init__(self, session: requests.Session, timeout_s: float) -> None:
        self._session = session
        self._timeout_s = timeout_s
        self.status_code: int | None = None
        self.error: BaseException | None = None

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        """Dispatch ``request`` and wrap the answer.

        Returns an ``ApiClientResponse`` whatever the status: mapping non-2xx statuses to
        errors is the service client's job, as with ``DefaultApiClient``.
        """
        try:
            headers: dict[str, str] = {}
            for key, value in request.headers or []:
                headers[key] = f"{headers[key]}, {value}" if key in headers else value
            response = self._session.request(
                str(request.method),
                str(request.url),
                headers=headers,
                # The SDK serializer yields a JSON-ready dict; the body must be JSON text.
                json=request.body,
                timeout=(self._timeout_s, self._timeout_s),
                # A redirect would mean a wrong endpoint; don't follow it with a bearer token.
                allow_redirects=False,
            )
        except BaseException as exc:
            self.error = exc
            raise
        self.status_code = response.status_code
        return ApiClientResponse(
            headers=list(response.headers.items()),
            status_code=response.status_code,
            body=response.text,
        )


class DirectiveApiSender:
    """Sends progressive responses via ``DirectiveServiceClient.enqueue`` within a budget.

    Build one per process (at skill build time) and reuse it: it owns the
    ``requests.Session`` whose pooled connections make the second and later pieces cheap.
    """

    def __init__(
        self,
        *,
        call_timeout_s: float = PROGRESSIVE_CALL_TIMEOUT_S,
        budget_s: float = DEFAULT_BUDGET_S,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
    ) -> None:
        if call_timeout_s <= 0 or budget_s <= 0:
            raise ValueError("call_timeout_s and budget_s must be positive")
        self._call_timeout_s = call_timeout_s
        self._budget_s = budget_s
        self._clock = clock
        self._logger = logger or _module_logger
        self._session = requests.Session()

    def send(self, target: ProgressiveTarget, speeches: Sequence[str]) -> int:
        """Send ``speeches`` in order; stop at the first failure or when the budget is spent.

        Returns how many were delivered (a prefix). At most
        :data:`~skill.core.limits.MAX_PROGRESSIVE` are sent; the caller speaks the rest in the
        final response. On any shortfall logs exactly one warning with the cause and the count,
        never the access token or the SSML. Never raises for transport or API errors.
        """
        pieces = list(speeches)[:MAX_PROGRESSIVE]
        if not pieces:
            return 0
        deadline = self._clock() + self._budget_s
        problem = endpoint_problem(target.api_endpoint)
        if problem is not None:
            self._warn(problem, 0, len(pieces), target)
            return 0
        delivered = 0
        for speech in pieces:
            remaining = deadline - self._clock()
            if remaining < MIN_CALL_WINDOW_S:
                self._warn("budget spent", delivered, len(pieces), target)
                break
            try:
                self._send_one(target, speech, min(self._call_timeout_s, remaining))
            except _SendFailed as failed:
                self._warn(failed.cause, delivered, len(pieces), target)
                break
            delivered += 1
        return delivered

    def close(self) -> None:
        """Close pooled connections (calls still in flight may reopen one)."""
        self._session.close()

    def _send_one(self, target: ProgressiveTarget, speech: str, window_s: float) -> None:
        """Deliver one piece within ``window_s`` seconds or raise :class:`_SendFailed`."""
        api_client = _TimedApiClient(self._session, window_s)
        client = DirectiveServiceClient(
            ApiConfiguration(
                serializer=_serializer,
                api_client=api_client,
                authorization_value=target.api_access_token,
                api_endpoint=target.api_endpoint,
            )
        )
        directive_request = SendDirectiveRequest(
            header=Header(request_id=target.request_id),
            directive=SpeakDirective(speech=speech),
        )

        def work() -> None:
            client.enqueue(directive_request)

        future = start_daemon(work, "directive")
        if future is None:
            raise _SendFailed(f"{MAX_IN_FLIGHT_CALLS} calls already in flight")
        done, _ = wait([future], timeout=window_s)
        if not done:
            # The hard deadline: abandon the call (it ends on its own timeout or never).
            raise _SendFailed(f"no answer within {window_s:.2f}s")
        exc = future.exception()
        if exc is None:
            return
        raise _SendFailed(_cause(api_client, exc))

    def _warn(self, cause: str, delivered: int, total: int, target: ProgressiveTarget) -> None:
        # Only the cause, the counts and the request id (not secret; correlates with Alexa's
        # logs). Never the token, never the SSML, never an exception message (may echo data).
        self._logger.warning(
            "progressive responses stopped: cause=%s delivered=%d/%d request_id=%s",
            cause,
            delivered,
            total,
            target.request_id,
        )


def _cause(api_client: _TimedApiClient, exc: BaseException) -> str:
    """A loggable cause: the HTTP status if the API answered, else the exception type."""
    if api_client.status_code is not None and not 200 <= api_client.status_code < 300:
        return f"HTTP {api_client.status_code}"
    if api_client.error is not None:
        return type(api_client.error).__name__
    if isinstance(exc, ServiceException) and exc.status_code:
        return f"{type(exc).__name__} {exc.status_code}"
    return type(exc).__name__
