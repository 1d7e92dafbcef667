"""Alexa platform limits, each a named constant, all in one place.

Sources are in ../shared/PLATFORM.md ([O] Amazon docs, [SDK] Amazon SDK source,
[3P] third-party text quoting the docs). Where a figure is uncertain we use the
safe value. `PackingProfile` groups the limits the dialog-mode packer obeys so
tests can pack against a stricter profile.
"""

from __future__ import annotations

from skill.core.record import Record

# --- Response timing ---------------------------------------------------------
RESPONSE_WINDOW_S = 8.0
"""Alexa waits about 8 s for the full response [O]; progressive responses do not extend it."""
PROGRESSIVE_SEND_BUDGET_S = 1.5
"""Our own budget: sending progressive responses may add at most this to a turn.

The sender (skill.adapters.progressive) promises it even when the directive API hangs."""
PROGRESSIVE_CALL_TIMEOUT_S = 0.75
"""Per-call timeout for the directive API (the SDK's client has none [SDK]).

A healthy directive API answers in ~0.1-0.3 s; 0.75 s tolerates a slow one, yet a hang on
the first piece costs half the budget, not all of it."""

# --- SSML --------------------------------------------------------------------
MAX_SSML_CHARS = 8000
"""outputSpeech at most 8,000 characters [3P]."""
MAX_RESPONSE_BYTES = 24 * 1024
"""Budget for the whole response body: 24 KB (newer docs say 120 KB) [3P]."""
MAX_BREAK_MS = 10_000
"""One <break> at most 10 s; longer silence chains several [3P]."""
MAX_AUDIO_TAGS = 5
"""At most 5 <audio> tags per response [3P]."""
MAX_AUDIO_MS = 240_000
"""All <audio> in outputSpeech together at most 240 s [3P]."""
SSML_AUDIO_BITRATE_KBPS = 48
"""<audio> clips: MP3 at 48 kbps [3P]."""
SSML_AUDIO_SAMPLE_RATE_HZ = 24_000
"""<audio> clips: 16000, 22050 or 24000 Hz [3P]; we use 24000."""
# Not constants, as nothing here would read them (both are in PLATFORM.md): reprompts carry
# no <audio> (at most 90 s if they ever do [3P]), and skill/core/ssml.py writes only a few of
# the tags Alexa supports [O].
MAX_TURN_PLAY_MS = 240_000
"""Our own cap on how long one response may play (speech plus breaks).

PLATFORM.md gives 240 s as the cap on audio in outputSpeech; Alexa documents no
cap for breaks, so we apply the same figure to the whole playing time rather
than rely on undocumented behaviour."""

# --- Progressive responses ---------------------------------------------------
MAX_PROGRESSIVE = 5
"""Keep to 5 progressive responses per request [3P]."""
MAX_PROGRESSIVE_MS = 30_000
"""Each progressive response short; audio inside at most 30 s [3P]. We cap its playing time."""

# --- AudioPlayer ---------------------------------------------------------------
MAX_TOKEN_CHARS = 1024
"""AudioPlayer stream token at most 1,024 characters [O][SDK]."""
STREAM_BITRATE_KBPS = 64
"""What we encode AudioPlayer tracks at. AudioPlayer streams: MP3/AAC/HLS between 16 and
384 kbps [O]; 64 is inside the range and clear enough for speech."""
STREAM_SAMPLE_RATE_HZ = 24_000
"""What we encode AudioPlayer tracks (and synthesize the cue sounds) at."""

# --- Request verification ------------------------------------------------------
MAX_TIMESTAMP_SKEW_S = 150
"""Request timestamp within 150 s of now [O][SDK ask-sdk-webservice-support]."""
MAX_REQUEST_BODY_BYTES = 256 * 1024
"""Our cap on a request body; Alexa envelopes are a few KB. Larger gets HTTP 413."""

# --- Interaction model ---------------------------------------------------------
MAX_MODEL_CHARS = 1_000_000
"""A locale's interaction model (modelDefinition) is at most 1,000,000 characters: the
SMAPI error quoted in github.com/alexa/ask-cli/issues/9 ("Member must have length less
than or equal to 1000000")."""
MAX_SLOT_VALUE_CHARS = 140
"""A slot value or synonym is at most 140 characters (the console's error, quoted in
github.com/m0ngr31/kanzi/issues/263)."""
MAX_SLOT_TYPE_VALUES = 50_000
"""Values per custom slot type: community-reported (github.com/alexa-js/alexa-app pull
34), not found in Amazon's pages here; we stay far below it."""
FALLBACK_SENSITIVITY = "MEDIUM"
"""`modelConfiguration.fallbackIntentSensitivity.level`: LOW (Amazon's default), MEDIUM
or HIGH (alexa-apis-for-python, fallback_intent_sensitivity_level.py). MEDIUM: a
wrongly matched phrase mid-hold can move someone on or start the wrong thing, while a
fallback costs one reprompt that names "that hurts" and "pause"; our samples cover the
domain widely, so out-of-domain speech should fall back rather than be forced in."""


class PackingProfile(Record):
    """The limits one dialog-mode turn must respect; tests build stricter ones."""

    max_progressive: int = MAX_PROGRESSIVE
    progressive_max_ms: int = MAX_PROGRESSIVE_MS
    final_max_ms: int = MAX_TURN_PLAY_MS
    max_chars: int = MAX_SSML_CHARS
    max_break_ms: int = MAX_BREAK_MS
    max_audio_tags: int = MAX_AUDIO_TAGS
    max_audio_ms: int = MAX_AUDIO_MS
    progressive_max_audio_ms: int = MAX_PROGRESSIVE_MS

    def without_progressive(self) -> PackingProfile:
        """The same limits with progressive responses switched off (the fallback)."""
        return PackingProfile(0, self.progressive_max_ms, self.final_max_ms, self.max_chars,
                              self.max_break_ms, self.max_audio_tags, self.max_audio_ms,
                              self.progressive_max_audio_ms)


ALEXA = PackingProfile()
"""The profile for real Alexa devices."""
