"""What a short answer means, given the question it answers.

Why: the model must give one phrase one intent, so a bare "piriformis" is always
ExplainIntent and a bare "glutes" always SuggestIntent. Said in answer to "Which would
you like?", both mean "start that one"; in answer to "Where do you feel it?", the
muscle names a place. The question is known only here, so the event is read again
here, before it is answered; nothing else in the conversation changes.
"""

from __future__ import annotations

from skill.content.model import Content
from skill.conversation import events as ev
from skill.conversation.convo import Asked


def _muscle(content: Content, topic: str | None) -> str | None:
    """The topic id when it is a muscle (topics also hold "breathing", "benefits" ...)."""
    return topic if any(m.id == topic for m in content.knowledge.muscles) else None


BACK = frozenset({"back", "go back"})
"""A bare area word that, mid-routine, is the navigation command: "back" is also a
synonym of the lower-back area (for "my back is tight"), and the model gives it one
intent."""


def reinterpret(event: ev.Event, asked: Asked, content: Content,
                in_routine: bool = False) -> ev.Event:
    """The event as the answer to `asked`; unchanged when it is no such answer."""
    if in_routine and asked in (Asked.NOTHING, Asked.CONTINUE) and isinstance(event, ev.Suggest) \
            and (event.heard or "").strip().lower() in BACK:
        return ev.Previous()
    if asked is Asked.PICK:
        if isinstance(event, ev.Explain) and (muscle := _muscle(content, event.topic)):
            return ev.StartRoutine(muscle=muscle, heard=event.heard)
        if isinstance(event, ev.Suggest) and (event.area or event.muscle):
            return ev.StartRoutine(area=event.area, muscle=event.muscle)
    elif asked is Asked.WHERE:
        if isinstance(event, ev.Explain) and (muscle := _muscle(content, event.topic)):
            return ev.Suggest(muscle=muscle)
        if isinstance(event, ev.StartRoutine) and event.routine is None \
                and (event.area or event.muscle):
            return ev.Suggest(area=event.area, muscle=event.muscle)
    elif asked is Asked.EXPLAIN:
        if isinstance(event, ev.StartRoutine) and event.routine is not None:
            return ev.AboutRoutine(event.routine, event.heard)
        if isinstance(event, ev.StartRoutine) and event.muscle is not None:
            return ev.Explain(event.muscle)
        if isinstance(event, ev.Suggest):
            return _explain_area(event, content)
    return event


def _explain_area(event: ev.Suggest, content: Content) -> ev.Event:
    """"Explain ... glutes": the area's first muscle is what there is to explain."""
    k = content.knowledge
    area = next((a for a in k.areas if a.id == event.area), None)
    muscle = event.muscle or (area.muscles[0] if area and area.muscles else None)
    return ev.Explain(muscle) if muscle else event
