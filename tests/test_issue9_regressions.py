"""Issue 9, "Found, each reproducible today": one regression test per bug.

Every test goes through the Lambda entry, `skill.lambda_function.handler(event, None)`,
with envelopes as Alexa sends them (tests/support/alexa.py): AudioPlayer events carry
no session, intents spoken while a track is current carry the device's
context.AudioPlayer. The skill behind the entry is hermetic: SQLite in a temporary
folder, a fixed clock, streaming on with fake tracks (URLs only, no audio rendered).

On an Echo the player follows what the skill sends: a Stop leaves the track stopped, a
REPLACE_ALL Play makes its track the one playing, and a spoken answer without either
leaves a playing track playing (the device resumes it after the voice interaction).
`Echo.send` applies that rule, so "the old track is left playing" is something a test
can see, as a user would hear it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.core.plan import track_order
from skill.core.preferences import Preferences
from tests.support.alexa import slot
from tests.support.echo import (
    Echo,
    assert_dialog,
    directives,
    said,
    the_play,
    types,
)

ROUTINE = "glute-release"
"""Two steps, both worked per side: tracks (0, 0), (0, 1), (1, 0), (1, 1)."""
LONG_ROUTINE = "whole-pelvis"
"""Enough steps that "next" and "resume" stay inside the routine for a while."""


def streaming_on_the_first_track(echo: Echo) -> None:
    """Welcome, start glute release, its first track playing 30 s in."""
    echo.send(echo.device.launch())  # the first-time welcome
    started = echo.start(ROUTINE)
    assert the_play(started)["audioItem"]["stream"]["token"] == echo.token(0, 0)
    echo.event("PlaybackStarted", 0, 0)
    echo.playing(0, 0, 30_000)


# ------------------------------------------------ 1. audio keeps playing when it must stop


def test_sharp_pain_while_a_track_plays_stops_the_track(new_user: Callable[..., Echo]) -> None:
    echo = new_user()
    streaming_on_the_first_track(echo)
    answer = echo.say("PainIntent", quality=slot("quality", "sharp", "sharp"))
    assert "AudioPlayer.Stop" in types(answer), directives(answer)
    assert "AudioPlayer.Play" not in types(answer)
    assert said(answer)  # the advice is spoken
    assert not echo.plays_track(0, 0)  # the hold cues do not go on after the answer


def test_step_by_step_while_a_track_plays_stops_the_track(
        new_user: Callable[..., Echo]) -> None:
    echo = new_user()
    streaming_on_the_first_track(echo)
    answer = echo.say("StepByStepIntent")
    assert "AudioPlayer.Stop" in types(answer), directives(answer)
    assert_dialog(answer)  # coached by voice from here on
    assert "step by step" in said(answer)
    assert not echo.plays_track(0, 0)


@pytest.mark.parametrize("intent", ["AMAZON.PauseIntent", "AMAZON.CancelIntent"])
def test_after_step_by_step_pause_and_cancel_never_bring_the_track_back(
        new_user: Callable[..., Echo], intent: str) -> None:
    echo = new_user()
    streaming_on_the_first_track(echo)
    echo.say("StepByStepIntent")
    answer = echo.say(intent)
    assert "AudioPlayer.Play" not in types(answer), directives(answer)
    assert answer["response"]["shouldEndSession"] is True
    assert not echo.plays_track(0, 0)  # silence after the goodbye, not the old track
    later = echo.say("AMAZON.ResumeIntent")  # a new session: still coached by voice
    assert_dialog(later)
    assert not echo.plays_track(0, 0)


@pytest.mark.parametrize("quality", [
    slot("quality", None),  # "that hurts": a sample without the slot
    slot("quality", "hurts", "ache"),
], ids=["that-hurts", "heard-hurts"])
def test_that_hurts_then_yes_stops_the_old_track_and_plays_step_two(
        new_user: Callable[..., Echo], quality: dict[str, Any]) -> None:
    echo = new_user()
    streaming_on_the_first_track(echo)
    answer = echo.say("PainIntent", quality=quality)
    assert "AudioPlayer.Stop" in types(answer), directives(answer)
    assert answer["response"]["shouldEndSession"] is False  # it asks whether to skip
    assert not echo.plays_track(0, 0)
    skipped = echo.say("AMAZON.YesIntent")
    play = the_play(skipped)
    assert play["playBehavior"] == "REPLACE_ALL"  # nothing of the old queue is left
    assert play["audioItem"]["stream"]["token"] == echo.token(1, 0)
    assert play["audioItem"]["stream"]["offsetInMilliseconds"] == 0
    assert skipped["response"]["shouldEndSession"] is True
    assert echo.plays_track(1, 0)
    assert not echo.plays_track(0, 0)


# ------------------------------------------------ 2. a failed playback flips back to streaming


def test_after_playback_failed_the_routine_stays_in_dialog_mode(
        new_user: Callable[..., Echo]) -> None:
    echo = new_user()
    echo.send(echo.device.launch())
    echo.start(LONG_ROUTINE)
    failed = echo.device.audio_event("PlaybackFailed", echo.token(0, 0, LONG_ROUTINE))
    failed["request"]["error"] = {"type": "MEDIA_ERROR_SERVICE_UNAVAILABLE",
                                  "message": "The stream could not be fetched"}
    failed["request"]["currentPlaybackState"] = {
        "token": echo.token(0, 0, LONG_ROUTINE), "offsetInMilliseconds": 0,
        "playerActivity": "STOPPED"}
    assert directives(echo.send(failed)) == []
    echo.device.player = {"token": echo.token(0, 0, LONG_ROUTINE), "offsetInMilliseconds": 0,
                          "playerActivity": "STOPPED"}  # the device still holds that track
    offer = echo.send(echo.device.launch())
    assert offer["response"]["shouldEndSession"] is False
    assert_dialog(echo.say("AMAZON.YesIntent"))
    assert_dialog(echo.say("AMAZON.NextIntent"))
    assert_dialog(echo.say("AMAZON.ResumeIntent"))
    echo.say("AMAZON.PauseIntent")
    assert_dialog(echo.say("AMAZON.ResumeIntent"))  # a new session, same routine


# ------------------------------------------------ 3. PlaybackStarted forgets where it began


def test_a_resumed_track_that_never_reports_stopped_resumes_from_where_it_started(
        new_user: Callable[..., Echo]) -> None:
    echo = new_user()
    streaming_on_the_first_track(echo)
    echo.playing(0, 0, 42_000)
    echo.say("AMAZON.PauseIntent")
    echo.event("PlaybackStopped", 0, 0, 42_000)
    resumed = echo.say("AMAZON.ResumeIntent")
    assert the_play(resumed)["audioItem"]["stream"]["offsetInMilliseconds"] == 42_000
    echo.event("PlaybackStarted", 0, 0, 42_000)
    # power lost or the network gone: no PlaybackStopped; the device comes back idle
    echo.device.player = {"playerActivity": "IDLE"}
    saved = echo.state().position
    again = echo.say("AMAZON.ResumeIntent")
    stream = the_play(again)["audioItem"]["stream"]
    assert stream["token"] == echo.token(0, 0)
    assert stream["offsetInMilliseconds"] == 42_000  # not the track's start
    assert saved is not None and saved.track_offset_ms == 42_000


# ------------------------------------------------ 4. pause and "no" disagree


def _step_one(echo: Echo) -> tuple[int, str]:
    """How many coaching turns step 1 of glute release takes (found by saying "next"),
    and what its first turn says."""
    echo.send(echo.device.launch())
    turns = [echo.start(ROUTINE)]
    while "Step 2" not in said(turns[-1]):
        assert len(turns) < 30, "step 2 never came"
        turns.append(echo.say("AMAZON.NextIntent"))
    return len(turns) - 1, said(turns[0])


def _resume_after(new_user: Callable[..., Echo], answer: str, user: str,
                  step_one_turns: int) -> tuple[str, str]:
    """Start, hear all of step 1, answer "Ready to go on?" with `answer`, then resume in
    a new session: (what the answer said, what resume said)."""
    echo = new_user(audio_player=False, user_id=user)
    echo.send(echo.device.launch())
    last = echo.start(ROUTINE)
    for _ in range(step_one_turns - 1):
        last = echo.say("AMAZON.NextIntent")
    assert "Step 2" not in said(last) and last["response"]["shouldEndSession"] is False
    stopped = echo.say(answer)
    assert stopped["response"]["shouldEndSession"] is True
    resumed = echo.say("AMAZON.ResumeIntent")
    assert resumed["response"]["shouldEndSession"] is False
    return said(stopped), said(resumed)


def test_pause_then_resume_continues_where_no_then_resume_does(
        new_user: Callable[..., Echo]) -> None:
    probe = new_user(audio_player=False, user_id="amzn1.ask.account.ISSUE9PROBE")
    step_one_turns, opening = _step_one(probe)
    assert step_one_turns >= 1 and "Step 1" in opening
    _, after_no = _resume_after(new_user, "AMAZON.NoIntent", "amzn1.ask.account.ISSUE9NO",
                                step_one_turns)
    _, after_pause = _resume_after(new_user, "AMAZON.PauseIntent",
                                   "amzn1.ask.account.ISSUE9PAUSE", step_one_turns)
    assert "Step 2" in after_no
    assert after_pause == after_no
    assert "Step 1" not in after_pause
    assert opening.split("Step 1", 1)[1][:80] not in after_pause  # step 1 is not replayed


# ------------------------------------------------ 5. the end-of-routine loop


def _speak_to_the_end(echo: Echo) -> dict[str, Any]:
    """Launch, start the routine and say "next" until its end is spoken."""
    echo.send(echo.device.launch())
    last = echo.start(ROUTINE)
    for _ in range(30):
        if "another routine" in said(last):
            break
        last = echo.say("AMAZON.NextIntent")
    return last


def test_yes_to_the_choices_after_a_routine_makes_progress(
        new_user: Callable[..., Echo]) -> None:
    echo = new_user(audio_player=False)
    last = _speak_to_the_end(echo)
    assert "another routine" in said(last) and last["response"]["shouldEndSession"] is False
    assert echo.state().position is None  # the routine is over
    choices = echo.say("AMAZON.YesIntent")
    assert_dialog(choices)
    offer = echo.say("AMAZON.YesIntent")
    assert_dialog(offer)
    assert said(offer) != said(choices)  # not the same list again
    started = echo.say("AMAZON.YesIntent")
    assert "Step 1" in said(started)  # a routine starts (the one offered)
    offered = said(offer).split("start ", 1)[1].split("?")[0]
    assert f"Let's do {offered}" in said(started)
    assert echo.state().history.sessions == 2


# ------------------------------------------------ 6. the end of a streamed routine


def _stream_to_the_end(echo: Echo) -> None:
    echo.send(echo.device.launch())
    echo.start(ROUTINE)
    order = track_order(echo.content, echo.content.routines[ROUTINE], Preferences())
    assert order
    for step, side in order:
        echo.event("PlaybackStarted", step, side)
        echo.event("PlaybackNearlyFinished", step, side, 100_000)
        echo.event("PlaybackFinished", step, side, 110_000)
    step, side = order[-1]
    echo.device.player = {"token": echo.token(step, side), "offsetInMilliseconds": 110_000,
                          "playerActivity": "FINISHED"}
    state = echo.state()
    assert state.history.completed == {ROUTINE: 1}  # complete, and counted once
    assert state.position is None


def test_start_over_after_a_streamed_routine_restarts_it(new_user: Callable[..., Echo]) -> None:
    echo = new_user()
    _stream_to_the_end(echo)
    again = echo.say("AMAZON.StartOverIntent")
    play = the_play(again)
    assert play["playBehavior"] == "REPLACE_ALL"
    assert play["audioItem"]["stream"]["token"] == echo.token(0, 0)
    assert play["audioItem"]["stream"]["offsetInMilliseconds"] == 0
    assert echo.state().history.completed == {ROUTINE: 1}


def test_resume_after_a_streamed_routine_offers_it_again(new_user: Callable[..., Echo]) -> None:
    echo = new_user()
    _stream_to_the_end(echo)
    answer = echo.say("AMAZON.ResumeIntent")
    assert "not in a routine" not in said(answer)
    assert "glute release" in said(answer)
    assert answer["response"]["shouldEndSession"] is False
    again = echo.say("AMAZON.YesIntent")
    assert the_play(again)["audioItem"]["stream"]["token"] == echo.token(0, 0)


def test_start_over_in_a_new_session_after_a_spoken_routine_restarts_it(
        new_user: Callable[..., Echo]) -> None:
    echo = new_user(audio_player=False)
    _speak_to_the_end(echo)
    assert echo.state().history.completed == {ROUTINE: 1}
    echo.say("AMAZON.StopIntent")  # "no more today": the session ends
    again = echo.say("AMAZON.StartOverIntent")
    assert_dialog(again)
    assert "Step 1" in said(again)
    assert "not in a routine" not in said(again)
