"""A track missing on Lambda: dialog mode follows, and the log names the track and why.

Through `skill.lambda_function.handler(event, None)` with an S3 store on moto that holds
no track, and rendering impossible (Lambda has no ffmpeg), as after a deploy that rendered
one preference set but not the one this user chose.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from moto import mock_aws

import skill.app
from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.audio import lazy
from skill.core.preferences import BreathPace, HoldLength, Preferences
from skill.lambda_function import handler
from skill.settings import Settings
from skill.state import UserState
from tests.conftest import Clock
from tests.support.alexa import Device, directives, plain, reprompt, speech, start_screened

BUCKET = "hipcoach-audio-test"


@pytest.fixture
def lambda_on_s3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The process-wide skill Lambda runs, on an empty bucket, unable to render."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setattr(lazy, "can_render", lambda: False)
    settings = Settings(data_dir=tmp_path / "data", progressive=False, streaming=True,
                        verify=False, region="us-east-1", audio_store="s3",
                        audio_bucket=BUCKET, audio_base_url="https://cdn.example.test")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        monkeypatch.setattr(skill.app, "_default", SkillApp(settings, clock=Clock()))
        yield settings


def lambda_call(event: dict[str, Any]) -> dict[str, Any]:
    return handler(json.loads(json.dumps(event)), None)


def store_prefs(settings: Settings, device: Device, prefs: Preferences) -> None:
    """The user chose these before (longer holds, slower breathing), and was screened."""
    envelope = DefaultSerializer().deserialize(json.dumps(Device(user_id=device.user_id)
                                                          .launch()), RequestEnvelope)
    state = UserState(safety_heard=True, prefs=prefs)
    SqliteAdapter(settings.db_path).save_attributes(envelope,
                                                    {**state.to_dict(), "screened": True})


def missing_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and "no track for" in r.getMessage()]


def test_the_warning_names_the_missing_track_and_dialog_mode_follows(
        lambda_on_s3: Settings, caplog: pytest.LogCaptureFixture) -> None:
    device = Device(audio_player=True)
    store_prefs(lambda_on_s3, device, Preferences(hold=HoldLength.LONG,
                                                  breath=BreathPace.SLOWER))
    device.receive(lambda_call(device.launch()))
    caplog.set_level(logging.INFO)

    body = start_screened(lambda_call, device, "glute-release")

    assert not [d for d in directives(body) if d["type"] == "AudioPlayer.Play"]
    assert "Step 1" in plain(speech(body)) and plain(reprompt(body))
    assert body["response"]["shouldEndSession"] is False
    (line,) = missing_lines(caplog)
    assert "glute-release step 1 side 1" in line
    assert "preferences long-slower-detailed-left" in line  # the user's set, not the default
    assert "index key glute-release/0/0/long-slower-detailed-left" in line
    assert "not in the track index" in line and "hipcoach render" in line  # the reason
    assert "dialog mode" in line

