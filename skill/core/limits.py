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

# --- Audio hosting (appended) ------------------------------------------------------
AUDIO_URL_SCHEME = "https"
"""AudioPlayer stream URLs must be HTTPS with a trusted certificate [O][SDK], and so must SSML
<audio> sources [3P]; a plain-http URL never plays on a device, and self-signed
certificates cannot be used (PLATFORM.md, "AudioPlayer" and "SSML")."""
AUDIO_URL_PORT = 443
"""HTTPS on port 443 [O][SDK] (PLATFORM.md, "AudioPlayer": "stream.url HTTPS (port 443, trusted
cert)"). A base naming another port is not one a device can play from."""

# --- Skill events and the skill package (issue 12) ------------------------------------------
MAX_SKILL_EVENT_SKEW_S = 3600
"""Skill events (`AlexaSkillEvent.*`, e.g. SkillDisabled) may be up to 3,600 s from now:
Alexa delivers them asynchronously. [SDK ask-sdk-webservice-support verifier_constants.py,
MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS = 3600000; PLATFORM.md "Request verification"]"""
SKILL_EVENT_REQUEST_TYPES = frozenset({
    "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillPermissionChanged", "AlexaSkillEvent.SkillPermissionAccepted",
    "AlexaSkillEvent.SkillAccountLinked"})
"""The request types `MAX_SKILL_EVENT_SKEW_S` applies to; every other type keeps
`MAX_TIMESTAMP_SKEW_S`. [SDK ask-sdk-webservice-support ALEXA_SKILL_EVENT_LIST]"""
SMALL_ICON_PX = 108
"""Store icon, small: a 108 x 108 PNG. [SDK alexa-apis-for-python, ask_smapi_model
skill_manifest_localized_publishing_information.py: "small icon ... (108x108px)"; 3P Orbita
"Amazon image rules": "Small Icon: 108 X 108 PNG"]"""
LARGE_ICON_PX = 512
"""Store icon, large: a 512 x 512 PNG. [SDK same file: "large icon ... (512x512px)"; 3P Orbita]"""
MAX_EXAMPLE_PHRASES = 3
"""`examplePhrases`: "Three example phrases that illustrate how users can invoke your skill.
... these phrases must come directly from your sample utterances." [O devconsole
launch-your-skill; SDK ask_smapi_model, the same sentence]"""
MAX_SKILL_NAME_CHARS = 50
"""The public skill name ("Skill Title") at most 50 characters [3P location-webradio-streaming
"Amazon Alexa Skill technical requirements"]; not found in Amazon's pages here."""
MAX_SUMMARY_CHARS = 160
"""Our cap on `summary` (the store's one-sentence description). Amazon's figure was not found in
the docs, pages or SMAPI model searched here; 160 keeps it to one short sentence."""
MAX_DESCRIPTION_CHARS = 4000
"""Our cap on `description` (the store's detailed description); Amazon's figure was not found in
the sources searched here. Ours has about 1,200."""
MAX_KEYWORDS = 30
"""Our cap on `keywords`; Amazon documents none that was found here (the SMAPI model says only
"Sample keyword phrases that describe the skill"). We use about ten."""

# --- AudioPlayer track encoding (issue 12, appended) -------------------------------------------
STREAM_MIN_BITRATE_KBPS = 16
"""The floor of every frame of a streaming track. AudioPlayer streams: "Bitrates: 16kbps to 384
kbps" [SDK alexa/alexa-skills-kit-sdk-for-nodejs, ask-sdk-core/lib/response/ResponseBuilder.ts,
addAudioPlayerPlayDirective; PLATFORM.md "AudioPlayer"]. The docs do not say whether that is
the average or each frame of a variable-bitrate stream, so we take the safe reading: every
frame at least 16 kbps (LAME ``-b 16 -F``; without -F LAME writes silence at 8 kbps), which
keeps the average inside the range too. MPEG-2 Layer III at STREAM_SAMPLE_RATE_HZ tops out at
160 kbps, below the 384 ceiling. STREAM_BITRATE_KBPS above is now only the constant-rate
baseline benchmarks/audio_cost.py compares against."""

# --- Cards and now-playing images (issue 13, appended) -----------------------------------------
MAX_CARD_CHARS = 8000
"""All the text of a card (title, content, text and image URLs together) at most 8,000
characters [3P quoting Amazon's JSON interface reference, "Response Format": "All of the text
included in a card cannot exceed 8000 characters. This includes the title, content, text, and
image URLs."; exchangetuts.com "Alexa skill SSML max length"]. Cards are SimpleCards (title and
content), cut to this by skill.handlers.cards."""
NOW_PLAYING_ART_PX = (480, 480)
"""AudioPlayer `metadata.art` (width, height): "recommended minimum sizes: Artwork: 480 x 480
pixels", after Amazon's AudioPlayer image guidelines [3P jovotech/jovo-framework
docs/05_platform-specifics/amazon-alexa/audioplayer.md, "Set Track Metadata", citing
developer.amazon.com audioplayer-interface-reference.html#images]. Amazon's page itself was not
in the sources searched here."""
NOW_PLAYING_BACKGROUND_PX = (1024, 640)
"""AudioPlayer `metadata.backgroundImage` (width, height): "Background image: 1024 x 640
pixels", the recommended minimum [3P, the same Jovo page and citation as NOW_PLAYING_ART_PX]."""

# --- APL screens (issue 13, appended) ---------------------------------------------------------
APL_DEFAULT_IDLE_TIMEOUT_MS = 30_000
"""An APL document closes after about 30 s without interaction unless `settings.idleTimeout`
says otherwise [O apl-base-command-properties, PLATFORM.md "APL (screens)"]. Our documents
never ask for less (skill/screens/apl.py sets more, from the content)."""
