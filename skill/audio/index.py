"""Which stored track plays a given (routine, step, side, preferences): the track index.

A track's name is a hash of its measured clips, so finding it normally means
synthesizing every line first. The index records each rendered track's name, so
a runtime without ffmpeg (AWS Lambda) can stream tracks rendered ahead of time
(`hipcoach render`) without pydub, and falls back to dialog mode when a track is
not in the index. One index file per content version and voice.

It also holds each planned track's measured holds ("holds/<track name>",
skill.audio.holds), so the screen beside a Play keeps time with the audio on Lambda.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from typing import Any

from skill.audio.holds import TrackHolds, decode_holds, encode_holds, holds_key
from skill.audio.store import TrackStore
from skill.core.preferences import Preferences
from skill.settings import Settings


def index_name(content_version: str, settings: Settings) -> str:
    """index-<content version>-<voice hash>.json: a new voice or content, a new index."""
    voice = settings.polly_voice if settings.speech == "polly" else "espeak"
    tag = hashlib.sha256(f"{settings.speech}:{voice}".encode()).hexdigest()[:8]
    return f"index-{content_version}-{tag}.json"


def track_key(routine_id: str, step_index: int, side_index: int, prefs: Preferences) -> str:
    p = prefs.to_dict()
    return (f"{routine_id}/{step_index}/{side_index}/"
            f"{p['hold']}-{p['breath']}-{p['detail']}-{p['first_side']}")


class TrackIndex:
    """The index in a store; read once, written back after each recorded track."""

    def __init__(self, store: TrackStore, name: str) -> None:
        self.store, self.name = store, name
        self._entries: dict[str, Any] | None = None
        self._unwritten = False
        """Entries noted (`note_holds`) but not yet written: the next write takes them."""
        self._lock = threading.Lock()

    def _load(self) -> dict[str, Any]:
        if self._entries is None:
            raw = self.store.read_index(self.name)
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                data = {}
            self._entries = data if isinstance(data, dict) else {}
        return self._entries

    def get(self, key: str) -> str | None:
        """The stored track name for `key`, or None."""
        with self._lock:
            value = self._load().get(key)
        return value if isinstance(value, str) else None

    def record(self, key: str, track: str) -> None:
        self.record_many([(key, track)])

    def record_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record several (key, track name) pairs with one write of the index (none when
        nothing changed): rendering every preference records thousands of keys, and on S3
        each write is a PUT of the whole file."""
        with self._lock:
            entries = self._load()
            changed = False
            for key, track in pairs:
                if entries.get(key) != track:
                    entries[key], changed = track, True
            if changed or self._unwritten:
                self.store.write_index(self.name, json.dumps(entries, sort_keys=True).encode())
                self._unwritten = False

    def cues(self) -> dict[str, tuple[str, int]]:
        """Cue clips for SSML <audio>: sound id -> (stored name, length in ms)."""
        with self._lock:
            entries = dict(self._load())
        found: dict[str, tuple[str, int]] = {}
        for key, value in entries.items():
            if key.startswith("cue/") and isinstance(value, str) and "|" in value:
                name, ms = value.split("|", 1)
                if ms.isdigit():
                    found[key[4:]] = (name, int(ms))
        return found

    def record_cue(self, sound_id: str, name: str, ms: int) -> None:
        self.record(f"cue/{sound_id}", f"{name}|{ms}")

    def note_holds(self, track: str, holds: TrackHolds) -> None:
        """Keep a planned track's measured holds for the next write of the index (none of
        its own: planning every preference notes thousands, and each write is a PUT)."""
        value = encode_holds(holds)
        with self._lock:
            entries = self._load()
            if entries.get(holds_key(track)) != value:
                entries[holds_key(track)], self._unwritten = value, True

    def holds(self, track: str) -> TrackHolds | None:
        """The measured holds of a stored track, or None when none were recorded (an index
        written before holds were, or a damaged entry)."""
        with self._lock:
            value = self._load().get(holds_key(track))
        return decode_holds(value) if value is not None else None
