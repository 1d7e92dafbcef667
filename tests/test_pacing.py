"""The pacing engine: every step of every routine, under every preference, to the millisecond.

What a user would notice: a hold that is not as long as they chose, a gap or an overlap
in the coaching, sides in the wrong order or named wrongly, breathing cues that drift
from the chosen pace, no "last few breaths" on a long hold, a session that sounds the
same whatever the seed, or a hold outside the step's safe range.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.content import load_content
from skill.content.model import Side, Step, Technique
from skill.core.pacing import MIN_PHASE_MS, pace, pace_step
from skill.core.plan import PlannedStep, step_timeline, steps
from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences
from skill.core.record import replace
from skill.core.timeline import HOLD_KINDS, Event, EventKind, Timeline, estimate_speech_ms

CONTENT = load_content()

ALL_PREFS = [Preferences(h, b, d, s) for h, b, d, s in
             itertools.product(HoldLength, BreathPace, Detail, Side)]
"""3 hold lengths x 3 breath paces x 2 detail levels x 2 first sides."""

ROUTINE_STEPS = [(r.id, p) for r in CONTENT.routines.values() for p in steps(CONTENT, r)]
UNIQUE_STEPS = list({(t.id, s.id): (t, s) for t in CONTENT.techniques.values()
                     for s in t.steps}.values())

SECONDS = re.compile(r"\d+")


# --------------------------------------------------------------------------- helpers

def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def hold_events(tl: Timeline, span: tuple[int, int]) -> list[Event]:
    start, end = span
    return [e for e in tl.events if start <= e.start_ms < end]


def check_tiling(events: tuple[Event, ...]) -> None:
    """Back to back from 0: no gaps, no overlaps, positive durations, speech fits."""
    assert events, "no events"
    assert events[0].start_ms == 0
    for prev, e in itertools.pairwise(events):
        assert e.start_ms == prev.end_ms, f"gap/overlap before {e}"
    for e in events:
        assert e.duration_ms > 0, e
        assert 0 <= e.speech_ms <= e.duration_ms, e
        if e.text:
            assert "{" not in e.text and "}" not in e.text, f"unformatted placeholder: {e.text}"


def check_holds(tl: Timeline, technique: Technique, hold_ms: int) -> list[tuple[int, int]]:
    holds = tl.holds()
    assert len(holds) == (2 if technique.per_side else 1), holds
    for start, end in holds:
        assert abs((end - start) - hold_ms) <= 1000, (end - start, hold_ms)
        assert end - start == hold_ms, "hold should be exact to the millisecond"
    assert tl.hold_ms == hold_ms
    return holds


def check_breaths(tl: Timeline, span: tuple[int, int], prefs: Preferences) -> None:
    """Inside a hold: only breath-phase events, alternating in/out at the chosen pace."""
    inhale, exhale = prefs.breath_ms()
    phases = hold_events(tl, span)
    assert phases, "a hold with no breath phases"
    assert phases[0].start_ms == span[0] and phases[-1].end_ms == span[1]
    for i, e in enumerate(phases):
        assert e.kind in HOLD_KINDS, f"{e.kind} inside a hold"
        want = "in" if i % 2 == 0 else "out"
        assert e.breath == want, f"phase {i} is {e.breath!r}, expected {want!r}"
        nominal = inhale if want == "in" else exhale
        if i < len(phases) - 1:
            assert e.duration_ms == nominal, (i, e.duration_ms, nominal)
        else:  # the last phase may be cut short by the end or absorb a short tail
            assert MIN_PHASE_MS <= e.duration_ms < nominal + MIN_PHASE_MS, (e, nominal)


def check_callouts(tl: Timeline, span: tuple[int, int], prefs: Preferences,
                   hold_ms: int) -> None:
    """Long holds say how long is left; the number said matches the time actually left."""
    inhale, exhale = prefs.breath_ms()
    callouts = [e for e in hold_events(tl, span) if e.kind is EventKind.TIME_LEFT and e.text]
    if hold_ms >= 25_000:
        late = [e for e in callouts if e.start_ms >= span[1] - 2 * (inhale + exhale)]
        assert late, f"no 'last few breaths' callout near the end of a {hold_ms} ms hold"
    if hold_ms >= 45_000:
        counted = [e for e in callouts if SECONDS.search(e.text)]
        assert counted, f"no 'N seconds left' callout on a {hold_ms} ms hold"
    for e in callouts:
        m = SECONDS.search(e.text)
        if m:
            left_s = (span[1] - e.start_ms) / 1000
            assert abs(left_s - int(m.group())) <= 3, f"says {e.text!r} with {left_s} s left"


def check_sides(tl: Timeline, technique: Technique, prefs: Preferences) -> None:
    switches = [i for i, e in enumerate(tl.events) if e.kind is EventKind.SWITCH_SIDES]
    if not technique.per_side:
        assert not switches
        assert all(e.side == "" for e in tl.events)
        return
    first, second = prefs.first_side, prefs.first_side.other
    # The switch-sides cue, then the technique's lines saying how to change over.
    assert len(switches) == 1 + len(technique.switch), f"{len(switches)} switch-sides events"
    k, last = switches[0], switches[-1]
    assert switches == list(range(k, last + 1)), "switch-sides events not back to back"
    holds = tl.holds()
    assert holds[0][1] <= tl.events[k].start_ms < holds[1][0], "switch not between the holds"
    assert [e.side for e in tl.events] == [first.value] * (last + 1) + [second.value] * (
        len(tl.events) - last - 1)
    for e in tl.events[k:last + 1]:
        assert first.value not in words(e.text), e.text
    switch_words = words(tl.events[k].text)
    assert second.value in switch_words, tl.events[k].text
    side_words = [w for e in tl.events[:k] if e.kind is EventKind.INSTRUCTION
                  for w in words(e.text)]
    assert first.value in side_words, "the first side is never named"
    for e in tl.events:
        if e.kind in (EventKind.INSTRUCTION, EventKind.RELEASE):
            other = Side(e.side).other.value
            assert other not in words(e.text), f"{e.side} side says {e.text!r}"


def walk() -> Iterator[tuple[str, PlannedStep, Preferences]]:
    for (rid, planned), prefs in itertools.product(ROUTINE_STEPS, ALL_PREFS):
        yield rid, planned, prefs


# --------------------------------------------------------------------------- the full walk

def test_every_routine_step_under_every_preference_is_paced_exactly() -> None:
    count = 0
    for rid, planned, prefs in walk():
        technique, step = planned.technique, planned.step
        where = f"{rid} step {planned.index + 1} {prefs}"
        tl = step_timeline(CONTENT, planned, prefs, seed=7)
        hold_ms = prefs.hold_seconds(step.hold) * 1000
        try:
            check_tiling(tl.events)
            holds = check_holds(tl, technique, hold_ms)
            for span in holds:
                check_breaths(tl, span, prefs)
                check_callouts(tl, span, prefs, hold_ms)
            check_sides(tl, technique, prefs)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from exc
        count += 1
    assert count == len(ROUTINE_STEPS) * 36


def test_hold_preferences_pick_the_min_middle_and_max_of_the_steps_range() -> None:
    for technique, step in UNIQUE_STEPS:
        lengths = {}
        for hold in HoldLength:
            tl = pace_step(technique, step, Preferences(hold=hold), 0, CONTENT.cues)
            (start, end), *_ = tl.holds()
            lengths[hold] = end - start
        assert lengths[HoldLength.SHORT] == step.hold.min_s * 1000
        assert lengths[HoldLength.LONG] == step.hold.max_s * 1000
        assert lengths[HoldLength.SHORT] <= lengths[HoldLength.STANDARD] <= lengths[
            HoldLength.LONG]
        middle = (step.hold.min_s + step.hold.max_s) * 500
        assert abs(lengths[HoldLength.STANDARD] - middle) <= 500


def test_slower_breathing_cues_fewer_breaths_per_hold() -> None:
    technique, step = UNIQUE_STEPS[0]
    counts = {}
    for pace_ in BreathPace:
        tl = pace_step(technique, step, Preferences(breath=pace_), 0, CONTENT.cues)
        counts[pace_] = len(hold_events(tl, tl.holds()[0]))
    assert counts[BreathPace.SLOWER] < counts[BreathPace.NORMAL] < counts[BreathPace.FASTER]


def test_brief_detail_is_shorter_than_detailed() -> None:
    for technique, step in UNIQUE_STEPS:
        detailed = pace_step(technique, step, Preferences(detail=Detail.DETAILED), 0, CONTENT.cues)
        brief = pace_step(technique, step, Preferences(detail=Detail.BRIEF), 0, CONTENT.cues)
        assert brief.duration_ms < detailed.duration_ms, (technique.id, step.id)
        assert brief.holds() != [] and [b - a for a, b in brief.holds()] == [
            b - a for a, b in detailed.holds()]


# --------------------------------------------------------------------------- determinism

def test_same_seed_gives_identical_events() -> None:
    for _, planned in ROUTINE_STEPS:
        prefs = Preferences(hold=HoldLength.LONG, breath=BreathPace.SLOWER)
        a = step_timeline(CONTENT, planned, prefs, seed=12345)
        b = step_timeline(CONTENT, planned, prefs, seed=12345)
        assert a == b


@pytest.mark.parametrize("routine_id", sorted(CONTENT.routines))
def test_different_seeds_vary_the_phrasing(routine_id: str) -> None:
    routine = CONTENT.routines[routine_id]
    prefs = Preferences()

    def texts(seed: int) -> list[str]:
        return [e.text for p in steps(CONTENT, routine)
                for e in step_timeline(CONTENT, p, prefs, seed).events]

    base = texts(0)
    assert any(texts(seed) != base for seed in (1, 2, 3)), "every seed sounds the same"


def test_phrasings_vary_within_a_hold() -> None:
    """ "Breathe in. Breathe in. Breathe in." sounds robotic: consecutive cues differ."""
    for technique, step in UNIQUE_STEPS:
        tl = pace_step(technique, step, Preferences(hold=HoldLength.LONG), 3, CONTENT.cues)
        for span in tl.holds():
            spoken = [e.text for e in hold_events(tl, span)
                      if e.kind is EventKind.BREATHE_IN and e.text]
            assert len(spoken) >= 2
            assert all(a != b for a, b in itertools.pairwise(spoken)), spoken


# --------------------------------------------------------------------------- speech timing

def test_default_timer_is_the_speech_estimate() -> None:
    technique, step = UNIQUE_STEPS[0]
    tl = pace_step(technique, step, Preferences(), 0, CONTENT.cues)
    spoken = [e for e in tl.events if e.text]
    assert spoken
    for e in spoken:
        assert e.speech_ms == estimate_speech_ms(e.text), e


def test_a_slower_voice_lengthens_instructions_but_not_holds() -> None:
    def slow(text: str) -> int:
        return 2 * estimate_speech_ms(text)

    for technique, step in UNIQUE_STEPS:
        prefs = Preferences(hold=HoldLength.STANDARD)
        normal = pace_step(technique, step, prefs, 0, CONTENT.cues)
        slower = pace_step(technique, step, prefs, 0, CONTENT.cues, timer=slow)
        check_tiling(slower.events)
        assert [b - a for a, b in slower.holds()] == [b - a for a, b in normal.holds()]
        n_instr = [e for e in normal.events if e.kind is EventKind.INSTRUCTION]
        s_instr = [e for e in slower.events if e.kind is EventKind.INSTRUCTION]
        assert [e.text for e in n_instr] == [e.text for e in s_instr]
        for a, b in zip(n_instr, s_instr, strict=True):
            assert b.speech_ms == slow(b.text)
            assert b.duration_ms > a.duration_ms
        assert slower.duration_ms > normal.duration_ms


# --------------------------------------------------------------------------- hold overrides

def test_hold_outside_the_steps_range_is_refused() -> None:
    for technique, step in UNIQUE_STEPS:
        for bad in (step.hold.min_s - 1, step.hold.max_s + 1, 0):
            with pytest.raises(ValueError):
                pace_step(technique, step, Preferences(), 0, CONTENT.cues, hold_s=bad)
            with pytest.raises(ValueError):
                pace(technique, step, None, Preferences(), 0, CONTENT.cues, hold_s=bad)


@st.composite
def step_and_hold(draw: st.DrawFn) -> tuple[Technique, Step, int]:
    technique, step = draw(st.sampled_from(UNIQUE_STEPS))
    hold = draw(st.integers(step.hold.min_s, step.hold.max_s))
    return technique, step, hold


@settings(max_examples=80, deadline=None)
@given(step_and_hold(), st.sampled_from(list(BreathPace)), st.sampled_from(list(Detail)),
       st.sampled_from(list(Side)), st.integers(0, 2**32))
def test_any_hold_in_range_is_exact_and_events_tile(
        sth: tuple[Technique, Step, int], breath: BreathPace, detail: Detail, side: Side,
        seed: int) -> None:
    technique, step, hold_s = sth
    prefs = Preferences(breath=breath, detail=detail, first_side=side)
    tl = pace_step(technique, step, prefs, seed, CONTENT.cues, hold_s=hold_s)
    check_tiling(tl.events)
    holds = check_holds(tl, technique, hold_s * 1000)
    for span in holds:
        check_breaths(tl, span, prefs)
        check_callouts(tl, span, prefs, hold_s * 1000)
    check_sides(tl, technique, prefs)


# --------------------------------------------------------------------------- the checks bite

def test_the_checks_catch_a_gap_and_a_short_hold() -> None:
    """Guard against vacuous helpers: a doctored timeline must fail them."""
    technique, step = UNIQUE_STEPS[0]
    prefs = Preferences()
    tl = pace_step(technique, step, prefs, 0, CONTENT.cues)
    events = list(tl.events)
    k = next(i for i, e in enumerate(events) if e.kind is EventKind.BREATHE_OUT)
    shifted = [*events[:k], *(replace(e, start_ms=e.start_ms + 1) for e in events[k:])]
    with pytest.raises(AssertionError):
        check_tiling(tuple(shifted))
    shortened = replace(events[k], duration_ms=events[k].duration_ms - 1000)
    later = [replace(e, start_ms=e.start_ms - 1000) for e in events[k + 1:]]
    doctored = Timeline((*events[:k], shortened, *later), tl.hold_ms)
    check_tiling(doctored.events)
    with pytest.raises(AssertionError):
        check_holds(doctored, technique, prefs.hold_seconds(step.hold) * 1000)
    with pytest.raises(AssertionError):
        check_breaths(doctored, doctored.holds()[0], prefs)
