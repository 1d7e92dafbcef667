"""Load and validate the YAML content into frozen records (skill.core.record).

Layered like hassil: `load_content()` (cached, the package's own files) ->
`from_files(folder)` (reads) -> `from_mappings(docs)` (pure). Every error names
the file and the field path, e.g. ``techniques.yaml: techniques[2].steps[0].hold:
min 95 is above max 90``, so a content editor can fix it without reading code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from skill.content.knowledge import (
    Area,
    Condition,
    Equipment,
    GuideRef,
    Knowledge,
    Muscle,
    SafetyRule,
    Topic,
)
from skill.content.model import (
    Content,
    Cues,
    Motion,
    Posture,
    Pressure,
    Routine,
    Step,
    Technique,
)
from skill.content.reader import ContentError, Reader, T
from skill.core.address import PREFIXES, address_of
from skill.core.digest import sha256

CONTENT_DIR = Path(__file__).parent
COMPILED = "compiled.json"
"""The YAML files parsed to JSON, stamped with the hash of the YAML they came from.

Importing PyYAML and parsing costs tens of milliseconds of a cold Lambda start;
`json` is already loaded. The YAML stays the source of truth: the compiled copy is
used only while its stamp matches the YAML bytes (`python -m skill.content.compile`
rewrites it, and a test fails when it is stale)."""
FILES = ("techniques.yaml", "routines.yaml", "knowledge.yaml", "cues.yaml")
KINDS = ("self", "partner")



def _guide(r: Reader) -> GuideRef:
    g = r.sub("guide")
    ref = GuideRef(section=g.text("section"), quote=g.text("quote"))
    g.done()
    return ref


def _step(r: Reader) -> Step:
    step = Step(id=r.text("id"), title=r.text("title"), say=r.texts("say"), brief=r.texts("brief"),
                hold=r.hold("hold"), during=r.texts("during", required=False),
                release=r.texts("release", required=False))
    r.done()
    return step


def _technique(r: Reader) -> Technique:
    kind = r.text("kind")
    if kind not in KINDS:
        r.fail("kind", f"must be one of {', '.join(KINDS)}")
    pressure = _choice(r, "pressure", Pressure)
    motion = _choice(r, "motion", Motion)
    posture = _choice(r, "posture", Posture)
    if "deep" not in r.data:
        r.fail("deep", "is required (true for deep pressure: ball, elbow or knuckles)")
    t = Technique(id=r.text("id"), name=r.text("name"), kind=kind, guide=_guide(r),
                  guide_hold=r.hold("guide_hold"), hold_basis=r.text("hold_basis"),
                  muscles=r.texts("muscles"), equipment=r.texts("equipment"),
                  per_side=r.flag("per_side"), pressure=Pressure(pressure),
                  motion=Motion(motion), posture=Posture(posture),
                  settle_s=_whole_seconds(r, "settle_s"), settle_basis=r.text("settle_basis"),
                  deep=r.flag("deep"), ease_off=r.texts("ease_off"),
                  steps=r.items("steps", _step), switch=r.texts("switch", required=False),
                  arrive=r.texts("arrive", required=False))
    for i, s in enumerate(t.steps):
        if not t.guide_hold.contains(s.hold):
            r.fail(f"steps[{i}].hold", f"{s.hold.min_s}-{s.hold.max_s} s lies outside the "
                   f"guide's {t.guide_hold.min_s}-{t.guide_hold.max_s} s")
    _unique(r, "steps", [s.id for s in t.steps])
    if len(t.ease_off) > 2:
        r.fail("ease_off", "one or two lines: what to do when the pressure is too much")
    if t.switch and not t.per_side:
        r.fail("switch", "only techniques worked on each side switch sides")
    _check_addresses(r, t)
    r.done()
    return t


def _choice(r: Reader, key: str, choices: type[StrEnum]) -> str:
    value = r.text(key)
    if value not in {c.value for c in choices}:
        r.fail(key, f"must be one of {', '.join(c.value for c in choices)}")
    return value


def _whole_seconds(r: Reader, key: str) -> int:
    value = r._get(key, True)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        r.fail(key, "must be a positive whole number of seconds")
    return int(value)


def _check_addresses(r: Reader, t: Technique) -> None:
    """Partner lines say who they are for (skill.core.address); self lines address nobody."""
    lists = [(f"steps[{i}].{part}", getattr(s, part)) for i, s in enumerate(t.steps)
             for part in ("say", "brief", "during", "release")]
    lists += [(part, getattr(t, part)) for part in ("ease_off", "switch", "arrive")]
    names = " or ".join(repr(p) for p in PREFIXES)
    for where, lines in lists:
        if t.kind == "partner" and lines and address_of(lines[0]) is None:
            r.fail(f"{where}[0]", f"a partner technique's line must start with {names}: "
                   f"say who it is for ({lines[0]!r})")
        if t.kind == "self":
            for j, line in enumerate(lines):
                if address_of(line) is not None:
                    r.fail(f"{where}[{j}]", f"a self technique addresses nobody ({line!r})")


def _routine(r: Reader) -> Routine:
    kind = r.text("kind")
    if kind not in KINDS:
        r.fail("kind", f"must be one of {', '.join(KINDS)}")
    routine = Routine(id=r.text("id"), name=r.text("name"),
                      synonyms=r.texts("synonyms", required=False), kind=kind,
                      summary=r.text("summary"), techniques=r.texts("techniques"),
                      only_steps=r.texts("only_steps", required=False),
                      variant_of=r.text("variant_of", required=False) or "",
                      uses=r.text("uses", required=False) or "")
    r.done()
    return routine


def _muscle(r: Reader) -> Muscle:
    m = Muscle(id=r.text("id"), name=r.text("name"), synonyms=r.texts("synonyms", required=False),
               what=r.text("what"), tightness=r.text("tightness"), guide=_guide(r))
    r.done()
    return m


def _equipment(r: Reader) -> Equipment:
    e = Equipment(id=r.text("id"), name=r.text("name"),
                  synonyms=r.texts("synonyms", required=False), note=r.text("note"),
                  without=r.text("without"))
    r.done()
    return e


def _topic(r: Reader) -> Topic:
    t = Topic(id=r.text("id"), name=r.text("name"), synonyms=r.texts("synonyms", required=False),
              lines=r.texts("lines"), guide=_guide(r))
    r.done()
    return t


def _condition(r: Reader) -> Condition:
    guide = _guide(r) if "guide" in r.data else None
    c = Condition(id=r.text("id"), name=r.text("name"),
                  synonyms=r.texts("synonyms", required=False), lines=r.texts("lines"),
                  guide=guide, basis=r.text("basis", required=guide is None) or "")
    r.done()
    return c


def _area(r: Reader) -> Area:
    a = Area(id=r.text("id"), name=r.text("name"), synonyms=r.texts("synonyms", required=False),
             muscles=r.texts("muscles", required=False), why=r.text("why", required=False) or "",
             routine=r.text("routine", required=False) or "")
    r.done()
    return a


def _safety(r: Reader) -> SafetyRule:
    s = SafetyRule(id=r.text("id"), text=r.text("text"), guide=_guide(r), key=r.flag("key"))
    r.done()
    return s


def _unique(r: Reader, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            r.fail(f"{key}[{i}].id", f"duplicate id {item!r}")
        seen.add(item)


def _index(r: Reader, key: str, items: tuple[T, ...], ident: Callable[[T], str]) -> dict[str, T]:
    _unique(r, key, [ident(i) for i in items])
    return {ident(i): i for i in items}


def from_mappings(docs: Mapping[str, Any], version: str = "dev") -> Content:
    """Build validated content from parsed YAML documents keyed by file name."""
    for name in FILES:
        if name not in docs:
            raise ContentError(name, "(file)", "is missing")
    tr = Reader("techniques.yaml", docs["techniques.yaml"], "")
    techniques = _index(tr, "techniques", tr.items("techniques", _technique), lambda t: t.id)
    tr.done()
    rr = Reader("routines.yaml", docs["routines.yaml"], "")
    routines = _index(rr, "routines", rr.items("routines", _routine), lambda t: t.id)
    rr.done()
    kr = Reader("knowledge.yaml", docs["knowledge.yaml"], "")
    knowledge = Knowledge(
        muscles=kr.items("muscles", _muscle), equipment=kr.items("equipment", _equipment),
        topics=kr.items("topics", _topic), safety=kr.items("safety", _safety),
        disclaimer=kr.text("disclaimer"), pain=kr.texts("pain"), sharp_pain=kr.texts("sharp_pain"),
        nerve=kr.texts("nerve"), nerve_basis=kr.text("nerve_basis"), screen=kr.text("screen"),
        screen_basis=kr.text("screen_basis"), screen_flagged=kr.texts("screen_flagged"),
        conditions=kr.items("conditions", _condition), areas=kr.items("areas", _area))
    kr.done()
    cr = Reader("cues.yaml", docs["cues.yaml"], "")
    cue_map = cr.sub("cues")
    phrasings = {name: cue_map.texts(name) for name in cue_map.data}
    cr.done()

    muscles = {m.id for m in knowledge.muscles}
    equipment = {e.id for e in knowledge.equipment}
    for i, t in enumerate(techniques.values()):
        for field_name, ids, known in (("muscles", t.muscles, muscles),
                                       ("equipment", t.equipment, equipment)):
            for j, ref in enumerate(ids):
                if ref not in known:
                    raise ContentError("techniques.yaml", f"techniques[{i}].{field_name}[{j}]",
                                       f"{ref!r} is not defined in knowledge.yaml")
    for i, routine in enumerate(routines.values()):
        for j, ref in enumerate(routine.techniques):
            if ref not in techniques:
                raise ContentError("routines.yaml", f"routines[{i}].techniques[{j}]",
                                   f"no technique {ref!r} in techniques.yaml")
    _links(routines, techniques, knowledge, muscles)
    if sum(rule.key for rule in knowledge.safety) != 1:
        raise ContentError("knowledge.yaml", "safety", "exactly one rule must have key: true")
    return Content(techniques=techniques, routines=routines, knowledge=knowledge,
                   cues=Cues(phrasings), version=version)


def _links(routines: dict[str, Routine], techniques: dict[str, Technique],
           knowledge: Knowledge, muscles: set[str]) -> None:
    """Variants, areas and conditions point only at what exists."""
    equipment = {e.id for e in knowledge.equipment}
    for i, routine in enumerate(routines.values()):
        own = {s.id for t in routine.techniques for s in techniques[t].steps}
        for j, ref in enumerate(routine.only_steps):
            if ref not in own:
                raise ContentError("routines.yaml", f"routines[{i}].only_steps[{j}]",
                                   f"no step {ref!r} in this routine's techniques")
        if routine.variant_of and (routine.variant_of not in routines
                                   or routines[routine.variant_of].variant_of):
            raise ContentError("routines.yaml", f"routines[{i}].variant_of",
                               f"{routine.variant_of!r} is not a routine people choose")
        if routine.variant_of and routine.uses not in equipment:
            raise ContentError("routines.yaml", f"routines[{i}].uses",
                               "a variant names the equipment it is chosen for")
    for i, area in enumerate(knowledge.areas):
        for j, ref in enumerate(area.muscles):
            if ref not in muscles:
                raise ContentError("knowledge.yaml", f"areas[{i}].muscles[{j}]",
                                   f"{ref!r} is not a muscle")
        if area.routine and area.routine not in routines:
            raise ContentError("knowledge.yaml", f"areas[{i}].routine",
                               f"no routine {area.routine!r}")


def read_sources(folder: Path) -> tuple[dict[str, bytes], str]:
    """The four YAML files' bytes and their version: a hash of names and bytes."""
    raws: dict[str, bytes] = {}
    digest = sha256()
    for name in FILES:
        try:
            raws[name] = (folder / name).read_bytes()
        except OSError as exc:
            raise ContentError(name, "(file)", f"cannot be read: {exc.strerror}") from exc
        digest.update(name.encode() + b"\0" + raws[name])
    return raws, digest.hexdigest()[:12]


def parse_yaml(raws: dict[str, bytes]) -> dict[str, Any]:
    """Parse YAML sources (libyaml's safe loader when PyYAML has it)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    docs: dict[str, Any] = {}
    for name, raw in raws.items():
        try:
            docs[name] = yaml.load(raw, Loader=loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "(parse)"
            raise ContentError(name, where, f"is not valid YAML: {exc}") from exc
    return docs


def _compiled(folder: Path, version: str) -> dict[str, Any] | None:
    """The compiled copy's documents when it matches `version`, else None."""
    try:
        data = json.loads((folder / COMPILED).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != version:
        return None
    docs = data.get("docs")
    return docs if isinstance(docs, dict) else None


def from_files(folder: Path) -> Content:
    """Read the content of `folder`: the compiled copy if current, else the YAML."""
    raws, version = read_sources(folder)
    docs = _compiled(folder, version)
    return from_mappings(docs if docs is not None else parse_yaml(raws), version=version)


@lru_cache(maxsize=1)
def load_content() -> Content:
    """The skill's own content, loaded once per process."""
    return from_files(CONTENT_DIR)
