"""The bare ASK SDK baseline: ask-sdk-core's hello world with one LaunchRequest handler.

It is what the Hip Coach figures in benchmarks/run.py are compared with:

* ``handler = sb.lambda_handler()`` is the SDK's own Lambda entry point (deserialize,
  invoke, serialize), timed exactly like ``skill.lambda_function.handler``.
* ``create_flask_app(verifiers)`` wraps the same skill in a Flask app with POST /alexa,
  so both endpoints run under the same WSGI server (waitress) with the same verifiers
  (``skill.web.verify``). Flask is imported only there, so importing this module for the
  Lambda cold-start figure costs ask-sdk-core and nothing else.

Nothing else is registered: no persistence, no interceptors, no exception handler (the
SDK's defaults). Any request other than LaunchRequest makes the SDK raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

if TYPE_CHECKING:
    from flask import Flask

    from skill.web.verify import AbstractVerifier

SPEECH = "Welcome to the Alexa Skills Kit, you can say hello!"


class LaunchRequestHandler(AbstractRequestHandler):
    """The one handler: LaunchRequest -> a welcome and a reprompt."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        response: Response = (
            handler_input.response_builder.speak(SPEECH)
            .ask(SPEECH)
            .set_should_end_session(False)
            .response
        )
        return response


sb = SkillBuilder()
sb.add_request_handler(LaunchRequestHandler())

handler = sb.lambda_handler()


def create_flask_app(verifiers: Sequence[AbstractVerifier] = ()) -> Flask:
    """POST /alexa: verify like Hip Coach's endpoint, then deserialize, invoke, serialize
    with the SDK (what flask-ask-sdk's SkillAdapter does). GET /health for start-up polls."""
    import json

    from flask import Flask, jsonify, request
    from flask.typing import ResponseReturnValue

    from skill.web.verify import VerificationError, verify_all

    skill = sb.create()
    serializer = skill.serializer
    checks = list(verifiers)
    app = Flask("hello_skill")

    @app.get("/health")
    def health() -> ResponseReturnValue:
        return jsonify({"status": "ok"}), 200

    @app.post("/alexa")
    def alexa() -> ResponseReturnValue:
        body = request.get_data(cache=False)
        try:
            envelope: Any = json.loads(body)
            verify_all(checks, dict(request.headers), body, envelope)
        except (ValueError, VerificationError):
            return jsonify({"error": "bad request"}), 400
        from ask_sdk_model import RequestEnvelope

        request_envelope = serializer.deserialize(body.decode("utf-8"), RequestEnvelope)
        response = skill.invoke(request_envelope=request_envelope, context=None)
        return jsonify(serializer.serialize(response)), 200

    return app
