"""The skill package as files: committed and fresh, icons, endpoints, ASK CLI shape.

A stale package (the grammar changed the models, the listing changed) fails here; regenerate
with `python -m skill.package`. The manifest is also read back through Amazon's own SMAPI
model classes (ask-smapi-model), so a field name or enum value Amazon does not define fails.
The store listing itself is tests/test_skill_listing.py.
"""

from __future__ import annotations

import importlib
import json
import shutil
import struct
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from skill.package.write import build, differences
from tests.support.skill_package import (
    ARN,
    MODELS,
    PACKAGE,
    ROOT,
    locales_info,
    manifest_at,
    model_locales,
    run,
)

# ------------------------------------------------------------------------- freshness


def test_the_committed_package_is_what_the_generator_writes() -> None:
    """A stale package (the grammar changed, the listing changed) fails here: regenerate
    with `python -m skill.package`."""
    stale = differences(ROOT, build())
    assert stale == [], "run `python -m skill.package`: " + "; ".join(stale)
    result = run("--check", "--out", str(ROOT))
    assert result.exit_code == 0, result.output


def test_models_are_copied_byte_for_byte() -> None:
    for locale in model_locales():
        copied = PACKAGE / "interactionModels" / "custom" / f"{locale}.json"
        assert copied.read_bytes() == (MODELS / f"{locale}.json").read_bytes(), locale


@pytest.fixture
def copy_root(tmp_path: Path) -> Path:
    """The committed package copied to a folder of its own."""
    shutil.copytree(PACKAGE, tmp_path / "skill-package")
    shutil.copy(ROOT / "ask-resources.json", tmp_path / "ask-resources.json")
    return tmp_path


def test_check_names_what_is_stale_and_writes_nothing(copy_root: Path) -> None:
    model = copy_root / "skill-package/interactionModels/custom/en-GB.json"
    model.write_text(model.read_text(encoding="utf-8").replace("hip coach", "hip coat"),
                     encoding="utf-8")
    icon = copy_root / "skill-package/assets/images/en-US_smallIcon.png"
    icon.write_bytes(icon.read_bytes()[:200])  # a truncated file
    (copy_root / "skill-package/assets/images/old_logo.png").write_bytes(b"x")
    before = {p: p.read_bytes() for p in copy_root.rglob("*") if p.is_file()}

    result = run("--check", "--out", str(copy_root))

    assert result.exit_code == 1
    assert "interactionModels/custom/en-GB.json: differs" in result.output
    assert "assets/images/en-US_smallIcon.png: differs" in result.output
    assert "old_logo.png: not part of the package" in result.output
    assert "skill.json" not in result.output  # only what differs is named
    assert {p: p.read_bytes() for p in copy_root.rglob("*") if p.is_file()} == before


def test_writing_repairs_a_stale_package_and_a_second_run_changes_nothing(
        copy_root: Path) -> None:
    (copy_root / "skill-package/skill.json").write_text("{}", encoding="utf-8")
    (copy_root / "skill-package/assets/images/old_logo.png").write_bytes(b"x")
    assert run("--out", str(copy_root)).exit_code == 0
    assert differences(copy_root, build()) == []
    assert not (copy_root / "skill-package/assets/images/old_logo.png").exists()
    stamps = {p: p.stat().st_mtime_ns for p in copy_root.rglob("*") if p.is_file()}
    second = run("--out", str(copy_root))
    assert second.exit_code == 0 and "up to date" in second.output
    assert {p: p.stat().st_mtime_ns for p in copy_root.rglob("*") if p.is_file()} == stamps


def test_python_dash_m_runs_the_same_check() -> None:
    done = subprocess.run([sys.executable, "-m", "skill.package", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "up to date" in done.stdout


# ----------------------------------------------------------------------------- icons


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    assert data[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icons_are_pngs_at_amazons_sizes_inside_the_package() -> None:
    wanted = {"smallIconUri": (108, 108), "largeIconUri": (512, 512)}
    for locale, info in locales_info().items():
        for field, size in wanted.items():
            uri = info[field]
            assert uri.startswith("file://assets/images/"), (locale, uri)
            path = PACKAGE / uri.removeprefix("file://")
            assert png_size(path) == size, (locale, field)


def test_the_icon_shows_something() -> None:
    """Transparent corners, an opaque disc, and letters in a second colour on it."""
    from skill.package.png import decode

    image = decode((PACKAGE / "assets/images/en-US_largeIcon.png").read_bytes())

    def pixel(x: int, y: int) -> tuple[int, ...]:
        i = (y * image.width + x) * 4
        return tuple(image.rgba[i:i + 4])

    assert pixel(0, 0)[3] == 0 and pixel(511, 511)[3] == 0
    row = [pixel(x, 256) for x in range(40, 470)]
    assert all(p[3] == 255 for p in row)
    colours = {p[:3] for p in row}
    assert len({c for c in colours if sum(c) < 400}) >= 1  # the teal
    assert len({c for c in colours if sum(c) > 650}) >= 1  # the letters


# --------------------------------------------------------- interfaces, events, endpoint


def test_audio_player_is_declared_and_skill_disabled_subscribed() -> None:
    body = manifest_at()["manifest"]
    assert {"type": "AUDIO_PLAYER"} in body["apis"]["custom"]["interfaces"]
    assert {"eventName": "SKILL_DISABLED"} in body["events"]["subscriptions"]
    # the committed package has no endpoint: the deploy writes one from the stack output
    assert "endpoint" not in body["apis"]["custom"] and "endpoint" not in body["events"]


def test_a_lambda_endpoint_serves_requests_and_events(tmp_path: Path) -> None:
    result = run("--out", str(tmp_path), "--endpoint-arn", ARN)
    assert result.exit_code == 0, result.output
    body = manifest_at(tmp_path)["manifest"]
    assert body["apis"]["custom"]["endpoint"] == {"uri": ARN}
    assert body["events"]["endpoint"] == {"uri": ARN}
    assert (tmp_path / "ask-resources.json").is_file()
    assert (tmp_path / "skill-package/interactionModels/custom/en-US.json").is_file()


def test_an_https_endpoint_carries_its_certificate_type(tmp_path: Path) -> None:
    url = "https://coach.example.org/alexa"
    result = run("--out", str(tmp_path), "--endpoint-url", url, "--certificate", "Wildcard")
    assert result.exit_code == 0, result.output
    expected = {"uri": url, "sslCertificateType": "Wildcard"}
    body = manifest_at(tmp_path)["manifest"]
    assert body["apis"]["custom"]["endpoint"] == expected == body["events"]["endpoint"]


@pytest.mark.parametrize("args", [
    ("--endpoint-arn", "arn:aws:s3:::not-a-function"),
    ("--endpoint-url", "http://coach.example.org/alexa", "--certificate", "Trusted"),
    ("--endpoint-url", "https://coach.example.org/alexa"),
    ("--certificate", "Trusted"),
    ("--endpoint-url", "https://coach.example.org/alexa", "--certificate", "Trusty"),
    ("--endpoint-arn", ARN, "--endpoint-url", "https://a.example.org", "--certificate",
     "Trusted"),
])
def test_bad_endpoints_are_refused_and_nothing_written(args: tuple[str, ...],
                                                        tmp_path: Path) -> None:
    result = run("--out", str(tmp_path), *args)
    assert result.exit_code == 2, result.output
    assert not any(tmp_path.iterdir())


def test_ask_resources_names_the_package_and_no_infrastructure() -> None:
    resources = json.loads((ROOT / "ask-resources.json").read_text())
    assert resources == {"askcliResourcesVersion": "2020-03-31",
                         "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}}}
    source = resources["profiles"]["default"]["skillMetadata"]["src"]
    assert (ROOT / source / "skill.json").is_file()


# ------------------------------------------------------------- Amazon's SMAPI model


def _check_against(value: Any, kind: Any, where: str, problems: list[str]) -> None:
    """Walk JSON along an ask_smapi_model type (class or type string); unknown keys and
    values outside an enum are problems."""
    if isinstance(kind, str):
        if kind.startswith("list["):
            if not isinstance(value, list):
                problems.append(f"{where}: not a list")
                return
            for i, item in enumerate(value):
                _check_against(item, kind[5:-1], f"{where}[{i}]", problems)
            return
        if kind.startswith("dict("):
            inner = kind[5:-1].split(", ", 1)[1]
            if not isinstance(value, dict):
                problems.append(f"{where}: not an object")
                return
            for k, item in value.items():
                _check_against(item, inner, f"{where}.{k}", problems)
            return
        natives = {"str": str, "bool": bool, "int": int, "float": float, "object": object}
        if kind in natives:
            if not isinstance(value, natives[kind]):
                problems.append(f"{where}: {value!r} is not {kind}")
            return
        module, name = kind.rsplit(".", 1)
        kind = getattr(importlib.import_module(module), name)
    if issubclass(kind, Enum):
        if value not in {m.value for m in kind}:
            problems.append(f"{where}: {value!r} is not a {kind.__name__}")
        return
    if not isinstance(value, dict):
        problems.append(f"{where}: not an object")
        return
    if hasattr(kind, "get_real_child_model"):
        child = kind.get_real_child_model(value)
        if not child:
            problems.append(f"{where}: unknown {kind.__name__} {value.get('type')!r}")
            return
        module, name = child.rsplit(".", 1)
        kind = getattr(importlib.import_module(module), name)
    by_key = {json_key: attr for attr, json_key in kind.attribute_map.items()}
    for key, item in value.items():
        if key not in by_key:
            problems.append(f"{where}.{key}: not a field of {kind.__name__}")
        else:
            _check_against(item, kind.deserialized_types[by_key[key]], f"{where}.{key}",
                           problems)


@pytest.mark.parametrize("endpoint", [(), ("--endpoint-arn", ARN),
                                      ("--endpoint-url", "https://a.example.org/alexa",
                                       "--certificate", "Trusted")])
def test_the_manifest_fits_amazons_smapi_model(endpoint: tuple[str, ...],
                                               tmp_path: Path) -> None:
    pytest.importorskip("ask_smapi_model")
    from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import (
        SkillManifestEnvelope,
    )

    assert run("--out", str(tmp_path), *endpoint).exit_code == 0
    problems: list[str] = []
    _check_against(manifest_at(tmp_path), SkillManifestEnvelope, "$", problems)
    assert problems == []


def test_the_smapi_walk_finds_a_wrong_enum_and_a_wrong_field() -> None:
    pytest.importorskip("ask_smapi_model")
    from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import (
        SkillManifestEnvelope,
    )

    bad = manifest_at()
    bad["manifest"]["events"]["subscriptions"] = [{"eventName": "SKILL_DISABLE"}]
    bad["manifest"]["privacyAndCompliance"]["usesHealthInformation"] = False
    problems: list[str] = []
    _check_against(bad, SkillManifestEnvelope, "$", problems)
    assert len(problems) == 2, problems
