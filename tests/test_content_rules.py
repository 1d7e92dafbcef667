"""Properties of Hip Coach's real content (the YAML in skill/content/).

These check the content against the massage guide it comes from and against the
rules for speech written for the ear: hold times trace to the guide's own figures,
quotes are verbatim, sentences are short, cues vary, names are unambiguous.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from skill.content import Content, load_content
from skill.content.model import Pressure, Technique

GUIDE_PATH = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_9c3bfa2b31ad45a9.txt"

MAX_SENTENCE_WORDS = 25
MAX_CUE_WORDS = 12

# Each cue the coach needs, with exactly the placeholders its phrasings must use.
CUE_FIELDS: dict[str, frozenset[str]] = {
    "start_static": frozenset(),
    "start_rolling": frozenset(),
    "start_strokes": frozenset(),
    "start_rocking": frozenset(),
    "start_stretch": frozenset(),
    "breathe_in": frozenset(),
    "breathe_out": frozenset(),
    "time_left": frozenset({"seconds"}),
    "halfway": frozenset(),
    "last_breaths": frozenset(),
    "release": frozenset(),
    "settle": frozenset(),
    "side_intro": frozenset({"side"}),
    "switch_sides": frozenset({"side"}),
    "next_question": frozenset(),
    "side_question": frozenset(),
    "hold_question": frozenset(),
    "continue_question": frozenset(),
    "reprompt": frozenset(),
    "routine_done": frozenset(),
    "start_over_hint": frozenset(),
    "swap_roles_hint": frozenset(),
    "swap_roles_question": frozenset(),
    "step_intro": frozenset({"number", "title"}),
}

# Plain spoken text: letters, digits and everyday punctuation; no emoji, markdown or
# characters that need SSML escaping. Braces only for str.format placeholders.
SPOKEN_CHARS = re.compile(r"[A-Za-z0-9 .,;:'?!{}\-]+")

QUOTE_CHARS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


# --------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def guide() -> str:
    if not GUIDE_PATH.is_file():
        pytest.skip(f"massage guide not found at {GUIDE_PATH}")
    return GUIDE_PATH.read_text(encoding="utf-8")


def normalise(text: str) -> str:
    """Lower case, straight quotes, single spaces: for verbatim comparison."""
    return " ".join(text.translate(QUOTE_CHARS).lower().split())


def guide_headings(guide: str) -> list[str]:
    """Heading lines: short lines standing alone between blank lines, no final stop."""
    lines = guide.splitlines()
    headings = []
    for i, line in enumerate(lines):
        text = line.strip()
        alone = (i == 0 or not lines[i - 1].strip()) and (
            i == len(lines) - 1 or not lines[i + 1].strip())
        if text and alone and len(text.split()) <= 12 and text[-1] not in ".!?:;,":
            headings.append(text)
    return headings


def guide_sections(guide: str) -> dict[str, str]:
    """Text of each section of the guide, keyed by its heading."""
    headings = set(guide_headings(guide))
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in guide.splitlines():
        if line.strip() in headings:
            current = sections.setdefault(line.strip(), [])
        elif current is not None:
            current.append(line)
    return {h: "\n".join(body) for h, body in sections.items()}


def ranges_in(text: str) -> set[tuple[int, int]]:
    """Time ranges the text gives, e.g. "30 to 90 seconds"."""
    return {(int(a), int(b)) for a, b in re.findall(r"(\d+) to (\d+) seconds", text)}


def abouts_in(text: str) -> set[int]:
    """Approximate times the text gives, e.g. "about 60 seconds"."""
    return {int(n) for n in re.findall(r"about (\d+) seconds", text)}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[.!?]", text) if s.strip()]


def fields_of(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def spoken(content: Content) -> Iterator[tuple[str, str]]:
    """Every piece of text the coach speaks, with where it comes from."""
    for t in content.techniques.values():
        yield f"technique {t.id} name", t.name
        for s in t.steps:
            where = f"technique {t.id} step {s.id}"
            yield f"{where} title", s.title
            for part in ("say", "brief", "during", "release"):
                for line in getattr(s, part):
                    yield f"{where} {part}", line
        for part in ("ease_off", "switch", "arrive"):
            for line in getattr(t, part):
                yield f"technique {t.id} {part}", line
    for r in content.routines.values():
        yield f"routine {r.id} name", r.name
        yield f"routine {r.id} summary", r.summary
    k = content.knowledge
    for m in k.muscles:
        yield f"muscle {m.id} what", m.what
        yield f"muscle {m.id} tightness", m.tightness
    for e in k.equipment:
        yield f"equipment {e.id} note", e.note
        yield f"equipment {e.id} without", e.without
    for c in k.conditions:
        for line in c.lines:
            yield f"condition {c.id} lines", line
    for a in k.areas:
        if a.why:
            yield f"area {a.id} why", a.why
    for topic in k.topics:
        for line in topic.lines:
            yield f"topic {topic.id} lines", line
    for rule in k.safety:
        yield f"safety {rule.id} text", rule.text
    yield "disclaimer", k.disclaimer
    for part in ("pain", "sharp_pain", "nerve", "screen_flagged"):
        for line in getattr(k, part):
            yield part, line
    yield "screen", k.screen
    for name, phrasings in content.cues.phrasings.items():
        for p in phrasings:
            yield f"cue {name}", p


def guide_refs(content: Content) -> Iterator[tuple[str, str, str]]:
    """(where, section, quote) of every reference to the guide."""
    for t in content.techniques.values():
        yield f"technique {t.id}", t.guide.section, t.guide.quote
    k = content.knowledge
    for m in k.muscles:
        yield f"muscle {m.id}", m.guide.section, m.guide.quote
    for topic in k.topics:
        yield f"topic {topic.id}", topic.guide.section, topic.guide.quote
    for rule in k.safety:
        yield f"safety {rule.id}", rule.guide.section, rule.guide.quote


def sides(t: Technique) -> int:
    return 2 if t.per_side else 1


# --------------------------------------------------------------------------- hold times

def test_step_holds_lie_inside_the_techniques_guide_range(content: Content) -> None:
    for t in content.techniques.values():
        assert t.guide_hold.min_s <= t.guide_hold.max_s, t.id
        for s in t.steps:
            assert 0 < s.hold.min_s <= s.hold.max_s, f"{t.id}/{s.id}"
            assert t.guide_hold.contains(s.hold), (
                f"{t.id}/{s.id}: {s.hold} outside guide range {t.guide_hold}")


def test_ball_techniques_use_the_guides_ball_figure(content: Content, guide: str) -> None:
    self_section = guide_sections(guide)["Step-by-Step Self-Massage Techniques"]
    assert (30, 90) in ranges_in(self_section)
    for tid in ("glute-ball", "piriformis-ball"):
        hold = content.techniques[tid].guide_hold
        assert (hold.min_s, hold.max_s) == (30, 90), tid


def test_hip_flexor_ranges_are_centred_on_the_guides_figure(content: Content, guide: str) -> None:
    abouts = abouts_in(guide_sections(guide)["Step-by-Step Self-Massage Techniques"])
    assert 60 in abouts
    flexor_work = [t for t in content.techniques.values() if "iliopsoas" in t.muscles]
    assert {t.id for t in flexor_work} >= {"hip-flexor-hand", "hip-flexor-roller"}
    for t in flexor_work:
        assert t.guide_hold.min_s <= 60 <= t.guide_hold.max_s, t.id
        assert t.guide_hold.min_s + t.guide_hold.max_s == 2 * 60, f"{t.id} not centred on 60"


def test_partner_compression_uses_the_guides_figure(content: Content, guide: str) -> None:
    partner_section = guide_sections(guide)["Partner-Assisted Techniques for Deeper Relief"]
    assert (45, 75) in ranges_in(partner_section)
    hold = content.techniques["partner-elbow-compression"].guide_hold
    assert (hold.min_s, hold.max_s) == (45, 75)


def test_every_guide_hold_traces_to_a_figure_of_its_own_section(
        content: Content, guide: str) -> None:
    sections = guide_sections(guide)
    for t in content.techniques.values():
        text = sections.get(t.guide.section, "")
        lo, hi = t.guide_hold.min_s, t.guide_hold.max_s
        if (lo, hi) in ranges_in(text):
            figure = f"{lo} to {hi} seconds"
        else:
            centre = [n for n in abouts_in(text) if lo + hi == 2 * n]
            assert centre, f"{t.id}: {lo}-{hi} s matches no figure of {t.guide.section!r}"
            figure = f"about {centre[0]} seconds"
        assert figure in t.hold_basis, f"{t.id}: hold_basis does not name {figure!r}"
        if figure not in normalise(t.guide.quote):
            assert "borrow" in t.hold_basis.lower(), (
                f"{t.id}: its quote lacks {figure!r}, so hold_basis must say it is borrowed")


# --------------------------------------------------------------------------- guide references

def test_guide_quotes_are_verbatim(content: Content, guide: str) -> None:
    text = normalise(guide)
    for where, _, quote in guide_refs(content):
        assert normalise(quote) in text, f"{where}: quote not in the guide: {quote!r}"


def test_guide_sections_are_headings_of_the_guide(content: Content, guide: str) -> None:
    headings = guide_headings(guide)
    assert len(headings) >= 4
    for where, section, _ in guide_refs(content):
        assert section in headings, f"{where}: {section!r} is not a heading of the guide"


def test_quotes_come_from_the_section_they_name(content: Content, guide: str) -> None:
    sections = {h: normalise(body) for h, body in guide_sections(guide).items()}
    for where, section, quote in guide_refs(content):
        body = sections.get(section, "")
        assert normalise(quote) in body, f"{where}: quote not under {section!r}"


# --------------------------------------------------------------------------- routines

def test_every_technique_is_in_a_routine_and_every_reference_exists(content: Content) -> None:
    used = {tid for r in content.routines.values() for tid in r.techniques}
    assert used <= set(content.techniques), used - set(content.techniques)
    assert set(content.techniques) <= used, set(content.techniques) - used


def test_routine_kind_matches_its_techniques(content: Content) -> None:
    for r in content.routines.values():
        kinds = {content.techniques[t].kind for t in r.techniques}
        assert kinds == {r.kind}, f"{r.id}: {r.kind} routine with {kinds} techniques"


def test_routine_ids_names_and_synonyms_are_unique(content: Content) -> None:
    ids = [r.id.lower() for r in content.routines.values()]
    assert len(ids) == len(set(ids))
    seen: dict[str, str] = {}
    for r in content.menu:  # variants are never named: they stand in for a menu routine
        # enough names for how people say it; the grammar, not the content, adds carriers
        assert 3 <= len(r.synonyms) <= 20, f"{r.id}: {len(r.synonyms)} synonyms"
        for phrase in (r.name, *r.synonyms):
            key = " ".join(phrase.lower().split())
            assert key not in seen, f"{phrase!r} names both {seen.get(key)} and {r.id}"
            assert key not in {"massage", "routine", "release", "stretch", "start"}, (
                f"{r.id}: {phrase!r} is too generic")
            seen[key] = r.id
        for syn in r.synonyms:
            assert syn == syn.lower(), f"{r.id}: synonym {syn!r} is not lower case"


def test_whole_pelvis_covers_every_self_muscle_with_one_hip_flexor_technique(
        content: Content) -> None:
    self_ids = {t.id for t in content.techniques.values() if t.kind == "self"}
    variants = [r for r in content.routines.values()
                if r.id == "whole-pelvis" or r.variant_of == "whole-pelvis"]
    assert {t for r in variants for t in r.techniques} == self_ids
    self_muscles = {m for t in self_ids for m in content.techniques[t].muscles}
    for r in variants:
        assert {m for t in r.techniques for m in content.techniques[t].muscles} == self_muscles
        flexors = [t for t in r.techniques if "iliopsoas" in content.techniques[t].muscles]
        assert len(flexors) == 1, r.id  # the guide's roller is an alternative, not an extra


def test_partner_massage_covers_every_partner_technique_starting_with_warming(
        content: Content) -> None:
    partner_ids = {t.id for t in content.techniques.values() if t.kind == "partner"}
    full = content.routines["partner-massage"].techniques
    assert set(full) == partner_ids
    shorter = [r for r in content.routines.values()
               if r.kind == "partner" and len(r.techniques) < len(full)]
    assert shorter, "no shorter partner routine"
    for r in content.routines.values():
        if r.kind == "partner":
            # The guide: warming strokes are the "initial step" that prepares the tissue.
            assert r.techniques[0] == "partner-warming-strokes", r.id


def test_quick_release_is_short(content: Content) -> None:
    routine = content.routines["quick-release"]
    steps = content.steps_of(routine)
    assert len(steps) <= 3
    # Longest holds on every side must leave at least two of ten minutes for speech.
    longest = sum(s.hold.max_s * sides(t) for t, s in steps)
    assert longest <= 8 * 60, f"quick-release holds alone take up to {longest} s"


# --------------------------------------------------------------------------- spoken text

def test_every_spoken_sentence_is_short(content: Content) -> None:
    too_long = [(where, s) for where, text in spoken(content) for s in sentences(text)
                if len(s.split()) > MAX_SENTENCE_WORDS]
    assert not too_long, too_long


def test_spoken_text_is_plain(content: Content) -> None:
    for where, text in spoken(content):
        assert SPOKEN_CHARS.fullmatch(text), f"{where}: unexpected characters in {text!r}"


def test_step_text_uses_only_the_side_placeholder_and_only_per_side(content: Content) -> None:
    for t in content.techniques.values():
        allowed = {"side"} if t.per_side else set()
        for s in t.steps:
            for line in (*s.say, *s.brief):
                assert fields_of(line) <= allowed, f"{t.id}/{s.id}: {line!r}"
                line.format(side="left")
            for line in (s.title, *s.during, *s.release):
                assert not fields_of(line), f"{t.id}/{s.id}: {line!r} has a placeholder"


def test_other_spoken_text_has_no_placeholders(content: Content) -> None:
    for where, text in spoken(content):
        if where.startswith(("technique", "cue")):
            continue
        assert "{" not in text and "}" not in text, f"{where}: {text!r}"


def test_step_instructions_have_the_right_length(content: Content) -> None:
    for t in content.techniques.values():
        for s in t.steps:
            where = f"{t.id}/{s.id}"
            assert 3 <= len(sentences(" ".join(s.say))) <= 6, f"{where}: say"
            assert 1 <= len(sentences(" ".join(s.brief))) <= 2, f"{where}: brief"
            assert len(sentences(" ".join(s.during))) <= 3, f"{where}: during"
            assert len(sentences(" ".join(s.release))) <= 2, f"{where}: release"


def test_partner_steps_address_the_partner_and_mention_pressure(content: Content) -> None:
    for t in content.techniques.values():
        if t.kind != "partner":
            continue
        for s in t.steps:
            said = " ".join(s.say)
            assert said.startswith(("Giver,", "Receiver,", "Both of you,")), (
                f"{t.id}/{s.id} does not say who its first line is for")
            talk = " ".join((*s.say, *s.during)).lower()
            assert "pressure" in talk, f"{t.id}/{s.id} never mentions the pressure"


def test_self_steps_do_not_address_a_partner(content: Content) -> None:
    for t in content.techniques.values():
        if t.kind == "self":
            for s in t.steps:
                text = " ".join((*s.say, *s.brief, *s.during, *s.release)).lower()
                assert "partner" not in text and "recipient" not in text, f"{t.id}/{s.id}"


def test_hip_flexor_pressure_is_lighter_than_on_the_glutes(content: Content) -> None:
    order = list(Pressure)
    flexors = [t for t in content.techniques.values() if "iliopsoas" in t.muscles]
    glutes = [t for t in content.techniques.values() if t.kind == "self"
              and {"gluteus-maximus", "gluteus-medius", "piriformis"} & set(t.muscles)]
    assert flexors and glutes
    for f in flexors:
        for g in glutes:
            assert order.index(f.pressure) < order.index(g.pressure), (f.id, g.id)


# --------------------------------------------------------------------------- cues

def test_every_cue_has_several_distinct_phrasings_with_the_right_placeholders(
        content: Content) -> None:
    for name, fields in CUE_FIELDS.items():
        phrasings = content.cues.get(name)
        assert 3 <= len(phrasings) <= 6, f"{name}: {len(phrasings)} phrasings"
        keys = [" ".join(p.lower().split()) for p in phrasings]
        assert len(keys) == len(set(keys)), f"{name}: repeated phrasing"
        for p in phrasings:
            assert fields_of(p) == fields, f"{name}: {p!r} uses {fields_of(p)}, wants {fields}"
            p.format(seconds=30, side="left", number=2, title="the big buttock muscle")
            assert len(p.split()) < MAX_CUE_WORDS, f"{name}: {p!r} is long for a cue"


def test_no_unknown_cues(content: Content) -> None:
    assert set(content.cues.phrasings) <= set(CUE_FIELDS)


# --------------------------------------------------------------------------- knowledge

def test_safety_rules(content: Content) -> None:
    rules = content.knowledge.safety
    keys = [r for r in rules if r.key]
    assert len(keys) == 1
    key_text = keys[0].text.lower()
    assert "good hurt" in key_text and "sharp" in key_text
    assert any("pregnan" in r.text.lower() and "deep vein thrombosis" in r.text.lower()
               for r in rules)
    assert any(re.search(r"\b(sharp|shooting)\b", r.text.lower()) for r in rules)
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))


def test_pain_answers(content: Content) -> None:
    k = content.knowledge
    assert 2 <= len(k.pain) <= 4
    assert 2 <= len(k.sharp_pain) <= 3
    assert any("stop" in line.lower() for line in k.sharp_pain)
    assert any("healthcare" in line.lower() for line in k.sharp_pain)
    assert "before you continue" not in " ".join(k.sharp_pain)  # the step is over
    assert any("healthcare professional" in line for line in k.nerve)
    by_id = {c.id: " ".join(c.lines).lower() for c in k.conditions}
    assert "pregnan" in by_id["pregnancy"] and "healthcare provider" in by_id["pregnancy"]
    assert "deep vein thrombosis" in by_id["dvt"] and "healthcare provider" in by_id["dvt"]
    for c in k.conditions:
        assert c.guide is not None or c.basis, f"{c.id}: neither the guide nor a reason"
    assert "medical advice" in k.disclaimer.lower()


def test_muscle_ids_names_and_synonyms_are_unique(content: Content) -> None:
    muscles = content.knowledge.muscles
    ids = [m.id for m in muscles]
    assert len(ids) == len(set(ids))
    seen: dict[str, str] = {}
    for m in muscles:
        for phrase in (m.name, *m.synonyms):
            key = " ".join(phrase.lower().split())
            assert key not in seen, f"{phrase!r} names both {seen.get(key)} and {m.id}"
            seen[key] = m.id


def test_equipment_and_topic_names_are_unique(content: Content) -> None:
    for group in (content.knowledge.equipment, content.knowledge.topics):
        seen: set[str] = set()
        for item in group:
            for phrase in (item.name, *item.synonyms):
                key = " ".join(phrase.lower().split())
                assert key not in seen, f"{item.id}: {phrase!r} is used twice"
                seen.add(key)


def test_techniques_reference_known_muscles_and_equipment(content: Content) -> None:
    muscles = {m.id for m in content.knowledge.muscles}
    equipment = {e.id for e in content.knowledge.equipment}
    for t in content.techniques.values():
        assert t.muscles, f"{t.id} works no muscle"
        assert set(t.muscles) <= muscles, f"{t.id}: {set(t.muscles) - muscles}"
        assert set(t.equipment) <= equipment, f"{t.id}: {set(t.equipment) - equipment}"
