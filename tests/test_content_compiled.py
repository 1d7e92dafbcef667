"""The compiled JSON copy of the content: current, used only while current, never a second truth."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from skill.content import loader
from skill.content.compile import compiled_text, main


def test_the_committed_compiled_copy_matches_the_yaml() -> None:
    assert main(["--check"]) == 0, "run: python -m skill.content.compile"


def test_a_stale_compiled_copy_is_ignored_and_the_yaml_wins(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(loader.CONTENT_DIR, folder)
    routines = folder / "routines.yaml"
    routines.write_text(routines.read_text().replace("name: glute release",
                                                     "name: glute release deluxe", 1))

    content = loader.from_files(folder)  # compiled.json still describes the old YAML

    assert content.routines["glute-release"].name == "glute release deluxe"
    assert compiled_text(folder) != (folder / loader.COMPILED).read_text()


def test_the_compiled_copy_loads_the_same_content_without_importing_yaml() -> None:
    code = ("import sys; from skill.content import load_content; c = load_content(); "
            "print(len(c.routines), c.version, 'yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    from_yaml = loader.from_mappings(loader.parse_yaml(loader.read_sources(loader.CONTENT_DIR)[0]),
                                     version=out[1])
    assert out == [str(len(from_yaml.routines)), loader.load_content().version, "False"]
    assert loader.load_content() == from_yaml  # the same content, field for field
