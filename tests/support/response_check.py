"""Is this a response envelope Alexa would accept? Checks from shared/PLATFORM.md.

Uses the independent SSML checker in tests/support/ssml_check.py (not skill.core.ssml),
so a response is judged against the platform's rules, not against the code that built it.
"""

from __future__ import annotations

import json
from typing import Any

from skill.core.limits import MAX_RESPONSE_BYTES  # the response budget, from its one source
from tests.support.ssml_check import check_ssml

MAX_PLAIN_TEXT_CHARS = 8_000

NO_SPEECH_REQUESTS = frozenset({"SessionEndedRequest", "System.ExceptionEncountered"})
"""Request types whose response may carry no speech, card or reprompt."""


def _speech_problems(where: str, speech: Any) -> list[str]:
    if not isinstance(speech, dict):
        return [f"{where}: not an object"]
    kind = speech.get("type")
    if kind == "SSML":
        doc = speech.get("ssml")
        if not isinstance(doc, str) or not doc.strip():
            return [f"{where}: empty SSML"]
        return [f"{where}: {p}" for p in check_ssml(doc)]
    if kind == "PlainText":
        text = speech.get("text")
        if not isinstance(text, str) or not text.strip():
            return [f"{where}: empty text"]
        if len(text) > MAX_PLAIN_TEXT_CHARS:
            return [f"{where}: {len(text)} characters"]
        return []
    return [f"{where}: unknown outputSpeech type {kind!r}"]


def response_problems(envelope: Any, request_type: str | None = None) -> list[str]:
    """Everything wrong with a response envelope; empty when Alexa would accept it.

    - version "1.0" and a `response` object;
    - an open session (shouldEndSession false) carries a non-empty reprompt;
    - every outputSpeech/reprompt SSML parses, uses only supported tags, keeps breaks
      within 10 s and the document within 8,000 characters;
    - the serialized envelope stays within the 24 KB budget;
    - responses to SessionEnded/System.ExceptionEncountered carry no speech or reprompt.
    """
    if not isinstance(envelope, dict):
        return [f"envelope is {type(envelope).__name__}, not an object"]
    problems: list[str] = []
    if envelope.get("version") != "1.0":
        problems.append(f"version is {envelope.get('version')!r}, not '1.0'")
    response = envelope.get("response")
    if not isinstance(response, dict):
        return [*problems, "no response object"]
    size = len(json.dumps(envelope).encode())
    if size > MAX_RESPONSE_BYTES:
        problems.append(f"response is {size} bytes, over {MAX_RESPONSE_BYTES}")
    speech = response.get("outputSpeech")
    reprompt = (response.get("reprompt") or {}).get("outputSpeech")
    if speech is not None:
        problems += _speech_problems("outputSpeech", speech)
    if reprompt is not None:
        problems += _speech_problems("reprompt", reprompt)
    if response.get("shouldEndSession") is False and reprompt is None:
        problems.append("session left open without a reprompt")
    if request_type in NO_SPEECH_REQUESTS:
        for key in ("outputSpeech", "reprompt", "card"):
            if response.get(key) is not None:
                problems.append(f"{key} in the response to {request_type}")
    return problems


def assert_valid_response(envelope: Any, request_type: str | None = None) -> None:
    problems = response_problems(envelope, request_type)
    assert not problems, f"invalid Alexa response: {problems}\n{json.dumps(envelope)[:2000]}"
