"""A rendered track's holds as measured at render time, as the track index stores them.

A track is paced with measured clip lengths (skill.audio.render), so its holds start where
the speech-rate estimate does not put them: a screen timed with the estimate would drift
from the audio by seconds. The renderer records the measured holds of every track it plans
under "holds/<track name>" as "start:hold:in:out" per hold (ms from the track's start),
comma-separated, so a runtime without a renderer (Lambda) reads them with the track's name.

Pure and light (no pydub, no I/O): the screens read these values on Lambda.
"""

from __future__ import annotations

from skill.core.record import Record
from skill.core.timeline import Timeline

HOLDS_PREFIX = "holds/"
"""Index keys of measured holds: "holds/<track name>"."""


class TrackHold(Record):
    """One hold of a rendered track, from the track's own start."""

    start_ms: int
    hold_ms: int
    breath_in_ms: int
    breath_out_ms: int
    """The first in and out breath (pacing tiles the hold with them from its start)."""

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.hold_ms


TrackHolds = tuple[TrackHold, ...]


def holds_key(track_name: str) -> str:
    return f"{HOLDS_PREFIX}{track_name}"


def measured_holds(timeline: Timeline) -> TrackHolds:
    """The holds of a (measured) timeline: the span between the hold-start cue and the
    release, with its first in and out breath."""
    out: list[TrackHold] = []
    for start, end in timeline.holds():
        inside = [e for e in timeline.events if start <= e.start_ms < end]
        out.append(TrackHold(
            start_ms=start, hold_ms=end - start,
            breath_in_ms=next((e.duration_ms for e in inside if e.breath == "in"), 0),
            breath_out_ms=next((e.duration_ms for e in inside if e.breath == "out"), 0)))
    return tuple(out)


def encode_holds(holds: TrackHolds) -> str:
    """"start:hold:in:out,..." ("" for a track without holds)."""
    return ",".join(f"{h.start_ms}:{h.hold_ms}:{h.breath_in_ms}:{h.breath_out_ms}"
                    for h in holds)


def decode_holds(value: object) -> TrackHolds | None:
    """The holds `encode_holds` wrote, or None for anything else (a damaged or foreign
    entry): no timing is better than a wrong one."""
    if not isinstance(value, str):
        return None
    if not value:
        return ()
    out: list[TrackHold] = []
    for part in value.split(","):
        fields = part.split(":")
        if len(fields) != 4 or not all(f.isascii() and f.isdigit() for f in fields):
            return None
        start, hold, breath_in, breath_out = (int(f) for f in fields)
        out.append(TrackHold(start_ms=start, hold_ms=hold, breath_in_ms=breath_in,
                             breath_out_ms=breath_out))
    return tuple(out)
