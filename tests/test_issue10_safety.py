"""Issue 10, safety (items 1-5): what a person hears when they ask about a routine, feel
pain or nerve symptoms, or tell the coach about a condition.

Every test goes through `skill.lambda_function.handler(event, None)` (tests/support/echo.py)
and checks the words against the content, not against copies of the code's strings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from skill.content import Content
from skill.core.plan import steps
from tests.conftest import Clock
from tests.support.alexa import past_screening, slot
from tests.support.echo import Echo, said, types

DEEP = "glute-release"
"""A self routine with deep pressure on a ball (screened before its first run)."""
LIGHT = "hip-flexor-release"
"""Gentle hand pressure only: never screened."""


def answer_screen_no(echo: Echo, response: dict[str, Any]) -> dict[str, Any]:
    """Say no to the deep-pressure question, if that is what was asked."""
    return past_screening(echo.send, echo.device, response)


def begin(echo: Echo, routine: str) -> dict[str, Any]:
    """The first-time welcome, then start `routine` (answering the screening question)."""
    echo.send(echo.device.launch())
    return echo.start(routine)


def position(echo: Echo) -> Any:
    return echo.state().position


def pain(echo: Echo, quality: str | None = None, resolved: str | None = None,
         area: str | None = None, area_id: str | None = None) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    if quality is not None:
        slots["quality"] = slot("quality", quality, resolved, no_match=resolved is None)
    if area is not None:
        slots["area"] = slot("area", area, area_id, no_match=area_id is None)
    return echo.say("PainIntent", **slots)


# ------------------------------------------- 1. asking about a routine never starts one


@pytest.mark.parametrize("audio_player", [False, True])
@pytest.mark.parametrize("routine", ["quick-release", "partner-stretch", "glute-release"])
def test_asking_about_a_routine_describes_it_and_starts_nothing(
        new_user: Callable[..., Echo], content: Content, routine: str,
        audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    echo.send(echo.device.launch())
    answer = echo.say("AboutRoutineIntent",
                      routine=slot("routine", content.routines[routine].name, routine))
    assert content.routines[routine].summary in said(answer)
    assert "minutes" in said(answer)
    assert "AudioPlayer.Play" not in types(answer)
    assert position(echo) is None  # nothing started, nothing counted
    assert echo.state().history.sessions == 0
    started = answer_screen_no(echo, echo.say("AMAZON.YesIntent"))  # "shall I start it?"
    assert echo.state().history.sessions == 1, said(started)  # now it starts
    assert content.routines[routine].name in said(started)


def test_naming_a_sore_muscle_outside_a_routine_starts_nothing(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    answer = pain(echo, area="piriformis", area_id="piriformis")
    assert position(echo) is None
    assert content.knowledge.pain[0] in said(answer)
    assert "Let's do" not in said(answer)


def test_naming_another_sore_muscle_mid_routine_keeps_the_routine_and_eases_off(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    begin(echo, DEEP)
    answer = pain(echo, area="piriformis", area_id="piriformis")
    assert position(echo).routine == DEEP  # no switch to piriformis release
    for line in content.techniques["glute-ball"].ease_off:
        assert line in said(answer)


# --------------------------------------------- 2. nerve symptoms stop like sharp pain

NERVE = [("numb", "nerve", None), ("tingling", "nerve", None), ("burning", "nerve", None),
         ("numb", "nerve", "leg"), ("tingling down my leg", None, None)]


@pytest.mark.parametrize("audio_player", [False, True])
@pytest.mark.parametrize(("heard", "resolved", "area"), NERVE)
def test_nerve_symptoms_stop_the_step_with_advice_to_see_a_professional(
        new_user: Callable[..., Echo], content: Content, heard: str, resolved: str | None,
        area: str | None, audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    begin(echo, "whole-pelvis")
    if audio_player:
        echo.event("PlaybackStarted", 0, 0, routine="whole-pelvis")
        echo.playing(0, 0, 40_000, routine="whole-pelvis")
    answer = pain(echo, heard, resolved, area, area if area else None)
    for line in content.knowledge.nerve:
        assert line in said(answer)
    assert "healthcare professional" in said(answer)
    assert not any(line in said(answer) for line in content.techniques["glute-ball"].ease_off)
    if audio_player:
        assert "AudioPlayer.Stop" in types(answer)
        assert not echo.plays_track(0, 0)
    assert position(echo).step_done


# ------------------------------ 3. sharp pain: stop, rest that area, offer another or end


def sharp(echo: Echo) -> dict[str, Any]:
    return pain(echo, "sharp", "sharp")


@pytest.mark.parametrize("audio_player", [False, True])
def test_sharp_pain_never_says_continue_and_yes_moves_to_a_different_area(
        new_user: Callable[..., Echo], content: Content, audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    begin(echo, "whole-pelvis")
    plan = steps(content, content.routines["whole-pelvis"])
    answer = sharp(echo)
    assert "before you continue" not in said(answer)
    for line in content.knowledge.sharp_pain:
        assert line in said(answer)
    assert "different area" in said(answer)
    moved = echo.say("AMAZON.YesIntent")
    pos = position(echo)
    hurt = set(plan[0].technique.muscles)
    assert not hurt & set(plan[pos.step].technique.muscles), said(moved)
    if audio_player:
        play = [d for d in moved["response"]["directives"] if d["type"] == "AudioPlayer.Play"]
        assert play and f":{pos.step}:0:" in play[0]["audioItem"]["stream"]["token"]
    else:
        assert plan[pos.step].step.title in said(moved)


def test_sharp_pain_when_the_rest_works_the_same_area_ends_for_today(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    begin(echo, DEEP)  # both steps work the glutes, on both sides
    answer = sharp(echo)
    assert answer["response"]["shouldEndSession"] is True
    assert "right side" not in said(answer) and "other side" not in said(answer)
    again = echo.say("AMAZON.NextIntent")  # "next" cannot press on the sore area either
    assert "AudioPlayer.Play" not in types(again)
    pos = position(echo)
    assert pos is None or pos.step == 0


def test_the_area_rests_for_the_day_and_is_open_again_tomorrow(
        new_user: Callable[..., Echo], content: Content, clock: Clock) -> None:
    echo = new_user(audio_player=False)
    begin(echo, DEEP)
    sharp(echo)
    echo.say("AMAZON.NoIntent")
    later = echo.send(echo.device.start(DEEP))
    assert position(echo) is None or position(echo).routine != DEEP or \
        "earlier today" in said(later)
    assert "earlier today" in said(later)
    clock.now += timedelta(days=1)
    tomorrow = echo.send(echo.device.start(DEEP))
    assert "earlier today" not in said(tomorrow)
    assert position(echo).routine == DEEP


# ------------------------------------------------------- 4. screening and conditions


@pytest.mark.parametrize("audio_player", [False, True])
def test_deep_pressure_is_screened_once_before_the_first_deep_routine(
        new_user: Callable[..., Echo], content: Content, audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    echo.send(echo.device.launch())
    asked = echo.send(echo.device.start("partner-compression"))
    assert content.knowledge.screen in said(asked)
    assert "AudioPlayer.Play" not in types(asked) and position(echo) is None
    started = echo.say("AMAZON.NoIntent")
    assert position(echo).routine == "partner-compression"
    assert ("AudioPlayer.Play" in types(started)) == audio_player
    echo.say("AMAZON.StopIntent")
    again = echo.send(echo.device.start(DEEP))
    assert content.knowledge.screen not in said(again)  # remembered
    assert position(echo).routine == DEEP


def test_a_light_routine_is_not_screened(new_user: Callable[..., Echo],
                                         content: Content) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    answer = echo.send(echo.device.start(LIGHT))
    assert content.knowledge.screen not in said(answer)
    assert echo.state().history.sessions == 1  # it started (and, unpaced, ran in one turn)
    assert content.techniques["hip-flexor-hand"].steps[0].say[0] in said(answer)


def test_yes_to_the_screen_starts_no_deep_pressure_and_is_remembered(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    echo.send(echo.device.start(DEEP))
    flagged = echo.say("AMAZON.YesIntent")
    for line in content.knowledge.screen_flagged:
        assert line in said(flagged)
    assert position(echo) is None
    later = echo.send(echo.device.start("partner-compression"))
    assert position(echo) is None
    assert "healthcare provider" in said(later)
    cleared = echo.say("AMAZON.YesIntent")  # a provider said it's fine
    assert position(echo) is not None, said(cleared)


@pytest.mark.parametrize("condition", ["pregnancy", "dvt", "acute-injury", "bruising",
                                       "surgery"])
def test_each_condition_is_answered_on_its_own(new_user: Callable[..., Echo],
                                               content: Content, condition: str) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    found = {c.id: c for c in content.knowledge.conditions}
    answer = echo.say("ConditionIntent",
                      condition=slot("condition", found[condition].name, condition))
    text = said(answer)
    for line in found[condition].lines:
        assert text.count(line) == 1
    for other in found.values():
        if other.id != condition:
            assert not any(line in text for line in other.lines if line not in
                           found[condition].lines)
    safety = [r.text for r in content.knowledge.safety if not r.key]
    assert not any(rule in text for rule in safety)  # not the whole list of rules
    asked = echo.send(echo.device.start(DEEP))  # remembered: deep pressure waits
    assert position(echo) is None
    assert "healthcare provider" in said(asked)


def test_a_condition_mid_routine_stops_it(new_user: Callable[..., Echo],
                                          content: Content) -> None:
    echo = new_user(audio_player=True)
    begin(echo, DEEP)
    echo.event("PlaybackStarted", 0, 0)
    echo.playing(0, 0, 20_000)
    answer = echo.say("ConditionIntent", condition=slot("condition", "pregnant", "pregnancy"))
    assert "AudioPlayer.Stop" in types(answer)
    assert answer["response"]["shouldEndSession"] is True
    assert not echo.plays_track(0, 0)


# ------------------------------------------- 5. the pain answer fits the technique


def test_an_ache_in_a_self_routine_is_eased_by_the_self_technique(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    begin(echo, DEEP)
    before = echo.state().prefs
    answer = pain(echo)
    text = said(answer)
    for line in content.techniques["glute-ball"].ease_off:
        assert line in text
    assert "partner" not in text.lower() and "giver" not in text.lower()
    assert echo.state().prefs == before  # nothing changed behind the user's back


def test_an_ache_in_partner_compression_speaks_to_the_giver(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    begin(echo, "partner-compression")
    for _ in range(3):  # past the warming strokes, into the compression
        if position(echo).step >= 1:
            break
        echo.say("AMAZON.NextIntent")
    technique = steps(content, content.routines["partner-compression"])[
        position(echo).step].technique
    assert technique.id == "partner-elbow-compression"
    text = said(pain(echo, "too much pressure", "ache"))
    for line in technique.ease_off:
        assert line in text
    assert "your hands" not in text  # the receiver lies face down


@pytest.mark.parametrize("heard", ["fine", "okay", "good"])
def test_it_is_fine_is_not_pain(new_user: Callable[..., Echo], content: Content,
                                heard: str) -> None:
    echo = new_user(audio_player=False)
    begin(echo, DEEP)
    before = position(echo)
    answer = pain(echo, heard)  # "it's fine": the model's "it's {quality}" sample
    assert position(echo) == before  # the step goes on as it was
    assert "skip" not in said(answer).lower()
    assert not any(line in said(answer) for line in content.techniques["glute-ball"].ease_off)
