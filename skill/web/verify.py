"""Alexa request verification for the local web-service endpoint.

Alexa signs every HTTPS request to a web-service skill; Amazon's certification
requires us to check the signature, the signing certificate and the timestamp, and
to answer HTTP 400 on any failure (shared/PLATFORM.md, "Request verification").
The stock ``ask_sdk_webservice_support`` cannot import here, so this module mirrors
its interface (``AbstractVerifier.verify(headers, serialized_request_env,
deserialized_request_env)``) on top of pyca/cryptography. Certificate details live
in :mod:`skill.web.certs`.
"""

from __future__ import annotations

import abc
import base64
import binascii
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import Store

from skill.core.limits import (
    MAX_SKILL_EVENT_SKEW_S,
    MAX_TIMESTAMP_SKEW_S,
    SKILL_EVENT_REQUEST_TYPES,
)
from skill.web import certs

SIGNATURE_CERT_CHAIN_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_256_HEADER = "Signature-256"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Default clock: aware UTC wall time."""
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """Treat naive datetimes as UTC so comparisons never mix naive and aware."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class VerificationError(Exception):
    """A request failed verification. The message is for the log only: the web layer
    answers HTTP 400 without detail so callers learn nothing about which check failed."""


class AbstractVerifier(abc.ABC):
    """One check on an incoming request, same shape as the ASK SDK's verifier."""

    @abc.abstractmethod
    def verify(
        self,
        headers: Mapping[str, str],
        serialized_request_env: bytes,
        deserialized_request_env: Mapping[str, Any],
    ) -> None:
        """Return if the request passes; raise :class:`VerificationError` otherwise.

        ``serialized_request_env`` is the raw body exactly as received (the signature
        covers those bytes, not a re-serialisation); ``deserialized_request_env`` is its
        parsed JSON.
        """


def _header(headers: Mapping[str, str], name: str) -> str:
    """Case-insensitive header lookup (plain dicts in tests, Werkzeug headers in Flask)."""
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    if value is None or not value.strip():
        raise VerificationError(f"missing header {name}")
    return value.strip()


class SignatureVerifier(AbstractVerifier):
    """Checks ``Signature-256`` against the certificate at ``SignatureCertChainUrl``.

    ``fetch``, ``clock`` and ``trusted_roots`` are injectable so tests run without
    network or wall time. Without ``trusted_roots`` the system CA bundle (or certifi)
    is loaded on first use.
    """

    def __init__(
        self,
        *,
        trusted_roots: Sequence[x509.Certificate] | None = None,
        fetch: certs.Fetch = certs.fetch_url,
        clock: Clock = utc_now,
        cache_size: int = certs.DEFAULT_CHAIN_CACHE_SIZE,
    ) -> None:
        self._store: Store | None = (
            None if trusted_roots is None else certs.make_store(trusted_roots)
        )
        self._clock = clock
        self._cache = certs.ChainCache(fetch, cache_size)

    def _trust_store(self) -> Store:
        if self._store is None:
            self._store = certs.system_store()
        return self._store

    def verify(
        self,
        headers: Mapping[str, str],
        serialized_request_env: bytes,
        deserialized_request_env: Mapping[str, Any],
    ) -> None:
        """Cheap checks first (headers, base64, URL), then fetch, chain, signature."""
        cert_url = _header(headers, SIGNATURE_CERT_CHAIN_URL_HEADER)
        try:
            signature = base64.b64decode(_header(headers, SIGNATURE_256_HEADER), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VerificationError("Signature-256 is not valid base64") from exc
        if not signature:
            raise VerificationError("Signature-256 is empty")
        try:
            certs.validate_cert_url(cert_url)
            chain = self._cache.get(cert_url)
            certs.validate_chain(chain, self._trust_store(), _aware(self._clock()))
        except certs.CertificateError as exc:
            raise VerificationError(str(exc)) from exc
        public_key = chain.leaf.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise VerificationError("signing cert key is not RSA")
        try:
            public_key.verify(
                signature, serialized_request_env, padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature as exc:
            raise VerificationError("request signature does not match body") from exc


def _parse_timestamp(value: object) -> datetime:
    """ISO 8601 as Alexa sends it ("2026-11-29T12:00:00Z"); fractions and offsets allowed."""
    if not isinstance(value, str) or not value.strip():
        raise VerificationError("request.timestamp missing or not a string")
    try:
        # Python 3.11's fromisoformat accepts "Z", fractional seconds and "+00:00".
        return _aware(datetime.fromisoformat(value.strip()))
    except ValueError as exc:
        raise VerificationError(f"request.timestamp {value!r} is not ISO 8601") from exc


class TimestampVerifier(AbstractVerifier):
    """Rejects replays: request.timestamp must be within ``tolerance_s`` of now, in either
    direction (by default :data:`skill.core.limits.MAX_TIMESTAMP_SKEW_S`). Skill events
    (SkillDisabled...) arrive asynchronously, so they get ``skill_event_tolerance_s``
    (:data:`skill.core.limits.MAX_SKILL_EVENT_SKEW_S`), as the ASK SDK's verifier does."""

    def __init__(
        self, *, tolerance_s: float = MAX_TIMESTAMP_SKEW_S,
        skill_event_tolerance_s: float = MAX_SKILL_EVENT_SKEW_S, clock: Clock = utc_now
    ) -> None:
        if tolerance_s < 0 or skill_event_tolerance_s < 0:
            raise ValueError("tolerances must not be negative")
        self._tolerance_s = tolerance_s
        self._event_tolerance_s = max(tolerance_s, skill_event_tolerance_s)
        self._clock = clock

    def verify(
        self,
        headers: Mapping[str, str],
        serialized_request_env: bytes,
        deserialized_request_env: Mapping[str, Any],
    ) -> None:
        """Compare request.timestamp with the injected clock."""
        request = deserialized_request_env.get("request")
        if not isinstance(request, Mapping):
            raise VerificationError("envelope has no request object")
        stamp = _parse_timestamp(request.get("timestamp"))
        skew = abs((_aware(self._clock()) - stamp).total_seconds())
        kind = request.get("type")
        limit = (self._event_tolerance_s
                 if isinstance(kind, str) and kind in SKILL_EVENT_REQUEST_TYPES
                 else self._tolerance_s)
        if skew > limit:
            raise VerificationError(
                f"request.timestamp {stamp.isoformat()} is {skew:.0f} s from now "
                f"(max {limit} s)"
            )


def _lookup(envelope: Mapping[str, Any], *path: str) -> object:
    node: object = envelope
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


class SkillIdVerifier(AbstractVerifier):
    """Rejects requests meant for another skill. ``skill_id=None`` disables the check
    (local development); with an id, every applicationId present must equal it and at
    least one must be present."""

    _ID_PATHS = (
        ("context", "System", "application", "applicationId"),
        ("session", "application", "applicationId"),
    )

    def __init__(self, skill_id: str | None) -> None:
        self._skill_id = skill_id

    def verify(
        self,
        headers: Mapping[str, str],
        serialized_request_env: bytes,
        deserialized_request_env: Mapping[str, Any],
    ) -> None:
        """Compare context.System.application and session.application ids."""
        if self._skill_id is None:
            return
        found = [_lookup(deserialized_request_env, *p) for p in self._ID_PATHS]
        present = [f for f in found if f is not None]
        if not present:
            raise VerificationError("envelope carries no applicationId")
        for app_id in present:
            if app_id != self._skill_id:
                raise VerificationError(f"applicationId {app_id!r} is not this skill")


def verify_all(
    verifiers: Iterable[AbstractVerifier],
    headers: Mapping[str, str],
    body: bytes,
    envelope: Mapping[str, Any],
) -> None:
    """Run the verifiers in order; the first failure raises VerificationError."""
    for verifier in verifiers:
        verifier.verify(headers, body, envelope)
