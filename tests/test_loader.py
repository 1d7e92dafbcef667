"""The content loader: good content loads; every broken file is reported by file and field.

A content editor who breaks a YAML file must get an error that says which file and
which field to fix (e.g. ``techniques.yaml`` and ``techniques[0].steps[0].hold``),
never a traceback from deep inside the code. Breakages are made on copies of the
real files: parsed into dicts and mutated, or copied to a temporary folder.
"""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.content import Content, ContentError, from_files, from_mappings, load_content
from skill.content.loader import CONTENT_DIR, FILES

Docs = dict[str, Any]


@pytest.fixture(scope="module")
def real_docs() -> Docs:
    return {name: yaml.safe_load((CONTENT_DIR / name).read_text(encoding="utf-8"))
            for name in FILES}


@pytest.fixture
def docs(real_docs: Docs) -> Docs:
    return copy.deepcopy(real_docs)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    dest = tmp_path / "content"
    dest.mkdir()
    for name in FILES:
        shutil.copyfile(CONTENT_DIR / name, dest / name)
    return dest


def index_of(items: list[dict[str, Any]], ident: str) -> int:
    return next(i for i, item in enumerate(items) if item["id"] == ident)


def assert_names(exc: ContentError, file: str, field: str) -> None:
    message = str(exc)
    assert file in message, message
    assert field in message, message
    assert exc.file == file
    assert exc.field == field


# --------------------------------------------------------------------------- good content

def test_load_content_loads_the_real_content() -> None:
    content = load_content()
    assert isinstance(content, Content)
    assert content.techniques and content.routines
    for routine in content.routines.values():
        steps = content.steps_of(routine)
        assert steps, routine.id
        assert {t.id for t, _ in steps} == set(routine.techniques)


def test_load_content_is_cached() -> None:
    assert load_content() is load_content()


def test_version_is_a_stable_12_hex_hash(folder: Path) -> None:
    version = load_content().version
    assert re.fullmatch(r"[0-9a-f]{12}", version), version
    again = from_files(folder)  # same bytes, different folder
    assert again.version == version
    assert again.techniques == load_content().techniques


@pytest.mark.parametrize("name", FILES)
def test_version_changes_when_any_yaml_byte_changes(folder: Path, name: str) -> None:
    before = from_files(folder).version
    path = folder / name
    original = path.read_bytes()
    path.write_bytes(original + b"\n# an edited comment\n")
    edited = from_files(folder)
    assert re.fullmatch(r"[0-9a-f]{12}", edited.version)
    assert edited.version != before
    path.write_bytes(original)
    assert from_files(folder).version == before


def test_version_changes_when_a_hold_time_changes(folder: Path) -> None:
    path = folder / "techniques.yaml"
    text = path.read_text(encoding="utf-8")
    step_hold = "\n        hold: [30, 90]"
    assert step_hold in text
    before = from_files(folder)
    path.write_text(text.replace(step_hold, "\n        hold: [31, 90]", 1), encoding="utf-8")
    after = from_files(folder)
    assert after.version != before.version
    assert after.techniques != before.techniques


def test_from_mappings_accepts_the_parsed_real_files(docs: Docs) -> None:
    content = from_mappings(docs)
    assert content.techniques == load_content().techniques
    assert content.routines == load_content().routines


# --------------------------------------------------------------------------- broken files

def test_missing_file_names_the_file(folder: Path) -> None:
    (folder / "routines.yaml").unlink()
    with pytest.raises(ContentError) as info:
        from_files(folder)
    assert "routines.yaml" in str(info.value)
    assert info.value.file == "routines.yaml"


def test_missing_document_in_mappings_names_the_file(docs: Docs) -> None:
    del docs["cues.yaml"]
    with pytest.raises(ContentError) as info:
        from_mappings(docs)
    assert "cues.yaml" in str(info.value)


def test_invalid_yaml_names_the_file_and_line(folder: Path) -> None:
    path = folder / "knowledge.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken_line = 5  # 1-based line the broken text goes on
    lines.insert(broken_line - 1, "oops: a colon: too many")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        from_files(folder)
    message = str(info.value)
    assert info.value.file == "knowledge.yaml" and "knowledge.yaml" in message
    m = re.search(r"line (\d+)", message)
    assert m, message
    assert int(m.group(1)) == broken_line, message


def _typo(d: Docs) -> None:
    step = d["techniques.yaml"]["techniques"][0]["steps"][0]
    step["durring"] = step.pop("during")


def _renamed_required(d: Docs) -> None:
    step = d["techniques.yaml"]["techniques"][0]["steps"][0]
    step["hodl"] = step.pop("hold")


def _min_above_max(d: Docs) -> None:
    d["techniques.yaml"]["techniques"][0]["steps"][0]["hold"] = [90, 30]


def _outside_guide(d: Docs) -> None:
    t = d["techniques.yaml"]["techniques"][0]
    t["steps"][0]["hold"] = [t["guide_hold"][0] - 5, t["guide_hold"][1]]


def _above_guide(d: Docs) -> None:
    t = d["techniques.yaml"]["techniques"][1]
    t["steps"][0]["hold"] = [t["guide_hold"][0], t["guide_hold"][1] + 1]


def _float_hold(d: Docs) -> None:
    d["techniques.yaml"]["techniques"][0]["steps"][1]["hold"] = [30, 60.5]


def _string_hold(d: Docs) -> None:
    d["techniques.yaml"]["techniques"][0]["steps"][0]["hold"] = ["30", 90]


def _bool_hold(d: Docs) -> None:
    d["techniques.yaml"]["techniques"][0]["steps"][0]["hold"] = [True, 90]


def _zero_hold(d: Docs) -> None:
    d["techniques.yaml"]["techniques"][0]["steps"][0]["hold"] = [0, 90]


def _unknown_muscle(d: Docs) -> None:
    d["techniques.yaml"]["techniques"][2]["muscles"].append("gluteus-maximum")


def _unknown_equipment(d: Docs) -> None:
    d["techniques.yaml"]["techniques"][0]["equipment"][0] = "yoga-block"


def _unknown_technique(d: Docs) -> None:
    d["routines.yaml"]["routines"][4]["techniques"][1] = "glute-bal"


def _duplicate_routine(d: Docs) -> None:
    routines = d["routines.yaml"]["routines"]
    routines[3]["id"] = routines[0]["id"]


def _duplicate_step(d: Docs) -> None:
    steps = d["techniques.yaml"]["techniques"][0]["steps"]
    steps[1]["id"] = steps[0]["id"]


def _no_key_rule(d: Docs) -> None:
    for rule in d["knowledge.yaml"]["safety"]:
        rule["key"] = False


def _two_key_rules(d: Docs) -> None:
    for rule in d["knowledge.yaml"]["safety"]:
        rule["key"] = True


def _empty_say(d: Docs) -> None:
    d["techniques.yaml"]["techniques"][0]["steps"][1]["say"] = []


def _blank_say_line(d: Docs) -> None:
    d["techniques.yaml"]["techniques"][0]["steps"][0]["say"][2] = "   "


def _bad_kind(d: Docs) -> None:
    d["routines.yaml"]["routines"][1]["kind"] = "solo"


def _missing_title(d: Docs) -> None:
    del d["techniques.yaml"]["techniques"][3]["steps"][0]["title"]


def _empty_cue(d: Docs) -> None:
    d["cues.yaml"]["cues"]["breathe_in"] = []


def _unknown_top_level(d: Docs) -> None:
    d["knowledge.yaml"]["muscels"] = []


BREAKAGES: list[tuple[str, Callable[[Docs], None], str, str]] = [
    ("unknown field (typo)", _typo, "techniques.yaml", "techniques[0].steps[0].durring"),
    ("required field misspelt", _renamed_required, "techniques.yaml",
     "techniques[0].steps[0].hold"),
    ("hold min above max", _min_above_max, "techniques.yaml", "techniques[0].steps[0].hold"),
    ("hold below guide range", _outside_guide, "techniques.yaml", "techniques[0].steps[0].hold"),
    ("hold above guide range", _above_guide, "techniques.yaml", "techniques[1].steps[0].hold"),
    ("non-integer hold", _float_hold, "techniques.yaml", "techniques[0].steps[1].hold"),
    ("string hold", _string_hold, "techniques.yaml", "techniques[0].steps[0].hold"),
    ("boolean hold", _bool_hold, "techniques.yaml", "techniques[0].steps[0].hold"),
    ("zero hold", _zero_hold, "techniques.yaml", "techniques[0].steps[0].hold"),
    ("unknown muscle", _unknown_muscle, "techniques.yaml", "techniques[2].muscles[1]"),
    ("unknown equipment", _unknown_equipment, "techniques.yaml", "techniques[0].equipment[0]"),
    ("unknown technique", _unknown_technique, "routines.yaml", "routines[4].techniques[1]"),
    ("duplicate routine id", _duplicate_routine, "routines.yaml", "routines[3].id"),
    ("duplicate step id", _duplicate_step, "techniques.yaml", "techniques[0].steps[1].id"),
    ("no key safety rule", _no_key_rule, "knowledge.yaml", "safety"),
    ("two key safety rules", _two_key_rules, "knowledge.yaml", "safety"),
    ("empty say list", _empty_say, "techniques.yaml", "techniques[0].steps[1].say"),
    ("blank say line", _blank_say_line, "techniques.yaml", "techniques[0].steps[0].say[2]"),
    ("unknown routine kind", _bad_kind, "routines.yaml", "routines[1].kind"),
    ("missing step title", _missing_title, "techniques.yaml", "techniques[3].steps[0].title"),
    ("empty cue list", _empty_cue, "cues.yaml", "cues.breathe_in"),
    ("unknown top-level field", _unknown_top_level, "knowledge.yaml", "muscels"),
]


@pytest.mark.parametrize(("breakage", "file", "field"),
                         [pytest.param(b, f, p, id=name) for name, b, f, p in BREAKAGES])
def test_broken_content_is_reported_by_file_and_field(
        docs: Docs, breakage: Callable[[Docs], None], file: str, field: str) -> None:
    breakage(docs)
    with pytest.raises(ContentError) as info:
        from_mappings(docs)
    assert_names(info.value, file, field)


def test_the_message_reads_file_then_field_then_problem(docs: Docs) -> None:
    _min_above_max(docs)
    with pytest.raises(ContentError) as info:
        from_mappings(docs)
    message = str(info.value)
    assert message.startswith("techniques.yaml: techniques[0].steps[0].hold: "), message
    assert "90" in message and "30" in message


def test_unknown_muscle_message_names_the_bad_id(docs: Docs) -> None:
    _unknown_muscle(docs)
    with pytest.raises(ContentError) as info:
        from_mappings(docs)
    assert "gluteus-maximum" in str(info.value)


def test_a_breakage_in_a_file_on_disk_is_reported_too(folder: Path) -> None:
    path = folder / "routines.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    i = index_of(data["routines"], "quick-release")
    data["routines"][i]["techniques"].append("hamstring-roller")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        from_files(folder)
    j = len(data["routines"][i]["techniques"]) - 1
    assert_names(info.value, "routines.yaml", f"routines[{i}].techniques[{j}]")


def test_the_index_in_the_field_path_points_at_the_broken_item(docs: Docs) -> None:
    """Break the last technique, not the first: the path must say which one."""
    techniques = docs["techniques.yaml"]["techniques"]
    last = len(techniques) - 1
    techniques[last]["steps"][-1]["hold"] = [75, 45]
    with pytest.raises(ContentError) as info:
        from_mappings(docs)
    step = len(techniques[last]["steps"]) - 1
    assert_names(info.value, "techniques.yaml", f"techniques[{last}].steps[{step}].hold")
