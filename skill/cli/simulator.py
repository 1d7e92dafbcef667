"""`hipcoach simulator`: Hip Coach as a speaker in the browser (skill.simulator).

Loopback only unless told otherwise: the simulator sends the skill unsigned requests with
user ids it picks, so anyone who reached it could act as any simulated user.
"""

from __future__ import annotations

import logging
import sys

import click

from skill.audio.public import is_loopback

REFUSED_EXIT = 2
"""Exit status when a non-loopback host is asked for without --allow-remote (a usage error,
as click's own)."""


def page_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


@click.command("simulator")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; anything but loopback needs --allow-remote.")
@click.option("--port", default=5001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--allow-remote", is_flag=True,
              help="Listen on a non-loopback host. The simulator is unauthenticated and "
                   "chooses user ids: never expose it, and never put it behind a tunnel.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def simulator_command(host: str, port: int, allow_remote: bool, threads: int) -> None:
    """Open Hip Coach in a browser: hear it, see its screen, use its player.

    Each thing you type or say is matched like `hipcoach chat`, sent as a real request
    envelope through the skill in this process, spoken by the embedded voice with its
    pauses at real length, and AudioPlayer tracks play in the page. State lives in its own
    folder, <data dir>/simulator.
    """
    if not is_loopback(host) and not allow_remote:
        click.echo(f"error: refusing to listen on {host}: the simulator sends unsigned "
                   "requests and picks user ids, so it binds loopback only. Use "
                   "--host 127.0.0.1, or add --allow-remote if you really mean it.", err=True)
        sys.exit(REFUSED_EXIT)
    from waitress import serve

    from skill.simulator.app import create_app, simulator_settings

    settings = simulator_settings()
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    click.echo(f"Hip Coach simulator on {page_url(host, port)}  (data in {settings.data_dir})")
    if allow_remote and not is_loopback(host):
        click.echo("warning: listening beyond loopback (--allow-remote); anyone who can reach "
                   "this port can talk to the skill as any simulated user", err=True)
    serve(app, host=host, port=port, threads=threads, ident="hipcoach-simulator")
