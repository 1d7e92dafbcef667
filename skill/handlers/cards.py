"""Cards for the Alexa app: what was said, to read back later (issue 13, part 3).

One card a response at most, chosen from what the turn did:
- a routine started: its name, time, equipment, the safety line and its steps, then the
  first step (both arrive in the same response);
- a step coached (the first turn of a dialog-mode step) or a track sent by a spoken request
  (start, next, previous, resume, start over): the step, its side, the hold and the
  instruction as said (detailed or brief, as the user's preferences spoke it);
- a routine finished: its steps, its minutes, the streak and the totals.

Never for AudioPlayer or PlaybackController requests: their responses may carry no card
(PLATFORM.md, "AudioPlayer"). So a track enqueued hands-free gets none, and a streamed
routine's summary (its end is a PlaybackFinished) is not carded; the start card lists every
step for that reason.

Pure: text from the content and the plan; the adapter turns a `Card` into the SDK's
SimpleCard. Cut to MAX_CARD_CHARS (title and content together).
"""

from __future__ import annotations

from skill.content.model import Content, Motion, Side
from skill.conversation.answers import equipment_sentence, minutes_of
from skill.conversation.outcome import Outcome, Play
from skill.core.limits import MAX_CARD_CHARS
from skill.core.preferences import Detail, Preferences
from skill.core.record import Record
from skill.state import Position, UserState

ELLIPSIS = "..."
TIMED = {Motion.STATIC: "Hold about {n} seconds.", Motion.ROLLING: "Slow rolls for about {n} "
         "seconds.", Motion.STROKES: "Slow strokes for about {n} seconds.",
         Motion.ROCKING: "Gentle rocking for about {n} seconds.",
         Motion.STRETCH: "A gentle stretch for about {n} seconds."}
"""The timed part in the words its motion takes (a roll is never "held", as in cues.yaml)."""


class Card(Record):
    """A SimpleCard: plain text, lines separated by newlines."""

    title: str
    content: str


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _prefs(state: UserState, pos: Position) -> Preferences:
    return Preferences.from_dict(pos.prefs) if pos.prefs else state.effective_prefs(pos.routine)


def fit(title: str, content: str) -> Card:
    """The card within MAX_CARD_CHARS: the content is cut at a line, else mid-text."""
    room = MAX_CARD_CHARS - len(title)
    if len(content) <= room:
        return Card(title=title, content=content)
    cut = content[:room - len(ELLIPSIS)]
    if "\n" in cut:
        cut = cut[:cut.rindex("\n")]
    return Card(title=title, content=cut.rstrip() + ELLIPSIS)


def step_text(content: Content, pos: Position, prefs: Preferences,
              side: Side | None, streamed: bool) -> str:
    """One step: "Step 1 of 2: The big buttock muscle", the side, the hold, the lines."""
    routine = content.routines[pos.routine]
    pairs = content.steps_of(routine)
    technique, step = pairs[pos.step]
    first = prefs.first_side
    if not technique.per_side:
        where, named = "", first
    elif streamed and side is not None:
        where, named = f"{_cap(side.value)} side. ", side
    else:
        where, named = f"{_cap(first.value)} side first, then {first.other.value}. ", first
    lines = step.brief if prefs.detail is Detail.BRIEF else step.say
    said = " ".join(line.replace("{side}", named.value) for line in lines)
    from skill.core.plan import step_muscle

    return (f"Step {pos.step + 1} of {len(pairs)}: {_cap(step.title)}\n"
            f"{where}{TIMED[technique.motion].format(n=prefs.hold_seconds(step.hold))}\n"
            f"{said}\nWorks: {step_muscle(content, technique, step)}.")


def start_text(content: Content, routine_id: str, prefs: Preferences) -> str:
    """The routine: time, equipment, the disclaimer and key safety rule, and its steps."""
    from skill.core.plan import routine_duration_ms  # pacing: only when a card is made

    routine = content.routines[routine_id]
    k = content.knowledge
    total = minutes_of(routine_duration_ms(content, routine, prefs))
    steps = "\n".join(f"{i}. {_cap(s.title)}"
                      for i, (_, s) in enumerate(content.steps_of(routine), 1))
    need = equipment_sentence(content, routine)
    return (f"About {total} minutes. {need}".rstrip() +
            f"\n{k.first_words}" + f"\n\nSteps:\n{steps}")


def summary_text(content: Content, routine_id: str, before: UserState,
                 after: UserState) -> str:
    """The end: the routine's steps and minutes, the streak, and the totals so far."""
    from skill.core.plan import routine_duration_ms  # pacing: only when a card is made

    routine = content.routines[routine_id]
    count = len(content.steps_of(routine))
    minutes = minutes_of(routine_duration_ms(content, routine, before.effective_prefs(
        routine_id)))
    h = after.history
    streak = (f"{h.streak} days in a row" if h.streak > 1 else "1 day" if h.streak
              else "not counted")
    total = round(h.seconds / 60)
    return (f"You finished {routine.name}: {count} step{'s' * (count != 1)}, about "
            f"{minutes} minutes.\nStreak: {streak}.\nIn all: {h.sessions} "
            f"session{'s' * (h.sessions != 1)}, about {total} minute{'s' * (total != 1)} "
            "of massage.")


def _finished(before: UserState, after: UserState) -> str | None:
    """The routine this response completed, if any (counted once, in skill.conversation)."""
    rid = after.last_finished
    if rid and after.history.completed.get(rid, 0) > before.history.completed.get(rid, 0):
        return rid
    return None


def _coached(content: Content, outcome: Outcome) -> tuple[Position, UserState, bool] | None:
    """The step this response delivers: (its position, the state it was paced from, whether
    it streams), or None when it delivers no new step."""
    plan = outcome.plan
    play = next((d for d in plan.audio if isinstance(d, Play) and d.behavior == "REPLACE_ALL"),
                None)
    if play is not None:
        pos, state, streamed = play.pos, outcome.state, True
    elif plan.turn is not None and plan.turn.pos.offset == 0:
        pos, state, streamed = plan.turn.pos, plan.turn.before, False
    else:
        return None
    if pos.routine not in content.routines or not 0 <= pos.step < len(
            content.steps_of(content.routines[pos.routine])):
        return None  # a position saved before the content changed: no card, no crash
    return pos, state, streamed


def card_for(content: Content, before: UserState, outcome: Outcome,
             can_speak: bool) -> Card | None:
    """The card for this response, or None. `before` is the state the request started from;
    `can_speak` is False for AudioPlayer and PlaybackController requests (never a card)."""
    if not can_speak:
        return None
    after = outcome.state
    coached = _coached(content, outcome)
    step = ""
    if coached is not None:
        pos, state, streamed = coached
        prefs = _prefs(state, pos)
        side = _side(content, pos, prefs) if streamed else None
        step = step_text(content, pos, prefs, side, streamed)
    started = after.history.sessions > before.history.sessions  # this response started it
    if coached is not None and started:
        step = f"{start_text(content, pos.routine, prefs)}\n\n{step}"
    done = _finished(before, after)
    if done is not None and done in content.routines:  # the last step and the summary
        summary = summary_text(content, done, before, after)
        return fit(f"{_cap(content.routines[done].name)}: done",
                   f"{step}\n\n{summary}" if step else summary)
    if coached is None:
        return None
    name = _cap(content.routines[pos.routine].name)
    return fit(name if started else f"{name}: step {pos.step + 1}", step)


def _side(content: Content, pos: Position, prefs: Preferences) -> Side | None:
    technique, _ = content.steps_of(content.routines[pos.routine])[pos.step]
    if not technique.per_side:
        return None
    return prefs.first_side if pos.side == 0 else prefs.first_side.other
