"""Streaming-mode tracks for the handlers, found or built on first use.

The Lambda dialog path must not import pydub or boto3, so nothing is built until
a request actually streams. A track is looked up in the track index first (no
pydub needed, so Lambda can stream tracks rendered ahead of time); only where
rendering is possible (pydub and ffmpeg present) is a missing track rendered, at
most one per request. Otherwise `TrackUnavailable` tells the handler to fall
back to dialog mode.
"""

from __future__ import annotations

import importlib.util
import threading
from typing import TYPE_CHECKING

from skill.core.preferences import Preferences
from skill.settings import Settings

if TYPE_CHECKING:
    from skill.audio.index import TrackIndex
    from skill.audio.render import TrackRenderer
    from skill.audio.store import TrackStore


class TrackUnavailable(RuntimeError):
    """No stored track and no way to render one here."""


def can_render() -> bool:
    """pydub and ffmpeg are both available (not on Lambda)."""
    import shutil  # with bz2, lzma and zlib: 2 ms a Lambda cold start does not need

    return importlib.util.find_spec("pydub") is not None and shutil.which("ffmpeg") is not None


class LazyTracks:
    """Implements `skill.deps.Tracks` over the track index and a `TrackRenderer`."""

    def __init__(self, settings: Settings, renderer: TrackRenderer | None = None) -> None:
        self.settings = settings
        self._renderer = renderer
        self._store: TrackStore | None = renderer.store if renderer else None
        self._index: TrackIndex | None = renderer.index if renderer else None
        self._lock = threading.Lock()
        self._sounds: dict[str, tuple[str, int]] | None = None

    def _store_and_index(self) -> tuple[TrackStore, TrackIndex]:
        with self._lock:
            if self._store is None or self._index is None:
                from skill.audio.index import TrackIndex, index_name
                from skill.audio.store import build_store
                from skill.content import load_content

                self._store = build_store(self.settings)
                self._index = TrackIndex(self._store,
                                         index_name(load_content().version, self.settings))
            return self._store, self._index

    @property
    def renderer(self) -> TrackRenderer:
        with self._lock:
            if self._renderer is None:
                if not can_render():
                    raise TrackUnavailable("rendering needs pydub and ffmpeg")
                from skill.audio.render import build_renderer

                self._renderer = build_renderer(self.settings)
                self._store, self._index = self._renderer.store, self._renderer.index
            return self._renderer

    def url_for(self, routine_id: str, step_index: int, side_index: int,
                prefs: Preferences) -> str:
        from skill.audio.index import track_key

        store, index = self._store_and_index()
        name = index.get(track_key(routine_id, step_index, side_index, prefs))
        if name is not None:
            return store.url(name)
        ref = self.renderer.track_for(routine_id, step_index, side_index, prefs)
        return self.renderer.store.url(ref.name)

    def cue_sounds(self) -> dict[str, tuple[str, int]] | None:
        """Cue clips for dialog-mode SSML: sound id -> (URL, ms), or None without HTTPS.

        Alexa fetches <audio> only over HTTPS, so plain-http local URLs get no sounds.
        Clips come from the index (rendered ahead), else are rendered here if possible.
        """
        if not (self.settings.audio_base_url or "").startswith("https://"):
            return None
        if self._sounds is None:
            store, index = self._store_and_index()
            found = index.cues()
            if not found and can_render():
                found = self.renderer.render_cue_clips()
            self._sounds = {sid: (store.url(name), ms) for sid, (name, ms) in found.items()}
        return self._sounds or None
