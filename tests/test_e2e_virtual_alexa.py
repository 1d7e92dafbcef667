"""End to end with an independent reader of the interaction model.

virtual-alexa (npm, installed by scripts/bootstrap.sh) parses
interaction_model/en-US.json itself, resolves each utterance to an intent and slot
ids, and POSTs real envelopes to the skill served by waitress on loopback. It checks
what our own console matcher cannot: that another implementation of the ASK model
format reads our model the way we mean it.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from waitress.server import create_server

from skill.app import SkillApp
from skill.content import load_content
from skill.settings import Settings
from skill.web.app import create_app
from tests.support.alexa import plain

ROOT = Path(__file__).resolve().parents[1]
E2E = ROOT / "tests" / "e2e"
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (E2E / "node_modules" / "virtual-alexa").is_dir(),
    reason="node and tests/e2e/node_modules (scripts/bootstrap.sh installs them)")


@pytest.fixture
def skill_url(tmp_path: Path) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path / "data", progressive=False, streaming=False,
                        verify=False)
    app = create_app(settings, skill=SkillApp(settings), verifiers=[])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/alexa"
    finally:
        server.close()


def drive(url: str, *utterances: str) -> list[dict[str, Any]]:
    completed = subprocess.run(
        ["node", str(E2E / "drive.js"), url, str(ROOT / "interaction_model" / "en-US.json"),
         *utterances], capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(completed.stdout)
    assert isinstance(result, list)
    return result


def said(turn: dict[str, Any]) -> str:
    assert "error" not in turn, turn
    return plain(turn["reply"]["response"]["outputSpeech"]["ssml"])


def test_a_speaker_reading_our_model_gets_through_a_routine(skill_url: str) -> None:
    content = load_content()
    glute = content.routines["glute-release"]
    piriformis = content.muscle("piriformis")
    turns = drive(skill_url, "start glute release", "no", "next", "what is the piriformis",
                  "make the holds longer", "that hurts", "what do i need", "is this safe",
                  "how am i doing", "list routines", "help", "stop")
    by_phrase = {t["said"]: t for t in turns}

    assert content.knowledge.disclaimer in said(by_phrase["<launch>"])
    assert content.knowledge.screen in said(by_phrase["start glute release"])
    start = said(by_phrase["no"])  # no condition: the routine starts
    assert glute.name in start and "Step 1" in start
    assert "Step 2" in said(by_phrase["next"])
    assert piriformis.what.split(".")[0] in said(by_phrase["what is the piriformis"])
    assert "longer holds" in said(by_phrase["make the holds longer"])
    assert content.knowledge.pain[0] in said(by_phrase["that hurts"])
    assert "massage ball" in said(by_phrase["what do i need"])
    key_rule = next(r.text for r in content.knowledge.safety if r.key)
    assert key_rule in said(by_phrase["is this safe"])
    assert "1 session" in said(by_phrase["how am i doing"])
    assert all(r.name in said(by_phrase["list routines"]) for r in content.routines.values())
    assert said(by_phrase["stop"]).startswith("Goodbye")
    for turn in turns[:-1]:  # every open turn leaves the user a way on
        response = turn["reply"]["response"]
        assert response.get("shouldEndSession") is False and response.get("reprompt"), turn
