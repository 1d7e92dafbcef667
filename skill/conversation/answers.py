"""Spoken answers that move no routine: help, knowledge, equipment, progress, settings.

Each ends with a question (an open session always asks one) and names a way forward.
"""

from __future__ import annotations

from collections.abc import Sequence

from skill.content.model import Content, Routine, Side
from skill.conversation.coach import planned_step
from skill.conversation.convo import Asked, Convo
from skill.conversation.device import Device, World
from skill.conversation.outcome import Outcome, Plan
from skill.conversation.progress import local_day
from skill.core.preferences import Detail, Preferences
from skill.core.record import replace
from skill.state import UserState

WHY_TOPIC = "why-massage"
"""What ExplainIntent means when no topic was said ("why does this help")."""
MASS_NOUNS = ("oil", "lotion")
"""Equipment named without "a": "massage oil", not "a massage oil"."""
UNAVAILABLE = ("Sorry, I can't reach your saved progress right now, so I can't tell where "
               "you were. Please try again in a minute.")
WHAT_NEXT = "What would you like to do?"
GO_ON = "Ready to resume?"
GO_ON_REPROMPT = "Say yes to go on, or repeat to hear the step again."
PICK_REPROMPT = "Which routine would you like to start?"

SETTINGS: dict[str, tuple[str, object]] = {
    "longer-holds": ("Okay, longer holds", Preferences.longer_holds),
    "shorter-holds": ("Okay, shorter holds", Preferences.shorter_holds),
    "slower-breathing": ("Okay, slower breathing", Preferences.slower_breathing),
    "faster-breathing": ("Okay, quicker breathing", Preferences.faster_breathing),
    "less-talking": ("Okay, brief instructions", Detail.BRIEF),
    "more-detail": ("Okay, detailed instructions", Detail.DETAILED),
    "start-left": ("Okay, left side first", Side.LEFT),
    "start-right": ("Okay, right side first", Side.RIGHT),
}
"""Preference slot value id -> (what to say, how it changes the preferences)."""


def say(state: UserState, convo: Convo, text: str, reprompt: str = WHAT_NEXT, *,
        asked: Asked = Asked.NOTHING, end: bool = False, suggested: str = "") -> Outcome:
    """A plain spoken answer."""
    return Outcome(state=state, convo=replace(convo, asked=asked, suggested=suggested),
                   plan=Plan(speech=text, reprompt="" if end else reprompt, end=end))


def minutes_of(ms: int) -> int:
    """Whole minutes as said everywhere ("about 16 minutes"): rounded, at least 1."""
    return max(1, round(ms / 60_000))


def in_routine(state: UserState, world: World) -> bool:
    return planned_step(world, state.position) is not None


def follow_up(state: UserState, convo: Convo, world: World, text: str,
              player: str = "") -> Outcome:
    """An answer given at any point: inside a routine it offers to go on, outside it asks
    what next. In a hands-free routine (`player` "active" or "held") it ends the session
    instead: a playing track carries on after it, a stopped one waits for "resume"."""
    if player == "active":
        return say(state, convo, text, end=True)
    if player == "held":
        return say(state, convo, f"{text} To carry on, say: Alexa, resume.", end=True)
    if in_routine(state, world):
        return say(state, convo, f"{text} {GO_ON}", GO_ON_REPROMPT, asked=Asked.CONTINUE)
    return say(state, convo, f"{text} {WHAT_NEXT}", "Say list routines, or start glute release.")


def spoken_list(items: Sequence[str], joiner: str = "and") -> str:
    """ "a, b, and c" for speech."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {joiner} {items[1]}"
    return ", ".join(items[:-1]) + f", {joiner} {items[-1]}"


def equipment_sentence(content: Content, routine: Routine) -> str:
    """ "You'll need a massage ball and a quiet space." from the routine's techniques."""
    ids: list[str] = []
    for tid in routine.techniques:
        for eid in content.techniques[tid].equipment:
            if eid not in ids:
                ids.append(eid)
    names = {e.id: e.name for e in content.knowledge.equipment}
    items = [names[i] if names[i].endswith(MASS_NOUNS) else f"a {names[i]}" for i in ids]
    return f"You'll need {spoken_list(items)}." if items else ""


def routine_choices(content: Content, heard: str | None = None) -> str:
    """The choices, briefly, when a routine was not named or not recognised."""
    names = spoken_list([r.name for r in content.menu], "or")
    lead = f"I don't know a routine called {heard}. " if heard and len(heard) <= 60 else (
        "I don't know that routine. " if heard else "")
    return f"{lead}You can choose {names}. Which would you like?"


def choices(state: UserState, convo: Convo, world: World, heard: str | None = None,
            lead: str = "") -> Outcome:
    text = routine_choices(world.content, heard)
    return say(state, convo, f"{lead}{text}", "Which routine would you like? For example, "
               "glute release.", asked=Asked.PICK)


def list_routines(state: UserState, convo: Convo, world: World) -> Outcome:
    routines = world.content.menu
    own = [r.name for r in routines if r.kind == "self"]
    partner = [r.name for r in routines if r.kind == "partner"]
    return say(state, convo, f"On your own, you can do {spoken_list(own)}. With a partner: "
               f"{spoken_list(partner)}. Which would you like to start?", PICK_REPROMPT,
               asked=Asked.PICK)


def help_answer(state: UserState, convo: Convo, device: Device, world: World,
                hands_free: bool) -> Outcome:
    pos = state.position
    planned = planned_step(world, pos)
    if pos is not None and planned is not None:
        name = world.content.routines[pos.routine].name
        moves = ("Say resume to carry on, next or previous to move between parts, start "
                 "over, or that hurts if it's too much." if hands_free else
                 "Say next to go on, repeat to hear it again, previous to go back, pause to "
                 "stop for now, or that hurts if it's too much.")
        return say(state, convo, f"You're on step {pos.step + 1} of {name}: "
                   f"{planned.step.title}. {moves} What would you like?",
                   "Say resume, next, repeat, or pause." if hands_free else
                   "Say next, repeat, previous, or pause.")
    return say(state, convo, "I talk you through hip and pelvis massage, with timed holds and "
               "breathing cues. Say list routines to hear them, start glute release to "
               "begin, what do I need, or is this safe. What would you like?",
               "Say list routines, or start glute release.")


def fallback(state: UserState, convo: Convo, world: World) -> Outcome:
    if in_routine(state, world):
        return say(state, convo, "Sorry, I didn't catch that. You can say next, repeat, "
                   "pause, or that hurts. What would you like?", "Say next to go on, or repeat.")
    return say(state, convo, "Sorry, I didn't catch that. You can say list routines, or start "
               "a routine by name, like start glute release. What would you like?",
               "Say list routines, or start glute release.")


def safety(state: UserState, convo: Convo, world: World, player: str = "") -> Outcome:
    k = world.content.knowledge
    rules = " ".join(r.text for r in sorted(k.safety, key=lambda r: not r.key))
    text = f"{k.disclaimer} {rules}"
    return follow_up(state, convo, world, player=player, text=text)


def explain(state: UserState, convo: Convo, world: World, topic: str | None,
            heard: str | None, player: str = "") -> Outcome:
    k = world.content.knowledge
    if topic is None and heard is None:  # "why does this help": the samples with no slot
        topic = WHY_TOPIC
    for m in k.muscles:
        if m.id == topic:
            return follow_up(state, convo, world, player=player, text=f"{m.what} {m.tightness}")
    for t in k.topics:
        if t.id == topic:
            return follow_up(state, convo, world, player=player, text=" ".join(t.lines))
    options = [m.name for m in k.muscles] + [k.topics[0].name]
    return say(state, convo, f"I can explain {spoken_list(options, 'or')}. Which would you "
               "like?", "Which would you like me to explain?", asked=Asked.EXPLAIN)


def equipment(state: UserState, convo: Convo, world: World, player: str = "") -> Outcome:
    content = world.content
    pos = state.position
    if pos is not None and pos.routine in content.routines:
        routine = content.routines[pos.routine]
        ids = {e for t in routine.techniques for e in content.techniques[t].equipment}
        notes = " ".join(e.note for e in content.knowledge.equipment if e.id in ids)
        text = f"{equipment_sentence(content, routine)} {notes}"
        return follow_up(state, convo, world, player=player, text=text)
    notes = " ".join(e.note for e in content.knowledge.equipment)
    return say(state, convo, f"{notes} Which routine would you like to start?", PICK_REPROMPT,
               asked=Asked.PICK)


def progress_answer(state: UserState, convo: Convo, world: World,
                    player: str = "") -> Outcome:
    if not world.state_known:
        return follow_up(state, convo, world, UNAVAILABLE, player)
    h = state.history
    if h.sessions == 0:
        return say(state, convo, "You haven't done a routine yet. Shall we start glute release?",
                   "Say yes to start glute release, or list routines.", asked=Asked.SUGGEST,
                   suggested=_first_routine(world))
    minutes = round(h.seconds / 60)
    streak = h.current_streak(local_day(state, world.now))
    days = (f"Your streak is {streak} day{'s' * (streak != 1)} in a row." if streak
            else "A session today starts a new streak.")
    sessions = f"{h.sessions} session{'s' * (h.sessions != 1)}"
    text = (f"You've done {sessions} and about {minutes} minute{'s' * (minutes != 1)} of "
            f"massage. {days} Nice work.")
    return follow_up(state, convo, world, player=player, text=text)


def _first_routine(world: World) -> str:
    return next(iter(world.content.routines))


def preference(state: UserState, convo: Convo, world: World, setting: str | None,
               player: str = "") -> Outcome:
    if not world.state_known:  # a change now would overwrite settings we cannot see
        return follow_up(state, convo, world, player=player,
                         text="Sorry, I can't save settings right now. Please try again "
                         "in a minute.")
    if setting not in SETTINGS:
        return say(state, convo, "You can ask for longer or shorter holds, slower or faster "
                   "breathing, less talking, more detail, or which side to start on. What "
                   "would you like?", "Which setting would you like to change?")
    changed = apply_setting(state, setting)
    when = "from the next step" if state.position else "from now on"
    text = f"{SETTINGS[setting][0]}, {when}."
    return follow_up(changed, convo, world, player=player, text=text)


def apply_setting(state: UserState, setting: str) -> UserState:
    change = SETTINGS[setting][1]
    if isinstance(change, Detail):
        return replace(state, prefs=replace(state.prefs, detail=change), detail_chosen=True)
    if isinstance(change, Side):
        return replace(state, prefs=replace(state.prefs, first_side=change))
    assert callable(change)
    prefs = change(state.prefs)
    assert isinstance(prefs, Preferences)
    return replace(state, prefs=prefs)
