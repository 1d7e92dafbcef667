"""Deterministic variety: pick among a cue's phrasings from a seed.

A session should not sound robotic ("Breathe in. Breathe in. Breathe in."), yet
tests must be repeatable. Each cue name gets its own starting offset from the
seed, then rotates through its phrasings, so the same phrase never comes twice
in a row and the same seed always gives the same sequence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from skill.core.digest import blake2b

PHRASING_VARIANTS = 16
"""Distinct wordings a routine cycles through, one per session (the seed is the session
count modulo this). Sixteen sessions before a script repeats is variety enough for cues
with 3-5 phrasings, and a bounded seed lets a warm process reuse paced and packed turns
across users (skill.core.plan memoizes by seed) instead of redoing them every start."""


def stable_int(*parts: object) -> int:
    """A process-independent hash (Python's hash() is salted per process)."""
    digest = blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8)
    return int.from_bytes(digest, "big")


class Phraser:
    """Picks phrasings for cue names; rotation state lives in the instance."""

    def __init__(self, phrasings: Mapping[str, Sequence[str]], seed: int | str) -> None:
        self._phrasings = phrasings
        self._seed = seed
        self._counts: dict[str, int] = {}

    def pick(self, name: str, **fields: object) -> tuple[str, str]:
        """Return (line_id, text) for the next phrasing of cue `name`, formatted with fields.

        The line id names the recording a voice actor would make: cue name,
        phrasing index and the field values (so "30 seconds left" and "20 seconds
        left" are different clips).
        """
        options = self._phrasings[name]
        count = self._counts.get(name, 0)
        self._counts[name] = count + 1
        index = (stable_int(self._seed, name) + count) % len(options)
        text = options[index].format(**fields) if fields else options[index]
        suffix = "".join(f".{fields[k]}" for k in sorted(fields))
        return f"cue.{name}.{index}{suffix}", text
