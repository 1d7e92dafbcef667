"""The one ordered list of handlers: first match wins, so specific before general."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.deps import Deps
from skill.handlers import account, care, launch, navigation, routine, session_flow


def build_handlers(deps: Deps) -> list[AbstractRequestHandler]:
    """Handlers in dispatch order."""
    try:
        from skill.handlers import audio

        audio_handlers = audio.build_audio_handlers(deps)
    except ImportError:  # pragma: no cover - streaming mode not installed
        audio_handlers = []
    return [
        *audio_handlers,  # AudioPlayer events and intents while a track is current
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
