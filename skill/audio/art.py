"""Streaming mode's now-playing images: AudioPlayer `metadata.art` and `backgroundImage` for
each routine, step and side.

Images do not depend on preferences (the side is the body's side, not "the first side"),
so there is one pair per (routine, step, left / right / both): `hipcoach render` draws them
once (skill.audio.art_draw, Pillow), stores them in the tracks' store under content-hash
names (`<24 hex>.png`: what they show, the drawing version and the font decide the name)
and records them in the track index as ``image/<routine>/<step>/<side>`` ->
``<art>|<background>``, so Lambda finds them without Pillow. A local server with Pillow
draws a missing pair on first use; elsewhere a Play goes without images (logged once).

The URLs are the tracks' own: the same store and the same per-request base
(skill.audio.lazy.RequestTracks), so an image URL exists only where a track URL does.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from skill.audio.public import device_problem
from skill.content.model import Content, Side
from skill.core.limits import NOW_PLAYING_ART_PX, NOW_PLAYING_BACKGROUND_PX
from skill.core.preferences import Preferences
from skill.core.record import Record

if TYPE_CHECKING:
    from skill.audio.index import TrackIndex
    from skill.audio.store import TrackStore

IMAGE_VERSION = 1
"""Bump when the drawing changes: every image gets a new name."""
KEY_PREFIX = "image/"
BOTH = "both"
"""The side part of the key of a step not worked per side."""


class ArtUnavailable(RuntimeError):
    """No stored image for a step and no way to draw one here."""


class Face(Record):
    """What one step's images say, in the words a person reads."""

    routine: str
    """"Glute release"."""
    step: str
    """"Step 2 of 5"."""
    side: str
    """"Left side", "Right side", or "" for a step not worked per side."""
    title: str
    """"The upper outer buttock"."""
    muscles: str
    """"Gluteus maximus, gluteus medius"."""

    @property
    def description(self) -> str:
        """The images' content description, for screen readers."""
        side = f", {self.side.lower()}" if self.side else ""
        return f"{self.routine}, {self.step.lower()}{side}: {self.title}"

    @property
    def subtitle(self) -> str:
        """The player's subtitle: "Step 2 of 5, left side"."""
        return f"{self.step}, {self.side.lower()}" if self.side else self.step

    def payload(self) -> dict[str, str]:
        return {"routine": self.routine, "step": self.step, "side": self.side,
                "title": self.title, "muscles": self.muscles}


class NowPlaying(Record):
    """What a Play's metadata shows beyond the routine's name."""

    subtitle: str
    description: str
    art: str | None = None
    """HTTPS URL of the art (NOW_PLAYING_ART_PX), None when there is none to send."""
    background: str | None = None
    """HTTPS URL of the background (NOW_PLAYING_BACKGROUND_PX)."""


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def step_count(content: Content, routine_id: str) -> int:
    return len(content.steps_of(content.routines[routine_id]))


def body_sides(content: Content, routine_id: str, step_index: int) -> tuple[Side | None, ...]:
    """The sides a step has images for: left and right, or one for both."""
    technique, _ = content.steps_of(content.routines[routine_id])[step_index]
    return (Side.LEFT, Side.RIGHT) if technique.per_side else (None,)


def track_side(content: Content, routine_id: str, step_index: int, side_index: int,
               prefs: Preferences) -> Side | None:
    """The body side of a step's track `side_index` (0 is the preference's first side)."""
    technique, _ = content.steps_of(content.routines[routine_id])[step_index]
    if not technique.per_side:
        return None
    return prefs.first_side if side_index == 0 else prefs.first_side.other


def image_key(routine_id: str, step_index: int, side: Side | None) -> str:
    return f"{KEY_PREFIX}{routine_id}/{step_index}/{side.value if side else BOTH}"


def face_of(content: Content, routine_id: str, step_index: int, side: Side | None) -> Face:
    routine = content.routines[routine_id]
    pairs = content.steps_of(routine)
    technique, step = pairs[step_index]
    muscles = ", ".join(content.muscle(m).name for m in technique.muscles)
    return Face(routine=_cap(routine.name), step=f"Step {step_index + 1} of {len(pairs)}",
                side=f"{_cap(side.value)} side" if side else "", title=_cap(step.title),
                muscles=_cap(muscles))


def names_of(face: Face) -> tuple[str, str]:
    """(art, background) content-hash names: the same face, the same names."""
    from skill.audio.art_draw import FONT_NAME

    def name(kind: str, size: tuple[int, int]) -> str:
        text = json.dumps({"image": kind, "version": IMAGE_VERSION, "size": list(size),
                           "font": FONT_NAME, "face": face.payload()}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:24] + ".png"

    return name("art", NOW_PLAYING_ART_PX), name("background", NOW_PLAYING_BACKGROUND_PX)


def can_draw() -> bool:
    """Pillow is installed (the `local` extra; never on Lambda)."""
    return importlib.util.find_spec("PIL") is not None


def slots(content: Content, routine_ids: Sequence[str]) -> list[tuple[str, Face]]:
    """(index key, face) of every image pair the routines need, each key once (routines
    share steps but not names, so a shared step has a pair per routine)."""
    found: dict[str, Face] = {}
    for rid in routine_ids:
        for i in range(step_count(content, rid)):
            for side in body_sides(content, rid, i):
                found.setdefault(image_key(rid, i, side), face_of(content, rid, i, side))
    return list(found.items())


def store_face(face: Face, store: TrackStore, work_dir: Path) -> int:
    """Draw and store whichever of a face's two images the store lacks; how many were drawn."""
    from skill.audio.art_draw import draw_art, draw_background

    drawn = 0
    for name, draw in zip(names_of(face), (draw_art, draw_background), strict=True):
        if store.exists(name):
            continue
        work_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=work_dir, prefix=".art-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(draw(face))
            store.put(name, path)
        drawn += 1
    return drawn


class ImageSummary(Record):
    steps: int
    """Image pairs needed (routine x step x side)."""
    images: int
    """Distinct images: a variant routine showing the same step as its original shares them."""
    drawn: int
    """Images drawn this run; the rest were stored already."""


def render_images(content: Content, store: TrackStore, index: TrackIndex | None,
                  routine_ids: Sequence[str], work_dir: Path,
                  progress: Callable[[], None] | None = None) -> ImageSummary:
    """Every image the routines need, drawn once: stored ones are skipped, all are indexed."""
    pairs: list[tuple[str, str]] = []
    drawn = 0
    found = slots(content, routine_ids)
    for key, face in found:
        drawn += store_face(face, store, work_dir)
        pairs.append((key, "|".join(names_of(face))))
        if progress is not None:
            progress()
    if index is not None:
        index.record_many(pairs)
    distinct = {n for _, names in pairs for n in names.split("|")}
    return ImageSummary(steps=len(found), images=len(distinct), drawn=drawn)


def parse_entry(value: str | None) -> tuple[str, str] | None:
    """(art, background) from an index entry, or None when absent or malformed."""
    from skill.audio.store import is_valid_name

    if value is None or value.count("|") != 1:
        return None
    art, background = value.split("|")
    return (art, background) if is_valid_name(art) and is_valid_name(background) else None


def stored_images(content: Content, store: TrackStore, index: TrackIndex, routine_id: str,
                  step_index: int, side: Side | None, work_dir: Path) -> tuple[str, str]:
    """The stored (art, background) names of a step, drawn first when missing and possible."""
    key = image_key(routine_id, step_index, side)
    entry = parse_entry(index.get(key))
    if entry is not None:
        return entry
    if not can_draw():
        raise ArtUnavailable(f"not in the track index {index.name}; render them ahead with "
                             "`hipcoach render` (drawing here needs Pillow)")
    face = face_of(content, routine_id, step_index, side)
    store_face(face, store, work_dir)
    names = names_of(face)
    index.record(key, "|".join(names))
    return names


def now_playing(tracks: object, content: Content, routine_id: str, step_index: int,
                side_index: int, prefs: Preferences, warn: Callable[[str], None],
                device: bool) -> NowPlaying:
    """The Play's subtitle and images. Images come from `tracks.images_for` (tracks without
    it have none); any failure, or a URL a device could not fetch, sends the Play without
    them and says why once (`warn` is the once-only log)."""
    plain = NowPlaying(subtitle=f"Step {step_index + 1}", description=routine_id)
    try:
        side = track_side(content, routine_id, step_index, side_index, prefs)
        face = face_of(content, routine_id, step_index, side)
        plain = NowPlaying(subtitle=face.subtitle, description=face.description)
        find = getattr(tracks, "images_for", None)
        if find is None:
            return plain
        art, background = find(routine_id, step_index, side)
    except Exception as exc:  # not indexed, not drawable here, the store down, a stale step
        warn(f"now-playing images unavailable, Plays go without them: "
             f"{type(exc).__name__}: {exc}")
        return plain
    problem = (device_problem(art) or device_problem(background)) if device else None
    if problem is not None:
        warn(f"now-playing images left out: {problem}")
        return plain
    return NowPlaying(subtitle=face.subtitle, description=face.description, art=art,
                      background=background)
