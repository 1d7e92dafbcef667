"""Amazon's rule: every phrase the skill suggests ("Say next", "You can say list routines")
is in the model, and every question it asks has natural answers the model hears.

What the skill says comes from its content and from scripted conversations through
`skill.lambda_function.handler` (tests/speech_corpus.py). Each phrase is heard by both
matchers, for every locale: the console's (`approximate` counts as not understood) and
virtual-alexa's (tests/e2e/match.js, skipped without node). The expectations below are
written by hand from what each suggestion and answer is for (skill/conversation/*.py),
never copied from a matcher; a suggestion with no expectation fails, so it gets reviewed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from benchmarks.alexa_nlu import E2E, Heard, match
from skill.console.matcher import IntentMatch, Matcher
from skill.content import Content, load_content
from skill.conversation.answers import SETTINGS
from skill.conversation.convo import Asked
from skill.handlers.errors import APOLOGY
from skill.interaction.generate import LOCALES
from tests.speech_corpus import Corpus, content_lines, converse, suggestions
from tests.support.alexa import directives, past_screening
from tests.support.echo import Echo, said

ROOT = Path(__file__).resolve().parents[1]
CONTENT = load_content()
ROUTINES = {r.name: r.id for r in CONTENT.menu}
"""Routine names as spoken (the content's) -> ids: suggestions name routines this way."""


@dataclass(frozen=True)
class Want:
    """The intent (or any of a few that mean the same here) and slot ids expected."""

    intents: tuple[str, ...]
    slots: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "|".join(self.intents) + "".join(f" {k}={v}" for k, v in self.slots.items())


def w(intent: str | tuple[str, ...], **slots: str) -> Want:
    return Want((intent,) if isinstance(intent, str) else intent, slots)


YES, NO, NEXT = w("AMAZON.YesIntent"), w("AMAZON.NoIntent"), w("AMAZON.NextIntent")
UNSURE, LIST, STOP = w("UnsureIntent"), w("ListRoutinesIntent"), w("AMAZON.StopIntent")


def start(rid: str) -> Want:
    return w("StartRoutineIntent", routine=rid)


def explain(topic: str) -> Want:
    return w("ExplainIntent", topic=topic)


def area(aid: str) -> Want:
    return w("SuggestIntent", area=aid)


SAID: dict[str, Want] = {
    "next": NEXT, "previous": w("AMAZON.PreviousIntent"), "repeat": w("AMAZON.RepeatIntent"),
    "pause": w("AMAZON.PauseIntent"), "resume": w("AMAZON.ResumeIntent"), "stop": STOP,
    "start over": w("AMAZON.StartOverIntent"), "help": w("AMAZON.HelpIntent"),
    "yes": YES, "no": NO, "list routines": LIST, "that hurts": w("PainIntent"),
    "what do i need": w("EquipmentIntent"), "is this safe": w("SafetyIntent"),
    "i have a tennis ball": w("HaveEquipmentIntent", equipment="massage-ball"),
    "i have a foam roller": w("HaveEquipmentIntent", equipment="foam-roller"),
    "delete my data": w("ForgetMeIntent"), "guide me step by step": w("StepByStepIntent"),
    "longer holds": w("PreferenceIntent", setting="longer-holds"),
}
"""Suggested phrases said as they are, and what the skill means by each."""
LEADS: dict[str, tuple[str, str]] = {
    "start ": ("StartRoutineIntent", "routine"), "tell me about ": ("AboutRoutineIntent",
                                                                   "routine"),
    "": ("StartRoutineIntent", "routine")}
"""Suggestions that lead into a routine name ("start glute release") -> intent, slot."""
DESCRIBED: dict[str, str] = {
    "ask what you need": "what do i need", "what you have": "i have a foam roller",
    "name another routine": "partner stretch", "start a routine by name": "start quick release"}
"""Suggestions that describe what to say rather than quote it -> what a person says."""


def expected(phrase: str) -> tuple[str, Want] | None:
    """(what is said, what the skill expects it to mean) for a suggestion; None: unknown."""
    said_ = DESCRIBED.get(phrase, phrase)
    if said_ in SAID:
        return said_, SAID[said_]
    for lead, (intent, slot) in LEADS.items():
        if said_.startswith(lead) and said_[len(lead):] in ROUTINES:
            return said_, w(intent, **{slot: ROUTINES[said_[len(lead):]]})
    return None


SETTING_QUESTION = "setting"
""""Which setting would you like to change?" (asked with no `Asked`: any intent answers)."""
ANSWERS: dict[str, dict[str, Want]] = {
    Asked.CONTINUE: {"ready": YES, "yes": YES, "let's go": YES, "i'm in position": YES,
                     "not yet": NO, "next": NEXT, "hold on": w("AMAZON.PauseIntent")},
    Asked.RESUME: {"yes": YES, "yes please": YES, "let's go": YES, "not yet": NO, "no": NO,
                   "continue": w("AMAZON.ResumeIntent"), "something new": LIST,
                   "start something new": w(("ListRoutinesIntent", "StartRoutineIntent"))},
    Asked.SKIP: {"yes": YES, "skip it": NEXT, "no": NO, "no thanks": NO},
    Asked.ANOTHER: {"no thanks": NO, "yes": YES, "yes please": YES, "list routines": LIST,
                    "partner stretch": start("partner-stretch"), "stop": STOP},
    Asked.PICK: {**{name: start(rid) for name, rid in ROUTINES.items()},
                 "the quick one": start("quick-release"), "the whole thing": start("whole-pelvis"),
                 "the roller one": start("hip-flexor-roller"), "piriformis": explain("piriformis"),
                 "glutes": area("glutes"), "i'm not sure": UNSURE,
                 "you choose": w("SuggestIntent")},
    Asked.WHERE: {"my lower back": area("lower-back"), "in my glutes": area("glutes"),
                  "my glutes": area("glutes"), "piriformis": explain("piriformis"),
                  "the front of my hip": area("hip-flexors"), "all over": area("hips"),
                  "my hips": area("hips"), "i'm not sure": UNSURE},
    Asked.EXPLAIN: {"trigger points": explain("trigger-point"), "breathing": explain("breathing"),
                    "gluteus maximus": explain("gluteus-maximus"),
                    "gluteus medius": explain("gluteus-medius"),
                    "piriformis": explain("piriformis"),
                    "iliopsoas": explain("iliopsoas"), "why massage helps": explain("why-massage")},
    Asked.SUGGEST: {"yes": YES, "yes please": YES, "sure": YES, "no": NO, "no thanks": NO,
                    "partner stretch": start("partner-stretch")},
    Asked.AGAIN: {"yes": YES, "sure": YES, "no thanks": NO,
                  "let's swap roles": w(("AMAZON.YesIntent", "AMAZON.StartOverIntent"))},
    Asked.SCREEN: {"no": NO, "nope": NO, "no i'm not": NO, "yes": YES, "i'm not sure": UNSURE,
                   "i'm pregnant": w("ConditionIntent", condition="pregnancy")},
    Asked.CLEARED: {"yes": YES, "no": NO, "not yet": NO, "i'm not sure": UNSURE},
    Asked.MOVE_ON: {"yes": YES, "no": NO, "move on": NEXT,
                    "stop for today": w(("AMAZON.StopIntent", "AMAZON.NoIntent"))},
    Asked.FORGET: {"yes": YES, "no": NO, "yes please": YES, "no thanks": NO},
    SETTING_QUESTION: {
        "longer holds": w("PreferenceIntent", setting="longer-holds"),
        "shorter holds": w("PreferenceIntent", setting="shorter-holds"),
        "slower breathing": w("PreferenceIntent", setting="slower-breathing"),
        "faster breathing": w("PreferenceIntent", setting="faster-breathing"),
        "less talking": w("PreferenceIntent", setting="less-talking"),
        "more detail": w("PreferenceIntent", setting="more-detail"),
        "start on the left": w("PreferenceIntent", setting="start-left"),
        "right side first": w("PreferenceIntent", setting="start-right")},
}
"""Question (`Asked` value) -> natural answers -> what the skill needs to hear."""


# ------------------------------------------------------------------ what was said
@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    found = converse(tmp_path_factory.mktemp("corpus"), CONTENT)
    found.lines[:0] = list(content_lines(CONTENT))
    return found


@pytest.fixture(scope="module")
def suggested(corpus: Corpus) -> dict[str, str]:
    return suggestions(corpus.lines)


def checks(suggested: dict[str, str]) -> dict[str, tuple[str, Want]]:
    """Every phrase to hear -> (why it is checked, what it must mean)."""
    found: dict[str, tuple[str, Want]] = {}
    for phrase, line in suggested.items():
        if (known := expected(phrase)) is not None:
            found[known[0]] = (f"suggested {phrase!r} in {line[-90:]!r}", known[1])
    for question, answers in ANSWERS.items():
        for answer, want in answers.items():
            found.setdefault(answer, (f"answer to {str(question)!r}", want))
    return found


def test_the_skill_never_apologised(corpus: Corpus) -> None:
    assert not [line for line in corpus.lines if APOLOGY in line]


def test_every_suggestion_has_an_expectation(suggested: dict[str, str]) -> None:
    listing = "\n".join(f"  {p!r:32} <- {line[-100:]!r}" for p, line in sorted(suggested.items()))
    unknown = [p for p in suggested if expected(p) is None]
    assert not unknown, f"no expectation for {unknown}; every phrase found:\n{listing}"
    core = {"next", "repeat", "pause", "resume", "start over", "that hurts", "list routines",
            "yes", "no", "stop", "start glute release"}
    assert core <= set(suggested), f"extraction lost {core - set(suggested)}:\n{listing}"


def test_every_question_is_asked_and_has_answers(corpus: Corpus) -> None:
    questions = {a.value for a in Asked} - {Asked.NOTHING.value}
    assert questions <= set(ANSWERS), questions - set(ANSWERS)
    assert questions <= corpus.asked, f"never reached: {questions - corpus.asked}"
    assert any("Which setting would you like to change?" in line for line in corpus.lines)


def test_expected_slot_ids_are_content_ids() -> None:
    k = CONTENT.knowledge
    ids = {"routine": set(CONTENT.routines), "area": {a.id for a in k.areas},
           "topic": {m.id for m in k.muscles} | {t.id for t in k.topics},
           "condition": {c.id for c in k.conditions}, "equipment": {e.id for e in k.equipment},
           "setting": set(SETTINGS)}
    wants = [*SAID.values(), *(v for a in ANSWERS.values() for v in a.values())]
    wrong = [(n, v) for want in wants for n, v in want.slots.items() if v not in ids[n]]
    assert not wrong
    meanings: dict[str, set[str]] = {}
    for phrase, want in [*SAID.items(), *(i for a in ANSWERS.values() for i in a.items())]:
        meanings.setdefault(phrase, set()).add(str(want))
    assert not {p: m for p, m in meanings.items() if len(m) > 1}  # one phrase, one meaning


# ------------------------------------------------------------------ heard by both matchers
@cache
def console(locale: str) -> Matcher:
    return Matcher.from_file(ROOT / "interaction_model" / f"{locale}.json")


def console_heard(m: IntentMatch) -> str:
    slots = "".join(f" {n}={f.value_id or '?' + f.spoken}" for n, f in m.slots.items())
    return f"{m.intent}{slots}{' (approximate)' if m.approximate else ''}"


def alexa_heard(h: Heard) -> str:
    slots = "".join(f" {n}={s.id or '?' + s.value}" for n, s in h.slots.items())
    return f"{h.intent}{slots}{' error=' + h.error if h.error else ''}"


def console_ok(m: IntentMatch, want: Want) -> bool:
    return not m.approximate and m.intent in want.intents and all(
        n in m.slots and m.slots[n].value_id == v for n, v in want.slots.items())


def alexa_ok(h: Heard, want: Want) -> bool:
    return h.error is None and h.intent in want.intents and all(
        n in h.slots and h.slots[n].id == v for n, v in want.slots.items())


def needs_node() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH")
    if not (E2E / "node_modules" / "virtual-alexa").is_dir():
        pytest.skip("tests/e2e/node_modules has no virtual-alexa (scripts/bootstrap.sh)")


def failures(todo: dict[str, tuple[str, Want]], heard: dict[str, str],
             ok: dict[str, bool]) -> str:
    bad = [f"  {p!r}: expected {want}, heard {heard[p]}  [{why}]"
           for p, (why, want) in todo.items() if not ok[p]]
    return "\n".join(bad)


@pytest.mark.parametrize("locale", LOCALES)
def test_console_hears_every_suggestion_and_answer(locale: str,
                                                   suggested: dict[str, str]) -> None:
    todo = checks(suggested)
    found = {p: console(locale).match(p) for p in todo}
    bad = failures(todo, {p: console_heard(m) for p, m in found.items()},
                   {p: console_ok(found[p], want) for p, (_, want) in todo.items()})
    if bad:
        pytest.fail(f"{locale}: the console does not hear:\n{bad}")


@pytest.mark.parametrize("locale", LOCALES)
def test_virtual_alexa_hears_every_suggestion_and_answer(locale: str,
                                                         suggested: dict[str, str]) -> None:
    needs_node()
    todo = checks(suggested)
    found = dict(zip(todo, match(ROOT / "interaction_model" / f"{locale}.json", list(todo)),
                     strict=True))
    bad = failures(todo, {p: alexa_heard(h) for p, h in found.items()},
                   {p: alexa_ok(found[p], want) for p, (_, want) in todo.items()})
    if bad:
        pytest.fail(f"{locale}: virtual-alexa does not hear:\n{bad}")


# ------------------------------------------------------------------ answers, end to end
def talk(echo: Echo, locale: str = "en-US") -> Callable[[str], dict[str, Any]]:
    """Say a phrase: the IntentRequest the console's matcher makes of it, in `locale`."""
    echo.device.factory.locale = locale

    def say(phrase: str) -> dict[str, Any]:
        return echo.send(echo.device.factory.intent(console(locale).match(phrase)))

    return say


def asked(response: dict[str, Any]) -> dict[str, Any]:
    return dict((response.get("sessionAttributes") or {}).get("convo") or {})


def test_a_muscle_named_to_which_would_you_like_starts_its_routine(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    say = talk(echo)
    echo.send(echo.device.launch())
    assert asked(say("list routines"))["asked"] == Asked.PICK
    started = past_screening(echo.send, echo.device, say("piriformis"))
    _, first = content.steps_of(content.routines["piriformis-release"])[0]
    assert first.title in said(started) and asked(started)["asked"] == Asked.CONTINUE
    assert content.muscle("piriformis").what not in said(started)  # no explanation
    position = echo.state().position
    assert position is not None and position.routine == "piriformis-release"


def test_a_muscle_named_to_where_do_you_feel_it_offers_its_routine(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=False)
    say = talk(echo)
    echo.send(echo.device.launch())
    assert asked(say("which one should i do"))["asked"] == Asked.WHERE
    offer = say("piriformis")
    piriformis = next(a for a in content.knowledge.areas if a.id == "piriformis")
    assert piriformis.why in said(offer)
    assert (asked(offer)["asked"], asked(offer)["suggested"]) == (Asked.SUGGEST,
                                                                  "piriformis-release")
    assert echo.state().position is None  # offered, not started


def test_not_sure_to_the_screening_question_starts_no_deep_pressure(
        new_user: Callable[..., Echo], content: Content) -> None:
    echo = new_user(audio_player=True)
    say = talk(echo)
    echo.send(echo.device.launch())
    question = say("start glute release")
    assert content.knowledge.screen in said(question)
    answer = say("i'm not sure")
    assert all(line in said(answer) for line in content.knowledge.screen_flagged)
    assert "AudioPlayer.Play" not in [d["type"] for d in directives(answer)]
    state = echo.state()
    assert state.position is None and state.conditions and state.history.sessions == 0


@pytest.mark.parametrize("locale", LOCALES)
def test_a_conversation_in_each_locale(locale: str, new_user: Callable[..., Echo]) -> None:
    echo = new_user(audio_player=False)
    say = talk(echo, locale)
    replies = [echo.send(echo.device.launch())]
    replies += [say(p) for p in ("list routines", "glute release", "no", "what do i need",
                                 "repeat", "pause")]
    for reply in replies:
        assert said(reply) and APOLOGY not in said(reply), reply
    assert echo.state().position is not None  # glute release was started and saved
