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

from skill.conversation import events as ev
from skill.conversation.device import World
from skill.conversation.outcome import Outcome
from skill.screens.apl import datasource, document, token
from skill.screens.view import view_of


def screen_directives(outcome: Outcome, event: ev.Event, world: World,
                      log: logging.Logger) -> list[Any]:
    """[RenderDocument] for what this response shows, or [] when it shows nothing."""
    try:
        screen = view_of(outcome, event, world)
        if screen is None:
            return []
        return [RenderDocumentDirective(token=token(screen),
                                        document=document(screen.kind, world.content),
                                        datasources=datasource(screen))]
    except Exception as exc:  # a content or state surprise must not lose the answer
        log.warning("no screen: %s: %s", type(exc).__name__, exc)
        return []
