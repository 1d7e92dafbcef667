"""The user's calendar day: streaks count the device's days, not UTC's.

The time zone comes from the Alexa Settings API (skill.adapters.zone_lookup), asked when a
routine starts: at most once a week per user once it is known, at most once a day while it
is not (a failed or empty answer). Without one, days are UTC days, as before.
"""

from __future__ import annotations

from datetime import date, timedelta

from ask_sdk_core.handler_input import HandlerInput

from skill.adapters.zone_lookup import zone_query
from skill.core.record import replace
from skill.deps import Deps
from skill.state import UserState, parse_day

ZONE_REFRESH = timedelta(days=7)
"""How long a known time zone is trusted before it is asked for again (users travel)."""


def with_time_zone(handler_input: HandlerInput, deps: Deps, state: UserState) -> UserState:
    """`state` with its time zone looked up when due (the caller saves it)."""
    today = deps.clock().date()
    checked = parse_day(state.zone_checked)
    if checked is not None and (today - checked < ZONE_REFRESH if state.time_zone
                                else checked == today):
        return state
    query = zone_query(handler_input.request_envelope)
    if query is None:
        return state
    try:
        zone = deps.zones.zone(query)
    except Exception as exc:  # a lookup must never cost the user their routine
        deps.log.warning("time zone lookup raised %s; UTC days", type(exc).__name__)
        zone = None
    return replace(state, time_zone=zone or state.time_zone, zone_checked=today.isoformat())


def local_today(deps: Deps, state: UserState) -> date:
    """Today on the user's calendar (UTC when the time zone is unknown or unusable)."""
    now = deps.clock()
    if state.time_zone:
        from zoneinfo import ZoneInfo

        try:
            return now.astimezone(ZoneInfo(state.time_zone)).date()
        except Exception as exc:  # unknown name, or no zone data on this machine
            deps.log.info("time zone %r unusable (%s): UTC day", state.time_zone,
                          type(exc).__name__)
    return now.date()
