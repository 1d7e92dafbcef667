"""Alexa.Presentation.APL.RenderDocument for a response: the adapter's one call into screens.

Only called for a request whose device declares Alexa.Presentation.APL and whose response
may speak (LaunchRequest, IntentRequest, UserEvent): AudioPlayer and PlaybackController
requests may carry only AudioPlayer directives (PLATFORM.md), so they never get one. A
failure here costs the screen, never the answer.
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

from skill.audio.holds import TrackHolds
from skill.conversation import events as ev
from skill.conversation.device import World
from skill.conversation.outcome import Outcome
from skill.conversation.tracks import prefs_of
from skill.deps import TimedTracks, Tracks
from skill.screens.apl import datasource, document, token
from skill.screens.view import first_play, view_of


def screen_directives(outcome: Outcome, event: ev.Event, world: World,
                      log: logging.Logger, tracks: Tracks | None = None) -> list[Any]:
    """[RenderDocument] for what this response shows, or [] when it shows nothing.

    `tracks` (the request's `skill.deps.Tracks`) gives a Play's screen the measured holds
    of its track (`measured_holds`)."""
    try:
        screen = view_of(outcome, event, world, measured_holds(outcome, tracks, log))
        if screen is None:
            return []
        return [RenderDocumentDirective(token=token(screen),
                                        document=document(screen.kind, world.content),
                                        datasources=datasource(screen))]
    except Exception as exc:  # a content or state surprise must not lose the answer
        log.warning("no screen: %s: %s", type(exc).__name__, exc)
        return []


def measured_holds(outcome: Outcome, tracks: object,
                   log: logging.Logger) -> TrackHolds | None:
    """The measured holds of the first Play's track, read from the track index (no
    rendering) by tracks that are `TimedTracks`; None when they are not known or cannot
    be read (logged): the screen then shows no countdown."""
    play = first_play(outcome)
    if play is None or not isinstance(tracks, TimedTracks):
        return None
    pos = play.pos
    try:
        found = tracks.holds_for(pos.routine, pos.step, pos.side, prefs_of(outcome.state, pos))
    except Exception as exc:  # a store or index surprise costs the countdown only
        log.warning("no measured holds for %s step %d side %d: %s: %s", pos.routine,
                    pos.step + 1, pos.side + 1, type(exc).__name__, exc)
        return None
    if found is None:
        log.info("no measured holds for %s step %d side %d: the screen shows no countdown",
                 pos.routine, pos.step + 1, pos.side + 1)
    return found
