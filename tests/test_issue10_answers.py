"""Issue 10, routines and answers (items 10-14): resuming with a setup, a quick routine that
is quick, one hip flexor technique in the whole pelvis, the questions people ask
mid-routine, and the smaller wording fixes. Through `handler(event, None)`, in dialog and
streaming mode where both apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from skill.content import Content
from skill.core.plan import routine_duration_ms, steps
from skill.core.preferences import Preferences
from tests.conftest import Clock
from tests.support.alexa import slot
from tests.support.echo import ROUTINE, Echo, said, the_play, types
from tests.test_issue10_safety import answer_screen_no, begin, position

FIVE_MINUTES_MS = 5 * 60_000


def tokens(response: dict[str, Any]) -> list[str]:
    return [d["audioItem"]["stream"]["token"] for d in response["response"].get("directives", [])
            if d["type"] == "AudioPlayer.Play"]


# ------------------------------------------------------ 10. resume says where and how


def test_resuming_a_stream_the_next_day_restarts_the_side_with_its_setup(
        new_user: Callable[..., Echo], content: Content, clock: Clock) -> None:
    echo = new_user()
    begin(echo, ROUTINE)
    echo.event("PlaybackFinished", 0, 0)  # the left side played to its end
    echo.event("PlaybackStarted", 0, 1)
    echo.event("PlaybackStopped", 0, 1, offset_ms=38_000)  # mid-hold on the right side
    echo.device.player = None  # a new day: the device no longer holds the track
    clock.now += timedelta(days=1)
    welcome = echo.send(echo.device.launch())
    assert "Would you like to continue" in said(welcome)
    resumed = echo.say("AMAZON.YesIntent")
    play = the_play(resumed)
    assert play["audioItem"]["stream"]["token"] == echo.token(0, 1)
    assert play["audioItem"]["stream"]["offsetInMilliseconds"] == 0  # from the side's start
    title = content.techniques["glute-ball"].steps[0].title
    assert f"step 1: {title}" in said(resumed) and "right side" in said(resumed)


def test_resuming_a_stream_moments_after_a_pause_continues_in_place(
        new_user: Callable[..., Echo], clock: Clock) -> None:
    echo = new_user()
    begin(echo, ROUTINE)
    echo.event("PlaybackStarted", 0, 0)
    echo.playing(0, 0, 45_000)
    echo.say("AMAZON.PauseIntent")
    echo.event("PlaybackStopped", 0, 0, offset_ms=45_000)
    clock.now += timedelta(seconds=40)
    resumed = echo.say("AMAZON.ResumeIntent")
    assert the_play(resumed)["audioItem"]["stream"]["offsetInMilliseconds"] == 45_000


def test_resuming_in_dialog_the_next_day_says_the_setup_before_the_hold(
        new_user: Callable[..., Echo], content: Content, clock: Clock) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    for _ in range(2):  # the longest holds: a step takes more than one turn
        echo.say("PreferenceIntent", setting=slot("setting", "longer holds", "longer-holds"))
    answer_screen_no(echo, echo.send(echo.device.start("partner-compression")))
    for _ in range(6):
        if position(echo).step == 1 and not position(echo).step_done:
            break
        echo.say("AMAZON.NextIntent")
    assert position(echo).next_offset > 0  # mid-step: one turn of it heard
    echo.say("AMAZON.PauseIntent")
    clock.now += timedelta(days=1)
    echo.send(echo.device.launch())
    resumed = said(echo.say("AMAZON.YesIntent"))
    pos = position(echo)
    step = steps(content, content.routines["partner-compression"])[pos.step].step
    said_lines = [line.format(side=side) for line in step.say + step.brief
                  for side in ("left", "right")]
    first = min((resumed.find(line) for line in said_lines if line in resumed), default=-1)
    assert first >= 0, resumed  # the side's setup is said ...
    hold_cues = [c.lower() for c in content.cues.get("start_static")]
    starts = [resumed.lower().find(c) for c in hold_cues if c in resumed.lower()]
    assert starts and first < min(starts), resumed  # ... before its hold starts


# --------------------------------------------------------------- 11. quick is quick


def test_the_short_routine_is_under_five_minutes_at_standard_holds(content: Content) -> None:
    durations = {r.id: routine_duration_ms(content, r, Preferences()) for r in content.menu}
    assert min(durations.values()) < FIVE_MINUTES_MS
    assert durations["quick-release"] < FIVE_MINUTES_MS


@pytest.mark.parametrize("minutes", [5, None])
def test_short_on_time_picks_a_routine_that_fits(
        new_user: Callable[..., Echo], content: Content, minutes: int | None) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    slots = {"minutes": slot("minutes", str(minutes))} if minutes else {}
    answer = echo.say("ShortOnTimeIntent", **slots)
    assert position(echo) is None  # offered, not started
    named = [r for r in content.menu if r.name in said(answer)]
    assert named, said(answer)
    assert routine_duration_ms(content, named[0], Preferences()) <= FIVE_MINUTES_MS
    answer_screen_no(echo, echo.say("AMAZON.YesIntent"))
    assert echo.state().history.sessions == 1


# ----------------------------------------------- 12. one hip flexor technique, chosen


def test_whole_pelvis_uses_one_hip_flexor_technique(content: Content) -> None:
    hip_flexor = {"hip-flexor-hand", "hip-flexor-roller"}
    for routine in (content.routines["whole-pelvis"], content.routines["whole-pelvis-roller"]):
        assert len(hip_flexor & set(routine.techniques)) == 1


def test_whole_pelvis_uses_the_roller_once_the_user_has_one(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    echo.say("HaveEquipmentIntent", equipment=slot("equipment", "foam roller", "foam-roller"))
    answer_screen_no(echo, echo.send(echo.device.start("whole-pelvis")))
    assert "hip-flexor-roller" in content.routines[position(echo).routine].techniques
    other = new_user(audio_player=False, user_id="amzn1.ask.account.NOROLLER")
    other.send(other.device.launch())
    other.say("NoEquipmentIntent", equipment=slot("equipment", "foam roller", "foam-roller"))
    answer_screen_no(other, other.send(other.device.start("whole-pelvis")))
    assert "hip-flexor-hand" in content.routines[position(other).routine].techniques


# ------------------------------------------------ 13. questions people ask mid-routine


def minutes_in(text: str) -> int:
    found = re.search(r"about (\d+) minute", text)
    assert found, text
    return int(found.group(1))


@pytest.mark.parametrize("audio_player", [False, True])
def test_how_long_is_left_counts_down(new_user: Callable[..., Echo],
                                      audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    begin(echo, "whole-pelvis")
    first = said(echo.say("TimeLeftIntent"))
    echo.say("AMAZON.NextIntent") if not audio_player else echo.event(
        "PlaybackFinished", 0, 0, routine="whole-pelvis")
    echo.say("AMAZON.NextIntent") if not audio_player else echo.event(
        "PlaybackFinished", 0, 1, routine="whole-pelvis")
    later = said(echo.say("TimeLeftIntent"))
    assert minutes_in(later) < minutes_in(first)
    assert "more" in first


def test_where_am_i_names_step_side_and_muscle(new_user: Callable[..., Echo],
                                               content: Content) -> None:
    echo = new_user()
    begin(echo, ROUTINE)
    echo.event("PlaybackStarted", 0, 0)
    echo.playing(0, 0, 20_000)
    text = said(echo.say("WhereAmIIntent"))
    assert "step 1" in text and "left side" in text
    assert content.muscle("gluteus-maximus").name in text


def test_whats_next_names_the_other_side_then_the_next_step(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user()
    begin(echo, ROUTINE)
    echo.event("PlaybackStarted", 0, 0)
    assert "other side" in said(echo.say("WhatNextIntent"))
    echo.event("PlaybackFinished", 0, 0)
    echo.event("PlaybackStarted", 0, 1)
    echo.playing(0, 1, 5_000)
    nxt = said(echo.say("WhatNextIntent"))
    assert content.techniques["glute-ball"].steps[1].title in nxt


@pytest.mark.parametrize("audio_player", [False, True])
def test_switch_sides_goes_to_the_other_side(new_user: Callable[..., Echo],
                                             content: Content, audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    begin(echo, "partner-stretch")
    for _ in range(4):  # into the side-lying stretch
        if position(echo).step == 1:
            break
        echo.say("AMAZON.NextIntent")
    if audio_player:
        echo.playing(1, 0, 10_000, routine="partner-stretch")
    switched = echo.say("SwitchSidesIntent")
    if audio_player:
        assert tokens(switched) == [echo.token(1, 1, "partner-stretch")]
    else:
        switch = content.techniques["partner-side-stretch"].switch
        assert any(line.format(side="right") in said(switched) for line in switch)


def test_tell_me_about_mid_routine_keeps_the_routine(new_user: Callable[..., Echo],
                                                     content: Content) -> None:
    echo = new_user(audio_player=False)
    begin(echo, ROUTINE)
    answer = echo.say("AboutRoutineIntent",
                      routine=slot("routine", "partner stretch", "partner-stretch"))
    assert content.routines["partner-stretch"].summary in said(answer)
    assert position(echo).routine == ROUTINE
    assert said(answer).rstrip().endswith("?")


@pytest.mark.parametrize(("area", "routine"), [("lower-back", "piriformis-release"),
                                               ("hips", "whole-pelvis")])
def test_a_tight_area_gets_the_guides_reason_and_an_offer(
        new_user: Callable[..., Echo], content: Content, area: str, routine: str) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    found = next(a for a in content.knowledge.areas if a.id == area)
    answer = said(echo.say("SuggestIntent", area=slot("area", found.name, area)))
    assert found.why in answer and content.knowledge.disclaimer in answer
    assert content.routines[routine].name in answer
    assert position(echo) is None


def test_which_one_should_i_do_asks_where(new_user: Callable[..., Echo]) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    answer = said(echo.say("SuggestIntent"))
    assert answer.endswith("?") and position(echo) is None


@pytest.mark.parametrize("equipment", ["massage-ball", "foam-roller", "massage-oil"])
def test_missing_equipment_gets_the_guides_substitute(new_user: Callable[..., Echo],
                                                       content: Content,
                                                       equipment: str) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    item = next(e for e in content.knowledge.equipment if e.id == equipment)
    answer = echo.say("NoEquipmentIntent", equipment=slot("equipment", item.name, equipment))
    assert item.without in said(answer)


# ---------------------------------------------------------------- 14. smaller wording


def test_progress_credits_the_minutes_the_start_announced(new_user: Callable[..., Echo]) -> None:
    echo = new_user(audio_player=False)
    started = said(begin(echo, "whole-pelvis"))
    announced = minutes_in(started)
    for _ in range(40):
        if position(echo) is None:
            break
        echo.say("AMAZON.NextIntent")
    progress = said(echo.say("ProgressIntent"))
    assert f"about {announced} minutes" in progress
    assert "streak is no" not in progress


def test_delete_my_data_asks_first(new_user: Callable[..., Echo]) -> None:
    echo = new_user(audio_player=False)
    begin(echo, ROUTINE)
    asked = echo.say("ForgetMeIntent")
    assert asked["response"]["shouldEndSession"] is False
    assert echo.state().history.sessions == 1  # nothing deleted yet
    echo.say("AMAZON.NoIntent")
    assert echo.state().history.sessions == 1
    echo.say("ForgetMeIntent")
    gone = echo.say("AMAZON.YesIntent")
    assert gone["response"]["shouldEndSession"] is True
    assert echo.state().history.sessions == 0


def test_partner_routines_end_by_offering_to_swap_roles(new_user: Callable[..., Echo],
                                                        content: Content) -> None:
    echo = new_user(audio_player=False)
    begin(echo, "partner-stretch")
    last = {}
    for _ in range(20):
        if position(echo) is None:
            break
        last = echo.say("AMAZON.NextIntent")
    assert any(q in said(last) for q in content.cues.get("swap_roles_question"))
    again = echo.say("AMAZON.YesIntent")
    assert position(echo).routine == "partner-stretch", said(again)
    assert "AudioPlayer.Play" not in types(again)
