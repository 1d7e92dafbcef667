"""AWS Lambda entry point: `skill.lambda_function.handler`.

Imports only what the dialog path needs; the skill is built on the first request
(settings from HIPCOACH_* variables) and reused while the container is warm.
"""

from __future__ import annotations

import gc
from typing import Any

# Importing the SDK and the skill allocates a few hundred thousand objects, none of them
# garbage; the cyclic collector would still walk them dozens of times (about 5-9 ms of a
# cold start, BENCHMARKS.md). It is switched off for the import only.
_collecting = gc.isenabled()
gc.disable()
try:
    from skill.app import default_app
finally:
    if _collecting:
        gc.enable()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Alexa Skills Kit trigger -> response envelope."""
    return default_app().handle(event, context)
