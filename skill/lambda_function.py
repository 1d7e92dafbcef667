"""AWS Lambda entry point: `skill.lambda_function.handler`.

Imports only what the dialog path needs; the skill is built on the first request
(settings from HIPCOACH_* variables) and reused while the container is warm.
"""

from __future__ import annotations

from typing import Any

from skill.app import default_app


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Alexa Skills Kit trigger -> response envelope."""
    return default_app().handle(event, context)
