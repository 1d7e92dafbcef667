"""Where the device's time zone comes from, without importing an HTTP client at start-up.

Streak days are calendar days of the user, not of UTC: someone in California who trains
at 6 pm and again the next morning has trained on two days, although both sessions fall
on one UTC date. Alexa tells a skill the device's time zone through its Settings API
(skill.adapters.settings_api); this module holds what handlers need to ask for it.
"""

from __future__ import annotations

from typing import Any, Protocol

from skill.adapters.progressive_target import service_access
from skill.core.record import Record, field


class ZoneQuery(Record):
    """What the Settings API needs, all taken from the request."""

    api_endpoint: str
    device_id: str
    # repr=False: a bearer credential, never in a log line
    api_access_token: str = field(repr=False)


class ZoneLookup(Protocol):
    """Finds a device's IANA time zone name ("America/Los_Angeles"), or None."""

    def zone(self, query: ZoneQuery) -> str | None: ...


class NullZoneLookup:
    """Lookups disabled (tests, offline use): every user's days stay UTC days."""

    def zone(self, query: ZoneQuery) -> str | None:
        return None


class LazyZoneLookup:
    """The Settings API client, built on first use so no request before it loads `requests`."""

    def __init__(self) -> None:
        self._inner: ZoneLookup | None = None

    def zone(self, query: ZoneQuery) -> str | None:
        if self._inner is None:
            from skill.adapters.settings_api import SettingsApiZoneLookup

            self._inner = SettingsApiZoneLookup()
        return self._inner.zone(query)


def zone_query(request_envelope: Any) -> ZoneQuery | None:
    """The query for this request's device, or None when the request cannot make one."""
    access = service_access(request_envelope)
    system = getattr(getattr(request_envelope, "context", None), "system", None)
    device_id = getattr(getattr(system, "device", None), "device_id", None)
    if access is None or not (isinstance(device_id, str) and device_id):
        return None
    return ZoneQuery(api_endpoint=access[0], device_id=device_id, api_access_token=access[1])
