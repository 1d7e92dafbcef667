"""Partner work that makes sense to two people (issue 10, item 8).

With two partners, "partner" says nobody: every line names the giver or the receiver
(or both of them). What the pair would notice: a breath cue that could be for either of
them, nobody telling the receiver to roll over for the second side or to lie face down
again, fewer pressure check-ins than before (the guide: the partner "must continually
check the pressure level"), and no offer to swap roles at the end.
"""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

import pytest
import yaml

from skill.content import ContentError, from_mappings, load_content
from skill.content.loader import CONTENT_DIR, FILES
from skill.content.model import Posture, Side, Technique
from skill.core.plan import PlannedStep, side_timeline, step_timeline, steps, track_order
from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences
from skill.core.timeline import Event, EventKind, Timeline

CONTENT = load_content()
CUES = CONTENT.cues.phrasings
PARTNER = [t for t in CONTENT.techniques.values() if t.kind == "partner"]
PARTNER_ROUTINES = [r for r in CONTENT.routines.values() if r.kind == "partner"]
PARTNER_STEPS = [(r.id, p) for r in PARTNER_ROUTINES for p in steps(CONTENT, r)]
PREFS = [Preferences(h, b, d, s) for h, b, d, s in
         itertools.product(HoldLength, BreathPace, Detail, Side)]

ADDRESS = {"Giver, ": "giver", "Receiver, ": "receiver", "Both of you, ": "both"}
"""How a partner line says who it is for (techniques.yaml header)."""
LISTS = ("say", "brief", "during", "release")
TECHNIQUE_LISTS = ("ease_off", "switch", "arrive")

PRESSURE_BEFORE = {("partner-warming-strokes", "strokes"): 1,
                   ("partner-elbow-compression", "medius"): 3,
                   ("partner-elbow-compression", "piriformis"): 2,
                   ("partner-side-stretch", "stretch"): 1,
                   ("partner-sacrum-rocking", "rock"): 1}
"""Lines mentioning the pressure from the start of each partner hold to its release,
measured on the code before this change (commit ca9f85e): the most any seed 0-11 gave,
under every preference, except medius at short holds and normal breathing (2)."""
PRESSURE_BEFORE_EXCEPTIONS = {("partner-elbow-compression", "medius", HoldLength.SHORT,
                               BreathPace.NORMAL): 2}


def named(line: str) -> str | None:
    return next((who for prefix, who in ADDRESS.items() if line.startswith(prefix)), None)


def who_each(lines: tuple[str, ...]) -> list[str | None]:
    """The rule, written out here: named, else whoever the line before was for."""
    out: list[str | None] = []
    for line in lines:
        out.append(named(line) or (out[-1] if out else None))
    return out


def content_lists(t: Technique) -> list[tuple[str, tuple[str, ...]]]:
    found = [(f"{s.id}.{part}", getattr(s, part)) for s in t.steps for part in LISTS]
    return found + [(part, getattr(t, part)) for part in TECHNIQUE_LISTS]


def spoken(tl: Timeline) -> list[Event]:
    return [e for e in tl.events if e.text]


# --------------------------------------------------------------------------- addressing

def test_every_partner_line_says_who_it_is_for() -> None:
    assert PARTNER
    for t in PARTNER:
        for where, lines in content_lists(t):
            if lines:
                assert named(lines[0]), f"{t.id} {where}[0] names nobody: {lines[0]!r}"
            for line in lines:
                assert not re.match(r"(Partner|Recipient)\b", line), f"{t.id}: {line!r}"


def test_self_techniques_address_nobody() -> None:
    for t in CONTENT.techniques.values():
        if t.kind == "self":
            for where, lines in content_lists(t):
                assert not any(named(line) for line in lines), f"{t.id} {where}"


def _docs() -> dict[str, Any]:
    return {name: yaml.safe_load((CONTENT_DIR / name).read_text(encoding="utf-8"))
            for name in FILES}


DOCS = _docs()


@pytest.mark.parametrize("field", ["say", "during", "release", "ease_off", "arrive", "switch"])
def test_the_loader_refuses_a_partner_list_that_names_nobody_first(field: str) -> None:
    docs = copy.deepcopy(DOCS)
    items = docs["techniques.yaml"]["techniques"]
    i = next(k for k, t in enumerate(items) if t["id"] == "partner-side-stretch")
    holder = items[i] if field in TECHNIQUE_LISTS else items[i]["steps"][0]
    holder[field][0] = "Keep it gentle."
    with pytest.raises(ContentError) as exc:
        from_mappings(docs)
    assert exc.value.file == "techniques.yaml"
    path = f"techniques[{i}].{field}[0]" if field in TECHNIQUE_LISTS else \
        f"techniques[{i}].steps[0].{field}[0]"
    assert exc.value.field == path, str(exc.value)
    assert "Giver, " in str(exc.value)


def test_the_loader_accepts_an_unnamed_line_after_a_named_one() -> None:
    docs = copy.deepcopy(DOCS)
    items = docs["techniques.yaml"]["techniques"]
    stretch = next(t for t in items if t["id"] == "partner-side-stretch")
    stretch["steps"][0]["during"].insert(1, "Slowly, now.")
    from_mappings(docs)


def test_every_spoken_line_of_partner_work_is_labelled_with_who_it_is_for() -> None:
    for (rid, planned), prefs in itertools.product(PARTNER_STEPS, PREFS[:8]):
        tl = step_timeline(CONTENT, planned, prefs, planned.index)
        lines = {e.line_id: e for e in spoken(tl)}
        for e in spoken(tl):
            assert e.to in {"giver", "receiver", "both"}, (rid, e)
            if named(e.text):
                assert e.to == named(e.text), (rid, e)
        # content lines inherit within their list, as written out in who_each
        t = planned.technique
        for part in LISTS:
            texts = getattr(planned.step, part)
            for j, who in enumerate(who_each(texts)):
                for line_id, e in lines.items():
                    if line_id.startswith(f"{t.id}.{planned.step.id}.{part}.{j}"):
                        assert e.to == who, (rid, line_id, e.to, who)


def test_breaths_after_a_line_to_the_giver_are_said_to_the_receiver() -> None:
    checked = 0
    for (rid, planned), prefs in itertools.product(PARTNER_STEPS, PREFS):
        tl = step_timeline(CONTENT, planned, prefs, planned.index + 5)
        said = spoken(tl)
        for prev, e in itertools.pairwise(said):
            if e.kind not in (EventKind.BREATHE_IN, EventKind.BREATHE_OUT):
                continue
            assert e.to == "receiver", (rid, e)
            if prev.to == "giver":
                assert e.text.startswith("Receiver, "), f"{rid}: {prev.text!r} {e.text!r}"
                assert e.line_id.endswith(".receiver")
                checked += 1
    assert checked


def test_the_timed_part_of_partner_work_starts_with_the_giver() -> None:
    for (rid, planned), prefs in itertools.product(PARTNER_STEPS, PREFS[:4]):
        tl = step_timeline(CONTENT, planned, prefs, 0)
        for e in tl.events:
            if e.kind is EventKind.HOLD_START:
                assert e.text.startswith("Giver, "), (rid, e.text)


# --------------------------------------------------------------------------- positions

def _planned(routine_id: str, technique_id: str) -> PlannedStep:
    return next(p for p in steps(CONTENT, CONTENT.routines[routine_id])
                if p.technique.id == technique_id)


@pytest.mark.parametrize("first", list(Side))
def test_the_side_lying_stretch_tells_the_receiver_to_roll_over_for_the_second_side(
        first: Side) -> None:
    for routine in PARTNER_ROUTINES:
        if "partner-side-stretch" not in routine.techniques:
            continue
        planned = _planned(routine.id, "partner-side-stretch")
        prefs = Preferences(first_side=first)
        tl = step_timeline(CONTENT, planned, prefs, 0)
        (_, end_one), (start_two, _) = tl.holds()
        between = [e for e in spoken(tl) if end_one <= e.start_ms < start_two]
        roll = [e for e in between if e.to == "receiver" and "roll" in e.text.lower()]
        assert roll, f"{routine.id}: nobody tells the receiver to roll over"
        assert first.other.value in roll[0].text and first.value not in roll[0].text
        # streaming mode: the first side's track ends saying it
        track = side_timeline(CONTENT, planned, 0, prefs, 0)
        assert roll[0].text in {e.text for e in track.events}


def test_sacrum_rocking_after_the_side_lying_stretch_says_to_lie_face_down() -> None:
    planned = _planned("partner-massage", "partner-sacrum-rocking")
    assert planned.previous is not None and planned.previous.posture is Posture.SIDE_LYING
    for prefs in PREFS[:4]:
        for tl in (step_timeline(CONTENT, planned, prefs, 0),
                   side_timeline(CONTENT, planned, 0, prefs, 0)):
            start = next(e.start_ms for e in tl.events if e.kind is EventKind.HOLD_START)
            before = [e for e in spoken(tl) if e.start_ms < start]
            down = [e for e in before if "face down" in e.text.lower()]
            assert down and down[0].to == "receiver", [e.text for e in before]
            first_giver = next(e for e in before if e.to == "giver")
            assert down[0].start_ms < first_giver.start_ms, "the giver starts first"


def test_every_change_of_posture_in_any_routine_is_said() -> None:
    for routine in CONTENT.routines.values():
        for planned in steps(CONTENT, routine):
            prev = planned.previous
            if prev is None or prev.posture == planned.technique.posture:
                continue
            assert planned.technique.arrive, (
                f"{routine.id}: {prev.id} ({prev.posture}) -> {planned.technique.id} "
                f"({planned.technique.posture}) and nothing says to change position")
            tl = step_timeline(CONTENT, planned, Preferences(detail=Detail.BRIEF), 0)
            said = [e.text for e in spoken(tl)]
            side = "left" if planned.technique.per_side else None
            for line in planned.technique.arrive:
                assert line.format(side=side) in said, (routine.id, line)


def test_no_arrive_lines_without_a_change_of_posture() -> None:
    planned = _planned("partner-massage", "partner-elbow-compression")
    assert planned.previous is not None and planned.previous.posture == Posture.FACE_DOWN
    tl = step_timeline(CONTENT, planned, Preferences(), 0)
    assert not {e.text for e in tl.events} & set(
        CONTENT.techniques["partner-side-stretch"].arrive + planned.technique.arrive)


# --------------------------------------------------------------------------- check-ins

def test_pressure_check_ins_are_at_least_as_frequent_as_before() -> None:
    for (rid, planned), prefs in itertools.product(PARTNER_STEPS, PREFS):
        key = (planned.technique.id, planned.step.id)
        need = PRESSURE_BEFORE_EXCEPTIONS.get((*key, prefs.hold, prefs.breath),
                                             PRESSURE_BEFORE[key])
        for seed in range(4):
            tl = step_timeline(CONTENT, planned, prefs, seed)
            counts, current = [], None
            for e in tl.events:
                if e.kind is EventKind.HOLD_START:
                    current = 0
                elif e.kind is EventKind.RELEASE and current is not None:
                    counts.append(current)
                    current = None
                if current is not None and "pressure" in e.text.lower():
                    current += 1
            assert counts and min(counts) >= need, (rid, key, prefs, seed, counts)


# --------------------------------------------------------------------------- the end

def test_the_last_track_of_partner_work_offers_to_swap_roles_hands_free() -> None:
    for routine, prefs in itertools.product(CONTENT.routines.values(), PREFS[:4]):
        s, side = track_order(CONTENT, routine, prefs)[-1]
        last = side_timeline(CONTENT, steps(CONTENT, routine)[s], side, prefs, 0)
        closing = " ".join(e.text for e in last.events if e.kind is EventKind.CLOSING)
        if routine.kind == "partner":
            assert "swap roles" in closing.lower(), closing
            assert "Alexa, ask hip coach to start over" in closing
        else:
            assert "swap" not in closing.lower(), closing


def test_dialog_mode_has_a_swap_roles_question() -> None:
    questions = CUES["swap_roles_question"]
    assert len(questions) >= 3
    for q in questions:
        assert "swap roles" in q.lower() and q.endswith("?"), q


def test_ease_off_lines_are_for_whoever_controls_the_pressure() -> None:
    for t in CONTENT.techniques.values():
        assert 1 <= len(t.ease_off) <= 2, t.id
        text = " ".join(t.ease_off).lower()
        if t.kind == "partner":
            assert t.ease_off[0].startswith("Giver, "), t.id
            assert "hands and" not in text, f"{t.id}: a face-down receiver has no hands free"
    assert "hands and opposite foot" in " ".join(CONTENT.techniques["glute-ball"].ease_off)
    assert "lightly" in " ".join(CONTENT.techniques["hip-flexor-hand"].ease_off)
    assert "forearms" in " ".join(CONTENT.techniques["hip-flexor-roller"].ease_off)


def test_deep_pressure_is_marked_for_the_guides_caution() -> None:
    deep = {t.id for t in CONTENT.techniques.values() if t.deep}
    assert deep == {"glute-ball", "piriformis-ball", "partner-elbow-compression"}
