"""POST /alexa with request verification on: only genuine, fresh Alexa requests get through.

A throw-away PKI (tests/support/test_ca.py) stands in for Amazon's: the signature verifier
trusts only the test root, "downloads" chains from a dict and runs on a fixed clock, as
does the timestamp verifier. A rejected request answers 400 with the same detail-free body
whatever failed, and has no effect on the user's saved state.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from skill.app import SkillApp
from skill.content import load_content
from skill.core.record import replace as record_replace
from skill.settings import Settings
from skill.web.app import create_app
from skill.web.verify import SignatureVerifier, TimestampVerifier
from tests.support.alexa import SKILL_ID, Device, plain, speech
from tests.support.response_check import assert_valid_response
from tests.support.test_ca import NOW, Issued, make_ca, make_leaf, new_key, pem_chain, sign_body

DISCLAIMER = load_content().knowledge.disclaimer
BASE = "https://s3.amazonaws.com/echo.api/"
URL = {
    name: f"{BASE}{name}.pem"
    for name in ("good", "wrong-san", "expired", "not-yet-valid", "untrusted", "other-key")
}
OTHER_SKILL = "amzn1.ask.skill.99999999-9999-9999-9999-999999999999"


@dataclass(frozen=True)
class Pki:
    leaf: Issued
    chains: dict[str, bytes]


@pytest.fixture(scope="module")
def pki() -> Pki:
    """Keys are slow to make: once per module."""
    root = make_ca("Hip Coach Test Root", new_key())
    inter = make_ca("Hip Coach Test Intermediate", new_key(), root)
    key = new_key()
    leaf = make_leaf(inter, key)
    stranger = make_ca("Someone Else's Root", new_key())
    chains = {
        URL["good"]: pem_chain(leaf, inter),
        URL["wrong-san"]: pem_chain(
            make_leaf(
                inter, key, dns_names=("echo-api.example.com",), common_name="echo-api.example.com"
            ),
            inter,
        ),
        URL["expired"]: pem_chain(
            make_leaf(
                inter,
                key,
                not_before=NOW - timedelta(days=400),
                not_after=NOW - timedelta(seconds=1),
            ),
            inter,
        ),
        URL["not-yet-valid"]: pem_chain(
            make_leaf(
                inter, key, not_before=NOW + timedelta(hours=1), not_after=NOW + timedelta(days=300)
            ),
            inter,
        ),
        URL["untrusted"]: pem_chain(make_leaf(stranger, key), stranger),
        URL["other-key"]: pem_chain(make_leaf(inter, new_key()), inter),
    }
    # The root is what the verifier trusts; it rides along as the last chain entry.
    chains[URL["good"]] += pem_chain(root)
    return Pki(leaf, {**chains, "root": root.pem})


@dataclass
class FakeFetch:
    chains: dict[str, bytes]
    calls: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if url not in self.chains:
            raise OSError("404 Not Found")
        return self.chains[url]


@pytest.fixture
def fetch(pki: Pki) -> FakeFetch:
    return FakeFetch({k: v for k, v in pki.chains.items() if k != "root"})


@pytest.fixture
def web(pki: Pki, fetch: FakeFetch, settings: Settings, make_app: Callable[..., SkillApp]) -> Flask:
    from cryptography import x509

    root = x509.load_pem_x509_certificate(pki.chains["root"])
    verifiers = [
        SignatureVerifier(trusted_roots=[root], fetch=fetch, clock=lambda: NOW),
        TimestampVerifier(clock=lambda: NOW),
    ]
    return create_app(settings, skill=make_app(), verifiers=verifiers)


@pytest.fixture
def client(web: Flask) -> FlaskClient:
    return web.test_client()


def launch(timestamp: datetime = NOW) -> dict[str, Any]:
    device = Device(timestamp=timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return device.launch()


def signed(
    pki: Pki, envelope: dict[str, Any], url: str = URL["good"]
) -> tuple[bytes, dict[str, str]]:
    """The body as Alexa sends it (its own spacing) and its signature headers."""
    body = json.dumps(envelope, indent=2).encode()
    return body, {"SignatureCertChainUrl": url, "Signature-256": sign_body(pki.leaf.key, body)}


def post(client: FlaskClient, body: bytes, headers: dict[str, str]) -> Any:
    return client.post("/alexa", data=body, headers=headers, content_type="application/json")


def assert_first_time_welcome(reply: Any) -> None:
    assert reply.status_code == 200
    assert_valid_response(reply.get_json(), "LaunchRequest")
    text = plain(speech(reply.get_json()))
    assert "Welcome to Hip Coach" in text and DISCLAIMER in text, text


def test_a_correctly_signed_request_is_answered(client: FlaskClient, pki: Pki) -> None:
    assert_first_time_welcome(post(client, *signed(pki, launch())))
    # And the skill really ran: the next launch is a "welcome back".
    again = post(client, *signed(pki, launch()))
    assert "welcome back" in plain(speech(again.get_json())).lower()


def test_a_request_within_the_timestamp_tolerance_is_answered(
    client: FlaskClient, pki: Pki
) -> None:
    assert_first_time_welcome(post(client, *signed(pki, launch(NOW - timedelta(seconds=140)))))


def _tampered(pki: Pki) -> tuple[bytes, dict[str, str]]:
    body, headers = signed(pki, launch())
    return body.replace(b"TESTUSER0001", b"TESTUSER0002"), headers


def _reserialized(pki: Pki) -> tuple[bytes, dict[str, str]]:
    body, headers = signed(pki, launch())
    return json.dumps(json.loads(body)).encode(), headers


def _without(header: str) -> Callable[[Pki], tuple[bytes, dict[str, str]]]:
    def build(pki: Pki) -> tuple[bytes, dict[str, str]]:
        body, headers = signed(pki, launch())
        return body, {k: v for k, v in headers.items() if k != header}

    return build


def _with_url(url: str) -> Callable[[Pki], tuple[bytes, dict[str, str]]]:
    return lambda pki: signed(pki, launch(), url)


def _with_signature(value: str) -> Callable[[Pki], tuple[bytes, dict[str, str]]]:
    def build(pki: Pki) -> tuple[bytes, dict[str, str]]:
        body, headers = signed(pki, launch())
        return body, {**headers, "Signature-256": value}

    return build


REJECTED: dict[str, Callable[[Pki], tuple[bytes, dict[str, str]]]] = {
    "tampered body": _tampered,
    "re-serialized body": _reserialized,
    "no cert URL header": _without("SignatureCertChainUrl"),
    "no signature header": _without("Signature-256"),
    "no headers": lambda pki: (signed(pki, launch())[0], {}),
    "signature not base64": _with_signature("not base64 !!"),
    "signature of other bytes": _with_signature(sign_body(new_key(), b"{}")),
    "cert URL http": _with_url("http://s3.amazonaws.com/echo.api/good.pem"),
    "cert URL other host": _with_url("https://evil.example.com/echo.api/good.pem"),
    "cert URL other path": _with_url("https://s3.amazonaws.com/not.echo.api/good.pem"),
    "cert URL escaping path": _with_url("https://s3.amazonaws.com/echo.api/../good.pem"),
    "cert URL other port": _with_url("https://s3.amazonaws.com:8443/echo.api/good.pem"),
    "cert URL not found": _with_url(f"{BASE}missing.pem"),
    "wrong SAN": _with_url(URL["wrong-san"]),
    "expired cert": _with_url(URL["expired"]),
    "cert not yet valid": _with_url(URL["not-yet-valid"]),
    "untrusted root": _with_url(URL["untrusted"]),
    "cert of another key": _with_url(URL["other-key"]),
    "stale timestamp": lambda pki: signed(pki, launch(NOW - timedelta(seconds=151))),
    "future timestamp": lambda pki: signed(pki, launch(NOW + timedelta(seconds=151))),
    "replayed an hour later": lambda pki: signed(pki, launch(NOW - timedelta(hours=1))),
}


@pytest.mark.parametrize("case", list(REJECTED))
def test_a_request_that_fails_verification_is_400_without_detail(
    client: FlaskClient, pki: Pki, fetch: FakeFetch, case: str
) -> None:
    reply = post(client, *REJECTED[case](pki))
    assert reply.status_code == 400
    missing_header = post(client, signed(pki, launch())[0], {})
    # One body for every failure, so a caller cannot learn which check failed.
    assert reply.get_data() == missing_header.get_data()
    text = reply.get_data(as_text=True).lower()
    for leak in ("signature", "cert", "timestamp", "san", "expired", "echo", "url", "root"):
        assert leak not in text, (case, text)
    assert not any(
        u.startswith(("http://", "https://evil", "https://s3.amazonaws.com/not"))
        or "8443" in u
        or ".." in u
        for u in fetch.calls
    ), fetch.calls
    # Rejected means ignored: the user is still a first-time user.
    assert_first_time_welcome(post(client, *signed(pki, launch())))


def test_verification_is_on_by_default_and_rejects_unsigned_requests(
    settings: Settings, make_app: Callable[..., SkillApp]
) -> None:
    app = create_app(record_replace(settings, verify=True), skill=make_app())
    reply = app.test_client().post("/alexa", json=launch())
    assert reply.status_code == 400


# --------------------------------------------------------------------------- skill id


@pytest.fixture
def skill_id_client(settings: Settings, make_app: Callable[..., SkillApp]) -> FlaskClient:
    """Verification off, but a skill id configured: the default verifiers check it."""
    with_id = record_replace(settings, verify=False, skill_id=SKILL_ID)
    return create_app(with_id, skill=make_app(settings=with_id)).test_client()


def _for_skill(context_id: str, session_id: str) -> dict[str, Any]:
    envelope = launch()
    envelope["context"]["System"]["application"]["applicationId"] = context_id
    envelope["session"]["application"]["applicationId"] = session_id
    return envelope


def test_a_request_for_this_skill_is_answered(skill_id_client: FlaskClient) -> None:
    assert_first_time_welcome(skill_id_client.post("/alexa", json=_for_skill(SKILL_ID, SKILL_ID)))


@pytest.mark.parametrize(
    "context_id,session_id",
    [(OTHER_SKILL, OTHER_SKILL), (OTHER_SKILL, SKILL_ID), (SKILL_ID, OTHER_SKILL)],
    ids=["both", "context", "session"],
)
def test_a_request_for_another_skill_is_400(
    skill_id_client: FlaskClient, context_id: str, session_id: str
) -> None:
    reply = skill_id_client.post("/alexa", json=_for_skill(context_id, session_id))
    assert reply.status_code == 400
    assert OTHER_SKILL not in reply.get_data(as_text=True)
    assert_first_time_welcome(skill_id_client.post("/alexa", json=_for_skill(SKILL_ID, SKILL_ID)))
