"""Streaming-mode tracks for the handlers, built on first use.

The Lambda dialog path must not import pydub or boto3, so the renderer is only
constructed when a request actually streams. `url_for` renders a missing track
(at most one track's synthesis per request) and returns its URL.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from skill.core.preferences import Preferences
from skill.settings import Settings

if TYPE_CHECKING:
    from skill.audio.render import TrackRenderer


class LazyTracks:
    """Implements `skill.deps.Tracks` over a `TrackRenderer` built when first needed."""

    def __init__(self, settings: Settings, renderer: TrackRenderer | None = None) -> None:
        self.settings = settings
        self._renderer = renderer
        self._lock = threading.Lock()

    @property
    def renderer(self) -> TrackRenderer:
        with self._lock:
            if self._renderer is None:
                from skill.audio.render import build_renderer

                self._renderer = build_renderer(self.settings)
            return self._renderer

    def tracks_of(self, routine_id: str, prefs: Preferences) -> list[tuple[int, int]]:
        return self.renderer.tracks_of(routine_id, prefs)

    def url_for(self, routine_id: str, step_index: int, side_index: int, prefs: Preferences) -> str:
        ref = self.renderer.track_for(routine_id, step_index, side_index, prefs)
        return self.renderer.store.url(ref.name)
