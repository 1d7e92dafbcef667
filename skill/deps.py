"""What handlers need from the outside world, passed in where the skill is built.

Handlers never read the environment, the clock or a client themselves: tests
build a `Deps` with fakes (a fixed clock, a recording progressive sender, an
in-memory store) and production wiring in `skill.app` builds the real ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from skill.adapters.progressive_target import NullSender, ProgressiveSender
from skill.adapters.zone_lookup import NullZoneLookup, ZoneLookup
from skill.audio.public import AudioBase
from skill.content.model import Content
from skill.core.preferences import Preferences
from skill.core.record import Record, field
from skill.settings import Settings

if TYPE_CHECKING:  # the packer loads on the first coaching turn, not at cold start
    from skill.audio.holds import TrackHolds
    from skill.core.packing import SoundUrls


class Tracks(Protocol):
    """Streaming-mode audio: one rendered track per step and side (skill.audio). The
    order of the tracks is the core's (skill.core.plan.track_order), not the store's.
    Optionally also `TimedTracks.holds_for`, the tracks' measured holds."""

    def url_for(self, routine_id: str, step_index: int, side_index: int,
                prefs: Preferences) -> str: ...


@runtime_checkable
class TimedTracks(Protocol):
    """Tracks that know their measured holds (the optional part of `Tracks`): what the step
    screen beside a Play is timed with. None when not known (the screen then shows no
    countdown rather than one that drifts); never renders."""

    def holds_for(self, routine_id: str, step_index: int, side_index: int,
                  prefs: Preferences) -> TrackHolds | None: ...


MAX_SAID = 64
"""Distinct once-only warnings kept: a reason can quote a forwarded host, and a flood of
made-up hosts must not grow memory or the log without end."""


@runtime_checkable
class HostedTracks(Protocol):
    """Tracks whose URLs depend on who asks (skill.audio.lazy.LazyTracks): one request's
    view, or NoDeviceAudio saying why that request's device could play none of them."""

    def for_request(self, audio: AudioBase) -> Tracks: ...


class Deps(Record, frozen=False):
    """Injected collaborators of the handlers."""

    content: Content
    settings: Settings
    clock: Callable[[], datetime]
    """Aware UTC now."""
    sender: ProgressiveSender = field(default_factory=NullSender)
    tracks: Tracks | None = None
    """None: streaming mode is off and every device gets dialog mode."""
    sounds: SoundUrls | None = None
    """Cue clips for SSML <audio> in dialog mode, the same for every request (tests); None
    asks the tracks, under each request's base (HTTPS for a device)."""
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("hipcoach"))
    zones: ZoneLookup = field(default_factory=NullZoneLookup)
    """The device's time zone (Alexa Settings API); the null lookup keeps UTC days."""
    sounds_failed: bool = False
    """Set after the cue clips could not be had once, so later turns do not retry."""
    said: set[str] = field(default_factory=set, repr=False)
    """Warnings already logged once (why devices get no streaming), not to repeat them."""
    found_sounds: dict[str | None, SoundUrls] = field(default_factory=dict, repr=False)
    """Cue clip URLs already found, by the request base they are under (None: the
    configured one), so a base's later turns are packed with them from the start."""

    def tracks_for(self, audio: AudioBase) -> Tracks | None:
        """The tracks as this request's listener can play them; None means dialog mode.

        Tracks that do not depend on the request (test fakes) are used as they are; the
        handler still checks every URL it sends a device."""
        if self.tracks is None or not isinstance(self.tracks, HostedTracks):
            return self.tracks
        try:
            return self.tracks.for_request(audio)
        except Exception as exc:  # NoDeviceAudio, or a store that cannot even be built
            self.warn_once(f"AudioPlayer devices get spoken coaching: {exc}")
            return None

    def warn_once(self, message: str) -> None:
        """Log a warning the first time only: a setting, not a request, is the cause."""
        if message not in self.said and len(self.said) < MAX_SAID:
            self.said.add(message)
            self.log.warning("%s", message)

    def known_sounds(self, audio: AudioBase) -> SoundUrls | None:
        """The cue clips already found for this request's base (no I/O), or None."""
        return self.sounds or self.found_sounds.get(_sound_base(audio))

    def cue_sounds(self, audio: AudioBase) -> SoundUrls | None:
        """The cue clips for this turn under this request's base (a trusted tunnel's HTTPS
        name as for its tracks, the simulator's own), kept once found; a failure only
        means no chimes, logged once."""
        known = self.known_sounds(audio)
        if known is not None or self.sounds_failed:
            return known
        key, tracks = _sound_base(audio), self.tracks
        if key is not None:  # the request's own view (None: it can fetch none of ours)
            tracks = self.tracks_for(audio)
        source = getattr(tracks, "cue_sounds", None)
        if source is None:
            return None
        try:
            found: SoundUrls | None = source()
        except Exception as exc:  # store or renderer unavailable: speak without chimes
            self.sounds_failed = True
            # INFO, not WARNING: only the chimes are lost, and a store that is down is
            # already reported by whatever else needed it (streaming, rendering).
            self.log.info("cue sounds unavailable: %s", type(exc).__name__)
            return None
        if found and len(self.found_sounds) < MAX_SAID:
            self.found_sounds[key] = found
        return found


def _sound_base(audio: AudioBase) -> str | None:
    """The base a request's chimes are under: its own for a device or a listener that plays
    sounds (the simulator); None, the configured HTTPS base, for any other (the console)."""
    return audio.url if audio.url and (audio.device or audio.plays_sounds) else None
