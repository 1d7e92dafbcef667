"""Entry point of the `hipcoach` console script.

Each subcommand lives in its own module and imports its heavy dependencies
(Flask, waitress, pydub) only when it runs.
"""

from __future__ import annotations

import click

from skill.cli.chat import chat_command
from skill.cli.deploy import deploy_command
from skill.cli.package import package_command
from skill.cli.render import render_command
from skill.cli.screens import screens_command
from skill.cli.script import routines_command, script_command
from skill.cli.serve import serve_command
from skill.cli.simulator import simulator_command


@click.group(help="Hip Coach: a voice coach for hip and pelvis massage.")
def main() -> None:
    """The command group."""


for command in (routines_command, script_command, serve_command, chat_command, render_command,
                package_command, deploy_command, screens_command, simulator_command):
    main.add_command(command)
