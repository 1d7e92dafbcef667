"""benchmarks/alexa_nlu.py against a tiny model: the NLU score is only as good as this reader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.alexa_nlu import E2E, HeardSlot, match

MODEL = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "tiny test",
            "intents": [
                {"name": "PickColourIntent",
                 "slots": [{"name": "colour", "type": "COLOUR"}],
                 "samples": ["pick {colour}", "i want {colour} please"]},
                {"name": "AMAZON.StopIntent", "samples": []},
            ],
            "types": [
                {"name": "COLOUR", "values": [
                    {"id": "red-ish", "name": {"value": "red", "synonyms": ["crimson"]}},
                    {"id": "blue-ish", "name": {"value": "blue"}},
                ]},
            ],
        }
    }
}


@pytest.fixture
def model(tmp_path: Path) -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH")
    if not (E2E / "node_modules" / "virtual-alexa").is_dir():
        pytest.skip("tests/e2e/node_modules has no virtual-alexa (scripts/bootstrap.sh)")
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(MODEL), encoding="utf-8")
    return path


def test_synonym_resolves_to_the_value_id(model: Path) -> None:
    [heard] = match(model, ["i want crimson please"])
    assert heard.intent == "PickColourIntent"
    assert heard.slots == {"colour": HeardSlot(value="crimson", id="red-ish")}
    assert heard.error is None


def test_value_name_resolves_and_order_is_kept(model: Path) -> None:
    heard = match(model, ["pick blue", "pick red", "stop"])
    assert [h.say for h in heard] == ["pick blue", "pick red", "stop"]
    assert [h.slots["colour"].id for h in heard[:2]] == ["blue-ish", "red-ish"]
    # virtual-alexa's own built-in samples for the declared AMAZON.StopIntent.
    assert heard[2].intent == "AMAZON.StopIntent"
    assert heard[2].slots == {}


def test_phrase_matching_nothing_has_no_intent(model: Path) -> None:
    # match.js documents: no sample matches -> intent None (never AMAZON.FallbackIntent).
    # An unknown slot value does not match either: custom values must be heard exactly.
    heard = match(model, ["what is the weather like", "pick green"])
    assert [h.intent for h in heard] == [None, None]
    assert all(h.slots == {} for h in heard)


def test_no_phrases_no_work(model: Path) -> None:
    assert match(model, []) == []
