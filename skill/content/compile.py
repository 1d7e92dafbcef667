"""Rewrite skill/content/compiled.json from the YAML: `python -m skill.content.compile`.

`--check` writes nothing and exits 1 when the compiled copy is stale (the test
suite runs the same check).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from skill.content.loader import COMPILED, CONTENT_DIR, from_mappings, parse_yaml, read_sources


def compiled_text(folder: Path = CONTENT_DIR) -> str:
    """The compiled copy for the YAML in `folder` (validated first)."""
    raws, version = read_sources(folder)
    docs = parse_yaml(raws)
    from_mappings(docs, version=version)  # never compile content that does not load
    return json.dumps({"version": version, "docs": docs}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = CONTENT_DIR / COMPILED
    text = compiled_text()
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if "--check" in args:
        if current != text:
            print(f"{target} is stale: run python -m skill.content.compile", file=sys.stderr)
            return 1
        return 0
    if current != text:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
