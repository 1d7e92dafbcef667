"""Who a line of partner work is for: the giver, the receiver, or both of them.

In partner techniques both people are "partners", so every line the coach says names
the one it is for. The rule, shared by the loader (which checks the content) and the
pacing engine (which labels and addresses cues):

- a content line starts with one of `PREFIXES` ("Giver, ", "Receiver, ", "Both of you, ");
- a line without one is for whoever the line before it in the same list is for;
- so the first line of every list must carry one.

Self techniques address nobody ("" everywhere).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Addressee(StrEnum):
    """Who a spoken line in partner work is for."""

    GIVER = "giver"
    RECEIVER = "receiver"
    BOTH = "both"


PREFIXES: dict[str, Addressee] = {
    "Giver, ": Addressee.GIVER,
    "Receiver, ": Addressee.RECEIVER,
    "Both of you, ": Addressee.BOTH,
}
"""How a line says who it is for: its first words, exactly."""


def address_of(line: str) -> Addressee | None:
    """The addressee a line names at its start, or None when it names nobody."""
    for prefix, who in PREFIXES.items():
        if line.startswith(prefix):
            return who
    return None


def addressees(lines: Iterable[str], first: Addressee | None = None) -> list[Addressee | None]:
    """Each line's addressee: named, else inherited from the line before (`first` for the
    first line; None when there is nothing to inherit)."""
    out: list[Addressee | None] = []
    current = first
    for line in lines:
        current = address_of(line) or current
        out.append(current)
    return out


def addressed(text: str, who: Addressee) -> str:
    """`text` said to `who`: "Breathe in slowly." -> "Receiver, breathe in slowly."."""
    prefix = next(p for p, w in PREFIXES.items() if w is who)
    return prefix + text[:1].lower() + text[1:] if text else text
