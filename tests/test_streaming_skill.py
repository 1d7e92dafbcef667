"""Streaming mode through the skill: AudioPlayer entry, playback events, buttons and intents.

Envelopes are shaped like Alexa's: AudioPlayer.* and PlaybackController.* requests
carry no session, intents spoken while a track is current carry the device's
context.AudioPlayer (token, offset, playerActivity). A fake `Tracks` gives the
renderer's real track order (pure pacing) and URLs that name what was asked for,
so no audio is rendered here; tests/test_streaming_endpoint.py renders for real.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.content import Content, load_content
from skill.core.preferences import Detail, HoldLength, Preferences
from skill.core.record import replace
from skill.settings import Settings
from skill.state import Position, UserState
from tests.conftest import Clock
from tests.support.alexa import (
    Device,
    directives,
    ends,
    past_screening,
    plain,
    reprompt,
    slot,
    speech,
)
from tests.support.fake_tracks import FakeTracks

ROUTINE = "glute-release"
"""Two steps, both worked per side: tracks (0, 0), (0, 1), (1, 0), (1, 1)."""
ORDER = [(0, 0), (0, 1), (1, 0), (1, 1)]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@dataclass
class Rig:
    """One user on one device talking to one skill."""

    app: SkillApp
    device: Device
    tracks: FakeTracks
    settings: Settings
    clock: Clock
    version: str

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        return self.device.receive(self.app.handle(envelope))

    def token(self, step: int, side: int, routine: str = ROUTINE) -> str:
        return f"hc1:{routine}:{step}:{side}:{self.version}"

    def url(self, step: int, side: int, routine: str = ROUTINE,
            prefs: str = "standard-detailed") -> str:
        return f"https://audio.example.com/{routine}/{step}/{side}/{prefs}.mp3"

    def event(self, kind: str, step: int, side: int, offset_ms: int = 0,
              routine: str = ROUTINE) -> dict[str, Any]:
        """AudioPlayer.<kind> for our track (step, side); the response must be silent."""
        response = self.send(self.device.audio_event(kind, self.token(step, side, routine),
                                                     offset_ms))
        assert_silent(response)
        return response

    def button(self, kind: str) -> dict[str, Any]:
        response = self.send(self.device.controller(kind))
        assert_silent(response)
        return response

    def player(self, activity: str, step: int, side: int, offset_ms: int = 0) -> None:
        """What the device reports in context.AudioPlayer from now on."""
        self.device.player = {"token": self.token(step, side),
                              "offsetInMilliseconds": offset_ms,
                              "playerActivity": activity}

    def state(self) -> UserState:
        """The user's state as stored in SQLite (what the next request will load)."""
        probe = Device(user_id=self.device.user_id).launch()  # leaves the device's session be
        envelope = DefaultSerializer().deserialize(json.dumps(probe), RequestEnvelope)
        return UserState.from_dict(SqliteAdapter(self.settings.db_path).get_attributes(envelope))

    def position(self) -> tuple[int, int, int] | None:
        pos = self.state().position
        return None if pos is None else (pos.step, pos.side, pos.track_offset_ms)

    def start(self, routine: str = ROUTINE) -> dict[str, Any]:
        return past_screening(self.send, self.device, self.send(self.device.start(routine)))


@pytest.fixture
def rig(settings: Settings, clock: Clock, make_app: Callable[..., SkillApp],
        content: Content) -> Rig:
    settings = replace(settings, streaming=True)
    tracks = FakeTracks(content)
    app = make_app(settings=settings, tracks=tracks)
    return Rig(app, Device(audio_player=True), tracks, settings, clock, content.version)


def assert_silent(response: dict[str, Any]) -> None:
    """AudioPlayer and PlaybackController answers: directives at most, nothing spoken."""
    body = response["response"]
    assert "outputSpeech" not in body
    assert "card" not in body
    assert "reprompt" not in body
    assert "sessionAttributes" not in response or not response["sessionAttributes"]


def the_play(response: dict[str, Any]) -> dict[str, Any]:
    """The response's one AudioPlayer.Play directive (and nothing else)."""
    found = directives(response)
    assert [d["type"] for d in found] == ["AudioPlayer.Play"], found
    return found[0]


def stream_of(response: dict[str, Any]) -> dict[str, Any]:
    stream: dict[str, Any] = the_play(response)["audioItem"]["stream"]
    return stream


def assert_plays(rig: Rig, response: dict[str, Any], step: int, side: int,
                 offset_ms: int = 0) -> None:
    """REPLACE_ALL of track (step, side) from `offset_ms`, session closed."""
    play = the_play(response)
    assert play["playBehavior"] == "REPLACE_ALL"
    stream = play["audioItem"]["stream"]
    assert stream["token"] == rig.token(step, side)
    assert stream["url"] == rig.url(step, side)
    assert stream["offsetInMilliseconds"] == offset_ms
    assert "expectedPreviousToken" not in stream
    assert response["response"]["shouldEndSession"] is True
    assert "reprompt" not in response["response"]


def assert_dialog(response: dict[str, Any]) -> None:
    """Dialog mode: spoken coaching, no audio directive, an open session that reprompts."""
    assert directives(response) == []
    assert not ends(response)
    assert plain(reprompt(response))
    assert "Step 1" in plain(speech(response))


# ---------------------------------------------------------------- entry: stream or dialog


def test_start_on_an_audio_device_speaks_an_intro_then_plays_the_first_track(rig: Rig) -> None:
    response = rig.start()
    said = plain(speech(response))
    assert said.startswith("Let's do glute release.")
    assert "massage ball" in said
    first_words = load_content().knowledge.first_words  # said once, before a first routine
    assert first_words in said
    assert len(said) - len(first_words) < 200  # short; the coaching itself is in the track
    assert_plays(rig, response, 0, 0)
    token = stream_of(response)["token"]
    assert len(token) <= 1024
    prefix, routine, step, side, version = token.split(":")
    assert (prefix, routine, step, side, version) == ("hc1", ROUTINE, "0", "0", rig.version)
    assert the_play(response)["audioItem"]["metadata"]["title"] == "glute release"
    assert rig.position() == (0, 0, 0)


@pytest.mark.parametrize("routine", ["whole-pelvis", "partner-massage", "quick-release"])
def test_every_routine_streams_with_a_token_alexa_accepts(rig: Rig, routine: str) -> None:
    response = rig.start(routine)
    stream = stream_of(response)
    assert stream["token"] == rig.token(0, 0, routine)
    assert len(stream["token"]) <= 1024
    assert response["response"]["shouldEndSession"] is True


def test_a_device_without_audio_player_gets_the_spoken_dialog(rig: Rig) -> None:
    rig.device.audio_player = False
    response = rig.start()
    assert_dialog(response)
    assert plain(speech(response)).startswith("Let's do glute release.")
    assert rig.tracks.asked == []


def test_streaming_switched_off_gives_dialog_mode_even_on_audio_devices(
        settings: Settings, make_app: Callable[..., SkillApp], content: Content) -> None:
    tracks = FakeTracks(content)
    app = make_app(settings=replace(settings, streaming=False), tracks=tracks)
    device = Device(audio_player=True)

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        return device.receive(app.handle(envelope))

    assert_dialog(past_screening(send, device, send(device.start(ROUTINE))))
    assert tracks.asked == []


def test_step_by_step_opts_the_user_out_of_streaming_for_good(rig: Rig) -> None:
    rig.send(rig.device.launch())
    answer = rig.send(rig.device.intent("StepByStepIntent"))
    assert "step by step" in plain(speech(answer))
    assert not ends(answer)
    assert_dialog(rig.start())
    rig.clock.now += timedelta(days=1)  # still so in a later session
    rig.send(rig.device.launch())
    assert_dialog(rig.start())
    assert rig.tracks.asked == []
    assert rig.state().dialog_only is True


# ---------------------------------------------------------------- AudioPlayer events


def test_the_queue_is_kept_filled_track_by_track_to_the_end(rig: Rig) -> None:
    rig.start()
    for i, (step, side) in enumerate(ORDER):
        assert rig.event("PlaybackStarted", step, side)["response"] == {}
        assert rig.position() == (step, side, 0)
        nearly = rig.event("PlaybackNearlyFinished", step, side, 100_000)
        if i + 1 < len(ORDER):
            nxt = ORDER[i + 1]
            play = the_play(nearly)
            assert play["playBehavior"] == "ENQUEUE"
            stream = play["audioItem"]["stream"]
            assert stream["expectedPreviousToken"] == rig.token(step, side)
            assert stream["token"] == rig.token(*nxt)
            assert stream["url"] == rig.url(*nxt)
            assert stream["offsetInMilliseconds"] == 0
            assert "shouldEndSession" not in nearly["response"]
        else:
            assert directives(nearly) == []  # nothing after the last track
        rig.event("PlaybackFinished", step, side, 120_000)
        if i + 1 < len(ORDER):
            assert rig.position() == (*ORDER[i + 1], 0)


def test_per_side_steps_enqueue_the_second_side_before_the_next_step(rig: Rig) -> None:
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    assert stream_of(rig.event("PlaybackNearlyFinished", 0, 0))["token"] == rig.token(0, 1)


def test_a_one_sided_step_is_followed_by_the_next_steps_first_side(rig: Rig) -> None:
    rig.start("partner-compression")  # warming strokes (both sides at once), then per side
    rig.event("PlaybackStarted", 0, 0, routine="partner-compression")
    stream = stream_of(rig.event("PlaybackNearlyFinished", 0, 0, routine="partner-compression"))
    assert stream["token"] == rig.token(1, 0, "partner-compression")
    rig.event("PlaybackFinished", 0, 0, routine="partner-compression")
    assert rig.position() == (1, 0, 0)


def test_events_for_tracks_that_are_not_ours_change_nothing(rig: Rig) -> None:
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    before = rig.state()
    for token in ("spotify:track:4uLU6hMCjMI75M1A2tKUQC", "hc1:glute-release:x:0:v",
                  "hc1:no-such-routine:0:0:v", ""):
        for kind in ("PlaybackStarted", "PlaybackNearlyFinished", "PlaybackFinished",
                     "PlaybackStopped"):
            response = rig.send(rig.device.audio_event(kind, token, 5000))
            assert_silent(response)
            assert directives(response) == []
    assert rig.state() == before


def test_events_for_a_user_with_nothing_stored_are_answered_quietly(rig: Rig) -> None:
    for kind in ("PlaybackStarted", "PlaybackNearlyFinished", "PlaybackFinished",
                 "PlaybackStopped"):
        assert directives(rig.event(kind, 0, 0, 5000)) == []
    assert rig.state().position is None


# ---------------------------------------------------------------- pause and resume


@pytest.mark.parametrize("said", ["AMAZON.PauseIntent", "AMAZON.StopIntent",
                                  "AMAZON.CancelIntent"])
def test_pause_then_resume_plays_the_same_track_from_where_it_stopped(
        rig: Rig, said: str) -> None:
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    rig.event("PlaybackNearlyFinished", 0, 0, 50_000)
    rig.event("PlaybackFinished", 0, 0, 60_000)
    rig.event("PlaybackStarted", 0, 1)
    rig.player("PLAYING", 0, 1, 12_000)
    paused = rig.send(rig.device.intent(said))
    assert [d["type"] for d in directives(paused)] == ["AudioPlayer.Stop"]
    assert paused["response"]["shouldEndSession"] is True
    assert "reprompt" not in paused["response"]
    rig.player("STOPPED", 0, 1, 12_345)
    rig.event("PlaybackStopped", 0, 1, 12_345)
    assert rig.position() == (0, 1, 12_345)
    resumed = rig.send(rig.device.intent("AMAZON.ResumeIntent"))
    assert_plays(rig, resumed, 0, 1, offset_ms=12_345)


def test_the_pause_and_play_buttons_stop_and_carry_on(rig: Rig) -> None:
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    stop = rig.button("Pause")
    assert [d["type"] for d in directives(stop)] == ["AudioPlayer.Stop"]
    rig.event("PlaybackStopped", 0, 0, 12_345)
    play = rig.button("Play")
    assert stream_of(play)["token"] == rig.token(0, 0)
    assert stream_of(play)["offsetInMilliseconds"] == 12_345
    assert the_play(play)["playBehavior"] == "REPLACE_ALL"


# ---------------------------------------------------------------- next, previous, start over


def test_next_and_previous_by_voice_move_across_sides_and_steps(rig: Rig) -> None:
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    here = (0, 0)
    for intent, expected in [("AMAZON.NextIntent", (0, 1)), ("AMAZON.NextIntent", (1, 0)),
                             ("AMAZON.NextIntent", (1, 1)), ("AMAZON.PreviousIntent", (1, 0)),
                             ("AMAZON.PreviousIntent", (0, 1)),
                             ("AMAZON.PreviousIntent", (0, 0))]:
        rig.player("PLAYING", *here, 30_000)
        response = rig.send(rig.device.intent(intent))
        assert_plays(rig, response, *expected)
        assert rig.position() == (*expected, 0)
        here = expected


def test_next_and_previous_buttons_move_across_sides_and_steps(rig: Rig) -> None:
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    for button, expected in [("Next", (0, 1)), ("Next", (1, 0)), ("Previous", (0, 1)),
                             ("Next", (1, 0)), ("Next", (1, 1))]:
        response = rig.button(button)
        play = the_play(response)
        assert play["playBehavior"] == "REPLACE_ALL"
        assert play["audioItem"]["stream"]["token"] == rig.token(*expected)
        assert play["audioItem"]["stream"]["url"] == rig.url(*expected)
        assert play["audioItem"]["stream"]["offsetInMilliseconds"] == 0
        assert rig.position() == (*expected, 0)


def test_the_device_switching_tracks_after_next_leaves_the_new_track_current(rig: Rig) -> None:
    """REPLACE_ALL while playing: Alexa reports the old track stopped, then the new started."""
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    rig.player("PLAYING", 0, 0, 40_000)
    rig.send(rig.device.intent("AMAZON.NextIntent"))
    rig.event("PlaybackStopped", 0, 0, 40_000)
    rig.event("PlaybackStarted", 0, 1, 0)
    assert rig.position() == (0, 1, 0)
    rig.player("PLAYING", 0, 1, 7_000)
    rig.send(rig.device.intent("AMAZON.PauseIntent"))
    rig.event("PlaybackStopped", 0, 1, 7_000)
    rig.player("STOPPED", 0, 1, 7_000)
    assert_plays(rig, rig.send(rig.device.intent("AMAZON.ResumeIntent")), 0, 1, 7_000)


def test_next_at_the_last_track_says_so_by_voice_and_does_nothing_by_button(rig: Rig) -> None:
    rig.start()
    rig.button("Next")
    rig.button("Next")
    rig.button("Next")
    assert rig.position() == (1, 1, 0)
    assert directives(rig.button("Next")) == []
    assert rig.position() == (1, 1, 0)
    rig.player("PLAYING", 1, 1, 10_000)
    response = rig.send(rig.device.intent("AMAZON.NextIntent"))
    assert "last part" in plain(speech(response))
    assert directives(response) == []  # the last track plays on to its closing line
    assert ends(response)
    assert rig.position() == (1, 1, 10_000)  # the context's offset: the best one known


def test_previous_at_the_first_track_replays_it_from_the_start(rig: Rig) -> None:
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    rig.event("PlaybackStopped", 0, 0, 20_000)
    rig.player("STOPPED", 0, 0, 20_000)
    assert_plays(rig, rig.send(rig.device.intent("AMAZON.PreviousIntent")), 0, 0)
    response = rig.button("Previous")
    assert stream_of(response)["token"] == rig.token(0, 0)
    assert stream_of(response)["offsetInMilliseconds"] == 0


def test_start_over_goes_back_to_the_first_side_of_step_one(rig: Rig) -> None:
    rig.start()
    for _ in range(3):
        rig.button("Next")
    rig.event("PlaybackStarted", 1, 1)
    rig.event("PlaybackStopped", 1, 1, 33_000)
    rig.player("STOPPED", 1, 1, 33_000)
    assert_plays(rig, rig.send(rig.device.intent("AMAZON.StartOverIntent")), 0, 0)
    assert rig.position() == (0, 0, 0)


def test_repeat_replays_the_current_track_from_its_start(rig: Rig) -> None:
    rig.start()
    rig.button("Next")
    rig.event("PlaybackStarted", 0, 1)
    rig.event("PlaybackStopped", 0, 1, 12_345)
    rig.player("PAUSED", 0, 1, 12_345)
    assert_plays(rig, rig.send(rig.device.intent("AMAZON.RepeatIntent")), 0, 1)
    assert rig.position() == (0, 1, 0)


@pytest.mark.parametrize("intent", ["AMAZON.LoopOnIntent", "AMAZON.LoopOffIntent",
                                    "AMAZON.ShuffleOnIntent", "AMAZON.ShuffleOffIntent"])
def test_loop_and_shuffle_get_a_polite_answer_and_nothing_breaks(rig: Rig, intent: str) -> None:
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    rig.event("PlaybackStopped", 0, 0, 9_000)
    rig.player("STOPPED", 0, 0, 9_000)
    before = rig.state()
    response = rig.send(rig.device.intent(intent))
    said = plain(speech(response))
    assert "in order" in said and "resume" in said
    assert directives(response) == []
    assert ends(response)
    assert rig.state() == before
    assert_plays(rig, rig.send(rig.device.intent("AMAZON.ResumeIntent")), 0, 0, 9_000)


# ---------------------------------------------------------------- failures


def test_playback_failed_is_logged_and_the_user_gets_dialog_mode_next_time(
        rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    rig.start()
    envelope = rig.device.audio_event("PlaybackFailed", rig.token(0, 0))
    envelope["request"]["error"] = {"type": "MEDIA_ERROR_SERVICE_UNAVAILABLE",
                                    "message": "The stream could not be fetched"}
    envelope["request"]["currentPlaybackState"] = {
        "token": rig.token(0, 0), "offsetInMilliseconds": 0, "playerActivity": "STOPPED"}
    with caplog.at_level(logging.WARNING, logger="hipcoach"):
        response = rig.send(envelope)
    assert_silent(response)
    assert directives(response) == []
    failures = [r for r in caplog.records if "playback failed" in r.getMessage()]
    assert failures and "MEDIA_ERROR_SERVICE_UNAVAILABLE" in failures[0].getMessage()
    assert failures[0].levelno >= logging.WARNING
    rig.device.player = None
    assert_dialog(rig.start())
    # one failure is not forever: the routine after that streams again
    assert directives(rig.start())[0]["type"] == "AudioPlayer.Play"


def test_exception_encountered_gets_an_empty_answer(
        rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    rig.start()
    envelope = rig.device.audio_event("PlaybackStarted", rig.token(0, 0))
    envelope["request"] = {
        "type": "System.ExceptionEncountered",
        "requestId": "amzn1.echo-api.request.exception-1",
        "timestamp": rig.device.timestamp, "locale": "en-US",
        "error": {"type": "INVALID_RESPONSE", "message": "Invalid directive"},
        "cause": {"requestId": "amzn1.echo-api.request.earlier"}}
    assert "session" not in envelope
    before = rig.state()
    with caplog.at_level(logging.WARNING, logger="hipcoach"):
        response = rig.send(envelope)
    assert response["response"] == {}
    assert "INVALID_RESPONSE" in caplog.text
    assert rig.state() == before


# ---------------------------------------------------------------- a new day


def _stop_at_step_two_second_side(rig: Rig) -> None:
    """Launch, stream to step 2 (index 1) side 2 and stop there 12.345 s in."""
    rig.send(rig.device.launch())  # the first-time welcome
    rig.start()
    for step, side in ORDER[:3]:
        rig.event("PlaybackStarted", step, side)
        rig.event("PlaybackNearlyFinished", step, side, 90_000)
        rig.event("PlaybackFinished", step, side, 100_000)
    rig.event("PlaybackStarted", 1, 1)
    rig.player("PLAYING", 1, 1, 12_000)
    rig.send(rig.device.intent("AMAZON.PauseIntent"))
    rig.event("PlaybackStopped", 1, 1, 12_345)
    assert rig.position() == (1, 1, 12_345)


def test_on_a_new_day_launch_offers_to_continue_and_resume_restarts_the_side(
        rig: Rig) -> None:
    _stop_at_step_two_second_side(rig)
    rig.clock.now += timedelta(days=1)
    rig.player("STOPPED", 1, 1, 12_345)  # the device still holds our track
    offer = rig.send(rig.device.launch())
    said = plain(speech(offer))
    assert "Welcome back" in said and "step 2 of glute release" in said
    assert "continue" in said
    assert not ends(offer)
    resumed = rig.send(rig.device.intent("AMAZON.ResumeIntent"))
    assert_plays(rig, resumed, 1, 1, 0)  # a day later: from the side's setup, not mid-hold
    assert "Back to step 2" in plain(speech(resumed))


@pytest.mark.parametrize("answer,player", [
    ("AMAZON.YesIntent", "ours"),
    ("AMAZON.YesIntent", None),
    ("AMAZON.ResumeIntent", {"playerActivity": "IDLE"}),  # another app played since
])
def test_on_a_new_day_yes_or_resume_streams_the_side_from_its_start(
        rig: Rig, answer: str, player: Any) -> None:
    _stop_at_step_two_second_side(rig)
    rig.clock.now += timedelta(days=1)
    if player == "ours":
        rig.player("STOPPED", 1, 1, 12_345)
    else:
        rig.device.player = player
    offer = rig.send(rig.device.launch())
    assert "step 2 of glute release" in plain(speech(offer))
    resumed = rig.send(rig.device.intent(answer))
    assert_plays(rig, resumed, 1, 1, 0)
    assert "right side" in plain(speech(resumed))


# ---------------------------------------------------------------- finishing a routine


def _play_to_the_end(rig: Rig, routine: str = ROUTINE) -> None:
    order = rig.tracks.tracks_of(routine, Preferences())
    for step, side in order:
        rig.event("PlaybackStarted", step, side, routine=routine)
        rig.event("PlaybackNearlyFinished", step, side, 100_000, routine=routine)
        rig.event("PlaybackFinished", step, side, 110_000, routine=routine)


def test_finishing_the_last_track_completes_the_routine(rig: Rig) -> None:
    rig.send(rig.device.launch())
    rig.start()
    first_time = rig.tracks.asked[-1][3]
    assert first_time.detail is Detail.DETAILED  # first time: detailed cues
    _play_to_the_end(rig)
    state = rig.state()
    assert state.history.completed == {ROUTINE: 1}
    assert state.position is None
    progress = plain(speech(rig.send(rig.device.intent("ProgressIntent"))))
    assert "1 session" in progress
    welcome = plain(speech(rig.send(rig.device.launch())))
    assert "Last time you stopped" not in welcome  # nothing left to continue
    again = rig.start()
    assert stream_of(again)["url"] == rig.url(0, 0, prefs="standard-brief")
    assert rig.tracks.asked[-1][3] == replace(first_time, detail=Detail.BRIEF)  # brief cues


def test_finishing_one_routine_leaves_the_others_detailed(rig: Rig) -> None:
    rig.start("piriformis-release")
    _play_to_the_end(rig, "piriformis-release")
    assert rig.state().history.completed == {"piriformis-release": 1}
    assert stream_of(rig.start())["url"] == rig.url(0, 0)


def test_progress_counts_the_minutes_of_a_streamed_routine(rig: Rig) -> None:
    rig.send(rig.device.launch())
    rig.start()
    _play_to_the_end(rig)
    assert rig.state().history.seconds >= 60
    progress = plain(speech(rig.send(rig.device.intent("ProgressIntent"))))
    assert "about 0 minutes" not in progress


def test_a_preference_changed_while_streaming_applies_from_the_next_step(rig: Rig) -> None:
    rig.start()
    rig.event("PlaybackStarted", 0, 0)
    rig.player("PLAYING", 0, 0, 5_000)
    answer = rig.send(rig.device.intent(
        "PreferenceIntent", setting=slot("setting", "shorter holds", "shorter-holds")))
    assert "from the next step" in plain(speech(answer))
    same_step = stream_of(rig.event("PlaybackNearlyFinished", 0, 0, 90_000))
    assert same_step["url"] == rig.url(0, 1)  # the step's other side keeps its pacing
    rig.event("PlaybackFinished", 0, 0, 100_000)
    rig.event("PlaybackStarted", 0, 1)
    next_step = stream_of(rig.event("PlaybackNearlyFinished", 0, 1, 90_000))
    assert rig.tracks.asked[-1][3].hold is HoldLength.SHORT
    assert next_step["url"] == rig.url(1, 0, prefs="short-detailed")


def test_positions_survive_the_store_round_trip(rig: Rig) -> None:
    """Side and offset are what streaming resumes from: they must be stored, not just held."""
    rig.start()
    rig.button("Next")
    rig.event("PlaybackStarted", 0, 1)
    rig.event("PlaybackStopped", 0, 1, 54_321)
    pos = rig.state().position
    assert isinstance(pos, Position)
    assert (pos.routine, pos.step, pos.side, pos.track_offset_ms) == (ROUTINE, 0, 1, 54_321)
