"""What the request's context says about the device, and what the skill is set up with."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from skill.content.model import Content
from skill.core.record import Record, field

ACTIVE = frozenset({"PLAYING", "PAUSED", "BUFFER_UNDERRUN"})
"""Player activities in which our audio would carry on (or resume) after a voice
interaction unless the response stops it (PLATFORM.md, AudioPlayer stop rules)."""
HELD = ACTIVE | {"STOPPED"}
"""Activities in which the device still holds our track: transport intents act on it."""


class Device(Record):
    """context.System.device and context.AudioPlayer of one request."""

    audio_player: bool = False
    """supportedInterfaces declares AudioPlayer."""
    screen: bool = False
    """supportedInterfaces declares Alexa.Presentation.APL."""
    activity: str = ""
    """context.AudioPlayer.playerActivity ("" when the context has none)."""
    token: str | None = None
    """context.AudioPlayer.token: the track the device holds (ours or not)."""
    offset_ms: int = 0
    """context.AudioPlayer.offsetInMilliseconds."""
    can_speak: bool = True
    """A LaunchRequest or IntentRequest: the response may speak."""
    progressive: bool = False
    """Progressive responses can be sent for this request (token, endpoint, setting)."""


class World(Record):
    """What the skill is set up with and when it is: content, clock value, features."""

    content: Content
    now: datetime
    """Aware UTC now."""
    streaming: bool = False
    """Tracks are configured: devices with AudioPlayer get hands-free routines."""
    sounds: Mapping[str, tuple[str, int]] | None = field(default=None)
    """Cue clips for SSML <audio> in dialog turns (None: speak without chimes)."""
    state_known: bool = True
    """False when the saved state could not be read: say so rather than guess."""
