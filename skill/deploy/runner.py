"""Runs the plan's commands: prints each step and command line, captures JSON, reports why.

The environment and working folder are given, not read from globals, so tests run the real
runner against fake CLIs on a PATH of their own. Nothing can prompt: stdin is closed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from skill.deploy.steps import Command, Step


class CommandFailed(Exception):
    """A command exited non-zero, could not start, or printed no JSON where JSON was due."""

    def __init__(self, command: Command, detail: str) -> None:
        super().__init__(f"{command.argv[0]} {command.argv[1]}: {detail}")
        self.command = command
        self.detail = detail


def _last_line(*texts: str | None) -> str:
    for text in texts:
        lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
        if lines:
            return lines[-1]
    return "no output"


class Runner:
    """Prints and runs commands in one folder with one environment."""

    def __init__(self, echo: Callable[[str], None], *, env: Mapping[str, str],
                 cwd: Path) -> None:
        self.echo = echo
        self.env = dict(env)
        self.cwd = cwd

    def find(self, tool: str) -> str | None:
        """The executable a command named `tool` would run, on this runner's PATH."""
        return shutil.which(tool, path=self.env.get("PATH", ""))

    def heading(self, index: int, total: int, step: Step) -> None:
        self.echo(f"[{index}/{total}] {step.title}")

    def note(self, text: str) -> None:
        self.echo(f"      {text}")

    def run(self, command: Command) -> str:
        """Run it; return what it printed when captured. Raises CommandFailed."""
        self.echo(f"  $ {command.shown()}")
        exe = self.find(command.argv[0])
        if exe is None:
            raise CommandFailed(command, f"{command.argv[0]} not found on PATH")
        pipe = subprocess.PIPE if command.captured else None
        try:
            done = subprocess.run([exe, *command.argv[1:]],
                                  cwd=self.cwd / command.cwd if command.cwd else self.cwd,
                                  env={**self.env, **dict(command.env)},
                                  stdin=subprocess.DEVNULL, stdout=pipe, stderr=pipe,
                                  text=True, check=False)
        except OSError as exc:
            raise CommandFailed(command, f"could not start: {exc}") from exc
        if done.returncode != 0:
            why = (_last_line(done.stderr, done.stdout) if command.captured
                   else "its output is above")
            raise CommandFailed(command, f"exit {done.returncode}: {why}")
        return done.stdout or ""

    def json(self, command: Command) -> Any:
        """Run it and parse its output as JSON (ask smapi and aws --output json print it)."""
        out = self.run(command)
        try:
            return json.loads(out)
        except json.JSONDecodeError as exc:
            raise CommandFailed(command, f"printed no JSON: {_last_line(out)}") from exc
