"""`hipcoach serve`: the local Alexa endpoint under a production WSGI server (waitress)."""

from __future__ import annotations

import logging

import click

from skill.core.record import replace as record_replace


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 to reach it from a tunnel on another host).")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-verify", is_flag=True,
              help="Accept unsigned requests (for the console and local tools; never in "
                   "front of a tunnel). Same as HIPCOACH_VERIFY=0.")
@click.option("--threads", default=8, show_default=True, type=int)
def serve_command(host: str, port: int, no_verify: bool, threads: int) -> None:
    """Serve POST /alexa, GET /health and GET /audio/<name>."""
    from waitress import serve

    from skill.settings import Settings
    from skill.web.app import create_app

    settings = Settings.from_env()
    if no_verify:
        settings = record_replace(settings, verify=False)
    if settings.audio_base_url is None:
        settings = record_replace(settings, audio_base_url=f"http://{host}:{port}")
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    verify = "on" if settings.verify else "OFF (--no-verify)"
    click.echo(f"Hip Coach on http://{host}:{port}/alexa  (verification {verify}; "
               f"data in {settings.data_dir})")
    serve(app, host=host, port=port, threads=threads, ident="hipcoach")
