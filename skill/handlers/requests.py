"""Alexa requests as conversation events and devices: the table every request goes through.

One line per intent or request type. Slots are read through entity resolution
(ER_SUCCESS_MATCH) so synonyms arrive as the content's ids, with what was heard beside.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ask_sdk_core.handler_input import HandlerInput

from skill.conversation import events as ev
from skill.conversation.device import Device

APL = "Alexa.Presentation.APL"


def slot(handler_input: HandlerInput, name: str) -> tuple[str | None, str | None]:
    """(resolved value id, what was heard) for a slot; id None when nothing matched."""
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    slots = getattr(intent, "slots", None) or {}
    found = slots.get(name) if isinstance(slots, dict) else None
    if found is None:
        return None, None
    heard = found.value if isinstance(found.value, str) and found.value.strip() else None
    resolutions = getattr(found, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        code = getattr(getattr(authority, "status", None), "code", None)
        if getattr(code, "value", code) == "ER_SUCCESS_MATCH" and authority.values:
            value = authority.values[0].value
            if value is not None and isinstance(value.id, str):
                return value.id, heard
    return None, heard


def _number(hi: HandlerInput, name: str) -> int | None:
    """An AMAZON.NUMBER slot as a whole number, or None when absent or not a number."""
    _, heard = slot(hi, name)
    try:
        value = int(heard) if heard is not None else None
    except ValueError:
        return None
    return value if value is not None and 0 < value < 1000 else None


def _plain(kind: type[ev.Event]) -> Callable[[HandlerInput], ev.Event]:
    return lambda hi: kind()


def _request(hi: HandlerInput) -> Any:
    return hi.request_envelope.request


def _error_type(hi: HandlerInput) -> str | None:
    error = getattr(_request(hi), "error", None)
    kind = getattr(error, "object_type", None)
    value = getattr(kind, "value", kind)
    return str(value) if value is not None else None


def _offset(hi: HandlerInput) -> int:
    value = getattr(_request(hi), "offset_in_milliseconds", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _token(hi: HandlerInput) -> str | None:
    token = getattr(_request(hi), "token", None)
    return token if isinstance(token, str) else None


def _touch(hi: HandlerInput) -> ev.Event:
    """A screen touch: the event of the intent its button stands for (skill.screens.touch,
    loaded only for devices that have a screen)."""
    from skill.screens.touch import touched

    return touched(getattr(_request(hi), "arguments", None))


def _playback(kind: Any) -> Callable[[HandlerInput], ev.Event]:
    return lambda hi: kind(token=_token(hi), offset_ms=_offset(hi))


INTENTS: dict[str, Callable[[HandlerInput], ev.Event]] = {
    "StartRoutineIntent": lambda hi: ev.StartRoutine(
        *slot(hi, "routine"), area=slot(hi, "area")[0], muscle=slot(hi, "muscle")[0]),
    "ListRoutinesIntent": _plain(ev.ListRoutines),
    "AMAZON.NextIntent": _plain(ev.Next),
    "AMAZON.PreviousIntent": _plain(ev.Previous),
    "AMAZON.RepeatIntent": _plain(ev.Repeat),
    "AMAZON.StartOverIntent": _plain(ev.StartOver),
    "AMAZON.PauseIntent": _plain(ev.Pause),
    "AMAZON.ResumeIntent": _plain(ev.Resume),
    "AMAZON.YesIntent": _plain(ev.Yes),
    "AMAZON.NoIntent": _plain(ev.No),
    "AMAZON.StopIntent": _plain(ev.Stop),
    "AMAZON.CancelIntent": _plain(ev.Stop),
    "AMAZON.NavigateHomeIntent": _plain(ev.Stop),
    "AMAZON.HelpIntent": _plain(ev.Help),
    "AMAZON.FallbackIntent": _plain(ev.Fallback),
    "AMAZON.LoopOnIntent": _plain(ev.LoopShuffle),
    "AMAZON.LoopOffIntent": _plain(ev.LoopShuffle),
    "AMAZON.ShuffleOnIntent": _plain(ev.LoopShuffle),
    "AMAZON.ShuffleOffIntent": _plain(ev.LoopShuffle),
    "PainIntent": lambda hi: ev.Pain(*slot(hi, "quality"), area=slot(hi, "area")[0],
                                     muscle=slot(hi, "muscle")[0]),
    "ConditionIntent": lambda hi: ev.Condition(*slot(hi, "condition")),
    "AboutRoutineIntent": lambda hi: ev.AboutRoutine(*slot(hi, "routine")),
    "SuggestIntent": lambda hi: ev.Suggest(*slot(hi, "area")[:1], slot(hi, "muscle")[0],
                                           heard=slot(hi, "area")[1]),
    "UnsureIntent": _plain(ev.Unsure),
    "ShortOnTimeIntent": lambda hi: ev.ShortOnTime(_number(hi, "minutes")),
    "TimeLeftIntent": _plain(ev.TimeLeft),
    "WhatNextIntent": _plain(ev.WhatNext),
    "WhereAmIIntent": _plain(ev.WhereAmI),
    "SwitchSidesIntent": _plain(ev.SwitchSides),
    "HaveEquipmentIntent": lambda hi: ev.Kit(*slot(hi, "equipment"), has=True),
    "NoEquipmentIntent": lambda hi: ev.Kit(*slot(hi, "equipment"), has=False),
    "SafetyIntent": _plain(ev.Safety),
    "ExplainIntent": lambda hi: ev.Explain(*slot(hi, "topic")),
    "EquipmentIntent": _plain(ev.Equipment),
    "PreferenceIntent": lambda hi: ev.Preference(slot(hi, "setting")[0]),
    "ProgressIntent": _plain(ev.Progress),
    "ForgetMeIntent": _plain(ev.ForgetMe),
    "StepByStepIntent": _plain(ev.StepByStep),
}
"""Intent name -> event. An intent not listed (a newer model) is heard as Fallback."""

REQUESTS: dict[str, Callable[[HandlerInput], ev.Event]] = {
    "LaunchRequest": _plain(ev.Launch),
    "SessionEndedRequest": lambda hi: ev.SessionEnded(
        str(getattr(getattr(_request(hi), "reason", None), "value", "") or ""), _error_type(hi)),
    "AudioPlayer.PlaybackStarted": _playback(ev.PlaybackStarted),
    "AudioPlayer.PlaybackStopped": _playback(ev.PlaybackStopped),
    "AudioPlayer.PlaybackNearlyFinished": _playback(ev.PlaybackNearlyFinished),
    "AudioPlayer.PlaybackFinished": _playback(ev.PlaybackFinished),
    "AudioPlayer.PlaybackFailed": lambda hi: ev.PlaybackFailed(_token(hi), _error_type(hi)),
    "PlaybackController.PlayCommandIssued": _plain(ev.PlayCommand),
    "PlaybackController.PauseCommandIssued": _plain(ev.PauseCommand),
    "PlaybackController.NextCommandIssued": _plain(ev.NextCommand),
    "PlaybackController.PreviousCommandIssued": _plain(ev.PreviousCommand),
    "System.ExceptionEncountered": lambda hi: ev.DeviceError(_error_type(hi)),
    f"{APL}.UserEvent": _touch,
}
"""Request type -> event; any other type is `Unhandled` and answered quietly."""
SPEAKING = ("LaunchRequest", "IntentRequest", f"{APL}.UserEvent")
"""Request types whose response may speak (and show a screen); the rest may carry only
directives (AudioPlayer, PlaybackController) or nothing (SessionEnded, system)."""


def event_of(handler_input: HandlerInput) -> ev.Event:
    """The conversation event this request is."""
    kind = str(getattr(_request(handler_input), "object_type", "") or "")
    if kind == "IntentRequest":
        name = str(getattr(getattr(_request(handler_input), "intent", None), "name", "") or "")
        return INTENTS.get(name, _plain(ev.Fallback))(handler_input)
    make = REQUESTS.get(kind)
    return make(handler_input) if make is not None else ev.Unhandled(kind)


def device_of(handler_input: HandlerInput, progressive: bool) -> Device:
    """What the request's context says about the device and its player."""
    context = getattr(handler_input.request_envelope, "context", None)
    system = getattr(context, "system", None)
    interfaces = getattr(getattr(system, "device", None), "supported_interfaces", None)
    player = getattr(context, "audio_player", None)
    activity = getattr(getattr(player, "player_activity", None), "value", None)
    offset = getattr(player, "offset_in_milliseconds", 0)
    token = getattr(player, "token", None)
    kind = str(getattr(_request(handler_input), "object_type", "") or "")
    return Device(
        audio_player=getattr(interfaces, "audio_player", None) is not None,
        screen=getattr(interfaces, "alexa_presentation_apl", None) is not None,
        activity=str(activity or ""),
        token=token if isinstance(token, str) else None,
        offset_ms=offset if isinstance(offset, int) and not isinstance(offset, bool) else 0,
        can_speak=kind in SPEAKING,
        progressive=progressive,
    )
