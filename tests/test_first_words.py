"""The disclaimer and the key safety rule reach every user before their first routine.

"Alexa, ask hip coach to start glute release" skips the welcome, where these words were
said; a first-time user starting that way must still hear "not a substitute for medical
advice" and "if you feel sharp or shooting pain, stop" before the first instruction, on an
Echo (streamed: said before the track starts) and on a voice-only speaker (coached). Once
heard they are not repeated, and a user who comes back is offered to go on, not welcomed
as new.

Through the Lambda entry (tests/support/echo.py); the words come from the content.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

import pytest

from skill.content import Content
from skill.core.plan import steps
from tests.support.echo import Echo, said, the_play

ROUTINE = "glute-release"
OTHER = "hip-flexor-release"


def key_rule(content: Content) -> str:
    return next(r.text for r in content.knowledge.safety if r.key)


def first_instruction(content: Content) -> str:
    return steps(content, content.routines[ROUTINE])[0].step.say[0].format(side="left")


@pytest.mark.parametrize("audio_player", [True, False], ids=["echo", "speaker"])
def test_a_one_shot_start_says_the_safety_words_before_the_first_instruction(
        new_user: Callable[..., Echo], content: Content, audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    response = echo.start(ROUTINE)  # no launch: straight into the routine
    started = said(response)
    disclaimer, rule = content.knowledge.disclaimer, key_rule(content)
    assert disclaimer in started and rule in started
    if audio_player:  # the speech is heard before the track, which holds the instruction
        assert the_play(response)["playBehavior"] == "REPLACE_ALL"
        assert first_instruction(content) not in started
    else:
        assert started.index(rule) < started.index(first_instruction(content))


@pytest.mark.parametrize("audio_player", [True, False], ids=["echo", "speaker"])
def test_the_safety_words_are_said_once_not_at_every_start(
        new_user: Callable[..., Echo], content: Content, audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    echo.start(ROUTINE)
    echo.device.session_id, echo.device.attributes = None, {}  # another day, another session
    again = said(echo.start(OTHER))
    assert content.knowledge.disclaimer not in again and key_rule(content) not in again
    assert content.routines[OTHER].name in again.lower()


@pytest.mark.parametrize("audio_player", [True, False], ids=["echo", "speaker"])
def test_coming_back_after_a_one_shot_start_offers_to_go_on(
        new_user: Callable[..., Echo], content: Content, audio_player: bool) -> None:
    echo = new_user(audio_player=audio_player)
    echo.start(ROUTINE)
    echo.device.session_id, echo.device.attributes, echo.device.player = None, {}, None
    welcome = said(echo.send(echo.device.launch()))
    assert welcome.startswith("Welcome back.")
    assert content.routines[ROUTINE].name in welcome and "continue" in welcome
    assert content.knowledge.disclaimer not in welcome


def test_a_routine_saved_before_the_words_were_heard_gets_them_and_the_offer(
        new_user: Callable[..., Echo], content: Content) -> None:
    """State saved by an older version (a one-shot start that skipped them): the next
    launch says the safety words and still offers to continue, once."""
    echo = new_user(audio_player=False)
    echo.start(ROUTINE)
    with sqlite3.connect(echo.settings.db_path) as db:
        (raw,) = db.execute("SELECT attributes FROM users").fetchone()
        saved = json.loads(raw)
        assert saved["safety_heard"] is True
        saved["safety_heard"] = False
        db.execute("UPDATE users SET attributes = ?", (json.dumps(saved),))
    echo.device.session_id, echo.device.attributes = None, {}
    welcome = said(echo.send(echo.device.launch()))
    assert content.knowledge.disclaimer in welcome and key_rule(content) in welcome
    assert content.routines[ROUTINE].name in welcome and "continue" in welcome
    assert echo.state().safety_heard
