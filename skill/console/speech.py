"""Speaking the console's sentences aloud (`hipcoach chat --speak`).

Why separate: the player only needs "say this and return when done"; tests use
a silent speaker, and a machine without espeak-ng or a sound card degrades to
text with one warning instead of failing.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from typing import Protocol


class Speaker(Protocol):
    """Something that says a sentence out loud (and returns when it has)."""

    def say(self, text: str) -> None: ...


class Silent:
    """The default: print only."""

    def say(self, text: str) -> None:
        return None


class Espeak:
    """Speaks through espeak-ng. When it is missing or cannot play, warns once, goes silent."""

    def __init__(self, exe: str | None, warn: Callable[[str], None],
                 voice: str = "en-us") -> None:
        self._exe, self._warn, self._voice = exe, warn, voice
        if exe is None:
            warn("warning: espeak-ng not found; --speak is off (apt-get install espeak-ng)")

    @classmethod
    def find(cls, warn: Callable[[str], None], voice: str = "en-us") -> Espeak:
        """The espeak-ng on PATH, if any."""
        return cls(shutil.which("espeak-ng"), warn, voice)

    def say(self, text: str) -> None:
        if self._exe is None:
            return
        done = subprocess.run([self._exe, "-v", self._voice, "-s", "160", text], check=False,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # espeak-ng exits 0 even when there is no sound device; its stderr says so.
        problem = done.stderr.decode(errors="replace").strip().splitlines()
        if done.returncode != 0 or problem:
            reason = problem[-1] if problem else f"exit status {done.returncode}"
            self._warn(f"warning: espeak-ng cannot speak here ({reason}); --speak is off")
            self._exe = None
