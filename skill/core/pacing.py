"""The pacing engine: (step, side, preferences, seed) -> a timeline, to the millisecond.

Pure: no clock, no I/O. Everything either mode plays comes from here, so a hold
lasts exactly the chosen time in dialog mode and in rendered audio alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skill.content.model import Cues, Side, Step, Technique
from skill.core.address import Addressee, addressed, addressees
from skill.core.preferences import Detail, Preferences
from skill.core.timeline import (
    Event,
    EventKind,
    SpeechTimer,
    Timeline,
    estimate_speech_ms,
)
from skill.core.variation import Phraser, stable_int

LINE_GAP_MS = 400
"""Silence after each instruction line so sentences do not run together. 400 ms, not
250: heard as a rendered track, the opening instructions ran as one 30-second block
with no room to follow them; a short breath between sentences sounds calmer."""
RELEASE_REST_MS = 2000
"""Quiet after the release cue."""
SWITCH_REST_MS = 4000
"""Time to change sides after the switch cue (and the technique's switch lines); the
second side's settling time (the technique's `settle_s`) follows its instructions."""
CLOSING_REST_MS = 1000
"""Quiet after the last closing line, so the track does not stop mid-breath."""
MIN_PHASE_MS = 1500
"""A breath phase shorter than this is folded into the one before it."""
GUIDED_CYCLES = {Detail.DETAILED: 3, Detail.BRIEF: 2}
"""Breaths cued at the start of a hold; later ones are cued now and then."""
REMIND_EVERY = {Detail.DETAILED: 3, Detail.BRIEF: 4}
"""After the guided breaths, cue one breath in this many."""
PARTNER_CHECK_CYCLE = 1
"""In partner work the step's first reminder (a pressure check: the guide, "the partner
must continually check the pressure level") is said on this breath cycle's out-breath, or
the first free breath after it where the words fit, so every hold has one however short
it is; later reminders come as in self-massage."""
HALFWAY_FROM_MS = 80_000
"""Holds at least this long get a "halfway" callout."""
TIME_LEFT_FROM_MS = 45_000
"""Holds at least this long get a "30 seconds left" callout."""
TIME_LEFT_AT_MS = 30_000
LAST_BREATHS_FROM_MS = 25_000
"""Holds at least this long get a "last few breaths" callout on the final breath."""


Line = tuple[str, str]
"""A spoken line with its stable id: (line_id, text)."""


@dataclass(frozen=True)
class SideContext:
    """Where this side sits in the step: whether it opens it and where it switches to."""

    first: bool = True
    switch_to: Side | None = None


def start_cue(technique: Technique) -> str:
    """The cue that starts the timed part: cues.yaml start_<motion>."""
    return f"start_{technique.motion.value}"


def _fmt(text: str, side: Side | None) -> str:
    return text.format(side=side.value) if side is not None and "{side}" in text else text


class _Builder:
    """Appends events back to back; times are exact integers."""

    def __init__(self, start_ms: int, timer: SpeechTimer, side: Side | None,
                 partner: bool) -> None:
        self.t = start_ms
        self.timer = timer
        self.side = side.value if side is not None else ""
        self.partner = partner
        self.events: list[Event] = []
        self.last_to = ""
        """Who the last spoken line was for."""

    def add(self, kind: EventKind, text: str = "", line_id: str = "", *, extra_ms: int = 0,
            duration_ms: int | None = None, sound: str = "", breath: str = "",
            to: Addressee | None = Addressee.BOTH) -> None:
        speech = self.timer(text) if text else 0
        duration = speech + extra_ms if duration_ms is None else duration_ms
        if speech > duration:  # the line does not fit its slot: keep the timing, drop the words
            text, line_id, speech = "", "", 0
        who = (to or Addressee.BOTH).value if self.partner and text else ""
        self.events.append(Event(kind, self.t, duration, text, speech, line_id, sound, breath,
                                 self.side, who))
        self.t += duration
        if text:
            self.last_to = who

    def lines(self, kind: EventKind, lines: Sequence[str], ids: Sequence[str],
              side: Side | None, *, last_ms: int = LINE_GAP_MS, sound: str = "") -> None:
        """Content lines, each for whoever it names or inherits (skill.core.address)."""
        for i, (line, line_id, to) in enumerate(zip(lines, ids, addressees(lines),
                                                    strict=True)):
            last = i == len(lines) - 1
            self.add(kind, _fmt(line, side), line_id, extra_ms=last_ms if last else LINE_GAP_MS,
                     sound=sound if i == 0 else "", to=to)


def _hold_phases(hold_ms: int, inhale: int, exhale: int) -> list[tuple[int, int, str]]:
    """Tile the hold exactly with alternating breath phases: (offset, duration, in/out)."""
    phases: list[tuple[int, int, str]] = []
    t, i = 0, 0
    while t < hold_ms:
        d = inhale if i % 2 == 0 else exhale
        rest = hold_ms - t
        if d >= rest or rest - d < MIN_PHASE_MS:
            d = rest
        phases.append((t, d, "in" if i % 2 == 0 else "out"))
        t += d
        i += 1
    return phases


def _nearest(phases: list[tuple[int, int, str]], target: int, taken: set[int]) -> int | None:
    free = [i for i in range(1, len(phases)) if i not in taken]
    return min(free, key=lambda i: abs(phases[i][0] - target)) if free else None


Planned = tuple[EventKind, str, str, Addressee | None]
"""What a breath phase says: (kind, line id, text, who it is for)."""


def _hold(b: _Builder, step: Step, prefs: Preferences, hold_ms: int, ph: Phraser,
          line_prefix: str) -> None:
    inhale, exhale = prefs.breath_ms()
    phases = _hold_phases(hold_ms, inhale, exhale)
    plan: dict[int, Planned] = {}  # phase index -> what it says
    taken: set[int] = set()
    callouts: list[tuple[int, str]] = []
    if hold_ms >= LAST_BREATHS_FROM_MS:
        callouts.append((hold_ms - inhale - exhale, "last_breaths"))
    if hold_ms >= TIME_LEFT_FROM_MS:
        callouts.append((hold_ms - TIME_LEFT_AT_MS, "time_left"))
    if hold_ms >= HALFWAY_FROM_MS:
        callouts.append((hold_ms // 2, "halfway"))
    for target, name in callouts:
        i = _nearest(phases, target, taken)
        if i is None:
            continue
        taken.add(i)
        if name == "time_left":
            seconds = max(5, round((hold_ms - phases[i][0]) / 5000) * 5)
            line_id, text = ph.pick(name, seconds=seconds)
        else:
            line_id, text = ph.pick(name)
        plan[i] = (EventKind.TIME_LEFT, line_id, text, Addressee.BOTH)
    reminders = [(line_id_of(line_prefix, "during", j, None), text, to) for j, (text, to)
                 in enumerate(zip(step.during, addressees(step.during), strict=True))]
    if b.partner and reminders:  # the first free breath phase from PARTNER_CHECK_CYCLE on
        for i in range(2 * PARTNER_CHECK_CYCLE + 1, len(phases)):
            if i not in plan and b.timer(reminders[0][1]) <= phases[i][1]:
                line_id, text, to = reminders.pop(0)
                plan[i] = (EventKind.REMINDER, line_id, text, to)
                break
    guided, every = GUIDED_CYCLES[prefs.detail], REMIND_EVERY[prefs.detail]
    for i, (_, _, breath) in enumerate(phases):
        if i in plan:
            continue
        cycle = i // 2
        cued = cycle < guided or (cycle - guided) % every == every - 1
        if cued:
            name = "breathe_in" if breath == "in" else "breathe_out"
            line_id, text = ph.pick(name)
            kind = EventKind.BREATHE_IN if breath == "in" else EventKind.BREATHE_OUT
            plan[i] = (kind, line_id, text, Addressee.RECEIVER)
        elif (breath == "out" and reminders and cycle >= guided
              and b.timer(reminders[0][1]) <= phases[i][1]):  # only where the words fit
            line_id, text, to = reminders.pop(0)
            plan[i] = (EventKind.REMINDER, line_id, text, to)
    for i, (_, d, breath) in enumerate(phases):
        default_kind = EventKind.BREATHE_IN if breath == "in" else EventKind.BREATHE_OUT
        kind, line_id, text, to = plan.get(i, (default_kind, "", "", None))
        if (b.partner and text and kind in (EventKind.BREATHE_IN, EventKind.BREATHE_OUT)
                and b.last_to == Addressee.GIVER):  # breaths are the receiver's: say so
            text, line_id = addressed(text, Addressee.RECEIVER), f"{line_id}.receiver"
        b.add(kind, text, line_id, duration_ms=d, sound=f"breathe_{breath}", breath=breath,
              to=to)


def line_id_of(prefix: str, part: str, index: int, side: Side | None) -> str:
    """Stable id for a content line; side-specific only when the text names the side."""
    base = f"{prefix}.{part}.{index}"
    return f"{base}.{side.value}" if side is not None else base


def _ids(prefix: str, part: str, lines: Sequence[str], side: Side | None) -> list[str]:
    return [line_id_of(prefix, part, i, side if "{side}" in line else None)
            for i, line in enumerate(lines)]


def pace(technique: Technique, step: Step, side: Side | None, prefs: Preferences, seed: int,
         cues: Cues, *, where: SideContext = SideContext(), hold_s: int | None = None,
         intro: tuple[Line, ...] = (), outro: tuple[Line, ...] = (),
         timer: SpeechTimer = estimate_speech_ms, start_ms: int = 0) -> Timeline:
    """Pace one side of a step (or the whole step when it has no sides).

    `hold_s` overrides the preference (any value the step's range allows);
    `intro` lines (line id, text) are spoken first (e.g. "Step 2: ..."); `outro` lines are
    spoken last, as CLOSING events (the end of a routine's last streaming track); `timer`
    gives speech durations (the estimate, or measured clip lengths when rendering audio).
    """
    hold = hold_s if hold_s is not None else prefs.hold_seconds(step.hold)
    if not step.hold.min_s <= hold <= step.hold.max_s:
        raise ValueError(f"hold {hold} s outside {step.id}'s range "
                         f"{step.hold.min_s}-{step.hold.max_s} s")
    ph = Phraser(cues.phrasings, stable_int(seed, technique.id, step.id, side or ""))
    prefix = f"{technique.id}.{step.id}"
    partner = technique.kind == "partner"
    b = _Builder(start_ms, timer, side, partner)
    for (line_id, text), to in zip(intro, addressees((t for _, t in intro), Addressee.BOTH),
                                   strict=True):
        b.add(EventKind.INSTRUCTION, text, line_id, extra_ms=LINE_GAP_MS, to=to)
    if side is not None and where.first:
        line_id, text = ph.pick("side_intro", side=side.value)
        b.add(EventKind.INSTRUCTION, text, line_id, extra_ms=LINE_GAP_MS)
    brief = prefs.detail is Detail.BRIEF or not where.first
    lines, part = (step.brief, "brief") if brief else (step.say, "say")
    b.lines(EventKind.INSTRUCTION, lines, _ids(prefix, part, lines, side), side)
    settle_ms = technique.settle_s * 1000  # at least this much quiet, every side and step
    if brief:
        b.add(EventKind.SETTLE, duration_ms=settle_ms)
    else:
        line_id, text = ph.pick("settle")
        b.add(EventKind.SETTLE, text, line_id, extra_ms=settle_ms)
    line_id, text = ph.pick(start_cue(technique))
    if partner:  # the giver does the work: "Giver, hold the pressure there, ..."
        text, line_id = addressed(text, Addressee.GIVER), f"{line_id}.giver"
    b.add(EventKind.HOLD_START, text, line_id, sound="hold_start", to=Addressee.GIVER)
    _hold(b, step, prefs, hold * 1000, ph, prefix)
    if step.release:
        b.lines(EventKind.RELEASE, step.release, _ids(prefix, "release", step.release, side),
                side, last_ms=RELEASE_REST_MS, sound="release")
    else:
        line_id, text = ph.pick("release")
        b.add(EventKind.RELEASE, text, line_id, extra_ms=RELEASE_REST_MS, sound="release")
    if where.switch_to is not None:
        line_id, text = ph.pick("switch_sides", side=where.switch_to.value)
        switch = technique.switch
        b.add(EventKind.SWITCH_SIDES, text, line_id,
              extra_ms=LINE_GAP_MS if switch else SWITCH_REST_MS)
        b.lines(EventKind.SWITCH_SIDES, switch,
                _ids(technique.id, "switch", switch, where.switch_to), where.switch_to,
                last_ms=SWITCH_REST_MS)
    for i, (line_id, text) in enumerate(outro):
        b.add(EventKind.CLOSING, text, line_id,
              extra_ms=CLOSING_REST_MS if i == len(outro) - 1 else LINE_GAP_MS)
    return Timeline(tuple(b.events), hold * 1000)


def sides_of(technique: Technique, prefs: Preferences) -> tuple[Side | None, ...]:
    """The order a step's sides are worked in."""
    if not technique.per_side:
        return (None,)
    return (prefs.first_side, prefs.first_side.other)


def pace_step(technique: Technique, step: Step, prefs: Preferences, seed: int, cues: Cues, *,
              hold_s: int | None = None, intro: tuple[Line, ...] = (),
              timer: SpeechTimer = estimate_speech_ms) -> Timeline:
    """Pace every side of a step back to back, with a switch-sides cue between them."""
    sides = sides_of(technique, prefs)
    events: list[Event] = []
    t = 0
    for n, side in enumerate(sides):
        nxt = sides[n + 1] if n + 1 < len(sides) else None
        tl = pace(technique, step, side, prefs, seed, cues,
                  where=SideContext(first=n == 0, switch_to=nxt), hold_s=hold_s,
                  intro=intro if n == 0 else (), timer=timer, start_ms=t)
        events.extend(tl.events)
        t = tl.duration_ms
    hold = hold_s if hold_s is not None else prefs.hold_seconds(step.hold)
    return Timeline(tuple(events), hold * 1000)
