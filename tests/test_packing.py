"""The dialog-mode packer: every turn is SSML Alexa accepts, within every platform limit.

SSML is checked with tests/support/ssml_check.py, written from PLATFORM.md and
independent of skill.core.ssml; play times are recomputed from the SSML itself (breaks
+ audio clips + the speech estimate of each spoken chunk). What a user would notice:
Alexa rejecting a response, a response cut off or timing out, a cue that is never
said, cues said out of order, a hold that is shorter than chosen, or a "ready for the
other side?" in the middle of a hold.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from skill.content import from_mappings, load_content
from skill.content.model import Side
from skill.core import limits
from skill.core.limits import ALEXA, PackingProfile
from skill.core.pacing import pace_step, start_cue
from skill.core.packing import Turn, pack_all, pack_turn
from skill.core.plan import PlannedStep, step_timeline, steps
from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences
from skill.core.record import replace
from skill.core.timeline import Event, EventKind, Timeline, estimate_speech_ms
from tests.support import ssml_check
from tests.support.ssml_check import check_ssml, items, play_ms, spoken_chunks

CONTENT = load_content()
CUES = CONTENT.cues.phrasings
ROUTINE_STEPS = [p for r in CONTENT.routines.values() for p in steps(CONTENT, r)]
PER_SIDE_STEPS = list({(p.technique.id, p.step.id): p for p in ROUTINE_STEPS
                       if p.technique.per_side}.values())
QUESTION = CUES["next_question"][0]
CONTINUE_QUESTIONS = {"side_question", "hold_question", "continue_question"}

SoundMap = Mapping[str, tuple[str, int]]


def cue_sounds(ms: int = 800) -> dict[str, tuple[str, int]]:
    """A clip for every cue sound the pacing engine asks for, each at its own URL."""
    return {name: (f"https://example.test/{name}.mp3", ms)
            for name in ("hold_start", "breathe_in", "breathe_out", "release")}


def clip_lengths(sounds: SoundMap | None) -> dict[str, int]:
    return {url: ms for url, ms in (sounds or {}).values()}


# --------------------------------------------------------------------------- checks

def check_pieces(turn: Turn, profile: PackingProfile, sounds: SoundMap | None,
                 *, play_time: bool = True) -> None:
    """Every piece of a turn is valid SSML inside the profile's (and Alexa's) limits."""
    lengths = clip_lengths(sounds)
    assert len(turn.progressive) <= profile.max_progressive
    assert len(turn.progressive) <= limits.MAX_PROGRESSIVE
    for piece in turn.pieces:
        final = piece is turn.final
        assert check_ssml(piece.ssml) == [], piece.ssml
        problems = check_ssml(piece.ssml, max_chars=profile.max_chars,
                              max_audio_tags=profile.max_audio_tags,
                              max_break_ms=profile.max_break_ms)
        assert problems == [], (problems, piece.ssml)
        clips = ssml_check.audio_sources(piece.ssml)
        audio_cap = profile.max_audio_ms if final else profile.progressive_max_audio_ms
        assert sum(lengths[c] for c in clips) <= audio_cap
        assert all(ms > 0 for ms in ssml_check.break_times_ms(piece.ssml)), piece.ssml
        if play_time:
            played = play_ms(piece.ssml, estimate_speech_ms, lengths)
            if final:
                assert played <= profile.final_max_ms, (played, piece.ssml)
                assert played <= limits.MAX_TURN_PLAY_MS
            else:
                assert played <= profile.progressive_max_ms, (played, piece.ssml)
                assert played <= limits.MAX_PROGRESSIVE_MS


def check_cut(turn: Turn, events: Sequence[Event], end: int) -> None:
    """A turn that stops early asks to continue, in words that fit where it stopped."""
    names = {name for name in CONTINUE_QUESTIONS if turn.question in CUES[name]}
    assert names, f"turn stops mid-step with {turn.question!r}, not a continue question"
    if "side_question" in names:
        assert events[end - 1].kind is EventKind.SWITCH_SIDES, (
            f"{turn.question!r} but the turn ends after {events[end - 1].kind}")
    if "hold_question" in names:
        assert events[end].kind is EventKind.HOLD_START, (
            f"{turn.question!r} but the next event is {events[end].kind}")


def check_turns(turns: Sequence[Turn], events: Sequence[Event], profile: PackingProfile, *,
                question: str, intro: Sequence[str] = (), sounds: SoundMap | None = None,
                play_time: bool = True) -> None:
    """Limits, coverage (every event once, in order), text round trip, questions, timing.

    `play_time=False` skips the play-time checks (checked by their own property).
    """
    assert turns
    assert sum(t.event_count for t in turns) == len(events)
    assert [t.complete for t in turns] == [False] * (len(turns) - 1) + [True]
    offset = 0
    for n, turn in enumerate(turns):
        assert turn.event_count > 0
        part = events[offset:offset + turn.event_count]
        check_pieces(turn, profile, sounds, play_time=play_time)
        said = [c for piece in turn.pieces for c in spoken_chunks(piece.ssml)]
        expected = [*(intro if n == 0 else ()), *(e.text for e in part if e.text),
                    turn.question]
        assert said == expected, "spoken words differ from the events (lost, added or moved)"
        if turn.complete:
            assert turn.question == question
        else:
            check_cut(turn, events, offset + turn.event_count)
        if play_time:
            played = sum(play_ms(p.ssml, estimate_speech_ms, clip_lengths(sounds))
                         for p in turn.pieces)
            wanted = (sum(e.duration_ms for e in part) + estimate_speech_ms(turn.question)
                      + sum(estimate_speech_ms(w) for w in (intro if n == 0 else ())))
            assert played == wanted, f"turn {n} plays {played} ms, its events last {wanted} ms"
        offset += turn.event_count


def _side_one_end(tl: Timeline) -> int:
    """Number of events up to and including the switch: its cue and the lines saying how
    to change over (a turn must not stop between them)."""
    return max(i for i, e in enumerate(tl.events) if e.kind is EventKind.SWITCH_SIDES) + 1


def played_holds(docs: Sequence[str], starts: set[str], ends: set[str],
                 lengths: Mapping[str, int], end_clips: AbstractSet[str] = frozenset()
                 ) -> list[int]:
    """Hold lengths as played: from after a hold-start line to a release clip or line."""
    holds: list[int] = []
    current: int | None = None
    for kind, value in (item for doc in docs for item in items(doc)):
        if current is not None and ((kind == "say" and value in ends)
                                    or (kind == "audio" and value in end_clips)):
            holds.append(current)
            current = None
        elif kind == "say" and value in starts:
            current = 0
        elif current is not None:
            if kind == "say":
                current += estimate_speech_ms(str(value))
            elif kind == "break":
                current += int(value)
            else:
                current += lengths[str(value)]
    return holds


# --------------------------------------------------------------------------- the checker bites

def test_the_independent_checker_flags_what_alexa_rejects() -> None:
    assert check_ssml("<speak><s>Fine &amp; dandy.</s><break time='3s'/></speak>") == []
    assert check_ssml('<speak><amazon:effect name="whispered">hi</amazon:effect></speak>') == []
    assert check_ssml("<speak><s>a & b</s></speak>"), "unescaped ampersand"
    assert check_ssml("<speak><s>unclosed</speak>")
    assert check_ssml("<speak/><speak/>")
    assert check_ssml("<p>no speak root</p>")
    assert check_ssml("<speak><blink>x</blink></speak>")
    assert check_ssml("<speak><amazon:dance>x</amazon:dance></speak>")
    assert check_ssml('<speak><break time="10001ms"/></speak>')
    assert check_ssml('<speak><break time="11s"/></speak>')
    assert check_ssml('<speak><break time="five seconds"/></speak>')
    assert check_ssml('<speak><break time="10000ms"/><break time="10s"/></speak>') == []
    six = "".join('<audio src="https://a.test/x.mp3"/>' for _ in range(6))
    assert check_ssml(f"<speak>{six}</speak>")
    assert check_ssml("<speak>" + "x" * 8000 + "</speak>")
    doc = '<speak><s>One two.</s><break time="2s"/><audio src="https://a.test/c.mp3"/></speak>'
    assert play_ms(doc, lambda t: 1000 * len(t.split()), {"https://a.test/c.mp3": 500}) == 4500
    assert spoken_chunks("<speak><s>Tom &amp; Jerry &lt;3</s><s>Two</s></speak>") == [
        "Tom & Jerry <3", "Two"]


# --------------------------------------------------------------------------- the full walk

WALK_PREFS = [Preferences(h, b, d) for h, b, d in
              itertools.product(HoldLength, BreathPace, Detail)]


@pytest.mark.parametrize("profile", [ALEXA, ALEXA.without_progressive()],
                         ids=["alexa", "no-progressive"])
def test_every_step_of_every_routine_packs_within_alexas_limits(
        profile: PackingProfile) -> None:
    for planned, prefs in itertools.product(ROUTINE_STEPS, WALK_PREFS):
        tl = step_timeline(CONTENT, planned, prefs, seed=planned.index)
        turns = pack_all(tl.events, CONTENT.cues, planned.index, question=QUESTION,
                         profile=profile)
        try:
            check_turns(turns, tl.events, profile, question=QUESTION)
        except AssertionError as exc:
            where = f"{planned.technique.id}/{planned.step.id} {prefs}"
            raise AssertionError(f"{where}: {exc}") from exc
        if profile.max_progressive == 0:
            assert all(not t.progressive for t in turns)


def test_without_progressive_more_turns_are_needed() -> None:
    """The fallback still plays everything, just over more "shall we carry on?" turns."""
    planned = next(p for p in ROUTINE_STEPS if p.technique.per_side)
    tl = step_timeline(CONTENT, planned, Preferences(hold=HoldLength.LONG), 0)
    with_ = pack_all(tl.events, CONTENT.cues, 0, question=QUESTION, profile=ALEXA)
    without = pack_all(tl.events, CONTENT.cues, 0, question=QUESTION,
                       profile=ALEXA.without_progressive())
    assert len(without) >= len(with_)
    assert sum(t.event_count for t in without) == len(tl.events)


@settings(max_examples=50, deadline=None)
@given(st.builds(PackingProfile, *(st.integers(0, 10**6) for _ in range(8))))
def test_without_progressive_changes_nothing_but_the_progressive_count(
        profile: PackingProfile) -> None:
    assert profile.without_progressive() == replace(profile, max_progressive=0)


# --------------------------------------------------------------------------- properties

@st.composite
def stricter_profiles(draw: st.DrawFn) -> PackingProfile:
    """Random profiles at least as strict as Alexa's in every limit."""
    return PackingProfile(
        max_progressive=draw(st.integers(0, ALEXA.max_progressive)),
        progressive_max_ms=draw(st.integers(12_000, ALEXA.progressive_max_ms)),
        # at least the longest single event (a 15 s settle and its cue, 17.6 s) plus the
        # longest closing question tested (LONG_QUESTION, 22 s at the coach's slower rate)
        final_max_ms=draw(st.integers(60_000, ALEXA.final_max_ms)),
        max_chars=draw(st.integers(1500, ALEXA.max_chars)),
        max_break_ms=draw(st.integers(1000, ALEXA.max_break_ms)),
        max_audio_tags=draw(st.integers(0, ALEXA.max_audio_tags)),
        max_audio_ms=draw(st.integers(0, ALEXA.max_audio_ms)),
        progressive_max_audio_ms=draw(st.integers(0, ALEXA.progressive_max_audio_ms)),
    )


PROFILES = st.one_of(st.just(ALEXA), stricter_profiles())


@st.composite
def timelines(draw: st.DrawFn) -> tuple[PlannedStep, Timeline]:
    planned = draw(st.sampled_from(ROUTINE_STEPS))
    hold = draw(st.integers(planned.step.hold.min_s, planned.step.hold.max_s))
    prefs = Preferences(breath=draw(st.sampled_from(list(BreathPace))),
                        detail=draw(st.sampled_from(list(Detail))),
                        first_side=draw(st.sampled_from(list(Side))))
    seed = draw(st.integers(0, 2**32))
    return planned, step_timeline(CONTENT, planned, prefs, seed, hold_s=hold)


SOUNDS = st.builds(cue_sounds, st.integers(100, 1500))
INTROS = st.lists(st.sampled_from(CUES["settle"]), max_size=2)

GLUTE = next(p for p in ROUTINE_STEPS if p.technique.id == "glute-ball")
GLUTE_STANDARD = (GLUTE, step_timeline(CONTENT, GLUTE, Preferences(), 0))
GLUTE_LONG = (GLUTE, step_timeline(CONTENT, GLUTE, Preferences(hold=HoldLength.LONG), 0))

LONG_QUESTION = " ".join(["That was the last step of this routine, well done."] * 4
                         + ["Would you like to hear it again, or shall we stop here?"])
"""A long closing question (over 250 characters): more than any one event takes."""

SMALL_CHARS = PackingProfile(max_progressive=0, max_chars=1500, max_break_ms=1000)
"""Stricter than Alexa only in characters and break length: characters bind before time."""


def _short_question_case() -> tuple[Timeline, PackingProfile, str]:
    """Room for side one plus a one-word question, not for side one plus any side question.

    Regression for a packer bug (fixed in bddece2): the re-fill with the longer continue
    question carried fewer events than the chosen cut, yet the turn still asked "Shall we
    do the other side?" before the switch-sides cue.
    """
    _, tl = GLUTE_STANDARD
    question = "Next?"
    switch_end = tl.events[_side_one_end(tl) - 1].end_ms
    slack = min(estimate_speech_ms(q) for q in CUES["side_question"]) - estimate_speech_ms(
        question)
    assert slack > 100
    profile = PackingProfile(max_progressive=0,
                             final_max_ms=switch_end + estimate_speech_ms(question) + 50)
    return tl, profile, question


@settings(max_examples=80, deadline=None)
@example(case=GLUTE_STANDARD, profile=SMALL_CHARS, seed=0, intro=[], question=LONG_QUESTION)
@example(case=GLUTE_STANDARD, profile=_short_question_case()[1], seed=0, intro=[],
         question="Next?")
@given(timelines(), PROFILES, st.integers(0, 1000), INTROS,
       st.sampled_from([QUESTION, "Next?", LONG_QUESTION]))
def test_any_hold_under_any_profile_respects_every_limit(
        case: tuple[PlannedStep, Timeline], profile: PackingProfile, seed: int,
        intro: list[str], question: str) -> None:
    _, tl = case
    turns = pack_all(tl.events, CONTENT.cues, seed, question=question, intro=intro,
                     profile=profile)
    check_turns(turns, tl.events, profile, question=question, intro=intro)


def test_the_side_question_comes_only_after_the_switch_cue() -> None:
    tl, profile, question = _short_question_case()
    turns = pack_all(tl.events, CONTENT.cues, 0, question=question, profile=profile)
    first = turns[0]
    if first.question in CUES["side_question"]:
        assert tl.events[first.event_count - 1].kind is EventKind.SWITCH_SIDES, (
            f"asks {first.question!r} before saying "
            f"{tl.events[first.event_count].text!r}")
    check_turns(turns, tl.events, profile, question=question)


def test_a_small_character_cap_cuts_the_step_instead_of_failing() -> None:
    """Profiles stricter than Alexa's in characters only, with any question length.

    Regression for a packer bug (fixed in bddece2): the closing question's characters
    were not reserved, so PackingError('the closing question does not fit ...').
    """
    _, tl = GLUTE_STANDARD
    for question in (QUESTION, LONG_QUESTION):
        for max_chars in range(1500, 4001, 50):
            profile = PackingProfile(max_progressive=0, max_chars=max_chars, max_break_ms=1000)
            turns = pack_all(tl.events, CONTENT.cues, 0, question=question, profile=profile)
            check_turns(turns, tl.events, profile, question=question)


@settings(max_examples=60, deadline=None)
@given(timelines(), PROFILES, st.integers(0, 1000), SOUNDS)
def test_with_cue_sounds_ssml_limits_and_coverage_hold(
        case: tuple[PlannedStep, Timeline], profile: PackingProfile, seed: int,
        sounds: dict[str, tuple[str, int]]) -> None:
    """With cue sounds: valid SSML, audio tag and audio time caps, every cue said in order.

    Play time with sounds is checked by the property below.
    """
    _, tl = case
    turns = pack_all(tl.events, CONTENT.cues, seed, question=QUESTION, profile=profile,
                     sounds=sounds)
    check_turns(turns, tl.events, profile, question=QUESTION, sounds=sounds, play_time=False)
    if profile == ALEXA:
        assert any(ssml_check.audio_sources(p.ssml) for t in turns for p in t.pieces)


@settings(max_examples=40, deadline=None)
@example(case=GLUTE_LONG, profile=ALEXA, seed=0, sounds=cue_sounds(800))
@given(timelines(), PROFILES, st.integers(0, 1000), SOUNDS)
def test_with_cue_sounds_play_time_caps_and_durations_hold(
        case: tuple[PlannedStep, Timeline], profile: PackingProfile, seed: int,
        sounds: dict[str, tuple[str, int]]) -> None:
    _, tl = case
    turns = pack_all(tl.events, CONTENT.cues, seed, question=QUESTION, profile=profile,
                     sounds=sounds)
    check_turns(turns, tl.events, profile, question=QUESTION, sounds=sounds)


def _glute_long_with_sounds() -> tuple[Timeline, list[Turn], dict[str, tuple[str, int]]]:
    sounds = cue_sounds(800)
    _, tl = GLUTE_LONG
    return tl, pack_all(tl.events, CONTENT.cues, 0, question=QUESTION, sounds=sounds), sounds


def test_cue_sounds_play_only_where_they_fit_and_count_towards_play_time() -> None:
    """SSML cannot overlap a clip with speech: the hold-start cue has no silence after its
    words, so its chime is left out rather than pushing the hold late; the release chime
    fits in the rest after the release words and plays."""
    _, turns, sounds = _glute_long_with_sounds()
    lengths = clip_lengths(sounds)
    played = [src for t in turns for p in t.pieces for src in ssml_check.audio_sources(p.ssml)]
    assert sounds["hold_start"][0] not in played
    assert sounds["release"][0] in played
    for turn in turns:
        for piece in turn.pieces:
            assert play_ms(piece.ssml, estimate_speech_ms, lengths) == piece.play_ms
            if piece is not turn.final:
                assert play_ms(piece.ssml, estimate_speech_ms, lengths) <= 30_000


def test_dropped_cue_sounds_do_not_shorten_the_hold() -> None:
    """Five audio tags per piece: most breath sounds are dropped, their time must stay.

    Regression for a packer bug (fixed in bddece2): a dropped sound also dropped the
    silence reserved for it, so a 90 s hold played 78.8 s.
    """
    tl, turns, sounds = _glute_long_with_sounds()
    docs = [p.ssml for t in turns for p in t.pieces]
    starts = {e.text for e in tl.events if e.kind is EventKind.HOLD_START}
    ends = {e.text for e in tl.events if e.kind is EventKind.RELEASE}
    release_clip = {sounds["release"][0]}
    holds = played_holds(docs, starts, ends, clip_lengths(sounds), release_clip)
    assert len(holds) == 2
    for hold in holds:
        assert abs(hold - GLUTE.step.hold.max_s * 1000) <= 1000, holds


def test_without_sounds_the_played_hold_is_the_chosen_hold() -> None:
    """The same measurement as above, without sounds."""
    _, tl = GLUTE_LONG
    turns = pack_all(tl.events, CONTENT.cues, 0, question=QUESTION)
    docs = [p.ssml for t in turns for p in t.pieces]
    starts = {e.text for e in tl.events if e.kind is EventKind.HOLD_START}
    ends = {e.text for e in tl.events if e.kind is EventKind.RELEASE}
    holds = played_holds(docs, starts, ends, {})
    assert holds == [GLUTE.step.hold.max_s * 1000] * 2


# --------------------------------------------------------------------------- natural cuts

@pytest.mark.parametrize("planned", PER_SIDE_STEPS,
                         ids=[f"{p.technique.id}/{p.step.id}" for p in PER_SIDE_STEPS])
def test_a_step_too_long_for_one_turn_is_split_after_the_switch(planned: PlannedStep) -> None:
    tl = step_timeline(CONTENT, planned, Preferences(), 0)
    k = _side_one_end(tl)
    longest_question = max(estimate_speech_ms(q) for q in CUES["side_question"])
    profile = PackingProfile(max_progressive=0,
                             final_max_ms=tl.events[k - 1].end_ms + longest_question + 5000)
    assert tl.duration_ms + estimate_speech_ms(QUESTION) > profile.final_max_ms
    turns = pack_all(tl.events, CONTENT.cues, 0, question=QUESTION, profile=profile)
    check_turns(turns, tl.events, profile, question=QUESTION)
    first = turns[0]
    assert first.event_count == k, "the first turn does not end right after the switch"
    assert not first.complete
    assert first.question in CUES["side_question"]
    assert spoken_chunks(first.final.ssml)[-1] == first.question


def test_with_progressive_pieces_the_split_still_comes_after_the_switch() -> None:
    planned = PER_SIDE_STEPS[0]
    tl = step_timeline(CONTENT, planned, Preferences(hold=HoldLength.LONG), 0)
    k = _side_one_end(tl)
    profile = PackingProfile(max_progressive=2, final_max_ms=60_000)
    turns = pack_all(tl.events, CONTENT.cues, 0, question=QUESTION, profile=profile)
    check_turns(turns, tl.events, profile, question=QUESTION)
    ends = list(itertools.accumulate(t.event_count for t in turns))
    assert k in ends, "no turn ends at the side switch although one turn cannot hold both"


def test_a_step_that_cannot_hold_its_hold_stops_before_the_hold_starts() -> None:
    planned = next(p for p in ROUTINE_STEPS if not p.technique.per_side)
    tl = step_timeline(CONTENT, planned, Preferences(), 0)
    k = next(i for i, e in enumerate(tl.events) if e.kind is EventKind.HOLD_START)
    longest_question = max(estimate_speech_ms(q) for q in CUES["hold_question"])
    profile = PackingProfile(max_progressive=0,
                             final_max_ms=tl.events[k].start_ms + longest_question + 2000)
    turns = pack_all(tl.events, CONTENT.cues, 0, question=QUESTION, profile=profile)
    check_turns(turns, tl.events, profile, question=QUESTION)
    assert turns[0].event_count == k
    assert turns[0].question in CUES["hold_question"]


def test_pack_turn_with_room_for_everything_completes_with_the_given_question() -> None:
    tl = step_timeline(CONTENT, ROUTINE_STEPS[0], Preferences(hold=HoldLength.SHORT), 0)
    turn = pack_turn(tl.events, CONTENT.cues, 0, question="Ready for the next step?")
    assert turn.complete and turn.event_count == len(tl.events)
    assert spoken_chunks(turn.final.ssml)[-1] == "Ready for the next step?"


# --------------------------------------------------------------------------- escaping

NASTY = 'Tom & Jerry say "<hello>" & it\'s > 3 < 4; a&amp;b'


def test_special_characters_in_event_text_yield_well_formed_ssml() -> None:
    events = []
    t = 0
    for i, text in enumerate([NASTY, "plain", "</s></speak>", "x]]>y & 'z'"]):
        speech = estimate_speech_ms(text)
        events.append(Event(EventKind.INSTRUCTION, t, speech + 500, text, speech,
                            f"line.{i}"))
        t += speech + 500
    intro = ["Intro <&> \"quoted\""]
    question = "Q & A <now>?"
    turns = pack_all(events, CONTENT.cues, 0, question=question, intro=intro)
    check_turns(turns, events, ALEXA, question=question, intro=intro)
    assert NASTY in ssml_check.spoken_text(turns[0].pieces[0].ssml)


def test_special_characters_in_content_survive_pacing_and_packing() -> None:
    import yaml

    from skill.content.loader import CONTENT_DIR, FILES

    docs = {name: yaml.safe_load((CONTENT_DIR / name).read_text(encoding="utf-8"))
            for name in FILES}
    step = docs["techniques.yaml"]["techniques"][0]["steps"][0]
    step["say"][0] = 'Roll the ball <gently> & "slowly" under your {side} side.'
    step["release"][0] = "Ease off & rest > 5 breaths."
    content = from_mappings(docs)
    technique = next(iter(content.techniques.values()))
    tl = pace_step(technique, technique.steps[0], Preferences(), 0, content.cues)
    turns = pack_all(tl.events, content.cues, 0, question=QUESTION)
    check_turns(turns, tl.events, ALEXA, question=QUESTION)
    said = " ".join(c for t in turns for p in t.pieces for c in spoken_chunks(p.ssml))
    assert 'Roll the ball <gently> & "slowly" under your left side.' in said
    assert "Ease off & rest > 5 breaths." in said


# --------------------------------------------------------------------------- the CLI (done-when)

LABEL = re.compile(r"^-- turn (\d+), (progressive \d+|final):")


def _script_sections(output: str) -> dict[str, list[tuple[str, str]]]:
    """(label, SSML) pieces printed by `hipcoach script --ssml`, grouped by step header."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    label = ""
    for line in output.splitlines():
        m = LABEL.match(line)
        if line.startswith("== Step"):
            current = sections.setdefault(line, [])
        elif m:
            label = m.group(2)
        elif line.startswith("<speak") and current is not None:
            current.append((label, line))
    return sections


@pytest.mark.parametrize("extra", [[], ["--no-progressive"]], ids=["alexa", "no-progressive"])
def test_cli_script_glute_release_long_prints_valid_turns_with_90_s_holds(
        extra: list[str]) -> None:
    from skill.cli.main import main

    result = CliRunner().invoke(main, ["script", "glute-release", "--hold", "long", "--ssml",
                                       *extra])
    assert result.exit_code == 0, result.output
    routine = CONTENT.routines["glute-release"]
    planned = steps(CONTENT, routine)
    sections = _script_sections(result.output)
    assert len(sections) == len(planned)
    for (header, pieces), p in zip(sections.items(), planned, strict=True):
        assert pieces, f"no SSML under {header}"
        for label, doc in pieces:
            assert check_ssml(doc) == [], doc
            assert all(0 < ms <= 10_000 for ms in ssml_check.break_times_ms(doc))
            cap = limits.MAX_TURN_PLAY_MS if label == "final" else limits.MAX_PROGRESSIVE_MS
            assert play_ms(doc, estimate_speech_ms) <= cap, (label, doc)
        progressive = [label for label, _ in pieces if label != "final"]
        assert bool(progressive) is (not extra), progressive
        docs = [doc for _, doc in pieces]
        starts = set(CUES[start_cue(p.technique)])  # glute release is self-massage
        ends = set(p.step.release) or set(CUES["release"])
        holds = played_holds(docs, starts, ends, {})
        assert p.step.hold.max_s == 90
        assert len(holds) == 2, holds
        for hold in holds:
            assert abs(hold - 90_000) <= 1000, f"{header}: a side holds {hold} ms"
        said = " ".join(c for d in docs for c in spoken_chunks(d))
        for side in ("left", "right"):
            assert f"{side} buttock" in said, f"{header}: the {side} side is never worked"


def test_cli_routines_lists_every_routine_covering_every_technique() -> None:
    from skill.cli.main import main

    result = CliRunner().invoke(main, ["routines"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    listed = {line.split()[0]: line for line in lines}
    assert len(listed) >= 7
    assert set(listed) == set(CONTENT.routines)
    covered = {t for rid in listed for t in CONTENT.routines[rid].techniques}
    assert len(CONTENT.techniques) == 8
    assert covered == set(CONTENT.techniques)
    for rid, line in listed.items():
        m = re.search(r"(\d+) steps?\b", line)
        assert m, line
        assert int(m.group(1)) == len(CONTENT.steps_of(CONTENT.routines[rid])), line
        assert re.search(r"\b\d+:\d\d\b", line), f"no duration in {line!r}"
