"""Every APL document the skill can send, with the datasource of every kind of screen, passes
Amazon's apl-suggester (tests/e2e/apl_validate.js), and `hipcoach screens` writes them.

The screens come from the conversation itself (skill.screens.samples) for every routine, so
a kind of screen a routine can reach is validated with the data it would carry. apl-suggester
does not report an unknown component type (PLATFORM.md) and, offline, cannot fetch the
alexa-layouts package it would check imported layouts against, so every component type is
also checked here: an APL primitive, a layout of the document, or an alexa-layouts layout
we use by its documented name.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skill.cli.main import main
from skill.content import Content
from skill.screens.apl import DOCUMENTS, datasource, document
from skill.screens.samples import samples

ROOT = Path(__file__).resolve().parents[1]
E2E = ROOT / "tests" / "e2e"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
APL_VERSION = "2023.3"
"""What the documents declare: the runtime maxVersion an Echo Show reports in our envelopes
(skill/console/envelopes.py APL_INTERFACE), and a version apl-suggester 2024.2 accepts."""
KINDS = {"menu", "step", "end", "paused", "pain", "safety", "answer"}
PRIMITIVES = {"Container", "Frame", "Text", "Image", "ScrollView", "Sequence", "TouchWrapper",
              "Pager", "GridSequence", "VectorGraphic", "Video", "EditText"}
ALEXA_LAYOUTS = {"AlexaHeader", "AlexaButton", "AlexaTextListItem", "AlexaProgressBar",
                 "AlexaProgressBarRadial"}
"""alexa-layouts 1.7.0 layouts the documents use (developer.amazon.com apl-alexa-*-layout)."""

needs_node = pytest.mark.skipif(
    shutil.which("node") is None or not (E2E / "node_modules" / "apl-suggester").is_dir(),
    reason="node and tests/e2e/node_modules (scripts/bootstrap.sh installs them)")


def validate(cases: list[dict[str, Any]]) -> dict[str, Any]:
    done = subprocess.run(["node", str(E2E / "apl_validate.js")], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=300, check=False, cwd=E2E)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def every_screen(content: Content) -> list[dict[str, Any]]:
    cases = []
    for routine in content.menu:
        for name, screen in samples(content, routine.id, NOW):
            cases.append({"name": f"{routine.id}/{name}", "kind": screen.kind,
                          "document": document(screen.kind, content),
                          "datasources": datasource(screen)})
    return cases


@needs_node
def test_every_document_with_every_datasource_passes_apl_suggester(content: Content) -> None:
    cases = every_screen(content)
    assert {c["kind"] for c in cases} == KINDS
    result = validate(cases)
    problems = {c["name"]: c["findings"] for c in result["cases"] if c["findings"]}
    assert problems == {}
    assert len(result["cases"]) == len(cases)
    # what apl-suggester would have fetched: our imports, and nothing checked against them
    assert {u.split("/packages/")[1].split("/")[0] for u in result["unfetched"]} == {
        "alexa-layouts", "alexa-viewport-profiles"}


@needs_node
def test_the_validator_reports_a_broken_document() -> None:
    """The rig can fail: a wrong property value and a missing mainTemplate are findings."""
    good = json.loads((DOCUMENTS / "text.json").read_text())
    broken = {**good, "settings": {"idleTimeout": "soon"}}
    no_main = {k: v for k, v in good.items() if k != "mainTemplate"}
    result = validate([{"name": "broken", "document": broken, "datasources": {}},
                       {"name": "no-main", "document": no_main, "datasources": {}},
                       {"name": "bad-data", "document": good, "datasources": {"payload": 3}}])
    assert all(c["findings"] for c in result["cases"]), result


def component_types(node: Any, found: set[str]) -> set[str]:
    """Every component "type" under items/item/layouts (commands have types too: skipped)."""
    if isinstance(node, dict):
        if isinstance(node.get("type"), str) and ("items" in node or "item" in node
                                                  or node["type"][0].isupper()):
            found.add(node["type"])
        for key, value in node.items():
            if key not in ("primaryAction", "onPress", "commands", "import", "resources"):
                component_types(value, found)
    elif isinstance(node, list):
        for value in node:
            component_types(value, found)
    return found


@pytest.mark.parametrize("name", ["menu", "step", "text"])
def test_each_document_uses_only_components_that_exist(name: str) -> None:
    doc = json.loads((DOCUMENTS / f"{name}.json").read_text())
    assert doc["type"] == "APL" and doc["version"] == APL_VERSION
    used = component_types(doc.get("mainTemplate"), set()) | component_types(
        doc.get("layouts", {}), set())
    unknown = used - PRIMITIVES - ALEXA_LAYOUTS - set(doc.get("layouts", {})) - {"APL"}
    assert unknown == set()
    assert {i["name"] for i in doc["import"]} >= {"alexa-layouts", "alexa-viewport-profiles"}


def test_the_screen_stays_up_through_the_longest_step(content: Content) -> None:
    from skill.core.plan import step_timeline, steps
    from skill.core.preferences import BreathPace, HoldLength, Preferences

    longest = Preferences(hold=HoldLength.LONG, breath=BreathPace.SLOWER)
    slowest = max(step_timeline(content, p, longest, 0).duration_ms
                  for r in content.routines.values() for p in steps(content, r))
    for kind in KINDS:
        timeout = document(kind, content)["settings"]["idleTimeout"]
        assert timeout > slowest > 30_000


def test_buttons_send_the_arguments_the_skill_reads() -> None:
    """The step screen's buttons and the list's rows send what skill.screens.touch maps."""
    from skill.conversation import events as ev
    from skill.screens.touch import touched

    step = (DOCUMENTS / "step.json").read_text()
    for say, event in (("pause", ev.Pause), ("next", ev.Next), ("repeat", ev.Repeat),
                       ("hurts", ev.Pain)):
        assert f'"say": "{say}"' in step
        assert type(touched([say])) is event
    menu = json.loads((DOCUMENTS / "menu.json").read_text())
    row = menu["mainTemplate"]["item"]["item"]["items"][1]["items"][0]
    assert row["primaryAction"] == {"type": "SendEvent", "arguments": ["start", "${data.id}"]}
    assert touched(["start", "glute-release"]) == ev.StartRoutine(routine="glute-release")


def test_hipcoach_screens_writes_each_document_with_its_datasource(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["screens", "glute-release", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folders = sorted(p for p in tmp_path.iterdir() if p.is_dir())
    kinds = set()
    for folder in folders:
        doc = json.loads((folder / "document.json").read_text())
        data = json.loads((folder / "data.json").read_text())
        assert doc["type"] == "APL" and "mainTemplate" in doc
        kinds.add(data["payload"]["kind"])
    assert kinds == KINDS
    step = json.loads(next(f for f in folders if f.name.endswith("-step")).joinpath(
        "data.json").read_text())["payload"]
    assert step["routine"] == "Glute release" and step["holds"][0]["ms"] > 0


def test_hipcoach_screens_names_the_routines_for_an_unknown_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["screens", "banana", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "glute-release" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_manifest_declares_apl_for_the_viewports_the_documents_are_laid_out_for() -> None:
    from ask_smapi_model.v1.skill.manifest.alexa_presentation_apl_interface import (
        AlexaPresentationAplInterface,
    )
    from ask_smapi_model.v1.skill.manifest.interface import Interface

    from skill.envelope_codec import FastSerializer

    manifest = json.loads((ROOT / "skill-package" / "skill.json").read_text())
    declared = [i for i in manifest["manifest"]["apis"]["custom"]["interfaces"]
                if i["type"] == "ALEXA_PRESENTATION_APL"]
    assert len(declared) == 1
    read = FastSerializer().deserialize(json.dumps(declared[0]), Interface)
    assert isinstance(read, AlexaPresentationAplInterface)
    viewports: list[Any] = list(read.supported_viewports or [])
    shapes = {(v.mode.value, v.shape.value) for v in viewports}
    assert shapes == {("HUB", "ROUND"), ("HUB", "RECTANGLE"), ("TV", "RECTANGLE")}
    # an Echo Show 5 (960 x 480) is covered, as the small-hub layout expects
    assert any(v.min_width <= 960 <= v.max_width and v.min_height <= 480 <= v.max_height
               for v in viewports)
