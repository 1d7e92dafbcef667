"""Fault injection: each dependency fails in turn, and the user must not notice much.

For every failure: the user still hears a useful spoken answer, the failure is logged
once with its cause (one WARNING/ERROR record naming the exception type), and saved
progress is never lost or overwritten with defaults.

Dependencies and how they fail here (all hermetic):
- persistence read and write: a wrapper around the real SqliteAdapter that raises on
  demand, and a real SQLite lock held by another connection;
- Polly: a botocore Stubber on a real boto3 client queueing service errors;
- S3: moto with no bucket, and a Stubber refusing put_object;
- the directive API: the loopback fake (500, hang, trickle, failing half way).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import boto3
import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from botocore.stub import Stubber
from moto import mock_aws

from skill.adapters.progressive import DirectiveApiSender
from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.audio.lazy import LazyTracks
from skill.audio.render import build_renderer
from skill.audio.speech import PollySpeech, SpeechChain
from skill.core.limits import PROGRESSIVE_SEND_BUDGET_S
from skill.core.record import replace
from skill.settings import Settings
from skill.state import UserState
from tests.support.alexa import Device, directives, plain, reprompt, slot, speech, start_screened
from tests.support.directive_server import DirectiveServer, Reply
from tests.support.mp3 import mp3_bytes
from tests.support.ssml_check import check_ssml, spoken_chunks

APOLOGY_WORDS = "Sorry, something went wrong"
Clock = Callable[[], datetime]


# --- helpers ------------------------------------------------------------------------------


class FlakyStore(AbstractPersistenceAdapter):
    """A real SqliteAdapter that fails on demand, with a chained cause like the real one."""

    def __init__(self, inner: SqliteAdapter) -> None:
        self.inner = inner
        self.fail_get: BaseException | None = None
        self.fail_save: BaseException | None = None
        self.saves = 0

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, object]:
        if self.fail_get is not None:
            raise PersistenceException("Failed to read attributes") from self.fail_get
        return self.inner.get_attributes(request_envelope)

    def save_attributes(self, request_envelope: RequestEnvelope,
                        attributes: dict[str, object]) -> None:
        self.saves += 1
        if self.fail_save is not None:
            raise PersistenceException("Failed to save attributes") from self.fail_save
        self.inner.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.inner.delete_attributes(request_envelope)


_serializer = DefaultSerializer()


def _envelope_of(dev: Device) -> RequestEnvelope:
    parsed = _serializer.deserialize(json.dumps(dev.launch()), RequestEnvelope)
    assert isinstance(parsed, RequestEnvelope)
    return parsed


def saved_row(db: Path) -> tuple[str, str] | None:
    """(attributes JSON, updated_at) of the only user, straight from the file."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT attributes, updated_at FROM users").fetchall()
    assert len(rows) <= 1
    return (rows[0][0], rows[0][1]) if rows else None


def saved_state(db: Path) -> UserState:
    row = saved_row(db)
    assert row is not None, "nothing saved"
    return UserState.from_dict(json.loads(row[0]))


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def assert_logged_once(caplog: pytest.LogCaptureFixture, cause: str) -> None:
    found = problems(caplog)
    assert [r.getMessage() for r in found] and len(found) == 1, [r.getMessage() for r in found]
    assert cause in found[0].getMessage(), found[0].getMessage()


def assert_spoken(response: dict[str, Any]) -> str:
    """The answer speaks (well-formed SSML); an open session also reprompts. Returns words."""
    doc = speech(response)
    assert doc, f"no speech in {response}"
    assert not [p for p in check_ssml(doc, max_chars=10**6)], check_ssml(doc)
    if response["response"].get("shouldEndSession") is False:
        assert plain(reprompt(response)), "open session without a reprompt"
    return plain(doc)


def empty_audio_source(root: Path) -> Path:
    """An audio folder with no recordings, so every line goes to the synthesizer."""
    (root / "clips").mkdir(parents=True)
    (root / "clips" / "manifest.json").write_text('{"format": 1, "clips": {}}')
    return root


def dialog_baseline(tmp_path: Path, clock: Clock, routine: str) -> str:
    """What a new user on a device without AudioPlayer hears for "start <routine>"."""
    settings = Settings(data_dir=tmp_path / "baseline", progressive=False, streaming=False,
                        verify=False)
    app = SkillApp(settings, clock=clock)
    dev = Device()
    dev.receive(app.handle(dev.launch()))
    return speech(start_screened(app.handle, dev, routine))


# --- persistence: read fails --------------------------------------------------------------


@pytest.fixture
def flaky(settings: Settings) -> FlakyStore:
    return FlakyStore(SqliteAdapter(settings.db_path))


def _mid_routine(app: SkillApp, dev: Device) -> None:
    """Launch and start a four-step routine: saved at its first step."""
    dev.receive(app.handle(dev.launch()))
    start_screened(app.handle, dev, "whole-pelvis")


READ_FAILURE_REQUESTS: list[tuple[str, Callable[[Device], dict[str, Any]]]] = [
    ("launch", lambda d: d.launch()),
    ("next", lambda d: d.intent("AMAZON.NextIntent")),
    ("repeat", lambda d: d.intent("AMAZON.RepeatIntent")),
    ("yes", lambda d: d.intent("AMAZON.YesIntent")),
    ("pain", lambda d: d.intent("PainIntent", quality=slot("quality", "sharp", "sharp"))),
    ("preference", lambda d: d.intent(
        "PreferenceIntent", setting=slot("setting", "longer holds", "longer-holds"))),
    ("start other", lambda d: d.start("glute-release")),
    ("progress", lambda d: d.intent("ProgressIntent")),
    ("help", lambda d: d.intent("AMAZON.HelpIntent")),
    ("stop", lambda d: d.intent("AMAZON.StopIntent")),
]


@pytest.mark.parametrize("say", [s for _, s in READ_FAILURE_REQUESTS],
                         ids=[n for n, _ in READ_FAILURE_REQUESTS])
def test_read_failure_still_answers_and_overwrites_nothing(
    make_app: Callable[..., SkillApp], flaky: FlakyStore, settings: Settings,
    caplog: pytest.LogCaptureFixture, say: Callable[[Device], dict[str, Any]],
) -> None:
    app = make_app(persistence=flaky)
    dev = Device()
    _mid_routine(app, dev)
    before = saved_row(settings.db_path)
    assert saved_state(settings.db_path).position is not None
    caplog.clear()
    caplog.set_level(logging.INFO)
    flaky.saves = 0

    flaky.fail_get = sqlite3.OperationalError("disk I/O error")
    response = dev.receive(app.handle(say(dev)))

    assert_spoken(response)
    assert APOLOGY_WORDS not in speech(response)  # answered, not crashed into the net
    assert_logged_once(caplog, "OperationalError")
    assert flaky.saves == 0  # a state built from defaults is never written
    flaky.fail_get = None
    assert saved_row(settings.db_path) == before  # byte for byte, timestamp included


@pytest.mark.parametrize("ask", ["progress", "preference"])
def test_read_failure_never_tells_the_user_something_false(
    make_app: Callable[..., SkillApp], flaky: FlakyStore, settings: Settings, ask: str,
) -> None:
    app = make_app(persistence=flaky)
    dev = Device()
    _mid_routine(app, dev)
    assert saved_state(settings.db_path).history.sessions == 1

    flaky.fail_get = sqlite3.OperationalError("disk I/O error")
    if ask == "progress":
        words = plain(speech(app.handle(dev.intent("ProgressIntent"))))
        assert "haven't done a routine" not in words
    else:
        words = plain(speech(app.handle(dev.intent(
            "PreferenceIntent", setting=slot("setting", "longer holds", "longer-holds")))))
        flaky.fail_get = None
        confirmed = "longer holds" in words.lower()
        saved = saved_state(settings.db_path).prefs != UserState().prefs
        assert not confirmed or saved, f"confirmed {words!r} but saved nothing"


def test_read_failure_on_audio_events_is_silent_and_keeps_the_position(
    make_app: Callable[..., SkillApp], flaky: FlakyStore, settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app(persistence=flaky)
    dev = Device()
    _mid_routine(app, dev)
    before = saved_row(settings.db_path)
    caplog.clear()
    caplog.set_level(logging.INFO)

    flaky.fail_get = OSError("connection reset")
    for event in (dev.audio_event("PlaybackStopped", "hc1:whole-pelvis:0:0:x", 9_000),
                  dev.controller("Next"), dev.ended("ERROR", "ENDPOINT_TIMEOUT")):
        response = app.handle(event)
        assert not speech(response) and not reprompt(response)

    messages = [r.getMessage() for r in problems(caplog)]
    assert sum("OSError" in m for m in messages) == 3  # once per request, with the cause
    flaky.fail_get = None
    assert saved_row(settings.db_path) == before


def test_after_a_read_failure_the_user_carries_on_where_they_were(
    make_app: Callable[..., SkillApp], flaky: FlakyStore, settings: Settings,
) -> None:
    """The user-visible proof that nothing was lost: the same "welcome back" as before."""
    app = make_app(persistence=flaky)
    dev = Device()
    _mid_routine(app, dev)
    step = saved_state(settings.db_path).position
    assert step is not None
    welcome_before = plain(speech(dev.receive(app.handle(dev.launch()))))
    assert "whole pelvis" in welcome_before.lower()

    flaky.fail_get = sqlite3.OperationalError("database disk image is malformed")
    for say in (lambda d: d.launch(), lambda d: d.intent("AMAZON.NextIntent"),
                lambda d: d.start("glute-release"), lambda d: d.intent("AMAZON.StopIntent")):
        dev.receive(app.handle(say(dev)))
    flaky.fail_get = None

    assert plain(speech(dev.receive(app.handle(dev.launch())))) == welcome_before
    assert saved_state(settings.db_path).position == step


# --- persistence: write fails -------------------------------------------------------------


@contextmanager
def locked(db: Path) -> Iterator[None]:
    """Another connection holds the write lock (readers still read: WAL)."""
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")


@pytest.mark.parametrize("how", ["locked database", "adapter raises"])
def test_write_failure_still_speaks_and_keeps_the_previous_save(
    make_app: Callable[..., SkillApp], settings: Settings, caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    store = FlakyStore(SqliteAdapter(settings.db_path, busy_timeout_s=0.05))
    app = make_app(persistence=store)
    dev = Device()
    _mid_routine(app, dev)
    before = saved_row(settings.db_path)
    baseline_next = healthy_next_speech(make_app, settings)
    caplog.clear()
    caplog.set_level(logging.INFO)

    if how == "locked database":
        with locked(settings.db_path):
            response = app.handle(dev.intent("AMAZON.NextIntent"))
        cause = "OperationalError"
    else:
        store.fail_save = OSError("No space left on device")
        response = app.handle(dev.intent("AMAZON.NextIntent"))
        store.fail_save = None
        cause = "OSError"

    words = assert_spoken(response)
    assert words == baseline_next  # the full next step, as if nothing had failed
    assert_logged_once(caplog, cause)
    assert "not saved" in problems(caplog)[0].getMessage()
    assert saved_row(settings.db_path) == before


def healthy_next_speech(make_app: Callable[..., SkillApp], settings: Settings) -> str:
    """What "next" says to the same user with healthy persistence (a twin on its own folder)."""
    twin = make_app(settings=replace(settings, data_dir=settings.data_dir.parent / "twin"))
    dev = Device()
    _mid_routine(twin, dev)
    return plain(speech(twin.handle(dev.intent("AMAZON.NextIntent"))))


# --- Polly --------------------------------------------------------------------------------


def _polly() -> tuple[Any, Stubber]:
    client = boto3.client("polly", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stub = Stubber(client)
    stub.activate()  # from the start: no call can ever leave the process
    return client, stub


def _audio(data: bytes) -> dict[str, Any]:
    return {"AudioStream": StreamingBody(BytesIO(data), len(data)),
            "ContentType": "audio/mpeg", "RequestCharacters": 10}


def test_polly_error_is_raised_clearly_and_nothing_is_cached(tmp_path: Path) -> None:
    client, stub = _polly()
    stub.add_client_error("synthesize_speech", service_error_code="ServiceFailureException",
                          service_message="Polly is down", http_status_code=500)
    chain = SpeechChain(None, PollySpeech(client, "Joanna"), tmp_path / "cache")
    with pytest.raises(ClientError) as raised:
        chain.resolve("Breathe in slowly.")
    assert raised.value.response["Error"]["Code"] == "ServiceFailureException"
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]  # retried next time
    stub.assert_no_pending_responses()


def test_polly_voice_without_neural_engine_falls_back_to_standard(tmp_path: Path) -> None:
    client, stub = _polly()
    stub.add_client_error("synthesize_speech", service_error_code="EngineNotSupportedException",
                          http_status_code=400)
    stub.add_response("synthesize_speech", _audio(mp3_bytes(400)),
                      expected_params={"Text": '<speak><prosody rate="90%"><s>Hello.</s>'
                                               "</prosody></speak>",
                                       "TextType": "ssml", "VoiceId": "Joanna",
                                       "Engine": "standard", "OutputFormat": "mp3",
                                       "SampleRate": "24000"})
    clip = PollySpeech(client, "Joanna").synthesize("Hello.", tmp_path)
    assert clip is not None and 350 <= clip.duration_ms <= 600
    stub.assert_no_pending_responses()


def _streaming_app(tmp_path: Path, clock: Clock, **kwargs: Any) -> tuple[SkillApp, Settings]:
    """A skill whose tracks come from a real renderer built on the given clients, for a
    device: local tracks need an HTTPS base to be streamed at all."""
    if kwargs.get("audio_store", "local") == "local":
        kwargs.setdefault("audio_base_url", "https://audio.example.test")
    settings = Settings(data_dir=tmp_path / "data", progressive=False, streaming=True,
                        verify=False, region="us-east-1",
                        **{k: v for k, v in kwargs.items() if not k.endswith("_client")})
    renderer = build_renderer(settings, audio_source=empty_audio_source(tmp_path / "audio"),
                              polly_client=kwargs.get("polly_client"),
                              s3_client=kwargs.get("s3_client"))
    return SkillApp(settings, clock=clock, tracks=LazyTracks(settings, renderer)), settings


def _speaker_baseline(tmp_path: Path, clock: Clock, **kwargs: Any) -> str:
    """What a device without AudioPlayer hears for "start glute release" on the same setup
    as `_streaming_app(**kwargs)` (its HTTPS base gives dialog turns their cue chimes)."""
    app, _ = _streaming_app(tmp_path / "speaker", clock, **kwargs)
    dev = Device()
    dev.receive(app.handle(dev.launch()))
    return speech(start_screened(app.handle, dev, "glute-release"))


def _assert_dialog_fallback(response: dict[str, Any], baseline: str) -> None:
    assert not [d for d in directives(response) if d["type"] == "AudioPlayer.Play"]
    assert_spoken(response)
    assert speech(response) == baseline  # exactly what a speaker without audio hears
    assert response["response"]["shouldEndSession"] is False


def test_polly_down_start_routine_falls_back_to_dialog_mode(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    client, stub = _polly()
    stub.add_client_error("synthesize_speech", service_error_code="ServiceFailureException",
                          http_status_code=500)
    app, settings = _streaming_app(tmp_path, clock, speech="polly", polly_client=client)
    baseline = _speaker_baseline(tmp_path, clock, speech="polly", polly_client=_polly()[0])
    dev = Device(audio_player=True)
    dev.receive(app.handle(dev.launch()))
    caplog.set_level(logging.INFO)

    response = start_screened(app.handle, dev, "glute-release")

    _assert_dialog_fallback(response, baseline)
    assert_logged_once(caplog, "ServiceFailureException")
    position = saved_state(settings.db_path).position
    assert position is not None and position.routine == "glute-release" and position.step == 0
    # and the routine goes on, in dialog mode
    assert "Step 2" in plain(speech(app.handle(dev.intent("AMAZON.NextIntent"))))


@pytest.fixture
def streaming_with_polly_down(tmp_path: Path, clock: Clock) -> Iterator[tuple[SkillApp, Device,
                                                                              Settings]]:
    """A user half way through the first track of glute release, paused; Polly is down.

    The first track is in the track index (rendered earlier); the next one is not.
    """
    client, stub = _polly()
    for _ in range(4):
        stub.add_client_error("synthesize_speech", service_error_code="ServiceFailureException",
                              http_status_code=500)
    app, settings = _streaming_app(tmp_path, clock, speech="polly", polly_client=client)
    tracks = app.deps.tracks
    assert isinstance(tracks, LazyTracks)
    from skill.audio.index import track_key

    prefs = UserState().effective_prefs("glute-release")
    tracks.renderer.index.record(track_key("glute-release", 0, 0, prefs), "0123456789abcdef.mp3")
    dev = Device(audio_player=True)
    dev.receive(app.handle(dev.launch()))
    started = start_screened(app.handle, dev, "glute-release")
    (play,) = directives(started)
    token = play["audioItem"]["stream"]["token"]
    app.handle(dev.audio_event("PlaybackStarted", token))
    app.handle(dev.audio_event("PlaybackStopped", token, 61_000))
    dev.player = {"token": token, "offsetInMilliseconds": 61_000, "playerActivity": "STOPPED"}
    yield app, dev, settings


def test_polly_down_next_track_while_streaming_is_answered_in_speech(
    streaming_with_polly_down: tuple[SkillApp, Device, Settings],
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, dev, settings = streaming_with_polly_down
    before = saved_state(settings.db_path).position
    assert before is not None and before.track_offset_ms == 61_000
    caplog.set_level(logging.INFO)

    response = dev.receive(app.handle(dev.intent("AMAZON.NextIntent")))

    assert_spoken(response)  # dialog mode, never silence
    assert_logged_once(caplog, "ServiceFailureException")
    after = saved_state(settings.db_path).position
    assert after is not None and after.routine == before.routine  # the routine is kept


def test_polly_down_next_while_streaming_moves_on_in_dialog_mode(
    streaming_with_polly_down: tuple[SkillApp, Device, Settings],
) -> None:
    app, dev, _ = streaming_with_polly_down
    first = dev.receive(app.handle(dev.intent("AMAZON.NextIntent")))
    again = dev.receive(app.handle(dev.intent("AMAZON.NextIntent")))
    for response in (first, again):
        assert APOLOGY_WORDS not in speech(response)


def test_polly_down_nearly_finished_ends_the_queue_quietly(
    streaming_with_polly_down: tuple[SkillApp, Device, Settings],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """AudioPlayer events may not speak: the queue just ends, with one warning."""
    app, dev, _ = streaming_with_polly_down
    token = dev.player["token"] if dev.player else ""
    caplog.set_level(logging.INFO)
    response = app.handle(dev.audio_event("PlaybackNearlyFinished", token, 170_000))
    assert response["response"] == {} or not (
        speech(response) or reprompt(response) or directives(response))
    assert_logged_once(caplog, "ServiceFailureException")


# --- S3 -----------------------------------------------------------------------------------


def test_s3_bucket_missing_start_routine_falls_back_to_dialog_mode(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    baseline = dialog_baseline(tmp_path, clock, "glute-release")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        app, settings = _streaming_app(tmp_path, clock, audio_store="s3",
                                       audio_bucket="hipcoach-missing", s3_client=s3)
        dev = Device(audio_player=True)
        dev.receive(app.handle(dev.launch()))
        caplog.set_level(logging.INFO)
        response = start_screened(app.handle, dev, "glute-release")

    _assert_dialog_fallback(response, baseline)
    assert_logged_once(caplog, "NoSuchBucket")
    assert saved_state(settings.db_path).position is not None


def test_s3_put_refused_start_routine_falls_back_to_dialog_mode(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                      aws_secret_access_key="testing")
    stub = Stubber(s3)
    stub.activate()
    stub.add_client_error("get_object", service_error_code="NoSuchKey", http_status_code=404)
    stub.add_client_error("head_object", service_error_code="404", http_status_code=404)
    stub.add_client_error("put_object", service_error_code="AccessDenied", http_status_code=403)
    app, settings = _streaming_app(tmp_path, clock, audio_store="s3", audio_bucket="hipcoach",
                                   audio_base_url="https://cdn.example.test", s3_client=s3)
    baseline = dialog_baseline(tmp_path, clock, "glute-release")
    dev = Device(audio_player=True)
    dev.receive(app.handle(dev.launch()))
    caplog.set_level(logging.INFO)

    response = start_screened(app.handle, dev, "glute-release")
    stub.assert_no_pending_responses()  # the render really reached put_object

    _assert_dialog_fallback(response, baseline)
    assert_logged_once(caplog, "S3UploadFailedError")
    assert saved_state(settings.db_path).position is not None


# --- the directive API --------------------------------------------------------------------


@pytest.fixture
def directive_api() -> Iterator[DirectiveServer]:
    with DirectiveServer() as server:
        yield server


def _progressive_app(make_app: Callable[..., SkillApp], settings: Settings) -> SkillApp:
    return make_app(settings=replace(settings, progressive=True, settings_api=False),
                    sender=DirectiveApiSender())


@pytest.mark.parametrize(
    ("reply", "cause"),
    [(Reply.error(500), "cause=HTTP 500"), (Reply.hang_forever(), "cause="),
     (Reply.trickle(0.05), "cause=")],
    ids=["500", "hang", "trickle"],
)
def test_directive_api_failure_moves_every_cue_into_the_final_response(
    make_app: Callable[..., SkillApp], settings: Settings, tmp_path: Path, clock: Clock,
    directive_api: DirectiveServer, caplog: pytest.LogCaptureFixture, reply: Reply, cause: str,
) -> None:
    baseline = dialog_baseline(tmp_path, clock, "glute-release")
    app = _progressive_app(make_app, settings)
    dev = Device(api_endpoint=directive_api.url, api_token="token-for-faults")
    dev.receive(app.handle(dev.launch()))
    directive_api.set_default(reply)
    caplog.clear()
    caplog.set_level(logging.INFO)

    started = time.monotonic()
    response = start_screened(app.handle, dev, "glute-release")
    elapsed = time.monotonic() - started

    assert directive_api.requests  # progressive responses were really attempted
    assert speech(response) == baseline  # every cue, as if progressive responses were off
    assert_spoken(response)
    assert_logged_once(caplog, cause)
    assert "delivered=0/" in problems(caplog)[0].getMessage()
    assert elapsed <= PROGRESSIVE_SEND_BUDGET_S + 0.5


def test_directive_api_failing_half_way_loses_no_cue(
    make_app: Callable[..., SkillApp], settings: Settings, tmp_path: Path, clock: Clock,
    directive_api: DirectiveServer, caplog: pytest.LogCaptureFixture,
) -> None:
    baseline = spoken_chunks(dialog_baseline(tmp_path, clock, "glute-release"))
    app = _progressive_app(make_app, settings)
    dev = Device(api_endpoint=directive_api.url)
    dev.receive(app.handle(dev.launch()))
    directive_api.script(Reply.ok(), Reply.hang_forever())
    caplog.clear()
    caplog.set_level(logging.INFO)

    started = time.monotonic()
    response = start_screened(app.handle, dev, "glute-release")
    elapsed = time.monotonic() - started

    delivered = directive_api.requests[0].body["directive"]["speech"]
    heard = spoken_chunks(delivered) + spoken_chunks(speech(response))
    assert [c for c in baseline if c not in heard] == []
    assert not set(spoken_chunks(delivered)) & set(spoken_chunks(speech(response)))  # no repeats
    assert_logged_once(caplog, "delivered=1/")
    assert elapsed <= PROGRESSIVE_SEND_BUDGET_S + 0.5
