"""Privacy of the logs: no user id, access token, signature or cert URL, ever.

A whole conversation runs with every logger at DEBUG (ours, ask-sdk's, requests',
urllib3's, Flask's), with the directive API failing once so the failure paths log
too, plus one verified web request with a bad signature. The captured text must
not contain the raw user id, the apiAccessToken, the Signature-256 value or the
SignatureCertChainUrl; users may appear only as the first 12 hex characters of
sha256(user id).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from skill.adapters.progressive import DirectiveApiSender
from skill.app import SkillApp
from skill.content import load_content
from skill.core.preferences import Preferences
from skill.core.record import replace
from skill.settings import Settings
from skill.web.app import create_app
from skill.web.verify import SignatureVerifier, TimestampVerifier
from tests.support.alexa import Device, plain, slot, speech
from tests.support.directive_server import DirectiveServer, Reply
from tests.support.test_ca import NOW, make_ca, make_leaf, new_key, pem_chain, sign_body

USER_ID = "amzn1.ask.account.AHPRIVACYRAWUSERID7Q2XK4VN9WZ3"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.PRIVACYSECRETACCESSTOKEN.c2ln"
DEVICE_ID = "amzn1.ask.device.AEPRIVACYDEVICEID55TQ"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-privacy-7.pem"
USER_HASH = hashlib.sha256(USER_ID.encode()).hexdigest()


class Tracks:
    """Streaming tracks without rendering, so the AudioPlayer handlers run in full."""

    def tracks_of(self, routine_id: str, prefs: Preferences) -> list[tuple[int, int]]:
        return [(0, 0), (0, 1)]

    def url_for(self, routine_id: str, step_index: int, side_index: int,
                prefs: Preferences) -> str:
        return f"https://audio.example.test/{routine_id}-{step_index}-{side_index}.mp3"


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Formatted messages, tracebacks, arguments and extra attributes of every record."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(formatter.format(record))
        parts.append(repr(record.args))
        parts.append(repr({k: v for k, v in vars(record).items() if k not in {"msg", "args"}}))
    return "\n".join(parts)


def assert_private(text: str) -> None:
    secrets = {
        "raw user id": USER_ID,
        "user id body": USER_ID.rsplit(".", 1)[1],
        "access token": TOKEN,
        "token body": "PRIVACYSECRETACCESSTOKEN",
        "full user hash": USER_HASH,
        "more than 12 hash chars": USER_HASH[:13],
    }
    leaked = [name for name, secret in secrets.items() if secret in text]
    assert not leaked, leaked


@pytest.fixture
def directive_api() -> Iterator[DirectiveServer]:
    with DirectiveServer(script=[Reply.error(500)]) as server:  # fails once, then 204
        yield server


@pytest.fixture
def app(make_app: Callable[..., SkillApp], settings: Settings) -> SkillApp:
    # the Settings API has its own no-token-in-logs tests (test_local_time.py)
    return make_app(settings=replace(settings, progressive=True, streaming=True,
                                     settings_api=False),
                    sender=DirectiveApiSender(), tracks=Tracks())


def _conversation(app: SkillApp, dev: Device) -> list[dict[str, Any]]:
    said = [
        dev.launch,
        lambda: dev.start("whole-pelvis"),
        lambda: dev.intent("AMAZON.NoIntent"),  # to the deep-pressure question
        lambda: dev.intent("AMAZON.NextIntent"),
        lambda: dev.intent("PainIntent", quality=slot("quality", "sharp pain", "sharp")),
        lambda: dev.intent("PreferenceIntent",
                           setting=slot("setting", "longer holds", "longer-holds")),
        lambda: dev.intent("ProgressIntent"),
        lambda: dev.intent("AMAZON.StopIntent"),
        dev.ended,
    ]
    responses = []
    for build in said:
        envelope = build()
        envelope["context"]["System"]["device"]["deviceId"] = DEVICE_ID
        responses.append(dev.receive(app.handle(envelope)))
    token = f"hc1:whole-pelvis:1:0:{load_content().version}"
    failed = dev.audio_event("PlaybackFailed", token, 4_000)
    failed["request"]["error"] = {"type": "MEDIA_ERROR_SERVICE_UNAVAILABLE",
                                  "message": f"could not fetch for {USER_ID}"}
    responses.append(app.handle(failed))
    return responses


def test_a_whole_conversation_logs_nothing_private(
    app: SkillApp, directive_api: DirectiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dev = Device(user_id=USER_ID, api_endpoint=directive_api.url, api_token=TOKEN)

    responses = _conversation(app, dev)

    # The conversation really happened, and really hit the failure paths.
    assert "whole pelvis" in plain(speech(responses[1])).lower()
    assert len(directive_api.requests) >= 2
    assert directive_api.requests[0].header("Authorization") == f"Bearer {TOKEN}"
    text = everything_logged(caplog)
    assert "cause=HTTP 500" in text
    assert "playback failed" in text
    assert USER_HASH[:12] in text  # users are referred to, by hash
    assert len([r for r in caplog.records if r.levelno == logging.DEBUG]) > 0  # DEBUG captured

    assert_private(text)
    assert DEVICE_ID not in text


def test_user_references_in_the_log_are_twelve_hex_characters(
    app: SkillApp, directive_api: DirectiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dev = Device(user_id=USER_ID, api_endpoint=directive_api.url, api_token=TOKEN)
    _conversation(app, dev)
    text = everything_logged(caplog)
    mentions = re.findall(r"user=([^\s'\"]+)", text)
    assert mentions and set(mentions) == {USER_HASH[:12]}


@pytest.fixture(scope="module")
def signing() -> tuple[Any, Any, bytes]:
    root = make_ca("Privacy Root", new_key())
    inter = make_ca("Privacy Intermediate", new_key(), root)
    good, wrong = new_key(), new_key()
    return root, wrong, pem_chain(make_leaf(inter, good), inter)


def test_a_rejected_signature_logs_neither_signature_nor_cert_url(
    app: SkillApp, settings: Settings, caplog: pytest.LogCaptureFixture,
    signing: tuple[Any, Any, bytes],
) -> None:
    root, wrong_key, chain = signing
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return chain

    verifiers = [SignatureVerifier(trusted_roots=[root.cert], fetch=fetch, clock=lambda: NOW),
                 TimestampVerifier(clock=lambda: NOW)]
    client = create_app(replace(settings, verify=True), skill=app,
                        verifiers=verifiers).test_client()
    envelope = Device(user_id=USER_ID, api_token=TOKEN).launch()
    body = json.dumps(envelope).encode()
    signature = sign_body(wrong_key, body)
    caplog.set_level(logging.DEBUG)

    response = client.post("/alexa", data=body, content_type="application/json", headers={
        "SignatureCertChainUrl": CERT_URL, "Signature-256": signature})

    assert response.status_code == 400
    assert fetched == [CERT_URL]  # verification got as far as the signature check
    text = everything_logged(caplog)
    assert "verification failed" in text
    assert signature not in text and signature[:24] not in text
    assert CERT_URL not in text and "echo-api-cert-privacy-7" not in text
    assert_private(text)
