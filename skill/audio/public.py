"""Where one request's listener fetches our audio from, and whether a device could play it.

A device (an Echo) plays AudioPlayer streams and SSML <audio> only over HTTPS on port
443, so an http URL sent to it is a routine that never starts. The console is not a
device: it plays whatever this machine serves. The base is decided per request where the
request came in (the Flask view, from HIPCOACH_AUDIO_BASE_URL or a trusted proxy's
headers; Lambda and the console from the settings) and reaches the handler inside an
`Invocation`, so no global says which request is whose.

Pure on purpose (no Flask, SDK or boto3): the handlers, the web view, `hipcoach serve` and
the console all read it.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from skill.core.limits import AUDIO_URL_PORT, AUDIO_URL_SCHEME
from skill.core.record import Record, field

CONSOLE_HEADER = "X-Hipcoach-Console"
"""Sent by `hipcoach chat --url`: "I am the console, local http audio is fine". Alexa never
sends it; whoever sends it only gets URLs a device would not play, for itself."""
CONFIGURED = "HIPCOACH_AUDIO_BASE_URL"
NO_BASE = "no HTTPS base for audio"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class AudioBase(Record):
    """The public base of this server's audio for one request, and who is listening."""

    url: str | None = None
    """scheme://host[:port], no trailing slash; None: no base is known for this request."""
    source: str = NO_BASE
    """Where it came from, for the log line that says why streaming is off."""
    device: bool = True
    """False for the console, which plays local http audio (a device plays only HTTPS)."""
    plays_sounds: bool = False
    """A listener that is not a device but plays SSML <audio> from `url` (the simulator);
    the console only shows where a sound would be, so it gets none. A device's checked
    HTTPS base always carries the cue chimes."""


class Invocation(Record):
    """What `SkillApp.handle` gives the SDK as `context`: the caller's own (Lambda's) and
    this request's audio base. Handlers read it from `handler_input.context`."""

    context: Any = None
    audio: AudioBase = field(default_factory=AudioBase)


def configured(explicit: str | None, *, device: bool = True) -> AudioBase:
    """The base from the settings alone (Lambda, the console in process)."""
    if explicit:
        return AudioBase(explicit.rstrip("/"), CONFIGURED, device)
    return AudioBase(None, f"{NO_BASE} ({CONFIGURED} is not set)", device)


def prefer_configured(explicit: str | None, audio: AudioBase) -> AudioBase:
    """An explicit HIPCOACH_AUDIO_BASE_URL wins over whatever a request suggested."""
    if explicit and audio.url != explicit.rstrip("/"):
        return AudioBase(explicit.rstrip("/"), CONFIGURED, audio.device)
    return audio


def audio_of(context: Any, explicit: str | None) -> AudioBase:
    """The audio base `SkillApp.handle` passed in; the configured one for any other caller."""
    if isinstance(context, Invocation):
        return context.audio
    return configured(explicit)


def is_loopback(host: str) -> bool:
    """This machine's own name or address: no device can fetch from it."""
    name = host.strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def device_problem(url: str) -> str | None:
    """Why a device could not play audio under `url` (a base or a track URL), or None.

    Only the scheme and host are ever quoted, never a query (presigned URLs carry a
    signature there)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "the audio URL is malformed"
    where = f"{parts.scheme}://{parts.hostname or ''}" + (f":{port}" if port else "")
    if parts.scheme != AUDIO_URL_SCHEME:
        return f"{where} is not HTTPS"
    if not parts.hostname:
        return "the audio URL has no host"
    if port not in (None, AUDIO_URL_PORT):
        return f"{where} is not on port {AUDIO_URL_PORT}"
    if is_loopback(parts.hostname):
        return f"{where} is this machine, which no device can reach"
    return None
