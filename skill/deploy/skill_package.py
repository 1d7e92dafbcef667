"""Reading what `hipcoach package --out DIR` wrote (ASK CLI v2 layout), for the steps that send it.

DIR/ask-resources.json points ASK CLI at DIR/skill-package/; skill.json there is
`{"manifest": {...}}` (also the body create-skill-for-vendor takes), and
interactionModels/custom/<locale>.json one model per locale (ask-cli
docs/concepts/Alexa-Skill-Project-Definition.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.core.record import Record
from skill.deploy.jsonfile import read_object

CREATE_MANIFEST = "create-manifest.json"
RESOURCES = "ask-resources.json"
ICON_KEYS = ("smallIconUri", "largeIconUri")


class PackageError(Exception):
    """The package is missing or not in the shape the next command needs."""


class SkillPackage(Record):
    base: Path
    """The folder commands run in; the paths below are relative to it."""
    root: Path
    """DIR/skill-package, relative to base."""

    @property
    def skill_json(self) -> Path:
        return self.root / "skill.json"

    def model(self, locale: str) -> Path:
        return self.root / "interactionModels" / "custom" / f"{locale}.json"

    def manifest(self) -> dict[str, Any]:
        data = _load(self.base / self.skill_json)
        manifest = data.get("manifest")
        if not isinstance(manifest, dict):
            raise PackageError(f"{self.skill_json} has no manifest object")
        return manifest

    def locales(self) -> tuple[str, ...]:
        models = self.base / self.root / "interactionModels" / "custom"
        found = tuple(sorted(p.stem for p in models.glob("*.json")))
        if not found:
            raise PackageError(f"no interaction models in {self.root}/interactionModels/custom")
        return found

    def endpoint(self) -> str | None:
        uri = _get(self.manifest(), "apis", "custom", "endpoint", "uri")
        return uri if isinstance(uri, str) else None

    def invocation_name(self, locale: str) -> str | None:
        name = _get(_load(self.base / self.model(locale)), "interactionModel", "languageModel",
                    "invocationName")
        return name if isinstance(name, str) else None


def package_in(base: Path, out: Path) -> SkillPackage:
    """The package `hipcoach package --out OUT` wrote, OUT relative to base."""
    pkg = SkillPackage(base, out / "skill-package")
    if not (base / pkg.skill_json).is_file():
        raise PackageError(f"hipcoach package wrote no {pkg.skill_json}")
    return pkg


def write_create_manifest(pkg: SkillPackage, out: Path) -> Path:
    """The manifest a new skill is created from: the package's, without endpoint, events, icons.

    The skill must exist before the stack (its id is the stack's SkillId), so at creation there
    is no function to point at; event subscriptions are delivered to an endpoint, so they wait
    too; the icons are `file://` paths inside the package, which only the package upload
    (`ask deploy`, next) carries. That upload replaces this manifest with the whole one.
    Returns OUT/create-manifest.json, relative to the package's base."""
    manifest = dict(pkg.manifest())
    manifest.pop("events", None)
    apis = manifest.get("apis")
    if isinstance(apis, dict) and isinstance(apis.get("custom"), dict):
        custom = {k: v for k, v in apis["custom"].items() if k not in ("endpoint", "regions")}
        manifest["apis"] = {**apis, "custom": custom}
    publishing = manifest.get("publishingInformation")
    locales = publishing.get("locales") if isinstance(publishing, dict) else None
    if isinstance(publishing, dict) and isinstance(locales, dict):
        manifest["publishingInformation"] = {**publishing, "locales": {
            loc: {k: v for k, v in info.items() if k not in ICON_KEYS}
            if isinstance(info, dict) else info for loc, info in locales.items()}}
    path = out / CREATE_MANIFEST
    (pkg.base / path).write_text(json.dumps({"manifest": manifest}, indent=2) + "\n",
                                 encoding="utf-8")
    return path


def add_profile(base: Path, out: Path, profile: str) -> None:
    """Give OUT/ask-resources.json an entry for this ASK profile (a copy of "default").

    `hipcoach package` writes the "default" profile only; `ask deploy --profile X` refuses a
    project without X ("Profile [X] does not exist", lib/commands/deploy/helper.js)."""
    path = base / out / RESOURCES
    data = _load(path)
    profiles = data.get("profiles")
    if not isinstance(profiles, dict) or profile in profiles:
        return
    profiles[profile] = profiles.get("default", {"skillMetadata": {"src": "./skill-package"}})
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _load(path: Path) -> dict[str, Any]:
    return read_object(path, PackageError)


def _get(node: Any, *path: str) -> Any:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node
