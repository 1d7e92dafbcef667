"""The audio base of one web request: configured, derived from a trusted proxy, or none.

Behind an HTTPS tunnel the server sees plain http from the tunnel; the tunnel says what the
device used in `X-Forwarded-Proto` / `X-Forwarded-Host` (or RFC 7239 `Forwarded`). Those
headers are trusted only with HIPCOACH_TRUST_PROXY, since anyone reaching the server
directly can send them. Werkzeug's ProxyFix was not used: it rewrites the whole request and
takes the values its proxy count trusts from the right of a list, while the public base a
device needs is the first (outermost) one, validated strictly; this module is that check.
The request's own Host is used only when the request itself is HTTPS.
"""

from __future__ import annotations

import logging
import re
from typing import Protocol

from skill.audio.public import CONFIGURED, CONSOLE_HEADER, NO_BASE, AudioBase
from skill.core.limits import AUDIO_URL_PORT
from skill.settings import Settings

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HOST_RE = re.compile(rf"(?P<name>{_LABEL}(?:\.{_LABEL})*)\.?(?::(?P<port>[0-9]{{1,5}}))?")
"""hostname[:port]: DNS labels only, so no path, space, userinfo, query or IPv6 literal."""
MAX_HOST_CHARS = 253
"""A DNS name's longest text form (RFC 1035); longer is not a host."""
MAX_QUOTED_CHARS = 80
FORWARDED_BY = "the tunnel's X-Forwarded-* headers"
FORWARDED_STD = "the tunnel's Forwarded header"
OWN_HOST = "the request's own HTTPS Host"


class Headers(Protocol):
    """Request headers looked up by name (Werkzeug's are case-insensitive; a dict will do)."""

    def get(self, key: str, /) -> str | None: ...


def clean_host(value: str) -> str | None:
    """`value` as a lower-case host[:port] (port 443 dropped), or None when it is not one."""
    host = value.strip().lower()
    found = HOST_RE.fullmatch(host) if len(host) <= MAX_HOST_CHARS + 6 else None
    if found is None or len(found["name"]) > MAX_HOST_CHARS:
        return None
    port = found["port"]
    if port is not None and not 0 < int(port) < 65536:
        return None
    if port is None or int(port) == AUDIO_URL_PORT:
        return found["name"]
    return f"{found['name']}:{int(port)}"


def _first(value: str | None) -> str | None:
    """The first value of a comma list (the proxy nearest the device), or None if empty."""
    if value is None:
        return None
    first = value.split(",", 1)[0].strip()
    return first or None


def _quoted(value: str) -> str:
    """A header value as it may appear in a log line: short, repr-escaped."""
    text = value if len(value) <= MAX_QUOTED_CHARS else value[:MAX_QUOTED_CHARS] + "..."
    return repr(text)


def _forwarded_pairs(value: str) -> dict[str, str] | None:
    """The first element of an RFC 7239 Forwarded header as {name: value}, or None when it
    is malformed. Quoted values are accepted without escapes (a host never needs them)."""
    element = _first(value)
    if element is None:
        return None
    pairs: dict[str, str] = {}
    for part in element.split(";"):
        name, equals, raw = part.strip().partition("=")
        if not equals or not name.strip():
            return None
        if raw.startswith('"'):
            if len(raw) < 2 or not raw.endswith('"') or "\\" in raw or '"' in raw[1:-1]:
                return None
            raw = raw[1:-1]
        pairs[name.strip().lower()] = raw
    return pairs


def forwarded(headers: Headers, log: logging.Logger) -> tuple[str | None,
                                                                         str | None, str]:
    """(proto, host, which headers) the proxy reported; a malformed value is None, logged.

    X-Forwarded-* first (what tunnels send), else RFC 7239 Forwarded."""
    proto, host = _first(headers.get("X-Forwarded-Proto")), headers.get("X-Forwarded-Host")
    where, standard = FORWARDED_BY, headers.get("Forwarded")
    if proto is None and host is None and standard:
        where = FORWARDED_STD
        pairs = _forwarded_pairs(standard)
        if pairs is None:
            log.warning("ignored Forwarded header %s: not RFC 7239", _quoted(standard))
            return None, None, where
        proto, host = pairs.get("proto"), pairs.get("host")
    if proto is not None and proto.lower() not in ("http", "https"):
        log.warning("ignored forwarded proto %s: not http or https", _quoted(proto))
        proto = None
    cleaned = None
    first_host = _first(host)
    if first_host is not None:
        cleaned = clean_host(first_host)
        if cleaned is None:
            log.warning("ignored forwarded host %s: not a host[:port]", _quoted(host or ""))
    return (proto.lower() if proto else None), cleaned, where


def request_audio(settings: Settings, headers: Headers, scheme: str, host: str,
                  log: logging.Logger) -> AudioBase:
    """This request's audio base: HIPCOACH_AUDIO_BASE_URL; else, with HIPCOACH_TRUST_PROXY,
    https://<forwarded host> when the proxy says the device used HTTPS; else the request's
    own Host if the request is HTTPS itself; else none (devices get spoken coaching).

    The console (`CONSOLE_HEADER`) is not a device: it gets this server's own URL, http."""
    console = headers.get(CONSOLE_HEADER) == "1"
    if settings.audio_base_url:
        return AudioBase(settings.audio_base_url, CONFIGURED, not console)
    own = clean_host(host)
    if console:
        return AudioBase(f"{scheme}://{own}" if own else None, "the console", device=False)
    if settings.trust_proxy:
        proto, forwarded_host, where = forwarded(headers, log)
        if proto == "https" and (forwarded_host or own):
            # no forwarded host: the proxy passed the device's Host on unchanged
            return AudioBase(f"https://{forwarded_host or own}", where)
        why = "the proxy did not say the request was HTTPS" if proto != "https" else (
            "the proxy named no valid host")
        return AudioBase(None, f"{NO_BASE}: {why} (X-Forwarded-Proto / Forwarded proto)")
    if scheme == "https" and own:
        return AudioBase(f"https://{own}", OWN_HOST)
    return AudioBase(None, f"{NO_BASE} ({CONFIGURED} unset, HIPCOACH_TRUST_PROXY off)")
