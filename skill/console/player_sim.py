"""A simulated AudioPlayer, so streaming mode can be tried in the console without a speaker.

Why: in streaming mode the skill answers StartRoutine with `AudioPlayer.Play` and
from then on talks to the device's player, not to the user: PlaybackStarted,
NearlyFinished (answered with an ENQUEUE), Finished, Stopped (the offset to
resume from). This player follows the skill's AudioPlayer directives as a device
does: it keeps the queue (the current track and one enqueued), the
playerActivity and the offset that envelopes report in `context.AudioPlayer`,
and collects the events a device would send in `outbox`; the chat loop sends
them (without a session, as Alexa does) and lets tracks "play" on the injected
clock. It asks nothing of the skill: track names and lengths come from
skill.console.tracks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from skill.console.render import Screen, clock_text
from skill.console.tracks import Durations, TrackLengths, track_name
from skill.core.limits import MAX_TOKEN_CHARS

JsonDict = dict[str, Any]
IDLE, PLAYING, STOPPED, FINISHED = "IDLE", "PLAYING", "STOPPED", "FINISHED"


@dataclass(frozen=True)
class Track:
    """One stream the skill asked for."""

    token: str
    url: str
    start_ms: int
    duration_ms: int | None
    estimated: bool = True

    def describe(self) -> str:
        length = "?" if self.duration_ms is None else (
            f"{'≈' if self.estimated else ''}{clock_text(self.duration_ms)}")
        start = f" from {clock_text(self.start_ms)}" if self.start_ms else ""
        return f"▶ playing {track_name(self.token)} ({length}){start} {self.url}"


@dataclass(frozen=True)
class Event:
    """One AudioPlayer request the device owes the skill, with its context at that moment."""

    kind: str
    token: str
    offset_ms: int
    context: JsonDict
    note: str = ""
    """What the user notices, shown just before the event is sent ("▶ playing ...")."""

    def request(self) -> JsonDict:
        return {"type": f"AudioPlayer.{self.kind}", "token": self.token,
                "offsetInMilliseconds": self.offset_ms}


@dataclass
class SimPlayer:
    """The device's player: queue, activity and offset; follows AudioPlayer directives."""

    screen: Screen
    lengths: Durations = field(default_factory=lambda: TrackLengths(None))
    fast: bool = False
    """No real time passes: a track interrupted is taken to be halfway through."""
    clock: Callable[[], float] = time.monotonic
    activity: str = IDLE
    current: Track | None = None
    queued: Track | None = None
    outbox: list[Event] = field(default_factory=list)
    """Events to send, oldest first (the chat loop drains it)."""
    _base_ms: int = 0
    _since: float | None = None
    """Clock reading when the current track started moving from `_base_ms` (None: frozen)."""
    _noted: set[str] = field(default_factory=set)

    @property
    def playing(self) -> bool:
        return self.current is not None and self.activity == PLAYING

    def position_ms(self) -> int:
        """Where the current track is: elapsed time on the clock, or halfway with --fast."""
        track = self.current
        if track is None or not self.playing or self._since is None:
            return self._base_ms
        if track.duration_ms is None:
            return self._base_ms
        if self.fast:
            return self._base_ms + max(0, track.duration_ms - self._base_ms) // 2
        moved = round((self.clock() - self._since) * 1000)
        return max(self._base_ms, min(track.duration_ms, self._base_ms + moved))

    def remaining_ms(self) -> int | None:
        track = self.current
        if track is None or track.duration_ms is None or not self.playing:
            return None
        return max(0, track.duration_ms - self.position_ms())

    def to_json(self) -> JsonDict:
        """`context.AudioPlayer` as the device reports it now."""
        state: JsonDict = {"playerActivity": self.activity}
        if self.current is not None:
            state.update({"token": self.current.token, "offsetInMilliseconds": self.position_ms()})
        return state

    def absorb(self, directives: list[JsonDict]) -> None:
        """Carry out a response's AudioPlayer directives (events go to `outbox`)."""
        plays = [d for d in directives if d.get("type") == "AudioPlayer.Play"]
        if len(plays) > 1:
            self._warn(f"{len(plays)} AudioPlayer.Play directives in one response; "
                       "Alexa allows one")
        for d in directives:
            kind = d.get("type")
            if kind == "AudioPlayer.Play":
                self._play(d)
            elif kind == "AudioPlayer.Stop":
                self._stop()
            elif kind == "AudioPlayer.ClearQueue":
                self.queued = None
                if d.get("clearBehavior") == "CLEAR_ALL" and self.playing:
                    self._stopped(show=True)
                self.screen.line(f"  ■ queue cleared ({d.get('clearBehavior')})", dim=True)

    def run_out(self) -> None:
        """The current track has played to its end (the wait happened elsewhere)."""
        if self.current is not None and self.current.duration_ms is not None:
            self._base_ms = self.current.duration_ms
        else:
            self._base_ms = self.position_ms()
        self._since = None

    def event(self, kind: str, note: str = "") -> Event:
        """An event about the current track at its current position."""
        assert self.current is not None
        return Event(kind, self.current.token, self.position_ms(), self.to_json(), note)

    def finish(self) -> Event:
        """The current track ends: PlaybackFinished."""
        self.run_out()
        self.activity = FINISHED
        return self.event("PlaybackFinished")

    def advance(self) -> None:
        """After a track finished: start the enqueued one, or the queue has ended."""
        track, self.queued = self.queued, None
        if track is None:
            self.screen.line("  ■ end of the queue", dim=True)
            return
        self._start(track)

    def _play(self, d: Mapping[str, Any]) -> None:
        behavior = d.get("playBehavior")
        stream = (d.get("audioItem") or {}).get("stream") or {}
        token, url = str(stream.get("token", "")), str(stream.get("url", ""))
        expected = stream.get("expectedPreviousToken")
        self._check(behavior, token, url, expected)
        length, estimated = self.lengths(token, url)
        track = Track(token, url, int(stream.get("offsetInMilliseconds") or 0), length, estimated)
        if behavior == "ENQUEUE":
            if self.current is None or expected != self.current.token:
                current = self.current.token if self.current else None
                self._warn(f"ENQUEUE ignored: expectedPreviousToken {expected!r} is not the "
                           f"current track {current!r}")
                return
            self.queued = track
        elif behavior == "REPLACE_ENQUEUED":
            self.queued = track
        else:  # REPLACE_ALL (Alexa's default)
            if self.playing:
                self._stopped()
            self.queued = None
            self._start(track)

    def _check(self, behavior: Any, token: str, url: str, expected: Any) -> None:
        if behavior not in ("REPLACE_ALL", "ENQUEUE", "REPLACE_ENQUEUED"):
            self._warn(f"AudioPlayer.Play with playBehavior {behavior!r}")
        if (behavior == "ENQUEUE") != (expected is not None):
            self._warn("expectedPreviousToken belongs on ENQUEUE, and only there")
        if not token or len(token) > MAX_TOKEN_CHARS:
            self._warn(f"stream token must be 1 to {MAX_TOKEN_CHARS} characters")
        if not url.startswith("https://") and "http" not in self._noted:
            self._noted.add("http")
            self.screen.line(f"  (local audio: {url} plays here in the console, but a device "
                             "plays only HTTPS; behind a tunnel see `hipcoach serve`)", dim=True)

    def _start(self, track: Track) -> None:
        self.current, self.activity = track, PLAYING
        self._base_ms, self._since = track.start_ms, self.clock()
        self.outbox.append(self.event("PlaybackStarted", track.describe()))

    def _stop(self) -> None:
        if not self.playing:
            self.screen.line("  ■ AudioPlayer.Stop, but nothing was playing", dim=True)
            return
        self._stopped(show=True)

    def _stopped(self, show: bool = False) -> None:
        """Stop the current track where it is: PlaybackStopped with that offset."""
        self._base_ms, self._since = self.position_ms(), None
        self.activity = STOPPED
        note = f"⏸ stopped at {clock_text(self._base_ms)}" if show else ""
        self.outbox.append(self.event("PlaybackStopped", note))

    def _warn(self, text: str) -> None:
        self.screen.line(f"! {text}")
