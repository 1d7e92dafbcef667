"""The user's time zone for streaks: the device's, from the Alexa Settings API.

Asked when a routine may start: at most once a week per user once it is known, at most
once a day while it is not (a failed or empty answer). Without one, days are UTC days.
"""

from __future__ import annotations

from datetime import timedelta

from ask_sdk_core.handler_input import HandlerInput

from skill.adapters.zone_lookup import zone_query
from skill.core.record import replace
from skill.deps import Deps
from skill.state import UserState, parse_day

ZONE_REFRESH = timedelta(days=7)
"""How long a known time zone is trusted before it is asked for again (users travel)."""


def with_time_zone(handler_input: HandlerInput, deps: Deps, state: UserState) -> UserState:
    """`state` with its time zone looked up when due (saved with the rest of the turn)."""
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
