"""A routine as the coach walks it: numbered steps, each paced with its spoken intro.

Both modes (dialog turns and rendered tracks) and the CLI ask this module for a
step's timeline, so "Step 2: ..." is worded and timed the same everywhere.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skill.content.model import Content, Routine, Side, Step, Technique
from skill.core.pacing import Line, SideContext, line_id_of, pace, pace_step, sides_of
from skill.core.preferences import Preferences
from skill.core.timeline import SpeechTimer, Timeline, estimate_speech_ms
from skill.core.variation import Phraser, stable_int

if TYPE_CHECKING:
    from skill.core.limits import PackingProfile
    from skill.core.packing import SoundUrls, Turn


@dataclass(frozen=True)
class PlannedStep:
    """Step `index` (0-based) of a routine of `count` steps, with its technique."""

    index: int
    technique: Technique
    step: Step
    count: int
    """How many steps the routine has: the last one (index count - 1) closes the routine."""
    previous: Technique | None = None
    """The technique of the step before (None for the first step)."""

    @property
    def last(self) -> bool:
        """True for the routine's final step."""
        return self.index == self.count - 1

    @property
    def arrives(self) -> bool:
        """True when the step before was in another posture: the technique's `arrive`
        lines ("Receiver, roll back onto your front ...") open this step."""
        return self.previous is not None and self.previous.posture != self.technique.posture


_CACHES: dict[int, dict[tuple[object, ...], object]] = {}
"""id(content) -> memoized results of pure functions of that content; dropped with it."""
CACHE_LIMIT = 512
"""Entries kept per content object; past it the least recently used entry goes, so
memory stays bounded (a packed turn is a few kB of SSML) while hot turns stay."""


def _memo(content: Content) -> dict[tuple[object, ...], object]:
    cache = _CACHES.get(id(content))
    if cache is None:
        cache = _CACHES[id(content)] = {}
        weakref.finalize(content, _CACHES.pop, id(content), None)
    return cache


_LOCK = threading.Lock()
"""The web server answers from several threads: the LRU's pop-and-reinsert and eviction
are several dict operations, which must not interleave."""


def _recall(cache: dict[tuple[object, ...], object], key: tuple[object, ...]) -> object:
    """The cached value (refreshed as most recently used), or None."""
    with _LOCK:
        found = cache.pop(key, None)
        if found is not None:
            cache[key] = found
    return found


def _keep(cache: dict[tuple[object, ...], object], key: tuple[object, ...],
          value: object) -> None:
    with _LOCK:
        while len(cache) >= CACHE_LIMIT:
            del cache[next(iter(cache))]  # dicts keep insertion order: the oldest use first
        cache[key] = value


def steps(content: Content, routine: Routine) -> tuple[PlannedStep, ...]:
    """The routine's steps in order (memoized per content object)."""
    cache = _memo(content)
    key = ("steps", routine.id)
    found = _recall(cache, key)
    if not isinstance(found, tuple):
        pairs = content.steps_of(routine)
        found = tuple(PlannedStep(i, t, s, len(pairs), pairs[i - 1][0] if i else None)
                      for i, (t, s) in enumerate(pairs))
        _keep(cache, key, found)
    return found


def track_order(content: Content, routine: Routine,
                prefs: Preferences) -> list[tuple[int, int]]:
    """(step index, side index) of every streaming track, in play order."""
    return [(p.index, side) for p in steps(content, routine)
            for side in range(len(sides_of(p.technique, prefs)))]


def step_intro(content: Content, planned: PlannedStep, seed: int) -> tuple[str, str]:
    """(line id, "Step 2: the big buttock muscle.") in one of its phrasings.

    The line id names the step rather than the title text, so a voice actor's
    recording of it survives a reworded title only if the manifest's text matches.
    """
    ph = Phraser(content.cues.phrasings, stable_int(seed, "intro", planned.index))
    line_id, text = ph.pick("step_intro", number=planned.index + 1, title=planned.step.title)
    index = line_id.split(".")[2]
    return f"{planned.technique.id}.{planned.step.id}.intro.{index}.{planned.index + 1}", text


def intro_lines(content: Content, planned: PlannedStep, seed: int,
                side: Side | None) -> tuple[Line, ...]:
    """What opens a step: "Step 2: ...", then, after a change of posture, the technique's
    `arrive` lines (on the side worked first, when they name it)."""
    lines: list[Line] = [step_intro(content, planned, seed)]
    if planned.arrives:
        for i, text in enumerate(planned.technique.arrive):
            named = side is not None and "{side}" in text
            line_id = line_id_of(planned.technique.id, "arrive", i, side if named else None)
            lines.append((line_id, text.format(side=side.value) if named and side else text))
    return tuple(lines)


def cue_line(content: Content, name: str, seed: int) -> Line:
    """(line id, text) of the phrasing of cue `name` (no fields) a seed picks.

    The same pick as `cached_phrase` and dialog mode's closing question, with the line id
    ("cue.routine_done.3") a recorded clip is found by.
    """
    return Phraser(content.cues.phrasings, stable_int(seed, name)).pick(name)


def closing_lines(content: Content, seed: int, partner: bool = False) -> tuple[Line, Line]:
    """What the end of a routine's last track says: it is complete, and how to go again.

    Streaming mode only: responses to AudioPlayer events may not speak, so the closing is
    part of the track. Dialog mode asks "... Would you like another routine?" instead.
    After partner work the way to go again is an offer to swap roles (swap_roles_hint).
    """
    hint = "swap_roles_hint" if partner else "start_over_hint"
    return cue_line(content, "routine_done", seed), cue_line(content, hint, seed)


def step_timeline(content: Content, planned: PlannedStep, prefs: Preferences, seed: int, *,
                  hold_s: int | None = None,
                  timer: SpeechTimer = estimate_speech_ms) -> Timeline:
    """All sides of a step, opening with its spoken intro (dialog mode: no closing)."""
    side = sides_of(planned.technique, prefs)[0]
    return pace_step(planned.technique, planned.step, prefs, seed, content.cues, hold_s=hold_s,
                     intro=intro_lines(content, planned, seed, side), timer=timer)


def side_timeline(content: Content, planned: PlannedStep, side_index: int, prefs: Preferences,
                  seed: int, *, timer: SpeechTimer = estimate_speech_ms) -> Timeline:
    """One side of a step on its own (one audio track in streaming mode).

    The routine's last track (last step, last side; see `track_order`) ends with the
    spoken closing (`closing_lines`).
    """
    sides = sides_of(planned.technique, prefs)
    side: Side | None = sides[side_index]
    last_side = side_index + 1 == len(sides)
    nxt = None if last_side else sides[side_index + 1]
    intro = intro_lines(content, planned, seed, side) if side_index == 0 else ()
    partner = planned.technique.kind == "partner"
    outro = closing_lines(content, seed, partner) if planned.last and last_side else ()
    return pace(planned.technique, planned.step, side, prefs, seed, content.cues,
                where=SideContext(first=side_index == 0, switch_to=nxt), intro=intro,
                outro=outro, timer=timer)


def cached_step_timeline(content: Content, planned: PlannedStep, prefs: Preferences,
                         seed: int) -> Timeline:
    """`step_timeline` with the estimate, memoized: pacing is pure, timelines immutable.

    Next within a step, repeat, and users who share preferences and seed (a new
    user's seed is 0) get the same timeline without pacing it again.
    """
    cache = _memo(content)
    key = ("timeline", id(planned.technique), planned.step.id, planned.index, planned.arrives,
           prefs, seed)
    found = _recall(cache, key)
    if not isinstance(found, Timeline):
        found = step_timeline(content, planned, prefs, seed)
        _keep(cache, key, found)
    return found


def cached_turn(content: Content, planned: PlannedStep, prefs: Preferences, run_seed: int,
                offset: int, *, seed: int, question: str, intro: tuple[str, ...],
                profile: PackingProfile, sounds: SoundUrls | None) -> Turn:
    """The turn that starts `offset` events into the step (`pack_turn`), memoized.

    Packing is pure and turns are immutable, so everyone at the same point of the same
    step with the same preferences, phrasing variant and cue clips hears the same turn;
    a warm process then answers start, next and repeat without packing again.
    """
    from skill.core import packing  # the packer is not needed to launch

    cache = _memo(content)
    sound_key = tuple(sorted(sounds.items())) if sounds else None
    key = ("turn", id(planned.technique), planned.step.id, planned.index, planned.arrives,
           prefs, run_seed, offset, seed, question, intro, profile, sound_key)
    found = _recall(cache, key)
    if not isinstance(found, packing.Turn):
        events = cached_step_timeline(content, planned, prefs, run_seed).events[offset:]
        found = packing.pack_turn(events, content.cues, seed, question=question, intro=intro,
                          profile=profile, sounds=sounds)
        _keep(cache, key, found)
    return found


def cached_phrase(content: Content, name: str, seed: int) -> str:
    """The phrasing of cue `name` a seed picks (no fields), memoized: two of these close
    every coaching turn, and each pick hashes twice."""
    cache = _memo(content)
    key = ("phrase", name, seed)
    found = _recall(cache, key)
    if not isinstance(found, str):
        found = cue_line(content, name, seed)[1]
        _keep(cache, key, found)
    return found


def routine_duration_ms(content: Content, routine: Routine, prefs: Preferences,
                        seed: int = 0) -> int:
    """How long the whole routine takes at these preferences (memoized)."""
    cache = _memo(content)
    key = ("duration", routine.id, prefs, seed)
    found = _recall(cache, key)
    if not isinstance(found, int):
        found = sum(cached_step_timeline(content, p, prefs, seed).duration_ms
                    for p in steps(content, routine))
        _keep(cache, key, found)
    return found


def step_muscle(content: Content, technique: Technique, step: Step) -> str:
    """The muscle a step works: the technique's muscle its step names (by id or in its
    words), else the technique's muscles together. One answer for the screen and the card,
    so they never name different muscles for the same step."""
    words = " ".join((step.title, *step.say, *step.brief)).lower()
    for mid in technique.muscles:
        muscle = content.muscle(mid)
        if step.id in mid or muscle.name.lower() in words:
            return muscle.name
    return " and ".join(content.muscle(m).name for m in technique.muscles)


def format_clock(ms: int) -> str:
    """m:ss for listings; h:mm:ss past an hour."""
    total = round(ms / 1000)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
