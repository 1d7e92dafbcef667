"""`hipcoach screens [ROUTINE] [--out DIR]`: every APL screen a routine shows, for preview.

Writes one folder per screen, in the order a first-time user on an Echo Show meets them
(skill.screens.samples drives the conversation itself), each with `document.json` (paste it
into the APL tab of Amazon's APL authoring tool) and `data.json` (its DATA tab).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from skill.content import load_content

DEFAULT_ROUTINE = "glute-release"


@click.command("screens")
@click.argument("routine", default=DEFAULT_ROUTINE)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("screens"), show_default=True,
              help="Folder to write <screen>/document.json and data.json in.")
def screens_command(routine: str, out: Path) -> None:
    """Write the APL documents and datasources of ROUTINE's screens (or "all")."""
    from skill.screens.apl import datasource, document
    from skill.screens.samples import samples

    content = load_content()
    ids = [r.id for r in content.menu] if routine == "all" else [routine]
    unknown = [i for i in ids if i not in content.routines]
    if unknown:
        names = ", ".join(r.id for r in content.menu)
        raise click.BadParameter(f"no routine {unknown[0]!r}; one of: {names}, or all",
                                 param_hint="ROUTINE")
    count = 0
    for rid in ids:
        for name, screen in samples(content, rid, datetime.now(UTC)):
            folder = out / rid / name if len(ids) > 1 else out / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "document.json").write_text(
                json.dumps(document(screen.kind, content), indent=2) + "\n", encoding="utf-8")
            (folder / "data.json").write_text(
                json.dumps(datasource(screen), indent=2) + "\n", encoding="utf-8")
            click.echo(f"{folder}: {screen.kind}")
            count += 1
    click.echo(f"{count} screens in {out}. Preview: paste document.json into the APL tab and "
               "data.json into the DATA tab of the APL authoring tool.")
