"""Disabling the skill deletes that user's data, as "delete my data" does, and nothing else.

Alexa sends `AlexaSkillEvent.SkillDisabled` (the manifest subscribes to SKILL_DISABLED)
outside any session, possibly minutes after the fact. Checked through the Lambda entry
(`skill.lambda_function.handler`) on SQLite, through the skill on DynamoDB (moto), and
through the Flask endpoint, with the timestamp tolerance skill events get (3,600 s, as
Amazon's SDK allows) and normal requests do not (150 s). What is stored is read straight
from the database, not through the skill's adapters.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model.request_envelope import RequestEnvelope
from moto import mock_aws

import skill.app
from skill.adapters.dynamodb_store import make_dynamodb_adapter
from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.lambda_function import handler
from skill.settings import Settings
from skill.web.app import create_app
from skill.web.verify import TimestampVerifier, VerificationError
from tests.support.alexa import SKILL_ID, Device, past_screening, speech

ALICE = "amzn1.ask.account.DISABLEDALICE01"
BOB = "amzn1.ask.account.STAYINGBOB02"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
TABLE = "hip-coach-users"


def key(user_id: str) -> str:
    """How the store names a user: the hex SHA-256 of the Alexa user id."""
    return hashlib.sha256(user_id.encode()).hexdigest()


def skill_disabled(user_id: str | None, at: datetime = NOW) -> dict[str, Any]:
    """The event as Alexa sends it (developer.amazon.com smapi/skill-events-in-alexa-skills):
    no session, the user in context.System, the event's own creation and publishing times."""
    system: dict[str, Any] = {"application": {"applicationId": SKILL_ID},
                              "apiEndpoint": "https://api.amazonalexa.com"}
    if user_id is not None:
        system["user"] = {"userId": user_id}
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"version": "1.0", "context": {"System": system}, "request": {
        "type": "AlexaSkillEvent.SkillDisabled", "requestId": "amzn1.echo-api.request.dis1",
        "timestamp": stamp, "eventCreationTime": stamp, "eventPublishingTime": stamp,
        "body": {"userInformationPersistenceStatus": "PERSISTED"}}}


def assert_silent(response: dict[str, Any]) -> None:
    """What an event may be answered with: a valid, empty response (no speech at all)."""
    assert response["version"] == "1.0"
    body = response["response"]
    assert not speech(response)
    assert "reprompt" not in body and "directives" not in body and "card" not in body


def sqlite_users(db: Path) -> set[str]:
    if not db.exists():
        return set()
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT user_key FROM users")}


def make_progress(send: Callable[[dict[str, Any]], dict[str, Any]], user_id: str) -> None:
    """A user who opened the skill and is one routine in: a record worth keeping."""
    device = Device(user_id=user_id)

    def say(envelope: dict[str, Any]) -> dict[str, Any]:
        return device.receive(send(envelope))

    say(device.launch())
    past_screening(say, device, say(device.start("glute-release")))


def test_the_fast_decoder_reads_the_event_as_the_sdk_does() -> None:
    """skill.envelope_codec builds the SDK's own SkillDisabledRequest, user id included."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model.events.skillevents import SkillDisabledRequest

    from skill.envelope_codec import FastSerializer

    event = skill_disabled(ALICE)
    fast = FastSerializer().deserialize_obj(event, RequestEnvelope)
    sdk = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    assert isinstance(fast.request, SkillDisabledRequest)
    assert fast.context.system.user.user_id == ALICE and fast.session is None
    assert fast.request.timestamp == sdk.request.timestamp == NOW
    assert fast.request.to_dict() == sdk.request.to_dict()


# --------------------------------------------------------------------------- Lambda, SQLite


@pytest.fixture
def lambda_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """`skill.lambda_function.handler` with a fresh default app on a temp SQLite file."""
    for var in ("HIPCOACH_SKILL_ID", "HIPCOACH_PERSISTENCE", "HIPCOACH_AUDIO_STORE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HIPCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HIPCOACH_PROGRESSIVE", "0")  # would call the real directive API
    monkeypatch.setenv("HIPCOACH_STREAMING", "0")  # would render audio
    monkeypatch.setattr(skill.app, "_default", None)
    yield tmp_path / "data" / "hipcoach.sqlite3"
    skill.app._default = None


def lambda_send(envelope: dict[str, Any]) -> dict[str, Any]:
    return handler(envelope, None)


def test_disabling_deletes_that_users_record_and_no_other(lambda_db: Path) -> None:
    make_progress(lambda_send, ALICE)
    make_progress(lambda_send, BOB)
    assert sqlite_users(lambda_db) == {key(ALICE), key(BOB)}
    with sqlite3.connect(lambda_db) as conn:
        (bob_before,) = conn.execute("SELECT attributes FROM users WHERE user_key = ?",
                                     (key(BOB),)).fetchone()

    assert_silent(handler(skill_disabled(ALICE), None))

    assert sqlite_users(lambda_db) == {key(BOB)}
    with sqlite3.connect(lambda_db) as conn:
        (bob_after,) = conn.execute("SELECT attributes FROM users WHERE user_key = ?",
                                    (key(BOB),)).fetchone()
    assert bob_after == bob_before
    assert json.loads(bob_after)["history"]["sessions"] >= 1  # a real record, untouched


def test_a_user_who_comes_back_starts_fresh(lambda_db: Path) -> None:
    """After disabling, the same user id (a test may reuse it) is a first-time user again."""
    make_progress(lambda_send, ALICE)
    handler(skill_disabled(ALICE), None)
    welcome = handler(Device(user_id=ALICE).launch(), None)
    assert "not a substitute for professional medical advice" in speech(welcome)


def test_an_unknown_user_is_answered_and_nothing_is_created(lambda_db: Path) -> None:
    make_progress(lambda_send, BOB)
    assert_silent(handler(skill_disabled("amzn1.ask.account.NEVERSEEN"), None))
    assert sqlite_users(lambda_db) == {key(BOB)}


def test_an_event_without_a_user_is_answered_and_logged(
        lambda_db: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_progress(lambda_send, BOB)
    with caplog.at_level(logging.ERROR, logger="hipcoach"):
        assert_silent(handler(skill_disabled(None), None))
    assert "could not delete" in caplog.text and "no user id" in caplog.text
    assert sqlite_users(lambda_db) == {key(BOB)}


# ------------------------------------------------------------------- a failing store


class DeleteFails(AbstractPersistenceAdapter):
    """SQLite whose deletes fail, as a store that is down for writes would."""

    def __init__(self, inner: SqliteAdapter) -> None:
        self.inner = inner

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, object]:
        return self.inner.get_attributes(request_envelope)

    def save_attributes(self, request_envelope: RequestEnvelope,
                        attributes: dict[str, object]) -> None:
        self.inner.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        try:
            raise OSError("disk unavailable")
        except OSError as exc:
            raise PersistenceException("Failed to delete attributes") from exc


def test_a_store_failure_is_logged_and_answered(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    adapter = SqliteAdapter(settings.db_path)
    working = SkillApp(settings, persistence=adapter, tracks=None)
    make_progress(working.handle, ALICE)
    stored = adapter.get_attributes(_envelope_of(ALICE))
    broken = SkillApp(settings, persistence=DeleteFails(adapter), tracks=None)
    with caplog.at_level(logging.ERROR, logger="hipcoach"):
        assert_silent(broken.handle(skill_disabled(ALICE)))
    assert "could not delete" in caplog.text and "OSError" in caplog.text
    assert adapter.get_attributes(_envelope_of(ALICE)) == stored  # not rewritten either


def _envelope_of(user_id: str) -> RequestEnvelope:
    from ask_sdk_core.serialize import DefaultSerializer

    envelope = DefaultSerializer().deserialize(json.dumps(Device(user_id=user_id).launch()),
                                               RequestEnvelope)
    assert isinstance(envelope, RequestEnvelope)
    return envelope


# ----------------------------------------------------------------------------- DynamoDB


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A moto DynamoDB with the table template.yaml declares (partition key "id", S)."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1"),
                        ("AWS_EC2_METADATA_DISABLED", "true"),
                        ("AWS_CONFIG_FILE", os.devnull),
                        ("AWS_SHARED_CREDENTIALS_FILE", os.devnull)):
        monkeypatch.setenv(name, value)
    with mock_aws():
        resource = boto3.resource("dynamodb", region_name="us-east-1")
        resource.create_table(
            TableName=TABLE, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST")
        yield resource


def dynamodb_users() -> set[str]:
    client = boto3.client("dynamodb", region_name="us-east-1")
    return {item["id"]["S"] for item in client.scan(TableName=TABLE)["Items"]}


def test_disabling_deletes_the_dynamodb_item(settings: Settings, dynamodb: Any) -> None:
    app = SkillApp(settings, persistence=make_dynamodb_adapter(TABLE, dynamodb_resource=dynamodb),
                   tracks=None)
    make_progress(app.handle, ALICE)
    make_progress(app.handle, BOB)
    assert dynamodb_users() == {key(ALICE), key(BOB)}

    assert_silent(app.handle(skill_disabled(ALICE)))

    assert dynamodb_users() == {key(BOB)}
    assert_silent(app.handle(skill_disabled("amzn1.ask.account.NEVERSEEN")))
    assert dynamodb_users() == {key(BOB)}


# ------------------------------------------------------------------------------- the web


def web_app(settings: Settings, *, verify_time: bool) -> tuple[Any, Path]:
    skill_app = SkillApp(settings, persistence=SqliteAdapter(settings.db_path), tracks=None)
    checks = [TimestampVerifier(clock=lambda: NOW)] if verify_time else []
    app = create_app(settings, skill=skill_app, verifiers=checks)
    return app.test_client(), settings.db_path


def test_the_web_endpoint_deletes_on_skill_disabled(settings: Settings) -> None:
    client, db = web_app(settings, verify_time=False)
    make_progress(lambda env: client.post("/alexa", json=env).get_json(), ALICE)
    make_progress(lambda env: client.post("/alexa", json=env).get_json(), BOB)
    answer = client.post("/alexa", json=skill_disabled(ALICE))
    assert answer.status_code == 200
    assert_silent(answer.get_json())
    assert sqlite_users(db) == {key(BOB)}


def aged(envelope: dict[str, Any], seconds: int) -> dict[str, Any]:
    envelope["request"]["timestamp"] = (NOW - timedelta(seconds=seconds)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    return envelope


def test_a_late_skill_event_is_accepted_but_not_a_late_request(settings: Settings) -> None:
    """Events come up to an hour late; a 3,000 s old intent is still a replay."""
    client, db = web_app(settings, verify_time=True)
    make_progress(lambda env: client.post("/alexa", json=aged(env, 0)).get_json(), ALICE)
    assert sqlite_users(db) == {key(ALICE)}

    too_late = client.post("/alexa", json=aged(skill_disabled(ALICE), 4000))
    assert too_late.status_code == 400
    assert sqlite_users(db) == {key(ALICE)}
    old_intent = aged(Device(user_id=ALICE).intent("AMAZON.HelpIntent"), 3000)
    assert client.post("/alexa", json=old_intent).status_code == 400

    late = client.post("/alexa", json=aged(skill_disabled(ALICE), 3000))
    assert late.status_code == 200
    assert sqlite_users(db) == set()


@pytest.mark.parametrize(("kind", "age_s", "passes"), [
    ("AlexaSkillEvent.SkillDisabled", 3000, True),
    ("AlexaSkillEvent.SkillDisabled", -3000, True),  # a clock ahead of ours
    ("AlexaSkillEvent.SkillDisabled", 4000, False),
    ("AlexaSkillEvent.SkillEnabled", 3599, True),
    ("IntentRequest", 3000, False),
    ("IntentRequest", 140, True),
    ("LaunchRequest", 151, False),
])
def test_timestamp_tolerance_by_request_type(kind: str, age_s: int, passes: bool) -> None:
    envelope = {"request": {"type": kind, "timestamp": (NOW - timedelta(seconds=age_s))
                            .strftime("%Y-%m-%dT%H:%M:%SZ")}}
    verifier = TimestampVerifier(clock=lambda: NOW)
    if passes:
        verifier.verify({}, b"", envelope)
    else:
        with pytest.raises(VerificationError):
            verifier.verify({}, b"", envelope)


def test_an_odd_request_type_gets_the_normal_tolerance() -> None:
    """A type that is not a string (fuzzed input) must not crash the check."""
    envelope = {"request": {"type": ["AlexaSkillEvent.SkillDisabled"],
                            "timestamp": (NOW - timedelta(seconds=3000)).isoformat()}}
    with pytest.raises(VerificationError):
        TimestampVerifier(clock=lambda: NOW).verify({}, b"", envelope)
