"""Streaming mode in the core: track tokens, moving between tracks, and whether a
routine is hands-free on this device."""

from __future__ import annotations

from skill.content.model import Content
from skill.conversation.device import HELD, Device, World
from skill.conversation.outcome import Play
from skill.core.limits import MAX_TOKEN_CHARS
from skill.core.preferences import Preferences
from skill.core.record import replace
from skill.state import Position, UserState

TOKEN_PREFIX = "hc1"


def token_of(content: Content, pos: Position) -> str:
    """routine, step, side and content version: enough to find the track again."""
    token = f"{TOKEN_PREFIX}:{pos.routine}:{pos.step}:{pos.side}:{content.version}"
    if len(token) > MAX_TOKEN_CHARS:  # content ids are short; a long one is a content bug
        raise ValueError(f"AudioPlayer token longer than {MAX_TOKEN_CHARS} characters")
    return token


def parse_token(token: object) -> tuple[str, int, int] | None:
    if not isinstance(token, str):
        return None
    parts = token.split(":")
    if len(parts) != 5 or parts[0] != TOKEN_PREFIX:
        return None
    try:
        return parts[1], int(parts[2]), int(parts[3])
    except ValueError:
        return None


def prefs_of(state: UserState, pos: Position) -> Preferences:
    """The preferences a position's step was paced with (the current ones if not yet)."""
    return Preferences.from_dict(pos.prefs) if pos.prefs else state.effective_prefs(pos.routine)


def order(content: Content, state: UserState, pos: Position) -> list[tuple[int, int]]:
    """(step, side) of every track of the position's routine, in play order."""
    from skill.core.plan import track_order

    return track_order(content, content.routines[pos.routine], prefs_of(state, pos))


def valid_track(content: Content, state: UserState, pos: Position) -> bool:
    return pos.routine in content.routines and (pos.step, pos.side) in order(
        content, state, pos)


def move(content: Content, state: UserState, pos: Position, delta: int) -> Position | None:
    """The position `delta` tracks away (sides, then steps), or None past either end.

    A step marked done (after pain) moves forward to the next step, not its other side.
    """
    tracks = order(content, state, pos)
    try:
        i = tracks.index((pos.step, pos.side))
    except ValueError:
        i = 0
    j = i + delta
    if delta > 0 and pos.step_done:
        j = next((k for k, (s, _) in enumerate(tracks) if s > pos.step), len(tracks))
    if not 0 <= j < len(tracks):
        return None
    step, side = tracks[j]
    return at_track(state, pos, step, side)


def at_track(state: UserState, pos: Position, step: int, side: int) -> Position:
    """The start of track (step, side): the same step keeps the preferences it started
    with, a new step takes the current ones."""
    prefs = pos.prefs if step == pos.step and pos.prefs else (
        state.effective_prefs(pos.routine).to_dict())
    return replace(pos, step=step, side=side, track_offset_ms=0, offset=0, next_offset=0,
                   step_done=False, prefs=prefs)


def streams(state: UserState, device: Device, world: World, pos: Position | None) -> bool:
    """A routine at `pos` plays hands-free on this device (else it is coached in dialog)."""
    return (world.streaming and device.audio_player and not state.dialog_only
            and (pos is None or not pos.dialog))


def hands_free(state: UserState, device: Device, world: World) -> Position | None:
    """The position when this device holds one of our tracks of the routine in progress,
    so transport intents ("next", "pause") act on the player."""
    pos = state.position
    if pos is None or pos.routine not in world.content.routines:
        return None
    if not streams(state, device, world, pos) or device.activity not in HELD:
        return None
    return pos if parse_token(device.token) is not None else None


def play(world: World, state: UserState, pos: Position, behavior: str = "REPLACE_ALL",
         previous: str | None = None, intro: tuple[str, ...] = ()) -> tuple[Position, Play]:
    """A Play of `pos` with the preferences it is paced with pinned on the position."""
    pos = replace(pos, prefs=prefs_of(state, pos).to_dict())
    return pos, Play(pos=pos, token=token_of(world.content, pos), behavior=behavior,
                     previous=previous, intro=intro)
