"""What progressive responses need that costs nothing to import.

The HTTP sender (skill.adapters.progressive) pulls in `requests`, about 90 ms of a
cold Lambda start; handlers only need the target and the protocol, so those live
here and the sender is imported on the first send (see `LazySender`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.launch_request import LaunchRequest

from skill.core.record import Record, field


class ProgressiveTarget(Record):
    """Where and as whom to send: all three values come from the incoming request."""

    api_endpoint: str  # context.System.apiEndpoint (regional; never a constant)
    # repr=False: the token is a bearer credential and must never reach a log line.
    api_access_token: str = field(repr=False)
    request_id: str  # request.requestId


class ProgressiveSender(Protocol):
    """Sends progressive responses; injected so tests and disabled modes can swap it."""

    def send(self, target: ProgressiveTarget, speeches: Sequence[str]) -> int:
        """Send in order; stop at the first failure or when the budget is spent.

        Returns how many were delivered (always a prefix of ``speeches``).
        """
        ...


class NullSender:
    """Progressive responses disabled: delivers nothing, so everything goes in the final
    response."""

    def send(self, target: ProgressiveTarget, speeches: Sequence[str]) -> int:
        """Deliver nothing."""
        return 0


class LazySender:
    """The directive-API sender, built on first use so a Launch never imports `requests`."""

    def __init__(self) -> None:
        self._inner: ProgressiveSender | None = None

    def send(self, target: ProgressiveTarget, speeches: Sequence[str]) -> int:
        if self._inner is None:
            from skill.adapters.progressive import DirectiveApiSender

            self._inner = DirectiveApiSender()
        return self._inner.send(target, speeches)


def target_from_envelope(request_envelope: Any) -> ProgressiveTarget | None:
    """The target for this request, or None when progressive responses are not allowed.

    Alexa accepts them only while answering a LaunchRequest or IntentRequest (never
    AudioPlayer, PlaybackController, SessionEnded ... requests), and only with the request's
    ``apiAccessToken`` at its regional ``apiEndpoint``.
    """
    request = getattr(request_envelope, "request", None)
    if not isinstance(request, LaunchRequest | IntentRequest):
        return None
    access = service_access(request_envelope)
    request_id = getattr(request, "request_id", None)
    if access is None or not (isinstance(request_id, str) and request_id):
        return None
    return ProgressiveTarget(api_endpoint=access[0], api_access_token=access[1],
                             request_id=request_id)


def service_access(request_envelope: Any) -> tuple[str, str] | None:
    """(apiEndpoint, apiAccessToken) from context.System: what any call to an Alexa service
    API on behalf of this request needs (directive API, Settings API), or None."""
    system = getattr(getattr(request_envelope, "context", None), "system", None)
    endpoint = getattr(system, "api_endpoint", None)
    token = getattr(system, "api_access_token", None)
    if isinstance(endpoint, str) and endpoint and isinstance(token, str) and token:
        return endpoint, token
    return None
