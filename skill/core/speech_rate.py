"""The coach's speaking rate, in its own module: SSML (loaded by every answer, so by a cold
Launch) and the pacing estimate (loaded by the first coached turn) both read it, and
neither should load the other."""

from __future__ import annotations

SPEECH_RATE_PERCENT = 90
"""How fast the coach speaks, as a percentage of the voice's normal rate: slower and
calmer than normal, for relaxation (issue 10, item 9: "they talk too fast").

The one source of the speech rate: dialog mode wraps every coaching line in
`<prosody rate="90%">` (skill.core.ssml), the estimate (skill.core.timeline) counts
words at this rate, and the embedded espeak-ng voice and Polly are set to it too.
A percentage is a multiplier of the voice's default rate (W3C SSML 1.1, prosody;
Amazon Polly, whose voices Alexa uses, takes 20% to 200%: "Changing a voice speed",
Amazon Polly developer guide); Alexa supports <prosody> (shared/PLATFORM.md, SSML)."""
