"""Timeline events: the one representation that dialog mode and streaming mode both read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from skill.core.speech_rate import SPEECH_RATE_PERCENT

NORMAL_WORDS_PER_MINUTE = 150
"""A voice's normal rate: Alexa and espeak-ng (`-s 150`) read at about this."""
WORDS_PER_MINUTE = NORMAL_WORDS_PER_MINUTE * SPEECH_RATE_PERCENT // 100
"""Speech-rate estimate for the coaching voice at `SPEECH_RATE_PERCENT` (135).

Dialog mode relies on it to size breaks after speech; streaming mode replaces it
with measured clip lengths by passing its own `SpeechTimer`."""
UTTERANCE_OVERHEAD_MS = 300
"""Added per spoken line for the lead-in and sentence-final pause."""

SpeechTimer = Callable[[str], int]
"""Milliseconds a piece of text takes to say."""


def estimate_speech_ms(text: str) -> int:
    """The documented estimate: words at WORDS_PER_MINUTE plus a fixed overhead."""
    words = len(text.split())
    if not words:
        return 0
    return round(words * 60_000 / WORDS_PER_MINUTE) + UTTERANCE_OVERHEAD_MS


class EventKind(StrEnum):
    """What an event is for; renderers pick cue sounds and layouts by kind."""

    INSTRUCTION = "instruction"
    SETTLE = "settle"
    HOLD_START = "hold_start"
    BREATHE_IN = "breathe_in"
    BREATHE_OUT = "breathe_out"
    TIME_LEFT = "time_left"
    REMINDER = "reminder"
    RELEASE = "release"
    SWITCH_SIDES = "switch_sides"
    CLOSING = "closing"
    """Said once at the very end of a routine's last track: done, and how to go again."""


HOLD_KINDS = frozenset({EventKind.BREATHE_IN, EventKind.BREATHE_OUT, EventKind.TIME_LEFT,
                        EventKind.REMINDER})
"""Kinds that make up the hold itself (between the hold-start cue and the release)."""


@dataclass(frozen=True, slots=True)
class Event:
    """Say `text` (taking `speech_ms`), then stay silent until `duration_ms` is over."""

    kind: EventKind
    start_ms: int
    """Start, relative to the beginning of the step's timeline."""
    duration_ms: int
    text: str = ""
    """Spoken words; empty for pure silence."""
    speech_ms: int = 0
    """How long the text takes; always <= duration_ms."""
    line_id: str = ""
    """Stable id of the spoken line (prerecorded clips are looked up by it)."""
    sound: str = ""
    """Cue sound to play as the event starts (hold_start, breathe_in, ...), or ""."""
    breath: str = ""
    """"in" or "out" for events inside a hold: which breath phase they span."""
    side: str = ""
    """"left", "right" or "" for steps without sides."""
    to: str = ""
    """Who a spoken line is for in partner work: "giver", "receiver" or "both"
    (skill.core.address.Addressee); "" in self techniques and for silence."""

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms

    @property
    def silence_ms(self) -> int:
        return self.duration_ms - self.speech_ms


@dataclass(frozen=True)
class Timeline:
    """A step's events, back to back from 0 with no gaps or overlaps."""

    events: tuple[Event, ...]
    hold_ms: int
    """The chosen hold per side, in ms."""

    @property
    def duration_ms(self) -> int:
        return self.events[-1].end_ms if self.events else 0

    def holds(self) -> list[tuple[int, int]]:
        """(start, end) of each hold: end of a hold-start cue to start of its release cue."""
        spans: list[tuple[int, int]] = []
        start = None
        for e in self.events:
            if e.kind is EventKind.HOLD_START:
                start = e.end_ms
            elif e.kind is EventKind.RELEASE and start is not None:
                spans.append((start, e.start_ms))
                start = None
        return spans
