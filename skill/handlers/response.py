"""A conversation plan as an ASK SDK Response: speech, reprompt, AudioPlayer directives."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import PlayBehavior

from skill.content.model import Content
from skill.conversation.outcome import Plan, Play
from skill.core.ssml import escape


def play_directive(content: Content, play: Play, url: str) -> Any:
    """AudioPlayer.Play for a planned track (the models load on first use)."""
    from ask_sdk_model.interfaces.audioplayer import (
        AudioItem,
        AudioItemMetadata,
        PlayBehavior,
        PlayDirective,
        Stream,
    )

    routine = content.routines[play.pos.routine]
    return PlayDirective(
        play_behavior=PlayBehavior(play.behavior),
        audio_item=AudioItem(
            stream=Stream(token=play.token, url=url,
                          offset_in_milliseconds=play.pos.track_offset_ms,
                          expected_previous_token=play.previous),
            metadata=AudioItemMetadata(title=routine.name,
                                       subtitle=f"Step {play.pos.step + 1}"),
        ),
    )


def stop_directive() -> Any:
    from ask_sdk_model.interfaces.audioplayer import StopDirective

    return StopDirective()


def build(handler_input: HandlerInput, plan: Plan, directives: list[Any],
          enqueue_speech: bool) -> Response:
    """The response for `plan`; `directives` are its audio, already resolved to URLs.

    After progressive pieces the final speech says playBehavior ENQUEUE, so it queues
    behind them rather than cutting them off (already Alexa's default for skills without
    CustomInterfaceController, "Control Interruption of Alexa's Speech"; saying it keeps
    the pacing right should that default change).
    """
    rb = handler_input.response_builder
    if plan.turn is not None:
        body = plan.turn.turn.final.body
        if enqueue_speech:
            rb.speak(body, play_behavior=PlayBehavior.ENQUEUE)
        else:
            rb.speak(body)
    elif plan.speech:
        rb.speak(escape(plan.speech))
    if plan.end is False:
        rb.ask(escape(plan.reprompt))
    for directive in directives:
        rb.add_directive(directive)
    if plan.end is not None:
        rb.set_should_end_session(plan.end)
    response: Response = rb.response
    return response
