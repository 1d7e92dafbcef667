"""`hipcoach render` draws the now-playing images with the tracks: once per routine, step and
side whatever the preferences, indexed for Lambda, and a second run draws nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from skill.audio import art
from skill.cli.render import render_command

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("espeak-ng", "ffmpeg", "lame")),
    reason="renders real tracks: needs espeak-ng, ffmpeg and lame (bootstrap installs them)")

LOCAL = {"HIPCOACH_SPEECH": "espeak", "HIPCOACH_AUDIO_STORE": "local",
         "HIPCOACH_AUDIO_BASE_URL": ""}
FEW = ["--all-preferences", "--hold", "short", "--detail", "brief", "--breath", "normal"]
"""Two combinations (first side left or right): enough to see images drawn once, not twice."""


def run(args: list[str], data_dir: Path) -> Result:
    result = CliRunner().invoke(render_command, args,
                                env={"HIPCOACH_DATA_DIR": str(data_dir), **LOCAL})
    assert result.exit_code == 0, result.output
    return result


def pngs(data_dir: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (data_dir / "audio" / "tracks").glob("*.png")}


def image_entries(data_dir: Path) -> dict[str, str]:
    (path,) = (data_dir / "audio" / "tracks").glob("index-*.json")
    entries: dict[str, str] = json.loads(path.read_text())
    return {k: v for k, v in entries.items() if k.startswith("image/")}


def test_images_are_drawn_once_for_every_preference_and_never_again(tmp_path: Path) -> None:
    first = run(["quick-release", *FEW], tmp_path)
    drawn = pngs(tmp_path)
    # quick release: one step worked on each side; art and background for each side
    assert len(drawn) == 4, first.output
    entries = image_entries(tmp_path)
    assert set(entries) == {"image/quick-release/0/left", "image/quick-release/0/right"}
    assert {n for v in entries.values() for n in v.split("|")} == set(drawn)
    assert "now-playing images: 4" in first.output and "(4 drawn" in first.output

    again = run(["quick-release", "--hold", "short"], tmp_path)  # other flags, same images
    assert pngs(tmp_path) == drawn  # not one file rewritten
    assert "(0 drawn, 4 already stored)" in again.output
    assert image_entries(tmp_path) == entries


def test_without_pillow_render_says_images_are_skipped(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(art, "can_draw", lambda: False)
    out = run(["quick-release", "--hold", "short"], tmp_path).output
    assert "now-playing images: skipped" in out and "Pillow" in out
    assert pngs(tmp_path) == {}
