"""Instructions that match the movement, time to get into position, and a calmer voice.

What a person would notice (issue 10, items 6, 7 and 9): "hold" or "stay here" while
they are meant to be rolling or stroking; two seconds to get down onto a ball; a coach
that talks too fast to relax to; or, once the voice is slowed, holds that no longer
last the time they chose. Every routine's every step and side is walked, in dialog
mode (the step's timeline and its packed SSML) and in streaming mode (one track per
side), detailed and brief.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from skill.audio.speech import EspeakSpeech
from skill.content import load_content
from skill.content.model import Motion, Side, Technique
from skill.core import timeline as timeline_module
from skill.core.limits import ALEXA, PackingProfile
from skill.core.packing import pack_all
from skill.core.plan import PlannedStep, side_timeline, step_timeline, steps, track_order
from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences
from skill.core.timeline import Event, EventKind, Timeline, estimate_speech_ms
from tests.support.ssml_check import check_ssml, items, spoken_chunks

CONTENT = load_content()
CUES = CONTENT.cues.phrasings
ROUTINE_STEPS = [(r.id, p) for r in CONTENT.routines.values() for p in steps(CONTENT, r)]
PREFS = [Preferences(h, b, d, s) for h, b, d, s in
         itertools.product(HoldLength, BreathPace, Detail, Side)]
QUICK_PREFS = [Preferences(detail=d, first_side=s) for d, s in itertools.product(Detail, Side)]

STILL_WORDS = re.compile(r"\b(hold|holds|holding|held|stay|stays|staying|still)\b", re.I)
"""Words that tell a person to keep still: wrong for a technique that moves."""
MOVING = {Motion.ROLLING, Motion.STROKES, Motion.ROCKING, Motion.STRETCH}
TOOLS = {"massage-ball", "foam-roller"}
"""Equipment a person gets down onto (the guide: a ball against the floor, a foam roller)."""


def timed_part(events: tuple[Event, ...]) -> Iterator[list[Event]]:
    """Each run of events from a hold-start cue up to (not including) its release."""
    current: list[Event] | None = None
    for e in events:
        if e.kind is EventKind.HOLD_START:
            current = [e]
        elif e.kind is EventKind.RELEASE and current is not None:
            yield current
            current = None
        elif current is not None:
            current.append(e)


def every_timeline() -> Iterator[tuple[str, PlannedStep, Preferences, Timeline]]:
    """Dialog mode's step timelines and streaming mode's side tracks, for every routine."""
    for (rid, planned), prefs in itertools.product(ROUTINE_STEPS, QUICK_PREFS):
        where = f"{rid} step {planned.index + 1} {prefs.detail.value} {prefs.first_side.value}"
        yield where, planned, prefs, step_timeline(CONTENT, planned, prefs, planned.index)
    for rid, routine in CONTENT.routines.items():
        for prefs in QUICK_PREFS:
            plan = steps(CONTENT, routine)
            for s, side in track_order(CONTENT, routine, prefs):
                yield (f"{rid} track {s + 1}.{side + 1} {prefs.detail.value}", plan[s], prefs,
                       side_timeline(CONTENT, plan[s], side, prefs, 3))


def start_phrasings(technique: Technique) -> set[str]:
    """What may start the timed part: the phrasings of the cue named after the motion."""
    return set(CUES[f"start_{technique.motion.value}"])


def unaddressed(text: str) -> str:
    """ "Giver, keep rolling." -> "Keep rolling." (partner lines carry who they are for)."""
    for prefix in ("Giver, ", "Receiver, ", "Both of you, "):
        if text.startswith(prefix):
            rest = text[len(prefix):]
            return rest[:1].upper() + rest[1:]
    return text


# --------------------------------------------------------------------------- item 6: motion

def test_every_technique_has_a_motion_and_its_start_cue_exists() -> None:
    kinds = {t.id: t.motion for t in CONTENT.techniques.values()}
    # The guide: "Use small, slow movements to roll slightly back and forth" (piriformis),
    # "Slowly roll a short distance" (foam roller), "long, slow strokes", "rocking movements",
    # "gently moves the recipient's knee to slightly stretch", "sustained, static pressure".
    assert kinds["piriformis-ball"] is Motion.ROLLING
    assert kinds["hip-flexor-roller"] is Motion.ROLLING
    assert kinds["partner-warming-strokes"] is Motion.STROKES
    assert kinds["partner-sacrum-rocking"] is Motion.ROCKING
    assert kinds["partner-side-stretch"] is Motion.STRETCH
    assert kinds["partner-elbow-compression"] is Motion.STATIC
    for t in CONTENT.techniques.values():
        assert len(start_phrasings(t)) >= 3, t.id
    assert "hold_start" not in CUES, "one start cue for every motion replaces hold_start"


def test_moving_techniques_never_say_hold_or_stay_in_their_timed_part() -> None:
    checked = 0
    for where, planned, _, tl in every_timeline():
        parts = list(timed_part(tl.events))
        assert parts, where
        for part in parts:
            start = part[0]
            assert unaddressed(start.text) in start_phrasings(planned.technique), (
                where, start.text)
            if planned.technique.motion in MOVING:
                said = [e.text for e in part if e.text]
                wrong = [t for t in said if STILL_WORDS.search(t)]
                assert not wrong, f"{where}: {wrong}"
                checked += 1
    assert checked


def test_what_a_moving_technique_says_before_its_timed_part_never_says_hold_either() -> None:
    """ "Now make small, slow rolls" followed by "Now hold": the content's own lines too."""
    for t in CONTENT.techniques.values():
        if t.motion not in MOVING:
            continue
        lines = [*t.switch, *t.arrive, *t.ease_off,
                 *(line for s in t.steps for line in (*s.say, *s.brief, *s.during, *s.release))]
        wrong = [line for line in lines if STILL_WORDS.search(line)]
        assert not wrong, f"{t.id}: {wrong}"


def test_the_cut_question_before_a_timed_part_fits_any_motion() -> None:
    for question in CUES["hold_question"]:
        assert not STILL_WORDS.search(question), question


def test_cues_said_during_any_timed_part_fit_any_motion() -> None:
    for name in ("breathe_in", "breathe_out", "time_left", "halfway", "last_breaths"):
        for phrasing in CUES[name]:
            assert not STILL_WORDS.search(phrasing), (name, phrasing)


# --------------------------------------------------------------------------- item 7: settling

def test_settling_times_are_long_enough_and_say_why() -> None:
    by_id = CONTENT.techniques
    for t in by_id.values():
        assert 5 <= t.settle_s <= 20, f"{t.id}: {t.settle_s} s to get into position"
        assert "choice" in t.settle_basis.lower(), f"{t.id}: settle_basis must say it is ours"
    # Getting down onto a ball or a roller takes longer than placing a hand.
    hand = by_id["hip-flexor-hand"].settle_s
    for t in by_id.values():
        if TOOLS & set(t.equipment):
            assert t.settle_s >= 8 and t.settle_s > hand, t.id


def test_every_side_and_step_gets_its_techniques_settling_silence() -> None:
    for where, planned, _, tl in every_timeline():
        need = planned.technique.settle_s * 1000
        starts = [i for i, e in enumerate(tl.events) if e.kind is EventKind.HOLD_START]
        assert starts, where
        for i in starts:
            settle = tl.events[i - 1]
            assert settle.kind is EventKind.SETTLE, f"{where}: no settling before the start"
            assert settle.silence_ms >= need, (
                f"{where}: {settle.silence_ms} ms of quiet, needs {need} ms")
        assert sum(e.kind is EventKind.SETTLE for e in tl.events) == len(starts), where


def test_the_second_side_has_time_to_change_over_and_settle() -> None:
    for where, planned, _, tl in every_timeline():
        switches = [i for i, e in enumerate(tl.events) if e.kind is EventKind.SWITCH_SIDES]
        if not switches or len(tl.holds()) < 2:
            continue
        after = tl.events[switches[-1] + 1:]
        start = next(e for e in after if e.kind is EventKind.HOLD_START)
        quiet = sum(e.silence_ms for e in after if e.start_ms < start.start_ms)
        assert quiet >= planned.technique.settle_s * 1000, (where, quiet)


# --------------------------------------------------------------------------- item 9: the rate

def rate_of(doc: str) -> set[str]:
    """The prosody rate of every spoken sentence of a document ("" when it has none)."""
    root = ET.fromstring(doc)
    inside = {id(s): p.attrib.get("rate", "") for p in root.iter("prosody") for s in p.iter("s")}
    return {inside.get(id(s), "") for s in root.iter("s")}


def packed(planned: PlannedStep, prefs: Preferences, profile: PackingProfile = ALEXA,
           seed: int = 0) -> tuple[Timeline, list[str]]:
    tl = step_timeline(CONTENT, planned, prefs, seed)
    turns = pack_all(tl.events, CONTENT.cues, seed, question=CUES["next_question"][0],
                     profile=profile)
    return tl, [p.ssml for t in turns for p in t.pieces]


def test_every_spoken_sentence_is_slowed_with_prosody_alexa_accepts() -> None:
    rates: set[str] = set()
    for _, planned in ROUTINE_STEPS:
        _, docs = packed(planned, Preferences())
        for doc in docs:
            assert check_ssml(doc) == [], doc
            found = rate_of(doc)
            assert "" not in found, f"a sentence without prosody: {doc[:300]}"
            rates |= found
    assert len(rates) == 1, rates
    (rate,) = rates
    assert re.fullmatch(r"\d+%", rate), rate
    assert 70 <= int(rate[:-1]) < 100, f"{rate} is not slower and calmer"


def test_the_speech_estimate_and_the_espeak_voice_follow_the_prosody_rate() -> None:
    _, docs = packed(ROUTINE_STEPS[0][1], Preferences())
    (rate,) = rate_of(docs[0])
    factor = int(rate[:-1]) / 100
    normal = timeline_module.NORMAL_WORDS_PER_MINUTE
    overhead = timeline_module.UTTERANCE_OVERHEAD_MS
    for text in ("Breathe in slowly.", "Sit with the massage ball under your left buttock."):
        at_normal = len(text.split()) * 60_000 / normal
        assert estimate_speech_ms(text) == round(at_normal / factor) + overhead, text
    assert EspeakSpeech().identity["wpm"] == str(round(normal * factor))


def played_holds(docs: list[str], starts: set[str], ends: set[str]) -> list[int]:
    """Hold lengths as the SSML plays them: after a start cue, up to a release line."""
    holds: list[int] = []
    current: int | None = None
    for kind, value in (item for doc in docs for item in items(doc)):
        if current is not None and kind == "say" and value in ends:
            holds.append(current)
            current = None
        elif kind == "say" and value in starts:
            current = 0
        elif current is not None:
            current += estimate_speech_ms(str(value)) if kind == "say" else int(value)
    return holds


@pytest.mark.parametrize("hold", list(HoldLength))
def test_holds_are_exact_at_the_slower_rate_in_timelines_and_packed_ssml(
        hold: HoldLength) -> None:
    for (rid, planned), breath in itertools.product(ROUTINE_STEPS, BreathPace):
        prefs = Preferences(hold=hold, breath=breath)
        chosen = prefs.hold_seconds(planned.step.hold) * 1000
        for profile in (ALEXA, ALEXA.without_progressive()):
            tl, docs = packed(planned, prefs, profile)
            assert [b - a for a, b in tl.holds()] == [chosen] * len(tl.holds())
            starts = {e.text for e in tl.events if e.kind is EventKind.HOLD_START}
            ends = {e.text for e in tl.events if e.kind is EventKind.RELEASE}
            played = played_holds(docs, starts, ends)
            assert played == [chosen] * len(tl.holds()), (rid, planned.index, prefs, played)


def test_a_tight_character_budget_counts_the_prosody_tags() -> None:
    """The packer renders what it counts: no piece goes over its characters."""
    planned = next(p for _, p in ROUTINE_STEPS if p.technique.per_side)
    profile = PackingProfile(max_progressive=0, max_chars=1500, max_break_ms=1000)
    tl, docs = packed(planned, Preferences(hold=HoldLength.LONG), profile)
    assert len(docs) > 1
    for doc in docs:
        assert len(doc) <= profile.max_chars
        assert check_ssml(doc, max_chars=profile.max_chars, max_break_ms=1000) == []
    said = [c for doc in docs for c in spoken_chunks(doc)]
    assert [t for t in said if t in {e.text for e in tl.events}] == [
        e.text for e in tl.events if e.text]
