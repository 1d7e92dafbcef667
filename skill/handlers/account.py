"""Preferences, progress, forgetting a user, and choosing step-by-step guidance."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.content.model import Side
from skill.core.preferences import Detail, Preferences
from skill.core.record import replace
from skill.handlers.base import Handler
from skill.handlers.context import (
    DELETED,
    UNAVAILABLE,
    say,
    set_state,
    slot,
    state_known,
    state_of,
)
from skill.handlers.local_time import local_today
from skill.state import UserState

SETTINGS: dict[str, tuple[str, object]] = {
    "longer-holds": ("Okay, longer holds", Preferences.longer_holds),
    "shorter-holds": ("Okay, shorter holds", Preferences.shorter_holds),
    "slower-breathing": ("Okay, slower breathing", Preferences.slower_breathing),
    "faster-breathing": ("Okay, quicker breathing", Preferences.faster_breathing),
    "less-talking": ("Okay, brief instructions", Detail.BRIEF),
    "more-detail": ("Okay, detailed instructions", Detail.DETAILED),
    "start-left": ("Okay, left side first", Side.LEFT),
    "start-right": ("Okay, right side first", Side.RIGHT),
}
"""Preference slot value id -> (what to say, how it changes the preferences)."""


def apply_setting(state: UserState, setting: str) -> UserState:
    change = SETTINGS[setting][1]
    if isinstance(change, Detail):
        return replace(state, prefs=replace(state.prefs, detail=change), detail_chosen=True)
    if isinstance(change, Side):
        return replace(state, prefs=replace(state.prefs, first_side=change))
    assert callable(change)
    prefs = change(state.prefs)
    assert isinstance(prefs, Preferences)
    return replace(state, prefs=prefs)


class PreferenceHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("PreferenceIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        setting, _ = slot(handler_input, "setting")
        state = state_of(handler_input)
        if not state_known(handler_input):  # a change now would overwrite unseen settings
            return say(handler_input, "Sorry, I can't save settings right now. Please try "
                       "again in a minute.", "What would you like to do?")
        if setting not in SETTINGS:
            return say(
                handler_input,
                "You can ask for longer or shorter holds, slower or faster "
                "breathing, less talking, more detail, or which side to start on. "
                "What would you like?",
                "Which setting would you like to change?",
            )
        set_state(handler_input, apply_setting(state, setting))
        when = "from the next step" if state.position else "from now on"
        reprompt = (
            "Say next to go on." if state.position else "Which routine would you like to start?"
        )
        return say(handler_input, f"{SETTINGS[setting][0]}, {when}. {reprompt}", reprompt)


class ProgressHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ProgressIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        if not state_known(handler_input):
            return say(handler_input, UNAVAILABLE, "What would you like to do?")
        state = state_of(handler_input)
        h = state.history
        if h.sessions == 0:
            return say(
                handler_input,
                "You haven't done a routine yet. Say start glute release to begin.",
                "Which routine would you like to start?",
            )
        minutes = round(h.seconds / 60)
        streak = h.current_streak(local_today(self.deps, state))
        days = f"{streak} day{'s' * (streak != 1)} in a row" if streak else "no current streak"
        sessions = f"{h.sessions} session{'s' * (h.sessions != 1)}"
        return say(
            handler_input,
            f"You've done {sessions} and about {minutes} minute"
            f"{'s' * (minutes != 1)} of massage. Your streak is {days}. Nice work.",
            "What would you like to do next?",
        )


class ForgetMeHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ForgetMeIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        handler_input.attributes_manager.delete_persistent_attributes()
        handler_input.attributes_manager.request_attributes[DELETED] = True
        set_state(handler_input, UserState())
        return say(
            handler_input, "Done. I've deleted your progress and preferences. Goodbye.", end=True
        )


class StepByStepHandler(Handler):
    """ "Guide me step by step": dialog mode from now on, even on speakers with audio."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("StepByStepIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        state = replace(state_of(handler_input), dialog_only=True)
        set_state(handler_input, state)
        if state.position is not None:
            from skill.handlers.coaching import coach

            return coach(
                handler_input,
                self.deps,
                replace(state.position, offset=0, step_done=False),
                intro=("Okay, I'll guide you step by step.",),
            )
        return say(
            handler_input,
            "Okay, I'll guide you step by step, one turn at a time. Which routine would you like?",
            "Which routine would you like?",
        )
