"""SSML building blocks: escaped text at the coach's rate, chained breaks, audio. Nothing
else emits tags."""

from __future__ import annotations

from skill.core.limits import MAX_BREAK_MS
from skill.core.speech_rate import SPEECH_RATE_PERCENT

PROSODY_OPEN = f'<prosody rate="{SPEECH_RATE_PERCENT}%">'
"""Every coaching sentence is spoken at the coach's slower, calmer rate.

<prosody> is among Alexa's supported tags (shared/PLATFORM.md, SSML) and `rate` takes a
percentage of the voice's normal rate ("Changing a voice speed", Amazon Polly developer
guide: any percentage from 20% to 200%, 100% being normal). The rate itself is
skill.core.speech_rate.SPEECH_RATE_PERCENT, which the speech estimate also reads."""
PROSODY_CLOSE = "</prosody>"

_CONTROL = dict.fromkeys((*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **_CONTROL})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", **_CONTROL})


def _xml_chars(words: str) -> str:
    """Drop what XML 1.0 cannot hold beyond ASCII control characters: lone surrogates,
    U+FFFE and U+FFFF. (A check per character, and only for non-ASCII text: a pattern
    or a translate table covering the surrogates costs ~1 ms to build at a cold start.)"""
    if words.isascii():
        return words
    return "".join(c for c in words
                   if not ("\ud800" <= c <= "\udfff" or c == "\ufffe" or c == "\uffff"))


def escape(words: str) -> str:
    """XML-escape text content and drop characters XML cannot hold.

    Hand-rolled: xml.sax.saxutils would import urllib.request (+35 ms on a cold start).
    """
    return _xml_chars(words).translate(_TEXT)


def text(words: str) -> str:
    """A sentence at the coach's speech rate, escaped (&, <, > in user-facing text must
    never break the XML)."""
    return f"{PROSODY_OPEN}<s>{escape(words)}</s>{PROSODY_CLOSE}"


def silence(ms: int, max_break_ms: int = MAX_BREAK_MS) -> str:
    """`ms` of silence as breaks of at most `max_break_ms` each (Alexa caps one break at 10 s)."""
    if ms <= 0:
        return ""
    full, rest = divmod(ms, max_break_ms)
    parts = [f'<break time="{max_break_ms}ms"/>'] * full
    if rest:
        parts.append(f'<break time="{rest}ms"/>')
    return "".join(parts)


def audio(url: str) -> str:
    """An <audio> clip; the URL is attribute-escaped."""
    return f'<audio src="{_xml_chars(url).translate(_ATTR)}"/>'


def speak(body: str) -> str:
    """Wrap a body in <speak> (for progressive responses; ask-sdk's speak() wraps itself)."""
    return f"<speak>{body}</speak>"


def strip_speak(ssml: str) -> str:
    """The body of a <speak> document, for handing to ask-sdk's speak()/ask()."""
    if ssml.startswith("<speak>") and ssml.endswith("</speak>"):
        return ssml[len("<speak>"):-len("</speak>")]
    return ssml
