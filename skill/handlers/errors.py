"""The last net: any exception becomes a spoken apology; nothing saved is touched."""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

APOLOGY = "Sorry, something went wrong on my side. Your progress is safe. Please say that again."


class ApologyHandler(AbstractExceptionHandler):
    """Logs the error type once and apologises; the SaveState interceptor does not run on
    this path, so a half-changed state is never written over good progress."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request: Any = handler_input.request_envelope.request
        self.log.error(
            "handler failed: %s on %s",
            type(exception).__name__,
            getattr(request, "object_type", "?"),
            exc_info=exception,
        )
        if getattr(request, "object_type", "") in {"LaunchRequest", "IntentRequest"}:
            rb = handler_input.response_builder
            rb.speak(APOLOGY).ask("Please say that again, or say stop.")
            rb.set_should_end_session(False)
            spoken: Response = rb.response
            return spoken
        response: Response = (
            handler_input.response_builder.response
        )  # AudioPlayer etc.: no speech allowed
        return response
