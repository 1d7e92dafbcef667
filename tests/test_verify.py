"""Alexa request verification: signature, signing chain, cert URL, timestamp, skill id.

Hermetic: a throw-away PKI is generated at test time (tests/support/test_ca.py), the
certificate fetch is a dict lookup and every verifier gets a fake clock.
"""

from __future__ import annotations

import json
import posixpath
import urllib.parse
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID
from hypothesis import given
from hypothesis import strategies as st
from support.test_ca import (
    NOW,
    Issued,
    make_ca,
    make_leaf,
    new_key,
    pem_chain,
    sign_body,
)

from skill.core.limits import MAX_TIMESTAMP_SKEW_S
from skill.web import certs
from skill.web.verify import (
    AbstractVerifier,
    SignatureVerifier,
    SkillIdVerifier,
    TimestampVerifier,
    VerificationError,
    verify_all,
)

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


# --------------------------------------------------------------------------- PKI


@dataclass(frozen=True)
class Pki:
    root: Issued
    inter: Issued
    leaf: Issued  # signed by inter, the good signing cert
    direct_leaf: Issued  # signed by root, no intermediate
    other_key_leaf: Issued  # a good cert whose key differs from the body signer's
    untrusted_root: Issued
    chains: dict[str, bytes]


@pytest.fixture(scope="module")
def pki() -> Pki:
    """Generate keys once per module: RSA keygen dominates test time."""
    root = make_ca("Test Root", new_key())
    inter = make_ca("Test Intermediate", new_key(), root)
    leaf_key = new_key()
    other_key = new_key()
    untrusted_root = make_ca("Untrusted Root", new_key())
    leaf = make_leaf(inter, leaf_key)
    direct_leaf = make_leaf(root, leaf_key)
    other_key_leaf = make_leaf(inter, other_key)
    bad = {
        "wrong_san": make_leaf(inter, leaf_key, dns_names=("echo-api.amazon.com.evil.test",)),
        "no_san": make_leaf(inter, leaf_key, dns_names=()),
        "expired": make_leaf(
            inter, leaf_key, not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(days=1)
        ),
        "not_yet_valid": make_leaf(
            inter, leaf_key, not_before=NOW + timedelta(days=1), not_after=NOW + timedelta(days=400)
        ),
        "client_auth_only": make_leaf(inter, leaf_key, eku=(ExtendedKeyUsageOID.CLIENT_AUTH,)),
        "self_signed": make_leaf(None, leaf_key),
    }
    chains = {
        "good": pem_chain(leaf, inter),
        "good_with_root": pem_chain(leaf, inter, root),
        "direct": pem_chain(direct_leaf),
        "other_key": pem_chain(other_key_leaf, inter),
        "missing_intermediate": pem_chain(leaf),
        "untrusted": pem_chain(
            make_leaf(make_ca("Untrusted Inter", new_key(), untrusted_root), leaf_key),
        ),
        **{name: pem_chain(cert, inter) for name, cert in bad.items()},
    }
    return Pki(root, inter, leaf, direct_leaf, other_key_leaf, untrusted_root, chains)


# ----------------------------------------------------------------------- helpers


@dataclass
class FakeClock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class FakeFetch:
    """Serves chains by URL and records every call."""

    responses: dict[str, bytes] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        try:
            return self.responses[url]
        except KeyError:
            raise OSError(f"404 {url}") from None


def envelope(
    *, timestamp: Any = "2026-11-29T12:00:00Z", app_id: str | None = SKILL_ID
) -> dict[str, Any]:
    env: dict[str, Any] = {
        "version": "1.0",
        "session": {"new": True, "sessionId": "amzn1.echo-api.session.x"},
        "context": {"System": {"device": {"deviceId": "d"}}},
        "request": {"type": "LaunchRequest", "requestId": "r1", "locale": "en-US"},
    }
    if app_id is not None:
        env["session"]["application"] = {"applicationId": app_id}
        env["context"]["System"]["application"] = {"applicationId": app_id}
    if timestamp is not None:
        env["request"]["timestamp"] = timestamp
    return env


def signed(
    pki: Pki, *, url: str = CERT_URL, key_leaf: Issued | None = None
) -> tuple[dict[str, str], bytes, dict[str, Any]]:
    """A real body (bytes with Alexa-like spacing), its headers and its parsed form."""
    env = envelope()
    body = json.dumps(env, indent=1).encode()
    key = (key_leaf or pki.leaf).key
    headers = {"SignatureCertChainUrl": url, "Signature-256": sign_body(key, body)}
    return headers, body, env


def sig_verifier(
    pki: Pki, chain: str = "good", *, url: str = CERT_URL, clock: FakeClock | None = None
) -> tuple[SignatureVerifier, FakeFetch]:
    fetch = FakeFetch({url: pki.chains[chain]})
    verifier = SignatureVerifier(
        trusted_roots=[pki.root.cert], fetch=fetch, clock=clock or FakeClock()
    )
    return verifier, fetch


# -------------------------------------------------------------------- signature


@pytest.mark.parametrize("chain", ["good", "good_with_root", "direct"])
def test_valid_request_is_accepted(pki: Pki, chain: str) -> None:
    verifier, fetch = sig_verifier(pki, chain)
    verifier.verify(*signed(pki))
    assert fetch.calls == [CERT_URL]


def test_header_names_are_case_insensitive(pki: Pki) -> None:
    verifier, _ = sig_verifier(pki)
    headers, body, env = signed(pki)
    lowered = {k.lower(): v for k, v in headers.items()}
    verifier.verify(lowered, body, env)


def test_werkzeug_request_headers_work_as_a_dict(pki: Pki) -> None:
    """Flask's EnvironHeaders is not a Mapping; dict(request.headers) is what the web
    layer passes, and its keys come back re-cased from the WSGI environ."""
    from werkzeug.datastructures import EnvironHeaders
    from werkzeug.test import EnvironBuilder

    verifier, _ = sig_verifier(pki)
    headers, body, env = signed(pki)
    builder = EnvironBuilder(method="POST", headers=list(headers.items()), data=body)
    environ = builder.get_environ()
    verifier.verify(dict(EnvironHeaders(environ)), body, env)


def test_tampered_body_is_rejected(pki: Pki) -> None:
    verifier, _ = sig_verifier(pki)
    headers, body, env = signed(pki)
    tampered = body.replace(b"LaunchRequest", b"IntentRequest")
    with pytest.raises(VerificationError, match="signature"):
        verifier.verify(headers, tampered, env)


def test_reserialized_body_is_rejected(pki: Pki) -> None:
    """The signature covers the raw bytes, not an equivalent JSON re-encoding."""
    verifier, _ = sig_verifier(pki)
    headers, body, env = signed(pki)
    with pytest.raises(VerificationError, match="signature"):
        verifier.verify(headers, json.dumps(json.loads(body)).encode(), env)


def test_signature_from_another_key_is_rejected(pki: Pki) -> None:
    verifier, _ = sig_verifier(pki)
    _, body, env = signed(pki)
    headers, _, _ = signed(pki, key_leaf=pki.other_key_leaf)
    with pytest.raises(VerificationError, match="signature"):
        verifier.verify(headers, body, env)


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_missing_header_is_rejected(pki: Pki, missing: str) -> None:
    verifier, fetch = sig_verifier(pki)
    headers, body, env = signed(pki)
    del headers[missing]
    with pytest.raises(VerificationError, match="missing header"):
        verifier.verify(headers, body, env)
    assert fetch.calls == []


@pytest.mark.parametrize("value", ["not base64!!", "abc", "====", "  ", "QUJD\x00"])
def test_malformed_base64_signature_is_rejected(pki: Pki, value: str) -> None:
    verifier, fetch = sig_verifier(pki)
    headers, body, env = signed(pki)
    headers["Signature-256"] = value
    with pytest.raises(VerificationError):
        verifier.verify(headers, body, env)
    assert fetch.calls == []


def test_wellformed_but_wrong_signature_is_rejected(pki: Pki) -> None:
    verifier, _ = sig_verifier(pki)
    headers, body, env = signed(pki)
    headers["Signature-256"] = "QUJD"  # base64 of b"ABC"
    with pytest.raises(VerificationError, match="signature"):
        verifier.verify(headers, body, env)


# ---------------------------------------------------------------------- cert URL


BAD_URLS = {
    "http scheme": "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "ftp scheme": "ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "wrong host": "https://notamazon.com/echo.api/echo-api-cert.pem",
    "host suffix": "https://s3.amazonaws.com.evil.test/echo.api/echo-api-cert.pem",
    "host prefix": "https://evils3.amazonaws.com/echo.api/echo-api-cert.pem",
    "trailing dot host": "https://s3.amazonaws.com./echo.api/echo-api-cert.pem",
    "mixed-case path": "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "other bucket": "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "prefix without slash": "https://s3.amazonaws.com/echo.api.evil/cert.pem",
    "traversal": "https://s3.amazonaws.com/echo.api/../echo-api-cert.pem",
    "encoded traversal": "https://s3.amazonaws.com/echo.api/%2e%2e/evil/cert.pem",
    "encoded dots outside": "https://s3.amazonaws.com/%2e%2e/echo.api/cert.pem",
    "uppercase path": "https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem",
    "port 563": "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "port 80": "https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem",
    "empty port": "https://s3.amazonaws.com:/echo.api/echo-api-cert.pem",
    "bad port": "https://s3.amazonaws.com:99999/echo.api/echo-api-cert.pem",
    "userinfo": "https://evil.test@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "userinfo host swap": "https://s3.amazonaws.com@evil.test/echo.api/echo-api-cert.pem",
    "userinfo password": "https://s3.amazonaws.com:443@evil.test/echo.api/echo-api-cert.pem",
    "no scheme": "s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "relative": "/echo.api/echo-api-cert.pem",
    "newline": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem\nHost: evil",
}


@pytest.mark.parametrize("url", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_bad_cert_url_is_rejected_before_fetching(pki: Pki, url: str) -> None:
    verifier, fetch = sig_verifier(pki, url=url)
    with pytest.raises(VerificationError, match="cert URL"):
        verifier.verify(*signed(pki, url=url))
    assert fetch.calls == []


GOOD_URLS = {
    "canonical": CERT_URL,
    "uppercase host": "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert-12.pem",
    "uppercase scheme": "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
    "port 443": "https://s3.amazonaws.com:443/echo.api/echo-api-cert-12.pem",
    "dot segments staying inside": "https://s3.amazonaws.com/echo.api/../echo.api/cert.pem",
}


@pytest.mark.parametrize("url", GOOD_URLS.values(), ids=GOOD_URLS.keys())
def test_acceptable_cert_url_forms(pki: Pki, url: str) -> None:
    verifier, fetch = sig_verifier(pki, url=url)
    verifier.verify(*signed(pki, url=url))
    assert fetch.calls == [url]


SEGMENTS = st.sampled_from(["echo.api", "ECHO.API", "..", ".", "x.pem", "%2e%2e", "echo.api.x"])


@given(st.lists(SEGMENTS, min_size=1, max_size=6))
def test_accepted_url_paths_resolve_under_echo_api(segments: list[str]) -> None:
    """Cross-check with RFC 3986 dot-segment removal (urljoin), an independent oracle."""
    path = "/" + "/".join(segments)
    try:
        certs.validate_cert_url("https://s3.amazonaws.com" + path)
    except certs.CertificateError:
        return
    resolved = urllib.parse.urlsplit(urllib.parse.urljoin("https://s3.amazonaws.com/", path)).path
    assert resolved.startswith("/echo.api/")
    assert posixpath.normpath(urllib.parse.unquote(resolved)).startswith("/echo.api/")


# ------------------------------------------------------------------ chain checks


@pytest.mark.parametrize(
    ("chain", "reason"),
    [
        ("wrong_san", "SAN"),
        ("no_san", "SAN"),
        ("expired", "not valid at"),
        ("not_yet_valid", "not valid at"),
        ("untrusted", "chain rejected"),
        ("self_signed", "chain rejected"),
        ("missing_intermediate", "chain rejected"),
        ("client_auth_only", "chain rejected"),
    ],
)
def test_bad_signing_chain_is_rejected(pki: Pki, chain: str, reason: str) -> None:
    verifier, _ = sig_verifier(pki, chain)
    with pytest.raises(VerificationError, match=reason):
        verifier.verify(*signed(pki))


def test_expired_intermediate_is_rejected(pki: Pki) -> None:
    inter = make_ca("Old Intermediate", pki.inter.key, pki.root, not_after=NOW - timedelta(days=1))
    leaf = make_leaf(inter, pki.leaf.key)
    fetch = FakeFetch({CERT_URL: pem_chain(leaf, inter)})
    verifier = SignatureVerifier(trusted_roots=[pki.root.cert], fetch=fetch, clock=FakeClock())
    with pytest.raises(VerificationError, match="chain rejected"):
        verifier.verify(*signed(pki))


@pytest.mark.parametrize("payload", [b"", b"not a pem", b"-----BEGIN CERTIFICATE-----\nAAAA\n"])
def test_unparsable_chain_is_rejected(pki: Pki, payload: bytes) -> None:
    verifier = SignatureVerifier(
        trusted_roots=[pki.root.cert], fetch=FakeFetch({CERT_URL: payload}), clock=FakeClock()
    )
    with pytest.raises(VerificationError, match="PEM"):
        verifier.verify(*signed(pki))


def test_fetch_failure_is_rejected(pki: Pki) -> None:
    verifier = SignatureVerifier(
        trusted_roots=[pki.root.cert], fetch=FakeFetch(), clock=FakeClock()
    )
    with pytest.raises(VerificationError, match="fetch failed"):
        verifier.verify(*signed(pki))


def test_default_trust_store_loads_quietly_and_does_not_trust_test_root(pki: Pki) -> None:
    """Without trusted_roots the system bundle (or certifi) is loaded lazily, warning-free."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert certs.system_store() is certs.system_store()
    fetch = FakeFetch({CERT_URL: pki.chains["good"]})
    verifier = SignatureVerifier(fetch=fetch, clock=FakeClock())
    with pytest.raises(VerificationError, match="chain rejected"):
        verifier.verify(*signed(pki))


def test_empty_trusted_roots_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="trusted_roots"):
        SignatureVerifier(trusted_roots=[])


# ------------------------------------------------------------------------ cache


def test_chain_is_fetched_once_for_repeated_requests(pki: Pki) -> None:
    verifier, fetch = sig_verifier(pki)
    for _ in range(5):
        verifier.verify(*signed(pki))
    assert fetch.calls == [CERT_URL]


def test_cached_chain_is_revalidated_against_the_clock(pki: Pki) -> None:
    clock = FakeClock()
    verifier, fetch = sig_verifier(pki, clock=clock)
    verifier.verify(*signed(pki))
    clock.now = pki.leaf.cert.not_valid_after_utc + timedelta(seconds=1)
    with pytest.raises(VerificationError, match="not valid at"):
        verifier.verify(*signed(pki))
    assert fetch.calls == [CERT_URL]


def test_cache_is_capped(pki: Pki) -> None:
    url_a, url_b = CERT_URL, "https://s3.amazonaws.com/echo.api/echo-api-cert-13.pem"
    fetch = FakeFetch({url_a: pki.chains["good"], url_b: pki.chains["good"]})
    verifier = SignatureVerifier(
        trusted_roots=[pki.root.cert], fetch=fetch, clock=FakeClock(), cache_size=1
    )
    for url in (url_a, url_a, url_b, url_a):
        verifier.verify(*signed(pki, url=url))
    assert fetch.calls == [url_a, url_b, url_a]


def test_failed_fetch_is_not_cached(pki: Pki) -> None:
    fetch = FakeFetch()
    verifier = SignatureVerifier(trusted_roots=[pki.root.cert], fetch=fetch, clock=FakeClock())
    with pytest.raises(VerificationError):
        verifier.verify(*signed(pki))
    fetch.responses[CERT_URL] = pki.chains["good"]
    verifier.verify(*signed(pki))
    assert fetch.calls == [CERT_URL, CERT_URL]


# -------------------------------------------------------------------- timestamp


def _check_timestamp(timestamp: Any, *, clock_offset_s: float = 0) -> None:
    clock = FakeClock(NOW + timedelta(seconds=clock_offset_s))
    TimestampVerifier(clock=clock).verify({}, b"", envelope(timestamp=timestamp))


@pytest.mark.parametrize("offset_s", [0, 149, -149, 150, -150])
def test_timestamp_within_tolerance_is_accepted(offset_s: int) -> None:
    # Positive offset: the clock is ahead, so the request is that many seconds old.
    _check_timestamp("2026-11-29T12:00:00Z", clock_offset_s=offset_s)


@pytest.mark.parametrize("offset_s", [151, -151, 3600, -86400])
def test_timestamp_outside_tolerance_is_rejected(offset_s: int) -> None:
    with pytest.raises(VerificationError, match="from now"):
        _check_timestamp("2026-11-29T12:00:00Z", clock_offset_s=offset_s)


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-11-29T12:00:00Z",
        "2026-11-29T12:00:00.123Z",
        "2026-11-29T12:00:00.123456+00:00",
        "2026-11-29T13:00:00+01:00",
        "2026-11-29T12:00:00",  # naive: read as UTC
    ],
)
def test_timestamp_formats(timestamp: str) -> None:
    _check_timestamp(timestamp)


@pytest.mark.parametrize("timestamp", [None, "", "yesterday", "2026-13-01T00:00:00Z", 1_700_000])
def test_missing_or_invalid_timestamp_is_rejected(timestamp: Any) -> None:
    with pytest.raises(VerificationError, match="timestamp"):
        _check_timestamp(timestamp)


def test_timestamp_tolerance_default_and_parameter() -> None:
    assert MAX_TIMESTAMP_SKEW_S == 150
    clock = FakeClock(NOW + timedelta(seconds=20))
    with pytest.raises(VerificationError):
        TimestampVerifier(tolerance_s=10, clock=clock).verify({}, b"", envelope())


def test_default_tolerance_is_the_limit_in_core_limits() -> None:
    """The default window comes from skill/core/limits.py, edge inclusive (no local copy)."""
    at_edge = TimestampVerifier(clock=FakeClock(NOW + timedelta(seconds=MAX_TIMESTAMP_SKEW_S)))
    at_edge.verify({}, b"", envelope())
    past = TimestampVerifier(clock=FakeClock(NOW + timedelta(seconds=MAX_TIMESTAMP_SKEW_S + 1)))
    with pytest.raises(VerificationError, match="from now"):
        past.verify({}, b"", envelope())


def test_envelope_without_request_is_rejected() -> None:
    with pytest.raises(VerificationError, match="request"):
        TimestampVerifier(clock=FakeClock()).verify({}, b"", {"version": "1.0"})


# --------------------------------------------------------------------- skill id


def test_matching_skill_id_is_accepted() -> None:
    SkillIdVerifier(SKILL_ID).verify({}, b"", envelope())


def test_mismatched_skill_id_is_rejected() -> None:
    with pytest.raises(VerificationError, match="not this skill"):
        SkillIdVerifier(SKILL_ID).verify({}, b"", envelope(app_id="amzn1.ask.skill.other"))


def test_session_and_context_ids_must_both_match() -> None:
    env = envelope()
    env["session"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    with pytest.raises(VerificationError, match="not this skill"):
        SkillIdVerifier(SKILL_ID).verify({}, b"", env)


def test_context_only_envelope_is_checked() -> None:
    env = envelope()
    del env["session"]
    SkillIdVerifier(SKILL_ID).verify({}, b"", env)
    env["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    with pytest.raises(VerificationError):
        SkillIdVerifier(SKILL_ID).verify({}, b"", env)


def test_envelope_without_application_id_is_rejected() -> None:
    with pytest.raises(VerificationError, match="no applicationId"):
        SkillIdVerifier(SKILL_ID).verify({}, b"", envelope(app_id=None))


def test_skill_id_none_disables_the_check() -> None:
    SkillIdVerifier(None).verify({}, b"", envelope(app_id="amzn1.ask.skill.other"))


# ------------------------------------------------------------------ verify_all


@dataclass
class Recorder(AbstractVerifier):
    name: str
    log: list[str]
    fail: bool = False

    def verify(
        self,
        headers: Mapping[str, str],
        serialized_request_env: bytes,
        deserialized_request_env: Mapping[str, Any],
    ) -> None:
        self.log.append(self.name)
        if self.fail:
            raise VerificationError(self.name)


def test_verify_all_runs_in_order_and_stops_at_first_failure() -> None:
    log: list[str] = []
    chain = [Recorder("a", log), Recorder("b", log, fail=True), Recorder("c", log)]
    with pytest.raises(VerificationError, match="b"):
        verify_all(chain, {}, b"", {})
    assert log == ["a", "b"]


def test_verify_all_accepts_a_fully_valid_request(pki: Pki) -> None:
    headers, body, env = signed(pki)
    sig, _ = sig_verifier(pki)
    clock = FakeClock(NOW + timedelta(seconds=30))
    verify_all([sig, TimestampVerifier(clock=clock), SkillIdVerifier(SKILL_ID)], headers, body, env)


def test_verify_all_rejects_a_replayed_request(pki: Pki) -> None:
    headers, body, env = signed(pki)
    clock = FakeClock(NOW + timedelta(seconds=MAX_TIMESTAMP_SKEW_S + 1))
    sig, _ = sig_verifier(pki, clock=clock)
    with pytest.raises(VerificationError, match="from now"):
        verify_all([sig, TimestampVerifier(clock=clock)], headers, body, env)


def test_leaf_time_check_uses_injected_clock_not_wall_time(pki: Pki) -> None:
    """NOW is fixed in 2026; a clock years later must see the test leaf as expired."""
    clock = FakeClock(NOW + timedelta(days=3 * 365))
    verifier, _ = sig_verifier(pki, clock=clock)
    with pytest.raises(VerificationError, match="not valid at"):
        verifier.verify(*signed(pki))
