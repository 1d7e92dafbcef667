"""Entry point of the `hipcoach` console script; subcommands live in their own modules."""

from __future__ import annotations

import click

from skill.cli.script import routines_command, script_command


@click.group(help="Hip Coach: a voice coach for hip and pelvis massage.")
def main() -> None:
    """The command group; each subcommand imports only what it needs."""


main.add_command(routines_command)
main.add_command(script_command)

try:  # later subcommands register themselves if present
    from skill.cli.extra import register
except ImportError:  # pragma: no cover - during bootstrap
    pass
else:
    register(main)
