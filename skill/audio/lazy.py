"""Streaming-mode tracks for the handlers, found or built on first use.

The Lambda dialog path must not import pydub or boto3, so nothing is built until
a request actually streams. A track is looked up in the track index first (no
pydub needed, so Lambda can stream tracks rendered ahead of time); only where
rendering is possible (pydub, ffmpeg and lame present) is a missing track rendered, at
most one per request. Otherwise `TrackUnavailable` tells the handler to fall
back to dialog mode.

Which URL a track gets depends on who asked: `for_request` gives one request's view,
under its public base (skill.audio.public), or says why a device could not play any.
The now-playing images (skill.audio.art) come from the same store, index and base, and
the measured holds the step screen is timed with (skill.audio.holds) from the same index.
"""

from __future__ import annotations

import importlib.util
import threading
from typing import TYPE_CHECKING

from skill.audio.public import NO_BASE, AudioBase, device_problem
from skill.core.preferences import Preferences
from skill.settings import Settings

if TYPE_CHECKING:
    from skill.audio.holds import TrackHolds
    from skill.audio.index import TrackIndex
    from skill.audio.render import TrackRenderer
    from skill.audio.store import TrackStore
    from skill.content.model import Side


class TrackUnavailable(RuntimeError):
    """No stored track and no way to render one here."""


class NoDeviceAudio(RuntimeError):
    """No URL this request's device could play (the message says why): spoken coaching."""


def can_render() -> bool:
    """pydub, ffmpeg and lame (which encodes the tracks) are all available (not on Lambda)."""
    import shutil  # with bz2, lzma and zlib: 2 ms a Lambda cold start does not need

    return (importlib.util.find_spec("pydub") is not None
            and all(shutil.which(tool) is not None for tool in ("ffmpeg", "lame")))


class LazyTracks:
    """Implements `skill.deps.Tracks` over the track index and a `TrackRenderer`."""

    def __init__(self, settings: Settings, renderer: TrackRenderer | None = None) -> None:
        self.settings = settings
        self._renderer = renderer
        self._store: TrackStore | None = renderer.store if renderer else None
        self._index: TrackIndex | None = renderer.index if renderer else None
        self._lock = threading.Lock()
        self._clips: dict[str, tuple[str, int]] | None = None

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
                    raise TrackUnavailable("rendering needs pydub, ffmpeg and lame")
                from skill.audio.render import build_renderer

                self._renderer = build_renderer(self.settings)
                self._store, self._index = self._renderer.store, self._renderer.index
            return self._renderer

    def for_request(self, audio: AudioBase) -> RequestTracks:
        """This request's view: local tracks under its base, stored ones (S3) under the
        store's own URLs. NoDeviceAudio when a device asked and could play none of them."""
        base: str | None = None
        checked = self.settings.audio_base_url  # S3: CloudFront, or presigned HTTPS URLs
        if self.settings.audio_store == "local":  # served by this app: only as public as it
            from skill.audio.store import LOCAL_BASE_URL

            base = checked = audio.url or (None if audio.device else LOCAL_BASE_URL)
            if base is None:
                raise NoDeviceAudio(audio.source or NO_BASE)
        problem = device_problem(checked) if audio.device and checked else None
        if problem is not None:
            raise NoDeviceAudio(f"{problem} ({audio.source})")
        return RequestTracks(self, base)

    def url_for(self, routine_id: str, step_index: int, side_index: int,
                prefs: Preferences, base: str | None = None) -> str:
        """The track's URL (under `base` for a local store), rendered first if need be."""
        from skill.audio.index import track_key

        store, index = self._store_and_index()
        key = track_key(routine_id, step_index, side_index, prefs)
        name = index.get(key)
        if name is None:
            if self._renderer is None and not can_render():
                raise TrackUnavailable(f"not in the track index {index.name} (render it ahead "
                                       "with `hipcoach render`) and rendering here needs "
                                       "pydub, ffmpeg and lame")
            name = self.renderer.track_for(routine_id, step_index, side_index, prefs).name
            store = self.renderer.store
        return _url(store, name, base)

    def holds_for(self, routine_id: str, step_index: int, side_index: int,
                  prefs: Preferences) -> TrackHolds | None:
        """The track's measured holds from the index, never rendering: None when the track
        or its holds are not recorded (the screen then shows no countdown)."""
        from skill.audio.index import track_key

        _store, index = self._store_and_index()
        name = index.get(track_key(routine_id, step_index, side_index, prefs))
        return index.holds(name) if name is not None else None

    def images_for(self, routine_id: str, step_index: int, side: Side | None,
                   base: str | None = None) -> tuple[str, str]:
        """(art, background) URLs of a step's now-playing images, under `base` like the
        tracks; drawn first where Pillow is (not on Lambda), else ArtUnavailable."""
        from skill.audio.art import stored_images
        from skill.content import load_content

        store, index = self._store_and_index()
        art, background = stored_images(load_content(), store, index, routine_id, step_index,
                                        side, self.settings.data_dir / "cache" / "render")
        return _url(store, art, base), _url(store, background, base)

    def cue_sounds(self, base: str | None = None) -> dict[str, tuple[str, int]] | None:
        """Cue clips for dialog-mode SSML: sound id -> (URL, ms), or None without a base a
        listener can fetch them from.

        `base` is a request's own, already checked by `for_request` (a tunnel's HTTPS name,
        or the console's loopback); without one, only an HTTPS HIPCOACH_AUDIO_BASE_URL will
        do, since Alexa fetches <audio> only over HTTPS. The clips' names are found once
        (the index, else rendered here if possible); the URLs are made per base.
        """
        if base is None:
            configured = self.settings.audio_base_url
            if configured is None or device_problem(configured) is not None:
                return None
        if self._clips is None:
            store, index = self._store_and_index()
            found = index.cues()
            if not found and can_render():
                found = self.renderer.render_cue_clips()
            self._clips = dict(found)
        store, _index = self._store_and_index()
        return {sid: (_url(store, name, base), ms)
                for sid, (name, ms) in self._clips.items()} or None


def _url(store: TrackStore, name: str, base: str | None) -> str:
    from skill.audio.store import LocalStore

    if base is not None and isinstance(store, LocalStore):
        return store.url(name, base)
    return store.url(name)


class RequestTracks:
    """`skill.deps.Tracks` for one request: the shared tracks under that request's base."""

    def __init__(self, tracks: LazyTracks, base: str | None) -> None:
        self.tracks, self.base = tracks, base

    def url_for(self, routine_id: str, step_index: int, side_index: int,
                prefs: Preferences) -> str:
        return self.tracks.url_for(routine_id, step_index, side_index, prefs, self.base)

    def images_for(self, routine_id: str, step_index: int,
                   side: Side | None) -> tuple[str, str]:
        return self.tracks.images_for(routine_id, step_index, side, self.base)

    def holds_for(self, routine_id: str, step_index: int, side_index: int,
                  prefs: Preferences) -> TrackHolds | None:
        return self.tracks.holds_for(routine_id, step_index, side_index, prefs)

    def cue_sounds(self) -> dict[str, tuple[str, int]] | None:
        """The cue clips under this request's base, as its tracks are (see LazyTracks)."""
        return self.tracks.cue_sounds(self.base)
