"""The one ordered list of handlers: first match wins, so specific before general."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.deps import Deps
from skill.handlers import account, audio, care, launch, navigation, routine, session_flow


def build_handlers(deps: Deps) -> list[AbstractRequestHandler]:
    """Handlers in dispatch order."""
    return [
        # AudioPlayer events, and intents while a track is current, come first
        *audio.build_audio_handlers(deps),
        launch.LaunchHandler(deps),
        routine.StartRoutineHandler(deps),
        routine.ListRoutinesHandler(deps),
        navigation.NextHandler(deps),
        navigation.PreviousHandler(deps),
        navigation.RepeatHandler(deps),
        navigation.StartOverHandler(deps),
        navigation.PauseHandler(deps),
        navigation.ResumeHandler(deps),
        navigation.YesHandler(deps),
        navigation.NoHandler(deps),
        care.PainHandler(deps),
        care.SafetyHandler(deps),
        care.ExplainHandler(deps),
        care.EquipmentHandler(deps),
        account.PreferenceHandler(deps),
        account.ProgressHandler(deps),
        account.ForgetMeHandler(deps),
        account.StepByStepHandler(deps),
        session_flow.HelpHandler(deps),
        session_flow.StopHandler(deps),
        session_flow.FallbackHandler(deps),
        session_flow.SessionEndedHandler(deps),
        session_flow.UnknownIntentHandler(deps),
        session_flow.CatchAllHandler(deps),
    ]
