"""Short answers read by the question they answer, and open questions that survive a
"hold on", a mishearing or an "I'm not sure" (issue 11, item 3).

Through `handler(event, None)` (tests/support/echo.py), in both delivery modes where
safety is involved: the careful answer must win in each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.content import Content
from skill.core.plan import steps
from tests.support.alexa import slot
from tests.support.echo import Echo, said, types

DEEP = "glute-release"  # screened before its first run


def screening(echo: Echo, content: Content) -> dict[str, Any]:
    """Launch, then start a deep-pressure routine: the screening question is open."""
    echo.send(echo.device.launch())
    asked = echo.send(echo.device.start(DEEP))
    assert content.knowledge.screen in said(asked)
    return asked


def started(echo: Echo, content: Content, routine: str, response: dict[str, Any]) -> bool:
    """The routine's first step is coached (spoken, or its track played)."""
    first = steps(content, content.routines[routine])[0].step.title
    play = [d for d in response["response"].get("directives", [])
            if d["type"] == "AudioPlayer.Play"]
    if play:
        return f":{routine}:0:" in play[0]["audioItem"]["stream"]["token"]
    return f"Step 1, {first}" in said(response) and content.routines[routine].name in \
        said(response)


@pytest.mark.parametrize("audio_player", [False, True])
@pytest.mark.parametrize("interruption", ["AMAZON.FallbackIntent", "AMAZON.PauseIntent"])
def test_the_screening_question_survives_a_mishearing_or_a_hold_on(
        new_user: Callable[..., Echo], content: Content, audio_player: bool,
        interruption: str) -> None:
    echo = new_user(audio_player=audio_player)
    screening(echo, content)
    again = echo.say(interruption)
    assert again["response"]["shouldEndSession"] is False
    assert content.knowledge.screen in said(again)
    assert echo.state().position is None and "AudioPlayer.Play" not in types(again)
    answered = echo.say("AMAZON.NoIntent")  # the answer still means "no" to that question
    assert started(echo, content, DEEP, answered)


@pytest.mark.parametrize("audio_player", [False, True])
def test_not_sure_after_sharp_pain_stops_for_today(
        new_user: Callable[..., Echo], content: Content, audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    echo.send(echo.device.launch())
    echo.start("whole-pelvis")
    echo.say("PainIntent", quality=slot("quality", "sharp", "sharp"))
    answer = echo.say("UnsureIntent")
    assert answer["response"]["shouldEndSession"] is True
    assert "AudioPlayer.Play" not in types(answer)
    assert "stop here for today" in said(answer).lower()


def test_not_sure_never_deletes_data(new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    echo.say("PreferenceIntent", setting=slot("setting", "longer holds", "longer-holds"))
    echo.say("ForgetMeIntent")
    kept = echo.say("UnsureIntent")
    assert "kept everything" in said(kept)
    assert echo.state().safety_heard


def test_a_bare_area_to_which_would_you_like_starts_its_routine(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    echo.say("ListRoutinesIntent")
    answer = echo.say("SuggestIntent", area=slot("area", "hip flexors", "hip-flexors"))
    routine = next(a.routine for a in content.knowledge.areas if a.id == "hip-flexors")
    assert routine is not None
    assert started(echo, content, routine, answer), said(answer)


def test_a_routine_named_to_which_would_you_like_me_to_explain_is_described(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    asked = echo.say("ExplainIntent", topic=slot("topic", "stuff", None, no_match=True))
    assert "Which would you like" in said(asked)
    answer = echo.say("StartRoutineIntent",
                      routine=slot("routine", "quick release", "quick-release"))
    assert echo.state().position is None  # described, not started
    assert content.routines["quick-release"].summary in said(answer)


def test_an_area_named_to_where_do_you_feel_it_is_offered_not_started(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    asked = echo.say("SuggestIntent")
    assert "Where do you feel it?" in said(asked)
    answer = echo.say("StartRoutineIntent", area=slot("area", "lower back", "lower-back"))
    assert echo.state().position is None
    routine = next(a.routine for a in content.knowledge.areas if a.id == "lower-back")
    assert routine is not None
    assert content.routines[routine].name in said(answer) and "Shall I start" in said(answer)


@pytest.mark.parametrize(("slots", "routine"), [
    ({"area": ("glutes", "glutes")}, "glute-release"),
    ({"muscle": ("psoas", "iliopsoas")}, "hip-flexor-release"),
])
def test_working_an_area_or_a_muscle_starts_the_routine_for_it(
        new_user: Callable[..., Echo], content: Content, slots: dict[str, tuple[str, str]],
        routine: str) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    answer = echo.say("StartRoutineIntent",
                      **{n: slot(n, heard, id_) for n, (heard, id_) in slots.items()})
    if content.knowledge.screen in said(answer):  # deep pressure: asked first
        answer = echo.say("AMAZON.NoIntent")
    assert started(echo, content, routine, answer), said(answer)


def test_an_area_without_a_routine_is_not_started(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    answer = echo.say("StartRoutineIntent", area=slot("area", "leg", "leg"))
    assert echo.state().position is None
    assert "healthcare professional" in said(answer)


@pytest.mark.parametrize("audio_player", [False, True])
def test_intense_pain_heard_in_words_stops_like_sharp_pain(
        new_user: Callable[..., Echo], content: Content, audio_player: bool) -> None:
    """A quality the model did not resolve ("agonising") still stops the routine."""
    echo = new_user(audio_player=audio_player)
    echo.send(echo.device.launch())
    echo.start("whole-pelvis")
    answer = echo.say("PainIntent", quality=slot("quality", "agonising", None, no_match=True))
    for line in content.knowledge.sharp_pain:
        assert line in said(answer)
    assert "AudioPlayer.Play" not in types(answer)


def test_back_said_alone_mid_routine_goes_back_a_step(
        new_user: Callable[..., Echo], content: Content) -> None:
    """"back" is also a lower-back synonym; mid-routine, said alone, it is navigation."""
    echo = new_user(audio_player=False)
    echo.send(echo.device.launch())
    echo.start("whole-pelvis")
    echo.say("AMAZON.NextIntent")
    before = echo.state().position
    assert before is not None and before.step >= 1
    back = echo.say("SuggestIntent", area=slot("area", "back", "lower-back"))
    after = echo.state().position
    assert after is not None and after.step == before.step - 1, said(back)
    outside = new_user(audio_player=False, user_id="amzn1.ask.account.OUTSIDE")
    outside.send(outside.device.launch())
    offer = outside.say("SuggestIntent", area=slot("area", "back", "lower-back"))
    assert "Shall I start" in said(offer)  # outside a routine it is still the lower back
