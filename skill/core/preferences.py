"""User preferences that change pacing, and how they map onto a step's own ranges."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from skill.content.model import HoldRange, Side
from skill.core.record import Record, replace


class HoldLength(StrEnum):
    """Short, standard or long: the min, middle or max of each step's own range."""

    SHORT = "short"
    STANDARD = "standard"
    LONG = "long"


class BreathPace(StrEnum):
    """How fast the breathing cues go."""

    SLOWER = "slower"
    NORMAL = "normal"
    FASTER = "faster"


class Detail(StrEnum):
    """Detailed instructions for a first time, brief for someone who knows the routine."""

    DETAILED = "detailed"
    BRIEF = "brief"


BREATH_MS: dict[BreathPace, tuple[int, int]] = {
    BreathPace.SLOWER: (5000, 7000),
    BreathPace.NORMAL: (4000, 6000),
    BreathPace.FASTER: (3000, 5000),
}
"""(inhale, exhale) in ms. A slow diaphragmatic breath is about 4 s in and 6 s out."""

_ORDER = (HoldLength.SHORT, HoldLength.STANDARD, HoldLength.LONG)
_PACE_ORDER = (BreathPace.FASTER, BreathPace.NORMAL, BreathPace.SLOWER)


class Preferences(Record):
    """What a user chose; stored in persistent attributes as plain strings."""

    hold: HoldLength = HoldLength.STANDARD
    breath: BreathPace = BreathPace.NORMAL
    detail: Detail = Detail.DETAILED
    first_side: Side = Side.LEFT

    def hold_seconds(self, hold: HoldRange) -> int:
        """The hold time for a step's range under this preference."""
        if self.hold is HoldLength.SHORT:
            return hold.min_s
        if self.hold is HoldLength.LONG:
            return hold.max_s
        return (hold.min_s + hold.max_s + 1) // 2

    def breath_ms(self) -> tuple[int, int]:
        """(inhale, exhale) durations in ms."""
        return BREATH_MS[self.breath]

    def longer_holds(self) -> Preferences:
        return replace(self, hold=_ORDER[min(_ORDER.index(self.hold) + 1, 2)])

    def shorter_holds(self) -> Preferences:
        return replace(self, hold=_ORDER[max(_ORDER.index(self.hold) - 1, 0)])

    def slower_breathing(self) -> Preferences:
        return replace(self, breath=_PACE_ORDER[min(_PACE_ORDER.index(self.breath) + 1, 2)])

    def faster_breathing(self) -> Preferences:
        return replace(self, breath=_PACE_ORDER[max(_PACE_ORDER.index(self.breath) - 1, 0)])

    def to_dict(self) -> dict[str, str]:
        return {"hold": self.hold.value, "breath": self.breath.value,
                "detail": self.detail.value, "first_side": self.first_side.value}

    @classmethod
    def from_dict(cls, data: Any) -> Preferences:
        """Tolerant: unknown or missing values fall back to defaults, never raise."""
        if not isinstance(data, dict):
            return cls()

        def pick(enum: Any, key: str, default: Any) -> Any:
            try:
                return enum(data.get(key))
            except ValueError:
                return default

        return cls(hold=pick(HoldLength, "hold", HoldLength.STANDARD),
                   breath=pick(BreathPace, "breath", BreathPace.NORMAL),
                   detail=pick(Detail, "detail", Detail.DETAILED),
                   first_side=pick(Side, "first_side", Side.LEFT))
