"""Whole conversations, turn by turn, as a user on a smart speaker would have them.

Each `Talk` carries one user's device session like Alexa does (session attributes kept,
a new session after a response that ends one) and checks EVERY response it receives
against the platform rules (tests/support/response_check.py): an open session always has
a reprompt, the SSML parses, uses supported tags, breaks stay within 10 s and documents
within 8,000 characters. Expected words come from the content (skill/content/*.yaml), so
the tests check what the user hears, not how the handlers are written.

Dialog mode only (no progressive responses, no streaming); a temp SQLite per test.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import statistics
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.content import load_content
from skill.core.preferences import BreathPace, HoldLength
from skill.core.timeline import estimate_speech_ms
from skill.settings import Settings
from skill.state import UserState
from tests.support.alexa import Device, fixture, past_screening, plain, reprompt, slot, speech
from tests.support.response_check import assert_valid_response, response_problems
from tests.support.ssml_check import break_times_ms, items, play_ms

CONTENT = load_content()
KNOWLEDGE = CONTENT.knowledge
CUES = CONTENT.cues
GLUTE = CONTENT.routines["glute-release"]
STEP_TITLES = [step.title for _, step in CONTENT.steps_of(GLUTE)]
KEY_RULE = next(rule.text for rule in KNOWLEDGE.safety if rule.key)
ROUTINE_NAMES = [r.name for r in CONTENT.routines.values()]
OTHER_USER = "amzn1.ask.account.SECONDUSER0002"
MAX_TURNS = 12


def _cue_pattern(name: str, **fields: str) -> re.Pattern[str]:
    """Any phrasing of cue `name` with its placeholders filled, as a regex."""
    options = []
    for text in CUES.get(name):
        parts = re.split(r"(\{\w+\})", text)
        options.append(
            "".join(
                fields.get(p[1:-1], ".+?") if p.startswith("{") else re.escape(p) for p in parts
            )
        )
    return re.compile("|".join(f"(?:{o})" for o in options), re.IGNORECASE)


SWITCH_TO_RIGHT = _cue_pattern("switch_sides", side="right")
ROUTINE_DONE = _cue_pattern("routine_done")
SIDE_QUESTION = _cue_pattern("side_question")
BREATHE_IN = set(CUES.get("breathe_in"))


def said(response: dict[str, Any]) -> str:
    return plain(speech(response))


class Talk:
    """One user talking to the skill; every response is checked as it arrives."""

    def __init__(self, app: SkillApp, device: Device) -> None:
        self.app, self.device = app, device
        self.responses: list[tuple[str, dict[str, Any]]] = []

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        response = self.app.handle(envelope)
        kind = envelope["request"]["type"]
        label = envelope["request"].get("intent", {}).get("name", kind)
        assert_valid_response(response, kind)
        self.responses.append((label, response))
        return self.device.receive(response)

    def launch(self) -> dict[str, Any]:
        return self.send(self.device.launch())

    def say(self, intent: str, **slots: dict[str, Any]) -> dict[str, Any]:
        return self.send(self.device.intent(intent, **slots))

    def start(self, routine_id: str = "glute-release") -> dict[str, Any]:
        return past_screening(self.send, self.device, self.send(self.device.start(routine_id)))

    def new_session(self) -> None:
        """The next request opens a new session (the user comes back another time)."""
        self.device.session_id = None
        self.device.attributes = {}

    def until_done(self, intent: str = "AMAZON.NextIntent") -> list[dict[str, Any]]:
        """Keep saying `intent` until the routine-complete turn (bounded)."""
        turns = []
        for _ in range(MAX_TURNS):
            turns.append(self.say(intent))
            if ROUTINE_DONE.search(said(turns[-1])):
                return turns
        raise AssertionError(f"routine not complete after {MAX_TURNS} turns")


@pytest.fixture
def new_talk(make_app: Callable[..., SkillApp]) -> Iterator[Callable[..., Talk]]:
    """Talks share one skill (one SQLite file); each gets its own user and device."""
    app = make_app()
    talks: list[Talk] = []

    def build(user_id: str = Device().user_id) -> Talk:
        talks.append(Talk(app, Device(user_id=user_id)))
        return talks[-1]

    yield build
    # (7) a final pass over every response of the test (each was also checked on arrival).
    for talk in talks:
        for label, response in talk.responses:
            assert not response_problems(response), label


@pytest.fixture
def talk(new_talk: Callable[..., Talk]) -> Talk:
    return new_talk()


def saved_state(settings: Settings, user_id: str = Device().user_id) -> UserState:
    """The user's state as stored in SQLite, read through the persistence adapter."""
    env = fixture("envelope")
    env["context"]["System"]["user"]["userId"] = user_id
    env["session"]["user"]["userId"] = user_id
    request = DefaultSerializer().deserialize(json.dumps(env), RequestEnvelope)
    return UserState.from_dict(SqliteAdapter(settings.db_path).get_attributes(request))


def breath_in_phases(ssml: str) -> list[int]:
    """ms from each breathe-in cue to the next thing said: the cue plus its silence."""
    played = items(ssml)
    phases = []
    for i, (kind, value) in enumerate(played[:-1]):
        if kind == "say" and value in BREATHE_IN and played[i + 1][0] == "break":
            phases.append(estimate_speech_ms(str(value)) + int(played[i + 1][1]))
    return phases


def standard_run(new_talk: Callable[..., Talk]) -> list[dict[str, Any]]:
    """Another first-time user doing glute release with default preferences."""
    other = new_talk(OTHER_USER)
    other.launch()
    return [other.start(), *other.until_done()]


# ------------------------------------------------------------------ (1) a whole routine


def test_glute_release_from_launch_to_goodbye(talk: Talk) -> None:
    first = talk.launch()
    welcome = said(first)
    assert KNOWLEDGE.disclaimer in welcome
    assert KEY_RULE in welcome

    turns = [talk.start(), *talk.until_done()]
    assert len(turns) >= len(STEP_TITLES)
    assert "another routine" in said(turns[-1]).lower()
    bye = talk.say("AMAZON.StopIntent")
    assert bye["response"]["shouldEndSession"] is True
    assert "goodbye" in said(bye).lower()

    text = " ".join(said(t) for t in turns)
    starts = [text.find(title) for title in STEP_TITLES]
    assert all(s >= 0 for s in starts), f"step titles missing: {STEP_TITLES} / {starts}"
    assert starts == sorted(starts), "steps out of order"
    for n, start in enumerate(starts):
        part = text[start : starts[n + 1] if n + 1 < len(starts) else len(text)]
        assert SWITCH_TO_RIGHT.search(part), f"step {n + 1}: no switch to the right side"
        assert "left" in part and "right" in part, f"step {n + 1}: a side is missing"


def test_history_and_welcome_back_after_a_completed_routine(talk: Talk) -> None:
    talk.launch()
    talk.start()
    talk.until_done("AMAZON.YesIntent")
    talk.say("AMAZON.StopIntent")

    again = talk.launch()
    text = said(again).lower()
    assert "welcome back" in text
    assert KNOWLEDGE.disclaimer.lower() not in text
    progress = said(talk.say("ProgressIntent"))
    assert re.search(r"\b1 session\b", progress), progress


def test_repeat_right_after_the_routine_replays_its_last_turn(talk: Talk,
                                                             settings: Settings) -> None:
    talk.launch()
    talk.start()
    last = talk.until_done()[-1]
    before = saved_state(settings).history
    again = talk.say("AMAZON.RepeatIntent")
    # the last turn again (not the welcome from before the routine), counted once
    assert ROUTINE_DONE.search(said(again)) and "welcome" not in said(again).lower()
    assert break_times_ms(speech(again)) == break_times_ms(speech(last))
    assert saved_state(settings).history == before and before.completed == {GLUTE.id: 1}
    # after another answer, "repeat" repeats that answer
    ease = said(talk.say("PainIntent"))
    assert said(talk.say("AMAZON.RepeatIntent")) == ease


# --------------------------------------------------------------- (2) stop and come back


def _stop_after_step_1(talk: Talk) -> None:
    talk.launch()
    step1 = talk.start()
    assert STEP_TITLES[0] in said(step1) and STEP_TITLES[1] not in said(step1)
    bye = talk.say("AMAZON.StopIntent")
    assert bye["response"]["shouldEndSession"] is True


def test_launch_after_stopping_offers_to_continue(talk: Talk) -> None:
    _stop_after_step_1(talk)
    offer = said(talk.launch()).lower()
    assert "welcome back" in offer and "continue" in offer and GLUTE.name in offer


def test_launch_after_stopping_offers_step_2(talk: Talk) -> None:
    _stop_after_step_1(talk)
    offer = said(talk.launch())
    assert "step 2" in offer.lower() and STEP_TITLES[1] in offer, offer


def test_yes_to_the_offer_continues_at_step_2(talk: Talk) -> None:
    _stop_after_step_1(talk)
    talk.launch()
    text = said(talk.say("AMAZON.YesIntent"))
    assert STEP_TITLES[1] in text, text[:300]
    assert STEP_TITLES[0] not in text, text[:300]


def test_resume_in_a_new_session_continues_at_step_2(talk: Talk) -> None:
    _stop_after_step_1(talk)
    talk.new_session()
    text = said(talk.say("AMAZON.ResumeIntent"))
    assert STEP_TITLES[1] in text, text[:300]
    assert STEP_TITLES[0] not in text, text[:300]


def test_resume_in_a_new_session_keeps_the_routine(talk: Talk) -> None:
    """Whatever the step, resume picks up glute release (not a routine list, not step 0 of
    something else) and the user's place survives the new session."""
    _stop_after_step_1(talk)
    talk.new_session()
    text = said(talk.say("AMAZON.ResumeIntent"))
    assert any(title in text for title in STEP_TITLES), text[:300]
    assert "hold" in text.lower()


# ------------------------------------------------------------------------- (3) pain


def test_that_hurts_eases_off_and_offers_a_skip_without_changing_settings(
    talk: Talk, settings: Settings
) -> None:
    talk.launch()
    talk.start()
    hurt = said(talk.say("PainIntent"))
    for line in CONTENT.techniques["glute-ball"].ease_off:
        assert line in hurt
    assert "skip" in hurt
    assert saved_state(settings).prefs.breath is BreathPace.NORMAL  # nothing behind our back

    step2 = talk.say("AMAZON.YesIntent")
    assert STEP_TITLES[1] in said(step2)
    assert STEP_TITLES[0] not in said(step2)


def test_no_to_the_skip_offer_redoes_the_step_with_slower_breathing_for_it_alone(
        talk: Talk, new_talk: Callable[..., Talk], settings: Settings) -> None:
    talk.launch()
    first = talk.start()
    talk.say("PainIntent")
    again = talk.say("AMAZON.NoIntent")
    assert STEP_TITLES[0] in said(again) and "slower breathing" in said(again).lower()
    before, after = breath_in_phases(speech(first)), breath_in_phases(speech(again))
    # The breathe-in cue and its silence last longer: the breathing really slowed down.
    assert statistics.median(after) >= statistics.median(before) + 500, (before, after)
    assert saved_state(settings).prefs.breath is BreathPace.NORMAL
    step2 = talk.say("AMAZON.NextIntent")
    normal = standard_run(new_talk)[1]
    assert breath_in_phases(speech(step2)) == breath_in_phases(speech(normal))


def test_sharp_pain_stops_the_step_and_mentions_a_professional(talk: Talk) -> None:
    talk.launch()
    talk.start()
    sharp = talk.say("PainIntent", quality=slot("quality", "shooting", "sharp"))
    text = said(sharp).lower()
    assert "stop" in text
    assert "healthcare professional" in text
    assert not any(cue.lower() in text for cue in BREATHE_IN), "the step went on"
    nxt = talk.say("AMAZON.NextIntent")  # step 2 works the same muscles: not today
    assert STEP_TITLES[1] not in said(nxt)


def test_sharp_pain_said_in_words_is_also_sharp(talk: Talk) -> None:
    """Entity resolution failed but the user said "stabbing": still treated as sharp."""
    talk.launch()
    talk.start()
    sharp = talk.say("PainIntent", quality=slot("quality", "stabbing", no_match=True))
    assert "healthcare professional" in said(sharp).lower()


# ------------------------------------------------------------------- (4) preferences


def _turns_play_ms(turns: list[dict[str, Any]]) -> int:
    return sum(play_ms(speech(t), estimate_speech_ms) for t in turns)


def test_longer_holds_apply_from_the_next_step(
    talk: Talk, new_talk: Callable[..., Talk], settings: Settings
) -> None:
    talk.launch()
    step1 = talk.start()
    changed = said(
        talk.say("PreferenceIntent", setting=slot("setting", "longer holds", "longer-holds"))
    ).lower()
    assert "longer holds" in changed and "next step" in changed
    assert saved_state(settings).prefs.hold is HoldLength.LONG

    again = talk.say("AMAZON.RepeatIntent")  # the current step keeps its pacing
    assert STEP_TITLES[0] in said(again)
    assert break_times_ms(speech(again)) == break_times_ms(speech(step1))

    step2_turns = talk.until_done()
    assert STEP_TITLES[1] in said(step2_turns[0])

    standard = standard_run(new_talk)
    assert break_times_ms(speech(standard[0])) == break_times_ms(speech(step1))
    longer, normal = _turns_play_ms(step2_turns), _turns_play_ms(standard[1:])
    # Holds go from the middle (60 s) to the top (90 s) of the 30-90 s range, on both sides.
    assert 55_000 <= longer - normal <= 70_000, (longer, normal)


# --------------------------------------------------------------------- (5) forget me


def test_forget_me_deletes_everything(talk: Talk, settings: Settings) -> None:
    talk.launch()
    talk.start()
    talk.say("PreferenceIntent", setting=slot("setting", "longer holds", "longer-holds"))
    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 1

    asked = talk.say("ForgetMeIntent")
    assert asked["response"]["shouldEndSession"] is False  # asked once first
    bye = talk.say("AMAZON.YesIntent")
    assert bye["response"]["shouldEndSession"] is True
    assert "deleted" in said(bye).lower()
    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0

    welcome = said(talk.launch())
    assert KNOWLEDGE.disclaimer in welcome and "welcome back" not in welcome.lower()
    assert "haven't done a routine" in said(talk.say("ProgressIntent"))


# -------------------------------------------------- (6) help, fallback, choices, timeouts


def test_help_differs_inside_and_outside_a_routine(talk: Talk) -> None:
    talk.launch()
    outside = said(talk.say("AMAZON.HelpIntent"))
    talk.start()
    inside = said(talk.say("AMAZON.HelpIntent"))
    assert outside != inside
    assert "list routines" in outside.lower()
    assert STEP_TITLES[0] in inside and "next" in inside and "repeat" in inside
    # Help is not a dead end: the routine goes on from where it was.
    assert STEP_TITLES[1] in said(talk.say("AMAZON.NextIntent"))


def test_fallback_says_what_can_be_said_at_that_point(talk: Talk) -> None:
    talk.launch()
    outside = said(talk.say("AMAZON.FallbackIntent")).lower()
    assert "list routines" in outside and "start glute release" in outside
    talk.start()
    inside = said(talk.say("AMAZON.FallbackIntent")).lower()
    assert "next" in inside and "repeat" in inside and "pause" in inside
    assert "list routines" not in inside
    assert STEP_TITLES[1] in said(talk.say("AMAZON.NextIntent"))


@pytest.mark.parametrize(
    "routine_slot",
    [
        pytest.param(slot("routine", "banana bread", no_match=True), id="no-match"),
        pytest.param(slot("routine", "yoga flow"), id="unresolved-value"),
        pytest.param(slot("routine", "yoga flow", "yoga-flow"), id="unknown-id"),
        pytest.param(slot("routine", None), id="empty-slot"),
        pytest.param(None, id="no-slot"),
    ],
)
def test_start_without_a_known_routine_lists_the_choices_briefly(
    talk: Talk, routine_slot: dict[str, Any] | None
) -> None:
    talk.launch()
    reply = (
        talk.say("StartRoutineIntent", routine=routine_slot)
        if routine_slot
        else talk.say("StartRoutineIntent")
    )
    text = said(reply)
    assert all(name in text for name in ROUTINE_NAMES), text
    assert len(text.split()) <= 60, f"not brief: {len(text.split())} words"
    assert reply["response"]["shouldEndSession"] is False
    assert not any(title in text for title in STEP_TITLES), "a routine started anyway"
    chosen = talk.start()
    assert STEP_TITLES[0] in said(chosen)


def test_endpoint_timeout_is_logged_and_progress_kept(
    talk: Talk, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    talk.launch()
    talk.start()
    with caplog.at_level(logging.INFO, logger="hipcoach"):
        ended = talk.send(talk.device.ended("ERROR", "ENDPOINT_TIMEOUT"))
    assert not speech(ended)
    logged = [r for r in caplog.records if "ENDPOINT_TIMEOUT" in r.getMessage()]
    assert logged and all(r.levelno >= logging.WARNING for r in logged), caplog.text
    assert "test-api-access-token" not in caplog.text
    state = saved_state(settings)
    assert state.position is not None and state.position.routine == GLUTE.id
    offer = said(talk.launch()).lower()
    assert "continue" in offer and GLUTE.name in offer


def test_user_initiated_session_end_is_quiet_and_keeps_progress(
    talk: Talk, settings: Settings
) -> None:
    talk.launch()
    talk.start()
    ended = talk.send(talk.device.ended())
    assert not speech(ended)
    state = saved_state(settings)
    assert state.position is not None and state.position.routine == GLUTE.id


# ------------------------------------------------------------ (7) every intent, anywhere

EVERY_INTENT = [
    "AMAZON.HelpIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.NextIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "AMAZON.ResumeIntent",
    "ListRoutinesIntent",
    "ExplainIntent",
    "EquipmentIntent",
    "SafetyIntent",
    "PainIntent",
    "PreferenceIntent",
    "ProgressIntent",
    "StepByStepIntent",
    "AMAZON.PauseIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent",
]


@pytest.mark.parametrize("where", ["outside", "mid-step", "step-done", "after-done"])
def test_every_intent_at_every_point_gives_a_valid_answer(talk: Talk, where: str) -> None:
    """Each intent said at a point of the conversation: a valid response, never a crash or
    an apology, and an open session always prompts."""

    def reach() -> None:
        talk.launch()
        if where == "outside":
            return
        talk.say("PreferenceIntent", setting=slot("setting", "longer holds", "longer-holds"))
        first = talk.start()
        if where == "mid-step":  # detailed step 1 at long holds: a side per turn
            assert SIDE_QUESTION.search(said(first)), "step 1 was not cut after the first side"
        elif where == "step-done":
            talk.say("AMAZON.NextIntent")
        elif where == "after-done":
            talk.until_done()

    for intent in EVERY_INTENT:
        talk.new_session()
        reach()
        reply = talk.say(intent)
        text = said(reply)
        assert text, intent
        assert "something went wrong" not in text.lower(), (intent, text)
    assert len(talk.responses) >= 2 * len(EVERY_INTENT)
    open_ = [r for _, r in talk.responses if r["response"].get("shouldEndSession") is False]
    assert open_ and all(plain(reprompt(r)) for r in open_)
