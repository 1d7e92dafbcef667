"""The step screen beside a streamed track keeps time with the track: its holds start where
the rendered audio's holds do, not where the speech-rate estimate would put them.

A routine is rendered for real (espeak, ffmpeg, lame) into a temp data dir, then streamed on
an Echo Show through the Lambda entry with rendering switched off (as on Lambda: the screen's
timings must come from the track index, not from a renderer). Each hold is found
independently in the decoded MP3: the breath cues of a hold fall on a regular grid of in and
out breaths from its start (skill.core.pacing), so the grid that fits the cue onsets best,
found by pydub's silence detection, says where the hold starts in the audio.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws
from pydub import AudioSegment
from pydub.silence import detect_nonsilent

import skill.app
from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.audio import lazy
from skill.audio.index import TrackIndex, index_name, track_key
from skill.audio.lazy import LazyTracks
from skill.audio.render import build_renderer
from skill.audio.store import LocalStore
from skill.cli.render import render_command
from skill.content import Content, load_content
from skill.core.plan import side_timeline, steps
from skill.core.preferences import HoldLength, Preferences
from skill.core.record import replace
from skill.core.timeline import estimate_speech_ms
from skill.lambda_function import handler
from skill.settings import Settings
from skill.state import UserState
from tests.conftest import Clock
from tests.support.alexa import Device, directives, prescreen, speech
from tests.support.response_check import assert_valid_response
from tests.support.ssml_check import play_ms

ROUTINE = "quick-release"
"""One step worked on each side: two tracks, rendered in about a second."""
BASE = "https://tunnel.example"
APL = "Alexa.Presentation.APL.RenderDocument"
WITHIN_MS = 1000
ONSET_MS = 250
"""A breath cue's detected onset may trail the cue by this much (MP3 frames, a soft attack)."""
Json = dict[str, Any]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def new_prefs() -> Preferences:
    return UserState().effective_prefs(ROUTINE)


def local_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", progressive=False, streaming=True,
                    verify=False, speech="espeak", audio_store="local", audio_base_url=BASE)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The routine's tracks for a new user, rendered and indexed as `hipcoach render` does."""
    settings = local_settings(tmp_path_factory.mktemp("timing"))
    renderer = build_renderer(settings)
    summary = renderer.render_routine(ROUTINE, new_prefs())
    assert summary.tracks == 2
    return settings


def index_file(settings: Settings) -> Path:
    return settings.audio_dir / "tracks" / index_name(load_content().version, settings)


def stored_track(settings: Settings, step: int, side: int) -> Path:
    entries: dict[str, str] = json.loads(index_file(settings).read_text())
    return settings.audio_dir / "tracks" / entries[track_key(ROUTINE, step, side, new_prefs())]


# ------------------------------------------------------------------ the hold, from the audio


def sounds(track: Path) -> list[tuple[int, int]]:
    """(start, end) of each stretch of sound between quiets of at least 250 ms, in ms."""
    audio = AudioSegment.from_mp3(track)
    return [(s, e) for s, e in detect_nonsilent(audio, min_silence_len=250,
                                                silence_thresh=-50, seek_step=5)]


def holds_in_audio(track: Path, hold_ms: int, breath: tuple[int, int]) -> list[int]:
    """Each hold's start in the track: where the grid of in and out breath cues (one pair
    every in + out ms, the out cue `in` ms after the in cue) best fits the sound.

    A grid is scored first by the cues that start a stretch of sound, then by the cues that
    fall while something sounds: a hold's first in-breath cue follows the hold-start line
    without a pause (no onset of its own), and a grid one breath late would take the release
    cue for its last in-breath but find silence where its last out-breath should be."""
    found = sounds(track)
    starts_at = [s for s, _e in found]
    breath_in, breath_out = breath
    cycle = breath_in + breath_out

    def score(start: int) -> tuple[int, int]:
        marks = [start + k * cycle + phase for k in range(hold_ms // cycle)
                 for phase in (0, breath_in)]
        onsets = sum(any(abs(x - m) <= ONSET_MS for x in starts_at) for m in marks)
        sounding = sum(any(s - ONSET_MS <= m <= e for s, e in found) for m in marks)
        return onsets, sounding

    candidates = sorted({x - breath_in for x in starts_at} | {x - cycle for x in starts_at})
    need = hold_ms // cycle  # at least half of a hold's cues start a sound of their own
    starts: list[int] = []
    while candidates:
        best = max(candidates, key=score)
        if score(best)[0] < need:
            break
        starts.append(best)
        candidates = [c for c in candidates if abs(c - best) >= hold_ms]
    return sorted(starts)


# ------------------------------------------------------------------ streaming on a screen


@pytest.fixture
def data(rendered: Settings, tmp_path: Path) -> Settings:
    """This test's copy of the rendered data dir (tracks, index, an empty user store)."""
    shutil.copytree(rendered.data_dir, tmp_path / "data")
    return replace(rendered, data_dir=tmp_path / "data")


@pytest.fixture
def show(data: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Device:
    """An Echo Show with AudioPlayer, talking to the Lambda entry over the rendered tracks,
    which cannot render anything (as on Lambda): timings come from the index or not at all."""
    monkeypatch.setattr(lazy, "can_render", lambda: False)
    app = SkillApp(data, persistence=SqliteAdapter(data.db_path), clock=clock)
    monkeypatch.setattr(skill.app, "_default", app)
    device = Device(screen=True, audio_player=True)
    prescreen(data.db_path, device)
    return device


def send(device: Device, envelope: Json) -> Json:
    response = device.receive(handler(envelope, None))
    assert_valid_response(response, envelope["request"]["type"])
    return response


def play_and_screen(response: Json) -> tuple[Json, Json]:
    """The response's Play stream and the RenderDocument's payload beside it."""
    found = directives(response)
    assert [d["type"] for d in found] == ["AudioPlayer.Play", APL], found
    stream: Json = found[0]["audioItem"]["stream"]
    shown: Json = found[1]["datasources"]["payload"]
    assert shown["kind"] == "step"
    return stream, shown


def lead_ms(response: Json) -> int:
    """How long the speech before the track plays, with the platform's speech estimate."""
    return play_ms(speech(response), estimate_speech_ms) if "outputSpeech" in response[
        "response"] else 0


def audio_hold(settings: Settings, content: Content, side: int) -> tuple[int, int]:
    """(start in the track, length) of the track's one hold, found in its decoded audio."""
    prefs = new_prefs()
    hold_ms = prefs.hold_seconds(steps(content, content.routines[ROUTINE])[0].step.hold) * 1000
    (start,) = holds_in_audio(stored_track(settings, 0, side), hold_ms, prefs.breath_ms())
    return start, hold_ms


def test_a_play_from_the_start_shows_the_hold_where_the_track_has_it(
        show: Device, data: Settings, content: Content) -> None:
    response = send(show, show.start(ROUTINE))
    stream, shown = play_and_screen(response)
    assert stream["offsetInMilliseconds"] == 0
    start, hold_ms = audio_hold(data, content, 0)
    (hold,) = shown["holds"]
    assert (hold["ms"], hold["side"]) == (hold_ms, "left")
    assert (hold["in"], hold["out"]) == new_prefs().breath_ms()
    lead = lead_ms(response)
    assert lead > 0  # the routine's intro is said before the track starts
    assert abs(hold["start"] - (lead + start)) <= WITHIN_MS
    # what the estimate would have shown is seconds away: the check can tell them apart
    planned = steps(content, content.routines[ROUTINE])[0]
    ((guess, _end),) = side_timeline(content, planned, 0, new_prefs(), 0).holds()
    assert abs(guess - start) > 2 * WITHIN_MS


@pytest.mark.parametrize("offset_ms", [30_000, 60_000])
def test_a_resumed_play_shows_the_hold_from_where_the_track_resumes(
        show: Device, data: Settings, content: Content, offset_ms: int) -> None:
    """Paused before the hold (30 s), or during it (60 s: the screen joins it in progress)."""
    stream, _shown = play_and_screen(send(show, show.start(ROUTINE)))
    token = stream["token"]
    send(show, show.audio_event("PlaybackStarted", token, 0))
    show.player = {"token": token, "offsetInMilliseconds": offset_ms,
                   "playerActivity": "PLAYING"}
    paused = send(show, show.intent("AMAZON.PauseIntent"))
    assert [d["type"] for d in directives(paused)][:1] == ["AudioPlayer.Stop"]
    show.player = {"token": token, "offsetInMilliseconds": offset_ms,
                   "playerActivity": "STOPPED"}
    send(show, show.audio_event("PlaybackStopped", token, offset_ms))
    resumed = send(show, show.intent("AMAZON.ResumeIntent"))
    stream, shown = play_and_screen(resumed)
    assert (stream["token"], stream["offsetInMilliseconds"]) == (token, offset_ms)
    start, hold_ms = audio_hold(data, content, 0)
    (hold,) = shown["holds"]
    assert hold["ms"] == hold_ms
    assert abs(hold["start"] - (lead_ms(resumed) + start - offset_ms)) <= WITHIN_MS
    if offset_ms > start:
        assert hold["start"] < 0 and shown["side"] == "left"


def strip_holds(settings: Settings) -> None:
    """The index as written before holds were recorded."""
    path = index_file(settings)
    entries = json.loads(path.read_text())
    path.write_text(json.dumps({k: v for k, v in entries.items()
                                if not k.startswith("holds/")}))


def test_a_track_without_recorded_timing_gets_a_screen_without_a_countdown(
        show: Device, data: Settings) -> None:
    strip_holds(data)
    stream, shown = play_and_screen(send(show, show.start(ROUTINE)))
    assert stream["offsetInMilliseconds"] == 0
    assert shown["holds"] == []  # no countdown rather than one that drifts
    assert (shown["number"], shown["side"]) == (1, "left") and shown["instruction"]


def test_a_render_records_the_timing_of_tracks_already_stored(data: Settings,
                                                                content: Content) -> None:
    """Re-running a render over an older index adds the holds without rendering again."""
    strip_holds(data)
    tracks = {p.name: p.stat().st_mtime_ns for p in (data.audio_dir / "tracks").glob("*.mp3")}
    summary = build_renderer(data).render_routine(ROUTINE, new_prefs())
    assert summary.tracks_reused == 2
    assert {p.name: p.stat().st_mtime_ns
            for p in (data.audio_dir / "tracks").glob("*.mp3")} == tracks
    timed = LazyTracks(data)
    for side in (0, 1):
        found = timed.holds_for(ROUTINE, 0, side, new_prefs())
        assert found is not None
        start, hold_ms = audio_hold(data, content, side)
        assert [(h.hold_ms, abs(h.start_ms - start) <= WITHIN_MS) for h in found] == [
            (hold_ms, True)]


def test_render_all_preferences_records_the_timing_of_stored_tracks(data: Settings) -> None:
    strip_holds(data)
    result = CliRunner().invoke(render_command, [
        ROUTINE, "--all-preferences", "--hold", "standard", "--breath", "normal", "--detail",
        "detailed", "--first-side", "left"], env={
            "HIPCOACH_DATA_DIR": str(data.data_dir), "HIPCOACH_SPEECH": "espeak",
            "HIPCOACH_AUDIO_STORE": "local", "HIPCOACH_AUDIO_BASE_URL": ""})
    assert result.exit_code == 0, result.output
    assert "nothing to render: all 2 tracks are already stored" in result.output
    entries = json.loads(index_file(data).read_text())
    for side in (0, 1):
        name = entries[track_key(ROUTINE, 0, side, new_prefs())]
        assert entries.get(f"holds/{name}", "").count(":") == 3  # one hold, four numbers


# ------------------------------------------------------------------ the S3 store


@pytest.fixture
def bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="hip-audio")
        yield s3


def test_recorded_timings_survive_the_s3_round_trip(rendered: Settings, tmp_path: Path,
                                                    bucket: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    settings = replace(rendered, data_dir=tmp_path / "data", audio_store="s3",
                       audio_bucket="hip-audio", region="us-east-1", audio_base_url=None)
    build_renderer(settings, s3_client=bucket).render_routine(ROUTINE, new_prefs())
    monkeypatch.setattr(lazy, "can_render", lambda: False)
    fresh = LazyTracks(settings)  # its own S3 client and index, read from the bucket
    local = TrackIndex(LocalStore(rendered.audio_dir / "tracks"), index_file(rendered).name)
    for side in (0, 1):
        found = fresh.holds_for(ROUTINE, 0, side, new_prefs())
        name = local.get(track_key(ROUTINE, 0, side, new_prefs()))
        assert name is not None and found is not None and found
        assert found == local.holds(name)  # the same track, the same measured holds
    assert fresh.holds_for(ROUTINE, 0, 0, replace(new_prefs(), hold=HoldLength.LONG)) is None
