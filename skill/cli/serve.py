"""`hipcoach serve`: the local Alexa endpoint under a production WSGI server (waitress).

At start it says which audio base devices will get, since a device plays only HTTPS and a
routine that streams from an http URL never starts: the explicit HIPCOACH_AUDIO_BASE_URL,
one derived per request from a trusted tunnel's headers, or none (spoken coaching). The
console (`hipcoach chat --url`) is not a device and keeps getting this server's own URLs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import click

from skill.audio.public import CONFIGURED, device_problem
from skill.core.record import replace as record_replace

if TYPE_CHECKING:
    from skill.settings import Settings

NO_DEVICE_AUDIO = "none: devices get spoken coaching, since AudioPlayer needs HTTPS"
HOW_TO_STREAM = ("put an HTTPS tunnel in front and set HIPCOACH_TRUST_PROXY=1, or set "
                 "HIPCOACH_AUDIO_BASE_URL=https://<tunnel>")


def local_url(host: str, port: int) -> str:
    """Where this machine reaches the server (a wildcard address is not fetchable)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"


def audio_report(settings: Settings, host: str, port: int) -> tuple[list[str], list[str]]:
    """(lines, warnings) saying which audio base devices get and what the console gets."""
    lines: list[str] = []
    warnings: list[str] = []
    explicit, local = settings.audio_base_url, settings.audio_store == "local"
    suffix = "/audio/<name>" if local else "/<name>"
    if not settings.streaming:
        return ["Audio for devices: none: streaming is off (HIPCOACH_STREAMING), every "
                "device gets spoken coaching"], []
    if explicit:
        problem = device_problem(explicit)
        if problem is None:
            lines.append(f"Audio for devices: {explicit}{suffix} ({CONFIGURED})")
        else:
            lines.append(f"Audio for devices: {NO_DEVICE_AUDIO} ({CONFIGURED}: {problem})")
            warnings.append(f"streaming is on but no device can play it: {problem}; "
                            f"{HOW_TO_STREAM}")
        if settings.trust_proxy:
            lines.append(f"  ({CONFIGURED} wins over the tunnel's forwarded headers)")
    elif not local:
        lines.append(f"Audio for devices: presigned URLs of s3://{settings.audio_bucket} "
                     "(HTTPS)")
    elif settings.trust_proxy:
        lines.append("Audio for devices: derived from the tunnel's X-Forwarded-* headers "
                     "(https://<tunnel host>/audio/<name>); a request the tunnel does not "
                     "mark X-Forwarded-Proto: https gets spoken coaching")
        if not settings.verify:
            warnings.append("verification is off behind a tunnel (HIPCOACH_TRUST_PROXY): "
                            "anyone who finds its URL can talk to the skill")
    else:
        lines.append(f"Audio for devices: {NO_DEVICE_AUDIO}")
        warnings.append(f"streaming is on but devices cannot play it: {HOW_TO_STREAM}")
    if local:
        console = explicit or local_url(host, port)
        lines.append(f"Audio for the console (hipcoach chat --url {local_url(host, port)}): "
                     f"{console}/audio/<name> (plays in the console, not on a device)")
    return lines, warnings


def waitress_options(settings: Settings) -> dict[str, Any]:
    """waitress removes X-Forwarded-* and Forwarded headers unless told a proxy is trusted
    (its `clear_untrusted_proxy_headers`, on by default): keep them only when one is."""
    return {"clear_untrusted_proxy_headers": not settings.trust_proxy}


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 to reach it from a tunnel on another host).")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-verify", is_flag=True,
              help="Accept unsigned requests (for the console and local tools; never in "
                   "front of a tunnel). Same as HIPCOACH_VERIFY=0.")
@click.option("--threads", default=8, show_default=True, type=int)
def serve_command(host: str, port: int, no_verify: bool, threads: int) -> None:
    """Serve POST /alexa, GET /health and GET /audio/<name>.

    Devices get AudioPlayer streams only under an HTTPS audio base: set
    HIPCOACH_AUDIO_BASE_URL=https://<tunnel>, or HIPCOACH_TRUST_PROXY=1 behind an HTTPS
    tunnel that sets X-Forwarded-Proto and X-Forwarded-Host; otherwise spoken coaching.
    """
    from waitress import serve

    from skill.settings import Settings
    from skill.web.app import create_app

    settings = Settings.from_env()
    if no_verify:
        settings = record_replace(settings, verify=False)
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    verify = "on" if settings.verify else "OFF (--no-verify)"
    click.echo(f"Hip Coach on http://{host}:{port}/alexa  (verification {verify}; "
               f"data in {settings.data_dir})")
    lines, warnings = audio_report(settings, host, port)
    for line in lines:
        click.echo(line)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    serve(app, host=host, port=port, threads=threads, ident="hipcoach",
          **waitress_options(settings))
