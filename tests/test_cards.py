"""Cards in the Alexa app: the routine started, each step as it is coached or sent to play,
and the summary at the end, so a person can read back what was said; never a card in an
answer to an AudioPlayer or PlaybackController request (Alexa refuses those).

Through `SkillApp.handle`, as Lambda calls it. Expected text comes from the content (the
guide's own data) and from what the skill said aloud, not from the card code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from skill.app import SkillApp
from skill.content import Content, load_content
from skill.core.limits import MAX_CARD_CHARS
from skill.core.record import replace
from skill.handlers.cards import fit
from skill.settings import Settings
from tests.conftest import Clock
from tests.support.alexa import Device, directives, plain, slot, speech, start_screened
from tests.support.fake_tracks import FakeTracks

Json = dict[str, Any]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def card(body: Json) -> dict[str, str] | None:
    found: dict[str, str] | None = body["response"].get("card")
    if found is not None:
        assert found["type"] == "Simple"
        assert len(found["title"]) + len(found["content"]) <= MAX_CARD_CHARS
    return found


def first_line(content: Content, routine: str, step: int, side: str) -> str:
    _, s = content.steps_of(content.routines[routine])[step]
    return s.say[0].replace("{side}", side)


def coach_through(app: SkillApp, device: Device, routine: str) -> list[Json]:
    """Every response of a dialog-mode routine, from its start to its end."""
    def send(envelope: Json) -> Json:
        return device.receive(app.handle(envelope))

    bodies = [start_screened(app.handle, device, routine)]
    while "Would you like another routine" not in plain(speech(bodies[-1])):
        assert len(bodies) < 30, "the routine never ended"
        bodies.append(send(device.intent("AMAZON.YesIntent")))
    return bodies


def test_a_coached_routine_cards_its_start_each_step_and_its_end(
        make_app: Callable[..., SkillApp], content: Content) -> None:
    routine = "whole-pelvis"
    steps = content.steps_of(content.routines[routine])
    bodies = coach_through(make_app(), Device(), routine)

    start = card(bodies[0])
    assert start is not None and start["title"].lower() == content.routines[routine].name
    minutes = re.search(r"about (\d+) minutes", plain(speech(bodies[0])))
    assert minutes is not None and f"About {minutes.group(1)} minutes" in start["content"]
    assert "massage ball" in start["content"]  # the equipment said aloud
    assert next(r.text for r in content.knowledge.safety if r.key) in start["content"]
    assert content.knowledge.disclaimer in start["content"]
    for _, s in steps:  # the whole routine, listed
        assert s.title.lower() in start["content"].lower()
    assert f"Step 1 of {len(steps)}" in start["content"]
    assert first_line(content, routine, 0, "left") in start["content"]

    carded = {int(m.group(1)) for b in bodies[1:] if (c := card(b))
              for m in [re.search(r"Step (\d+) of", c["content"])] if m}
    assert carded == set(range(2, len(steps) + 1))  # every later step, once it is coached
    for body in bodies[1:]:  # a card only where a step begins, or the routine ends
        said = plain(speech(body))
        if card(body) is None:
            assert not re.search(r"\bStep \d+:", said), said
    end = card(bodies[-1])
    assert end is not None and end["title"].lower().endswith("done")
    assert f"{len(steps)} steps" in end["content"] and "Streak: 1 day" in end["content"]
    assert "1 session" in end["content"]
    assert first_line(content, routine, len(steps) - 1, "left") in end["content"]


def test_a_step_split_over_turns_is_carded_once_where_it_begins(
        make_app: Callable[..., SkillApp], content: Content) -> None:
    """Long holds split each side of a step into its own turn: the second turn (the other
    side) says no "Step N" and gets no second card of the same step."""
    app, device = make_app(), Device()
    for _ in range(2):
        device.receive(app.handle(device.intent("PreferenceIntent", setting=slot(
            "setting", "make the holds longer", "longer-holds"))))
    bodies = coach_through(app, device, "whole-pelvis")
    steps = len(content.steps_of(content.routines["whole-pelvis"]))
    assert len(bodies) > steps + 1  # some step did take two turns
    for body in bodies[1:-1]:
        begins = re.search(r"\bStep \d+[:,]", plain(speech(body))) is not None
        assert (card(body) is not None) == begins, plain(speech(body))[:80]
    assert sum(card(b) is not None for b in bodies[:-1]) == steps  # one card a step
    end = card(bodies[-1])
    assert end is not None and end["title"].endswith("done")


def test_the_summary_counts_the_streak_across_days(make_app: Callable[..., SkillApp],
                                                   clock: Clock) -> None:
    app, device = make_app(), Device()
    coach_through(app, device, "quick-release")
    clock.now += timedelta(days=1)
    end = card(coach_through(app, device, "quick-release")[-1])
    assert end is not None
    assert "Streak: 2 days in a row" in end["content"] and "2 sessions" in end["content"]


def test_a_routine_done_in_one_turn_cards_its_start_and_its_summary_together(
        make_app: Callable[..., SkillApp], content: Content) -> None:
    app, device = make_app(), Device()
    for _ in range(2):
        device.receive(app.handle(device.intent("PreferenceIntent", setting=slot(
            "setting", "make the holds shorter", "shorter-holds"))))
    bodies = coach_through(app, device, "quick-release")
    assert len(bodies) == 1  # one step, one turn: started and finished in one response
    got = card(bodies[0])
    assert got is not None and got["title"].lower() == "quick release: done"
    assert "massage ball" in got["content"] and content.knowledge.disclaimer in got["content"]
    assert first_line(content, "quick-release", 0, "left") in got["content"]
    assert "You finished quick release" in got["content"]


def test_brief_instructions_are_carded_as_they_were_said(
        make_app: Callable[..., SkillApp], content: Content) -> None:
    app, device = make_app(), Device()
    coach_through(app, device, "quick-release")  # done once: brief from now on
    again = start_screened(app.handle, device, "quick-release")
    _, s = content.steps_of(content.routines["quick-release"])[0]
    brief = s.brief[0].replace("{side}", "left")
    got = card(again)
    assert got is not None and brief in got["content"] and brief in plain(speech(again))


@pytest.fixture
def streaming(settings: Settings, make_app: Callable[..., SkillApp],
              content: Content) -> SkillApp:
    return make_app(settings=replace(settings, streaming=True), tracks=FakeTracks(content))


def test_streaming_cards_go_with_spoken_plays_and_never_with_player_requests(
        streaming: SkillApp, content: Content) -> None:
    routine = "glute-release"
    device = Device(audio_player=True)
    version = content.version

    def send(envelope: Json) -> Json:
        return device.receive(streaming.handle(envelope))

    def token(step: int, side: int) -> str:
        return f"hc1:{routine}:{step}:{side}:{version}"

    def silent(body: Json) -> None:
        assert "card" not in body["response"] and "outputSpeech" not in body["response"]

    start = start_screened(streaming.handle, device, routine)
    assert [d["type"] for d in directives(start)] == ["AudioPlayer.Play"]
    first = card(start)
    assert first is not None and "Left side." in first["content"]
    assert first_line(content, routine, 0, "left") in first["content"]
    assert "Steps:" in first["content"]  # later tracks are enqueued without a card

    for kind, track, offset in (("PlaybackStarted", (0, 0), 0),
                                ("PlaybackNearlyFinished", (0, 0), 50_000),  # enqueues (0, 1)
                                ("PlaybackFinished", (0, 0), 60_000),
                                ("PlaybackStarted", (0, 1), 0)):
        silent(send(device.audio_event(kind, token(*track), offset)))
    device.player = {"token": token(0, 1), "offsetInMilliseconds": 5_000,
                     "playerActivity": "PLAYING"}
    nxt = send(device.intent("AMAZON.NextIntent"))
    moved = card(nxt)
    assert [d["type"] for d in directives(nxt)] == ["AudioPlayer.Play"]
    assert moved is not None and moved["title"].lower().endswith("step 2")
    assert first_line(content, routine, 1, "left") in moved["content"]
    assert "Left side." in moved["content"]
    silent(send(device.controller("Next")))  # the device's button: no card allowed
    device.player = {"token": token(1, 1), "offsetInMilliseconds": 3_000,
                     "playerActivity": "PLAYING"}
    paused = send(device.intent("AMAZON.PauseIntent"))
    assert card(paused) is None  # nothing new to read back
    device.player = {"token": token(1, 1), "offsetInMilliseconds": 3_000,
                     "playerActivity": "STOPPED"}
    silent(send(device.audio_event("PlaybackStopped", token(1, 1), 3_000)))
    resumed = send(device.intent("AMAZON.ResumeIntent"))
    again = card(resumed)
    assert again is not None and "Right side." in again["content"]
    assert first_line(content, routine, 1, "right") in again["content"]


@pytest.mark.parametrize("routine", list(load_content().routines))
def test_every_start_card_fits_alexas_card_limit(make_app: Callable[..., SkillApp],
                                                 routine: str) -> None:
    got = card(start_screened(make_app().handle, Device(), routine))
    assert got is not None and got["content"]


def test_an_overlong_card_is_cut_at_a_line_within_the_limit() -> None:
    lines = "\n".join(f"line {i} " + "x" * 90 for i in range(200))
    cut = fit("Title", lines)
    assert len(cut.title) + len(cut.content) <= MAX_CARD_CHARS
    assert cut.content.endswith("...") and cut.content[:-3] in lines
    assert cut.content[:-3].split("\n")[-1] in lines.split("\n")  # a whole line, not half
    assert fit("Title", "short").content == "short"


@pytest.mark.parametrize("routine", ["glute-release", "whole-pelvis"])
def test_a_step_card_names_the_muscle_its_screen_shows(make_app: Callable[..., SkillApp],
                                                       content: Content, routine: str) -> None:
    """The card and the Echo Show's screen describe the same step: one muscle, not the
    technique's whole list on the card and one of them on the screen."""
    bodies = coach_through(make_app(), Device(screen=True), routine)
    pairs = []
    for body in bodies:
        shown = [d["datasources"]["payload"] for d in directives(body)
                 if d["type"] == "Alexa.Presentation.APL.RenderDocument"]
        carded = card(body)
        if not shown or shown[0].get("kind") not in ("step", "end") or carded is None:
            continue
        works = re.search(r"Works: (.+)\.$", carded["content"], re.M)
        if works is None:  # a start card: its step is the first, later in the text
            continue
        pairs.append((works.group(1), shown[0]["muscle"]))
    assert len(pairs) >= 2
    for on_card, on_screen in pairs:
        assert on_card == on_screen
    several = [t for t, _ in content.steps_of(content.routines[routine]) if len(t.muscles) > 1]
    assert several, "no step here works several muscles: this test could not fail"
