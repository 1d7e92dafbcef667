"""`skill.deps.Tracks` for tests: the renderer's real track order, URLs that name what was
asked for, and no audio (tests/test_streaming_endpoint.py renders for real). Their "measured"
holds are the estimate's, as if every clip took exactly as long as estimated."""

from __future__ import annotations

from dataclasses import dataclass, field

from skill.audio.holds import TrackHolds, measured_holds
from skill.content import Content
from skill.core.plan import side_timeline, steps, track_order
from skill.core.preferences import Preferences


@dataclass
class FakeTracks:
    content: Content
    asked: list[tuple[str, int, int, Preferences]] = field(default_factory=list)

    def tracks_of(self, routine_id: str, prefs: Preferences) -> list[tuple[int, int]]:
        return track_order(self.content, self.content.routines[routine_id], prefs)

    def url_for(self, routine_id: str, step_index: int, side_index: int,
                prefs: Preferences) -> str:
        self.asked.append((routine_id, step_index, side_index, prefs))
        return (f"https://audio.example.com/{routine_id}/{step_index}/{side_index}/"
                f"{prefs.hold.value}-{prefs.detail.value}.mp3")

    def holds_for(self, routine_id: str, step_index: int, side_index: int,
                  prefs: Preferences) -> TrackHolds | None:
        planned = steps(self.content, self.content.routines[routine_id])[step_index]
        return measured_holds(side_timeline(self.content, planned, side_index, prefs, 0))
