"""Tracks "rendered ahead" without ffmpeg: placeholder bytes in a local store and its index,
as `hipcoach render` would leave them, so streaming tests need no encoder."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from skill.audio.index import TrackIndex, index_name, track_key
from skill.audio.store import LocalStore
from skill.content import load_content
from skill.core.plan import track_order
from skill.settings import Settings
from skill.state import UserState


def stream_settings(tmp_path: Path, **changes: Any) -> Settings:
    """Streaming on, verification and progressive responses off, data under `tmp_path`."""
    return Settings(**{"data_dir": tmp_path / "data", "progressive": False, "streaming": True,
                       "verify": False, **changes})


def render_ahead(settings: Settings, routine: str = "glute-release") -> dict[str, bytes]:
    """A placeholder for every track of `routine` at a new user's preferences, stored and
    indexed: stored name -> bytes."""
    content = load_content()
    store = LocalStore(settings.audio_dir / "tracks")
    index = TrackIndex(store, index_name(content.version, settings))
    prefs = UserState().effective_prefs(routine)
    stored = {}
    for step, side in track_order(content, content.routines[routine], prefs):
        data = f"{routine} {step} {side}".encode()
        name = hashlib.sha256(data).hexdigest()[:32] + ".mp3"
        source = settings.data_dir / f"{step}-{side}.part"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(data)
        store.put(name, source)
        index.record(track_key(routine, step, side, prefs), name)
        stored[name] = data
    return stored
