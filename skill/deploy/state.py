"""What is remembered between runs: which skill belongs to which stack.

Our own file, `<HIPCOACH_DATA_DIR>/deploy/skills.json` (default ~/.hipcoach), one entry per
(region, stack name, ASK profile). A stack's Alexa Skills Kit trigger admits one skill, so the
skill is remembered per stack: `--stack-name staging` gets a skill of its own instead of
repointing production's at the staging function. Not the checkout's `.ask/ask-states.json`:
that file sits next to the committed, endpoint-less ask-resources.json, where a stray
`ask deploy` would upload a package without an endpoint to the remembered skill.

ASK CLI's own states file (`.ask/ask-states.json`, `profiles.<profile>.skillId`; alexa/ask-cli
lib/model/resources-config/ask-states.js) is written only in the packaged folder, so that its
`ask deploy` updates this skill (`write_ask_states`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from skill.core.record import Record
from skill.deploy.jsonfile import read_object

STATE_VERSION = 1
ASK_STATES_VERSION = "2020-03-31"
"""askcliStatesVersion of a new ASK CLI states file (ask-cli ask-states.js BASE)."""


class StateError(Exception):
    """A state file exists but cannot be used; creating a second skill would be worse."""


class RememberedSkill(Record):
    region: str
    stack: str
    ask_profile: str
    skill_id: str

    def same_place(self, other: RememberedSkill) -> bool:
        return (self.region, self.stack, self.ask_profile) == (
            other.region, other.stack, other.ask_profile)


def _read_json(path: Path) -> dict[str, Any] | None:
    return read_object(path, StateError) if path.exists() else None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomic: written beside, then renamed over, so a crash never leaves half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise StateError(f"cannot write {path}: {exc}") from exc


def load(path: Path) -> tuple[RememberedSkill, ...]:
    data = _read_json(path)
    if data is None:
        return ()
    entries = data.get("skills")
    if not isinstance(entries, list):
        raise StateError(f"{path} has no skills list")
    try:
        return tuple(RememberedSkill(str(e["region"]), str(e["stack"]), str(e["ask_profile"]),
                                     str(e["skill_id"])) for e in entries)
    except (KeyError, TypeError) as exc:
        raise StateError(f"{path}: an entry lacks {exc}") from exc


def remembered(path: Path, region: str, stack: str, ask_profile: str) -> str | None:
    """The skill id remembered for this stack and ASK profile, or None."""
    key = RememberedSkill(region, stack, ask_profile, "")
    return next((s.skill_id for s in load(path) if s.same_place(key)), None)


def remember(path: Path, skill: RememberedSkill) -> None:
    """Store (or replace) the entry for this stack and profile, keeping every other one."""
    others = [s for s in load(path) if not s.same_place(skill)]
    _write_json(path, {"version": STATE_VERSION, "skills": [
        {"region": s.region, "stack": s.stack, "ask_profile": s.ask_profile,
         "skill_id": s.skill_id} for s in (*others, skill)]})


def write_ask_states(path: Path, profile: str, skill_id: str) -> None:
    """Name the skill in an ASK CLI states file, keeping the rest of it.

    When the id changes, the profile's skillMetadata (lastDeployHash) goes: it described an
    upload to the other skill, and `ask deploy` would skip uploading to this one."""
    data = _read_json(path) or {"askcliStatesVersion": ASK_STATES_VERSION, "profiles": {}}
    profiles = data.setdefault("profiles", {})
    if not isinstance(profiles, dict):
        raise StateError(f"{path}: profiles is not an object")
    entry = profiles.get(profile)
    if not isinstance(entry, dict):
        entry = profiles[profile] = {}
    if entry.get("skillId") != skill_id:
        entry.pop("skillMetadata", None)
    entry["skillId"] = skill_id
    _write_json(path, data)
