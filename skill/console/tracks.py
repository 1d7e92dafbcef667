"""Tracks as the console shows them: names from stream tokens, lengths, directive summaries.

A track's length is measured with ffprobe when it is on this machine: the file in the
local tracks folder that a loopback URL names (the console in process sends such URLs with
no server behind them), else the URL itself (`hipcoach serve`); otherwise it is estimated
with the pacing core ("≈"). Nothing is asked of the skill.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from skill.console.render import clock_text
from skill.content import Content
from skill.conversation.tracks import parse_token  # the one reader of the token format
from skill.core.plan import side_timeline, steps
from skill.core.preferences import Preferences

JsonDict = dict[str, Any]
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

Durations = Callable[[str, str], tuple[int | None, bool]]
"""(token, url) -> (length in ms or None when unknown, whether it is an estimate)."""


def track_name(token: str, routine: bool = True) -> str:
    """ "glute-release step 1 side 2" (counted from 1), or the raw token for other tokens."""
    parsed = parse_token(token)
    if parsed is None:
        return f"track {token}"
    rid, step, side = parsed
    name = f"step {step + 1} side {side + 1}"
    return f"{rid} {name}" if routine else name


@dataclass
class TrackLengths:
    """Track lengths, asking nothing of the skill: measured when local, else estimated."""

    content: Content | None
    ffprobe: str | None = None
    """The ffprobe executable; used only for loopback URLs."""
    timeout_s: float = 5.0
    folder: Path | None = None
    """This machine's tracks folder: a loopback URL naming a file there is measured from it."""

    @classmethod
    def find(cls, content: Content | None, folder: Path | None = None) -> TrackLengths:
        return cls(content, shutil.which("ffprobe"), folder=folder)

    def __call__(self, token: str, url: str) -> tuple[int | None, bool]:
        measured = self.measure(url)
        if measured is not None:
            return measured, False
        return self.estimate(token), True

    def measure(self, url: str) -> int | None:
        """ffprobe's length of a track served from this machine (`hipcoach serve`), or None."""
        parts = urlsplit(url)
        if self.ffprobe is None or parts.hostname not in LOOPBACK:
            return None
        from skill.audio.store import is_valid_name

        name = parts.path.rsplit("/", 1)[-1]
        local = self.folder / name if self.folder is not None and is_valid_name(name) else None
        source = str(local) if local is not None and local.is_file() else url
        try:
            done = subprocess.run(
                [self.ffprobe, "-v", "error", "-show_entries", "format=duration",
                 "-of", "default=noprint_wrappers=1:nokey=1", source],
                capture_output=True, text=True, timeout=self.timeout_s, check=False)
            return round(float(done.stdout.strip()) * 1000) if done.returncode == 0 else None
        except (OSError, ValueError, subprocess.TimeoutExpired):
            return None

    def estimate(self, token: str) -> int | None:
        """The pacing core's length of the token's step and side at default preferences."""
        parsed = parse_token(token)
        if parsed is None or self.content is None:
            return None
        rid, step, side = parsed
        routine = self.content.routines.get(rid)
        if routine is None:
            return None
        try:
            planned = steps(self.content, routine)[step]
            return side_timeline(self.content, planned, side, Preferences(), 0).duration_ms
        except (IndexError, KeyError, ValueError):
            return None


def describe_audio(directives: list[JsonDict]) -> str:
    """A playback response's directives, short: "enqueue step 1 side 2" ("" for none)."""
    said = []
    for d in directives:
        kind = str(d.get("type", "?"))
        stream = (d.get("audioItem") or {}).get("stream") or {}
        name = track_name(str(stream.get("token", "")), routine=False)
        if kind == "AudioPlayer.Play":
            behavior = d.get("playBehavior")
            start = int(stream.get("offsetInMilliseconds") or 0)
            verb = {"ENQUEUE": "enqueue", "REPLACE_ENQUEUED": "replace the queue with"}.get(
                str(behavior), "play")
            said.append(f"{verb} {name}" + (f" from {clock_text(start)}" if start else ""))
        elif kind == "AudioPlayer.Stop":
            said.append("stop")
        elif kind == "AudioPlayer.ClearQueue":
            said.append(f"clear the queue ({d.get('clearBehavior')})")
        else:
            said.append(kind)
    return "; ".join(said)
