"""The device's time zone from the Alexa Settings API.

``GET {apiEndpoint}/v2/devices/{deviceId}/settings/System.timeZone`` with the request's
``apiAccessToken`` as a bearer token; no permission is needed. The answer is a JSON string
such as ``"America/Los_Angeles"``, or 204 when the user never set one (Alexa Settings API
reference and "Personalize your Alexa skill with customer-specific time zone",
developer.amazon.com).

The call runs with a hard deadline (skill.adapters.api_calls): socket timeouts do not
cover DNS or a server that trickles bytes, and a slow answer must not eat the 8 s Alexa
gives the whole response. A failed or late answer is logged once with its cause (never the token)
and the caller keeps UTC days.
"""

from __future__ import annotations

import json
import logging
import re
from concurrent.futures import wait
from typing import Any, Final
from urllib.parse import quote

import requests

from skill.adapters.api_calls import MAX_IN_FLIGHT_CALLS, endpoint_problem, start_daemon
from skill.adapters.zone_lookup import ZoneQuery

#: Hard deadline for one lookup, connection and DNS included. Once a week per user, on
#: StartRoutine; a healthy API answers in ~0.1-0.3 s.
LOOKUP_DEADLINE_S: Final = 0.5
_PATH: Final = "/v2/devices/{device}/settings/System.timeZone"
# IANA names: "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC".
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}")

log = logging.getLogger(__name__)


def valid_zone(name: object) -> str | None:
    """`name` when it is an IANA time zone this Python can load, else None."""
    if not isinstance(name, str) or len(name) > 64 or not _ZONE_NAME.fullmatch(name):
        return None
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except Exception:  # unknown zone, or no time zone data on this machine
        return None
    return name


class SettingsApiZoneLookup:
    """Implements `ZoneLookup` over HTTP; one `requests.Session` for keep-alive."""

    def __init__(self, deadline_s: float = LOOKUP_DEADLINE_S,
                 session: requests.Session | None = None) -> None:
        self._deadline_s = deadline_s
        self._session = session or requests.Session()

    def zone(self, query: ZoneQuery) -> str | None:
        problem = endpoint_problem(query.api_endpoint)
        if problem is not None:
            log.warning("time zone lookup skipped: %s", problem)
            return None
        url = query.api_endpoint.rstrip("/") + _PATH.format(device=quote(query.device_id,
                                                                        safe=""))
        box: dict[str, Any] = {}

        def call() -> None:
            box["response"] = self._session.get(
                url, timeout=(self._deadline_s, self._deadline_s), allow_redirects=False,
                headers={"Authorization": f"Bearer {query.api_access_token}",
                         "Accept": "application/json"})

        future = start_daemon(call, "settings")
        if future is None:
            log.warning("time zone lookup skipped: %d calls already in flight",
                        MAX_IN_FLIGHT_CALLS)
            return None
        done, _ = wait([future], timeout=self._deadline_s)
        if not done:
            log.warning("time zone lookup timed out after %.1f s", self._deadline_s)
            return None
        error = future.exception()
        if error is not None:  # transport failure: reported by type only (never the token)
            log.warning("time zone lookup failed: %s", type(error).__name__)
            return None
        response = box["response"]
        if response.status_code == 204:  # the user never set a time zone
            return None
        if response.status_code != 200:
            log.warning("time zone lookup answered HTTP %d", response.status_code)
            return None
        try:
            zone = valid_zone(json.loads(response.text))
        except ValueError:
            zone = None
        if zone is None:
            log.warning("time zone lookup answered no usable zone name")
        return zone
