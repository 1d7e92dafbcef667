"""Skill events: what Alexa tells the skill outside any conversation.

`AlexaSkillEvent.SkillDisabled` deletes the user's stored data with the same persistence
delete that "delete my data" uses (ConversationHandler on `plan.forget`). Alexa sends it
only when the manifest subscribes to SKILL_DISABLED (skill/package/manifest.py). An event
has no session and may not speak, so the answer is an empty response. A failure (no user
id, the store down) is logged with its reason and never raised, and nothing is saved for
the request either way, so an event never creates a record.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.handlers.interceptors import loaded

SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"


class SkillDisabledHandler(AbstractRequestHandler):
    """Deletes the disabling user's data; registered before the catch-all handler."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type(SKILL_DISABLED)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        # Whatever happens below, SaveState must not write the state LoadState read back.
        loaded(handler_input).deleted = True
        try:
            handler_input.attributes_manager.delete_persistent_attributes()
        except (PersistenceException, AttributesManagerException) as exc:
            cause = exc.__cause__ or exc.__context__ or exc
            self.log.error("skill disabled: could not delete the user's data: %s (%s)",
                           exc, type(cause).__name__)
        else:
            self.log.info("skill disabled: the user's data was deleted")
        response: Response = handler_input.response_builder.response
        return response
