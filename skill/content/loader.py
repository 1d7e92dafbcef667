"""Load and validate the YAML content into frozen records (skill.core.record).

Layered like hassil: `load_content()` (cached, the package's own files) ->
`from_files(folder)` (reads) -> `from_mappings(docs)` (pure). Every error names
the file and the field path, e.g. ``techniques.yaml: techniques[2].steps[0].hold:
min 95 is above max 90``, so a content editor can fix it without reading code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from skill.content.model import (
    Content,
    Cues,
    Equipment,
    GuideRef,
    Knowledge,
    Muscle,
    Pressure,
    Routine,
    SafetyRule,
    Step,
    Technique,
    Topic,
)
from skill.content.reader import ContentError, Reader, T
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
    pressure = r.text("pressure")
    if pressure not in set(Pressure):
        r.fail("pressure", f"must be one of {', '.join(Pressure)}")
    t = Technique(id=r.text("id"), name=r.text("name"), kind=kind, guide=_guide(r),
                  guide_hold=r.hold("guide_hold"), hold_basis=r.text("hold_basis"),
                  muscles=r.texts("muscles"), equipment=r.texts("equipment"),
                  per_side=r.flag("per_side"), pressure=Pressure(pressure),
                  steps=r.items("steps", _step))
    for i, s in enumerate(t.steps):
        if not t.guide_hold.contains(s.hold):
            r.fail(f"steps[{i}].hold", f"{s.hold.min_s}-{s.hold.max_s} s lies outside the "
                   f"guide's {t.guide_hold.min_s}-{t.guide_hold.max_s} s")
    _unique(r, "steps", [s.id for s in t.steps])
    r.done()
    return t


def _routine(r: Reader) -> Routine:
    kind = r.text("kind")
    if kind not in KINDS:
        r.fail("kind", f"must be one of {', '.join(KINDS)}")
    routine = Routine(id=r.text("id"), name=r.text("name"),
                      synonyms=r.texts("synonyms", required=False), kind=kind,
                      summary=r.text("summary"), techniques=r.texts("techniques"))
    r.done()
    return routine


def _muscle(r: Reader) -> Muscle:
    m = Muscle(id=r.text("id"), name=r.text("name"), synonyms=r.texts("synonyms", required=False),
               what=r.text("what"), tightness=r.text("tightness"), guide=_guide(r))
    r.done()
    return m


def _equipment(r: Reader) -> Equipment:
    e = Equipment(id=r.text("id"), name=r.text("name"),
                  synonyms=r.texts("synonyms", required=False), note=r.text("note"))
    r.done()
    return e


def _topic(r: Reader) -> Topic:
    t = Topic(id=r.text("id"), name=r.text("name"), synonyms=r.texts("synonyms", required=False),
              lines=r.texts("lines"), guide=_guide(r))
    r.done()
    return t


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
        conditions=kr.texts("conditions"))
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
    if sum(rule.key for rule in knowledge.safety) != 1:
        raise ContentError("knowledge.yaml", "safety", "exactly one rule must have key: true")
    return Content(techniques=techniques, routines=routines, knowledge=knowledge,
                   cues=Cues(phrasings), version=version)


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
