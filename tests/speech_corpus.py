"""Everything Hip Coach says, and every phrase it tells the user to say (tests/test_answerable.py).

`content_lines` walks the content records for spoken text; `converse` drives scripted
conversations through `skill.lambda_function.handler` (the Echo harness of
tests/support/echo.py) that reach every question the skill asks, recording what was said
(SSML stripped) and which `Asked` each response left open. `suggestions` reads the
"say X, Y, or Z" phrases out of that speech.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import skill.app
from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.content import Content
from skill.core.record import Record
from skill.settings import Settings
from tests.conftest import Clock
from tests.support.alexa import Device, plain, reprompt, slot, speech
from tests.support.echo import Echo
from tests.support.fake_tracks import FakeTracks

NOT_SPOKEN = frozenset({
    "id", "synonyms", "guide", "basis", "hold_basis", "settle_basis", "nerve_basis",
    "screen_basis", "version", "kind", "muscles", "equipment", "techniques", "only_steps",
    "variant_of", "uses", "routine", "pressure", "motion", "posture"})
"""Record fields that hold ids, enums or the guide's provenance: never spoken."""


def content_lines(value: Any) -> Iterator[str]:
    """Every spoken string in a content record (dicts and tuples walked recursively)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Record):
        for name in type(value)._fields:
            if name not in NOT_SPOKEN:
                yield from content_lines(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from content_lines(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from content_lines(item)


# ------------------------------------------------------------------ suggested phrases
_SAY = re.compile(r"\bsay\b:?\s*(.+?)(?:[.?!](?:\s|$)|$)", re.IGNORECASE)
_ONE_SHOT = re.compile(r"^(?:alexa,?\s+)?(?:ask hip coach to\s+)?", re.IGNORECASE)
_PURPOSE = re.compile(r"(?:^|\s+)(?:to|if|when)\s.*$")
NOT_TO_ALEXA = ("say if ",)
"""Lines where "say" is addressed to a partner, not to Alexa ("Receiver, say if the
pressure is too much"): what follows is no command."""


def suggestions(lines: list[str]) -> dict[str, str]:
    """Phrase the user is told to say -> the first line suggesting it."""
    found: dict[str, str] = {}
    for line in lines:
        for m in _SAY.finditer(line):
            if any(line[m.start():].lower().startswith(n) for n in NOT_TO_ALEXA):
                continue
            clause = _ONE_SHOT.sub("", m.group(1).strip())
            for piece in re.split(r",|\bor\b|\band\b", clause):
                phrase = piece.strip().lower().strip("\"'“”:;")
                phrase = re.sub(r"^like:?\s+", "", phrase)
                phrase = _PURPOSE.sub("", phrase).strip(" .!?\"'“”")
                if phrase:
                    found.setdefault(phrase, line)
    return found


# ------------------------------------------------------------------ conversations
@dataclass
class Corpus:
    lines: list[str] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)
    """Every `Asked` value a response left open."""


class Caller(Echo):
    """An Echo user whose every response is recorded into `corpus`."""

    corpus: Corpus
    last: dict[str, Any]

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        response = self.last = super().send(envelope)
        for text in (speech(response), reprompt(response)):
            if text:
                self.corpus.lines.append(plain(text))
        convo = (response.get("sessionAttributes") or {}).get("convo") or {}
        self.corpus.asked.add(str(convo.get("asked", "")))
        return response

    def asked(self, response: dict[str, Any]) -> str:
        return str(((response.get("sessionAttributes") or {}).get("convo") or {})
                   .get("asked", ""))

    def until(self, asked: set[str], intent: str = "AMAZON.NextIntent",
              limit: int = 40) -> dict[str, Any]:
        """Say `intent` until a response leaves one of `asked` open (or the last did)."""
        for _ in range(limit):
            if self.asked(self.last) in asked:
                return self.last
            self.say(intent)
        raise AssertionError(f"{asked} not asked after {limit} x {intent}")


def skill_settings(folder: Path) -> Settings:
    return Settings(data_dir=folder, progressive=False, streaming=True, verify=False)


def install(settings: Settings, content: Content, mp: pytest.MonkeyPatch) -> None:
    """The skill `handler` runs, as the `lambda_skill` fixture builds it."""
    app = SkillApp(settings, persistence=SqliteAdapter(settings.db_path), clock=Clock(),
                   tracks=FakeTracks(content))
    mp.setattr(skill.app, "_default", app)


def converse(folder: Path, content: Content) -> Corpus:
    """Scripted conversations reaching every kind of question; what was said."""
    corpus = Corpus()
    settings = skill_settings(folder)
    users = iter(range(100))

    def caller(audio_player: bool = False) -> Caller:
        c = Caller(Device(user_id=f"amzn1.ask.account.CORPUS{next(users):03d}",
                          audio_player=audio_player), settings, content)
        c.corpus = corpus
        return c

    def routine(rid: str) -> dict[str, Any]:
        return slot("routine", content.routines[rid].name, rid)

    with pytest.MonkeyPatch.context() as mp:
        install(settings, content, mp)
        a = caller()  # outside any routine
        a.send(a.device.launch())
        for intent in ("AMAZON.HelpIntent", "AMAZON.FallbackIntent", "ListRoutinesIntent",
                       "AMAZON.YesIntent", "ListRoutinesIntent", "UnsureIntent",
                       "SuggestIntent", "UnsureIntent", "SuggestIntent", "AMAZON.NoIntent",
                       "EquipmentIntent", "ProgressIntent", "SafetyIntent",
                       "HaveEquipmentIntent", "PreferenceIntent", "ShortOnTimeIntent",
                       "AMAZON.NextIntent", "AMAZON.ResumeIntent", "AMAZON.RepeatIntent",
                       "TimeLeftIntent", "AMAZON.StartOverIntent", "StepByStepIntent",
                       "ForgetMeIntent", "AMAZON.NoIntent", "AMAZON.PauseIntent"):
            a.say(intent)
        a.say("SuggestIntent", area=slot("area", "glutes", "glutes"))
        a.say("ExplainIntent", topic=slot("topic", "stuff", no_match=True))
        a.say("ExplainIntent", topic=slot("topic", "piriformis", "piriformis"))
        a.say("ExplainIntent")
        a.say("ShortOnTimeIntent", minutes={"name": "minutes", "value": "2"})
        a.say("ShortOnTimeIntent", minutes={"name": "minutes", "value": "10"})
        a.say("AboutRoutineIntent", routine=routine("partner-stretch"))
        a.say("StartRoutineIntent", routine=slot("routine", "yoga", no_match=True))
        a.say("PreferenceIntent", setting=slot("setting", "longer holds", "longer-holds"))
        a.say("HaveEquipmentIntent", equipment=slot("equipment", "roller", "foam-roller"))
        a.say("NoEquipmentIntent", equipment=slot("equipment", "ball", "massage-ball"))
        a.say("PainIntent", area=slot("area", "glutes", "glutes"))
        a.say("PainIntent", quality=slot("quality", "sharp", "sharp"))
        a.say("ConditionIntent", condition=slot("condition", "a bruise", "bruising"))
        a.send(a.device.launch())  # returning, nothing saved
        a.say("ForgetMeIntent")
        a.say("AMAZON.YesIntent")

        b = caller()  # a deep routine, in dialog mode, to its end
        b.send(b.device.launch())
        b.say("StartRoutineIntent", routine=routine("glute-release"))  # screening
        b.say("AMAZON.NoIntent")
        for intent in ("AMAZON.HelpIntent", "AMAZON.FallbackIntent", "WhatNextIntent",
                       "WhereAmIIntent", "TimeLeftIntent", "SwitchSidesIntent",
                       "EquipmentIntent", "ProgressIntent", "AMAZON.RepeatIntent",
                       "PainIntent", "AMAZON.NoIntent", "AMAZON.PreviousIntent",
                       "AMAZON.PauseIntent"):
            b.say(intent)
        b.send(b.device.launch())  # "Would you like to continue?"
        b.say("AMAZON.YesIntent")  # the last step: "another routine?"
        b.say("AMAZON.RepeatIntent")
        b.say("AMAZON.ResumeIntent")  # "You finished ... Would you like to do it again?"
        b.say("AMAZON.StartOverIntent")
        b.say("PainIntent")
        b.say("AMAZON.YesIntent")  # skip step 1
        b.say("AMAZON.StopIntent")

        c = caller()  # sharp pain in a routine over several areas
        c.send(c.device.launch())
        c.say("StartRoutineIntent", routine=routine("whole-pelvis"))
        c.say("AMAZON.NoIntent")
        c.say("PainIntent", quality=slot("quality", "sharp", "sharp"))  # move on?
        c.say("AMAZON.YesIntent")
        c.say("PainIntent", quality=slot("quality", "tingling", "nerve"))
        c.say("AMAZON.NoIntent")

        d = caller()  # not sure to the screening question, then asked again
        d.send(d.device.launch())
        d.say("StartRoutineIntent", routine=routine("glute-release"))
        d.say("UnsureIntent")
        d.say("StartRoutineIntent", routine=routine("glute-release"))  # cleared?
        d.say("AMAZON.NoIntent")
        d.say("StartRoutineIntent", routine=routine("quick-release"))
        d.say("AMAZON.YesIntent")
        d.say("ConditionIntent", condition=slot("condition", "pregnant", "pregnancy"))

        e = caller()  # a partner routine to its end ("swap roles and go again?")
        e.send(e.device.launch())
        e.say("StartRoutineIntent", routine=routine("partner-stretch"))
        e.until({"again", "another"})
        e.say("AMAZON.NoIntent")

        f = caller(audio_player=True)  # skipping the last step ends the routine
        f.send(f.device.launch())
        f.say("StartRoutineIntent", routine=routine("quick-release"))
        f.say("AMAZON.NoIntent")
        f.playing(0, 1, 5_000, routine="quick-release")
        f.say("PainIntent")
        f.say("AMAZON.YesIntent")

        g = caller(audio_player=True)  # hands-free on an Echo
        g.send(g.device.launch())
        g.say("StartRoutineIntent", routine=routine("hip-flexor-release"))
        g.event("PlaybackStarted", 0, 0, routine="hip-flexor-release")
        g.say("AMAZON.PauseIntent")
        for intent in ("EquipmentIntent", "AMAZON.HelpIntent", "AMAZON.FallbackIntent",
                       "TimeLeftIntent", "StepByStepIntent"):
            g.say(intent)
    return corpus
