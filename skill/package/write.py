"""The skill package as files: built in memory, compared with a folder, written when stale.

Layout (ASK CLI v2), under a root folder (the repository, or `--out DIR` for a deploy):

    ask-resources.json                              the ASK CLI project file
    skill-package/skill.json                        the manifest (skill.package.manifest)
    skill-package/interactionModels/custom/<l>.json  interaction_model/<l>.json, byte for byte
    skill-package/assets/images/<l>_small|largeIcon.png   skill.package.icons

`ask-resources.json` names only the skill metadata: no `code` and no
`skillInfrastructure`, because SAM deploys the AWS side (template.yaml); `ask deploy`
then uploads the package alone (alexa/ask-cli docs/concepts/Deploy-Command.md: the code
step "is skippable when you remove the entire `code` field").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.content import load_content
from skill.core.record import Record
from skill.interaction.committed import LOCALES, MODEL_DIR
from skill.package import png
from skill.package.icons import ICON_SIZES, draw
from skill.package.manifest import REPOSITORY_URL, Endpoint, build_manifest, icon_uri
from skill.package.rules import check

PACKAGE_DIR = "skill-package"
MANIFEST = f"{PACKAGE_DIR}/skill.json"
MODELS = f"{PACKAGE_DIR}/interactionModels/custom"
IMAGES = f"{PACKAGE_DIR}/assets/images"
RESOURCES = "ask-resources.json"
ASK_RESOURCES: dict[str, Any] = {
    "askcliResourcesVersion": "2020-03-31",
    "profiles": {"default": {"skillMetadata": {"src": f"./{PACKAGE_DIR}"}}},
}
"""The ASK CLI v2 project file (alexa/ask-cli lib/model/resources-config/ask-resources.js:
askcliResourcesVersion "2020-03-31"; profiles.<name>.skillMetadata.src)."""
OWNED = ((MODELS, ".json"), (IMAGES, ".png"))
"""Folders whose every file the generator owns: a file not in the package is stale."""


class Package(Record):
    """Every file of the package: bytes, or pixels for icons (compared by what they show)."""

    files: dict[str, bytes]
    icons: dict[str, png.Image]


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def build(endpoint: Endpoint | None = None, repository_url: str = REPOSITORY_URL,
          model_dir: Path = MODEL_DIR) -> Package:
    """The package for `endpoint` (None: the committed one, without an endpoint). Raises
    ManifestError when the manifest breaks a store rule, FileNotFoundError when a locale's
    interaction model has not been generated."""
    disclaimer = load_content().knowledge.disclaimer
    manifest = build_manifest(disclaimer, endpoint, repository_url)
    check(manifest, disclaimer)
    files = {MANIFEST: _json(manifest), RESOURCES: _json(ASK_RESOURCES)}
    for locale in LOCALES:
        source = model_dir / f"{locale}.json"
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing: run "
                                    "`python -m skill.interaction.generate` first")
        files[f"{MODELS}/{locale}.json"] = source.read_bytes()
    icons = {f"{IMAGES}/{icon_uri(locale, size).rsplit('/', 1)[1]}": draw(px)
             for locale in LOCALES for size, px in ICON_SIZES.items()}
    return Package(files, icons)


def _stale(root: Path, package: Package) -> list[str]:
    known = set(package.files) | set(package.icons)
    return sorted(rel for folder, suffix in OWNED if (root / folder).is_dir()
                  for path in (root / folder).iterdir()
                  if path.suffix == suffix
                  and (rel := path.relative_to(root).as_posix()) not in known)


def _icon_differs(path: Path, expected: png.Image) -> bool:
    try:
        return png.decode(path.read_bytes()) != expected
    except (OSError, png.PngError):
        return True


def differences(root: Path, package: Package) -> list[str]:
    """What in `root` differs from `package`, one line per file; empty when up to date."""
    out = []
    for rel, data in sorted(package.files.items()):
        path = root / rel
        if not path.is_file():
            out.append(f"{rel}: missing")
        elif path.read_bytes() != data:
            out.append(f"{rel}: differs")
    for rel, image in sorted(package.icons.items()):
        path = root / rel
        if not path.is_file():
            out.append(f"{rel}: missing")
        elif _icon_differs(path, image):
            out.append(f"{rel}: differs")
    out += [f"{rel}: not part of the package" for rel in _stale(root, package)]
    return out


def write(root: Path, package: Package) -> list[str]:
    """Bring `root` up to date: write what differs, remove stale generated files. Returns
    the paths changed (none on a second run)."""
    changed = []
    for rel, data in sorted(package.files.items()):
        path = root / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(rel)
    for rel, image in sorted(package.icons.items()):
        path = root / rel
        if not path.is_file() or _icon_differs(path, image):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png.encode(image))
            changed.append(rel)
    for rel in _stale(root, package):
        (root / rel).unlink()
        changed.append(rel)
    return changed
