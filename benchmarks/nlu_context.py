"""An answer scored as the skill acts on it: read by the question it answers.

Why: "piriformis" said to "Which routine would you like?" reaches the skill as
ExplainIntent (a bare muscle is always that intent), and skill.conversation.context
turns it into starting piriformis release. Scoring the raw intent would count the
skill's own design as a miss, so answers go through the same `reinterpret`.
"""

from __future__ import annotations

import functools

from skill.content.model import Content
from skill.conversation import events as ev
from skill.conversation.context import reinterpret
from skill.conversation.convo import Asked

QUESTIONS: tuple[tuple[str, Asked], ...] = (
    ("which would you like me to explain", Asked.EXPLAIN),
    ("where do you feel", Asked.WHERE),
    ("which routine would you like", Asked.PICK),
    ("which would you like", Asked.PICK),
)
"""Words of the question (lower case) -> what the skill records it asked."""


def asked_by(question: str | None) -> Asked:
    text = (question or "").lower()
    return next((asked for words, asked in QUESTIONS if words in text), Asked.NOTHING)


@functools.cache
def _content() -> Content:
    from skill.content import load_content

    return load_content()


def in_context(intent: str | None, slots: dict[str, str],
               question: str | None) -> tuple[str | None, dict[str, str]]:
    """(intent, slot ids) after the skill reads them as the answer to `question`."""
    asked = asked_by(question)
    if asked is Asked.NOTHING:
        return intent, slots
    event: ev.Event | None = {
        "ExplainIntent": lambda: ev.Explain(slots.get("topic")),
        "SuggestIntent": lambda: ev.Suggest(slots.get("area"), slots.get("muscle")),
        "StartRoutineIntent": lambda: ev.StartRoutine(slots.get("routine"),
                                                      area=slots.get("area"),
                                                      muscle=slots.get("muscle")),
    }.get(intent or "", lambda: None)()
    if event is None:
        return intent, slots
    read = reinterpret(event, asked, _content())
    if read is event:
        return intent, slots
    fields = {k: getattr(read, k) for k in type(read)._fields
              if isinstance(getattr(read, k), str)}
    name = {ev.StartRoutine: "StartRoutineIntent", ev.Suggest: "SuggestIntent",
            ev.Explain: "ExplainIntent", ev.AboutRoutine: "AboutRoutineIntent"}[type(read)]
    return name, {k: v for k, v in fields.items() if k != "heard"}
