"""The Flask app factory: POST /alexa (verified), GET /health, GET /audio/<name>.

Each POST carries its own audio base into the skill (skill.web.forwarded): the configured
one, or one derived from a trusted HTTPS proxy, so a device is never sent an http URL.

Each test builds a fresh app with `create_app(...)`; `hipcoach serve` builds one
from the environment. Verification failures answer 400 with no detail (the
reason goes to the log); oversized bodies answer 413.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from flask import Flask, Response, jsonify, request

from skill.app import SkillApp
from skill.core.limits import MAX_REQUEST_BODY_BYTES
from skill.settings import Settings
from skill.web.forwarded import request_audio
from skill.web.verify import (
    AbstractVerifier,
    SignatureVerifier,
    SkillIdVerifier,
    TimestampVerifier,
    VerificationError,
    verify_all,
)

log = logging.getLogger("hipcoach.web")


def default_verifiers(settings: Settings) -> list[AbstractVerifier]:
    """Signature and timestamp when verification is on; the skill id check whenever set."""
    verifiers: list[AbstractVerifier] = []
    if settings.verify:
        verifiers += [SignatureVerifier(), TimestampVerifier()]
    if settings.skill_id:
        verifiers.append(SkillIdVerifier(settings.skill_id))
    return verifiers


def _reject_constant(name: str) -> Any:
    """NaN and Infinity are not JSON; Python's parser accepts them unless told not to."""
    raise ValueError(f"{name} is not JSON")


def _bad_request() -> tuple[Response, int]:
    return jsonify({"error": "bad request"}), 400


def create_app(settings: Settings | None = None, *, skill: SkillApp | None = None,
               verifiers: Sequence[AbstractVerifier] | None = None) -> Flask:
    """Build the web app; anything not given is built from `settings` (or the environment)."""
    settings = settings or Settings.from_env()
    skill_app = skill or SkillApp(settings)
    checks = list(default_verifiers(settings) if verifiers is None else verifiers)
    app = Flask("hipcoach")
    # No MAX_CONTENT_LENGTH: Werkzeug would silently cut a chunked body at the limit.
    # The view reads one byte past the limit instead, so an oversized body is a 413.

    @app.get("/health")
    def health() -> tuple[Response, int]:
        return jsonify({"status": "ok", "verify": bool(checks)}), 200

    @app.post("/alexa")
    def alexa() -> tuple[Response, int]:
        length = request.content_length
        if length is not None and length > MAX_REQUEST_BODY_BYTES:
            return jsonify({"error": "too large"}), 413
        body = request.stream.read(MAX_REQUEST_BODY_BYTES + 1)
        if len(body) > MAX_REQUEST_BODY_BYTES:  # chunked bodies have no Content-Length
            return jsonify({"error": "too large"}), 413
        # The Content-Type is not checked: Alexa always sends JSON and signs the body, and
        # a plain `curl -d @envelope.json` (form content type) should work with --no-verify.
        try:
            envelope: Any = json.loads(body, parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting, NaN
            log.info("rejected: body is not JSON")
            return _bad_request()
        if not isinstance(envelope, dict):
            log.info("rejected: body is not a JSON object")
            return _bad_request()
        try:
            verify_all(checks, dict(request.headers), body, envelope)
        except VerificationError as exc:
            log.warning("rejected: verification failed: %s", exc)
            return _bad_request()
        audio = request_audio(settings, request.headers, request.scheme, request.host, log)
        return jsonify(skill_app.handle(envelope, audio=audio)), 200

    try:
        from skill.web.audio_route import audio_blueprint
    except ImportError:  # pragma: no cover - audio serving not installed
        pass
    else:
        app.register_blueprint(audio_blueprint(settings.audio_dir / "tracks"))

    @app.errorhandler(413)
    def too_large(_: Any) -> tuple[Response, int]:
        return jsonify({"error": "too large"}), 413

    return app
