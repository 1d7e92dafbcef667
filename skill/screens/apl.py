"""A screen as an APL document and its datasource (plain JSON; no SDK here).

The documents are JSON files beside this module (skill/screens/documents/), one per kind of
screen; the datasource carries what the view says. `settings.idleTimeout` is set from the
content, so a step's screen stays up through the longest step the content has.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from skill.content.model import Content
from skill.core.limits import APL_DEFAULT_IDLE_TIMEOUT_MS
from skill.core.plan import cached_step_timeline, steps
from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences
from skill.screens.view import Hold, MenuView, Screen, StepView, TextView

DOCUMENTS = Path(__file__).resolve().parent / "documents"
DOCUMENT_OF = {"menu": "menu", "step": "step", "end": "step", "paused": "text",
               "pain": "text", "safety": "text", "answer": "text"}
"""Screen kind -> document file (without .json)."""
TOKEN_PREFIX = "hipcoach"
ANSWER_MARGIN_MS = 30_000
"""Our choice: after the longest step the screen stays up this much longer, while the
closing question waits for an answer (and its reprompt plays)."""
LONGEST = Preferences(hold=HoldLength.LONG, breath=BreathPace.SLOWER, detail=Detail.DETAILED)
"""The preferences that make every step longest: long holds, slower breaths, full lines."""

JsonDict = dict[str, Any]


@cache
def _document(name: str) -> JsonDict:
    data = json.loads((DOCUMENTS / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def idle_timeout_ms(content: Content) -> int:
    """`settings.idleTimeout`: the document closes after this much inactivity (APL
    document settings; without it about 30 s, PLATFORM.md "APL"). The longest step of any
    routine at the longest preferences, plus time to answer: a step's screen never closes
    during its holds."""
    longest = max((cached_step_timeline(content, p, LONGEST, 0).duration_ms
                   for r in content.routines.values() for p in steps(content, r)), default=0)
    return max(APL_DEFAULT_IDLE_TIMEOUT_MS, longest + ANSWER_MARGIN_MS)


def document(kind: str, content: Content) -> JsonDict:
    """The document for a kind of screen, with its idle timeout (a fresh copy)."""
    doc = copy.deepcopy(_document(DOCUMENT_OF[kind]))
    doc["settings"] = {**doc.get("settings", {}), "idleTimeout": idle_timeout_ms(content)}
    return doc


def token(screen: Screen) -> str:
    """The RenderDocument token (ExecuteCommands for this document would name it)."""
    return f"{TOKEN_PREFIX}-{screen.kind}"


def datasource(screen: Screen) -> JsonDict:
    """`{"payload": ...}`: what the document binds as its one parameter."""
    return {"payload": payload(screen)}


def payload(screen: Screen) -> JsonDict:
    if isinstance(screen, MenuView):
        return {"kind": screen.kind, "title": screen.title, "hint": screen.hint,
                "note": screen.note,
                "rows": [{"id": r.id, "name": r.name, "minutes": r.minutes,
                          "equipment": r.equipment, "summary": r.summary}
                         for r in screen.rows]}
    if isinstance(screen, StepView):
        done = None
        if screen.done is not None:
            days = "day" if screen.done.streak == 1 else "days"
            done = {"text": f"Routine complete: about {screen.done.minutes} minutes. "
                            f"Streak: {screen.done.streak} {days}.",
                    "minutes": screen.done.minutes, "streak": screen.done.streak,
                    "at": screen.done.at_ms}
        return {"kind": screen.kind, "routine": screen.routine, "number": screen.number,
                "count": screen.count, "title": screen.title, "side": screen.side,
                "muscle": screen.muscle, "instruction": screen.instruction,
                "holds": [_hold(h) for h in screen.holds], "done": done}
    assert isinstance(screen, TextView)
    return {"kind": screen.kind, "title": screen.title, "text": screen.text}


def _hold(h: Hold) -> JsonDict:
    return {"start": h.start_ms, "ms": h.hold_ms, "in": h.breath_in_ms, "out": h.breath_out_ms,
            "side": h.side}
