"""SSML building blocks: escaped text, chained breaks, audio. Nothing else emits tags."""

from __future__ import annotations

from skill.core.limits import MAX_BREAK_MS

_NOT_XML = {c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20),
                                 *range(0xD800, 0xE000), 0xFFFE, 0xFFFF)}
"""Characters XML 1.0 cannot hold at all (control characters, lone surrogates): dropped."""
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **_NOT_XML})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", **_NOT_XML})


def escape(words: str) -> str:
    """XML-escape text content and drop characters XML cannot hold.

    Hand-rolled: xml.sax.saxutils would import urllib.request (+35 ms on a cold start).
    """
    return words.translate(_TEXT)


def text(words: str) -> str:
    """A sentence, escaped (&, <, > in user-facing text must never break the XML)."""
    return f"<s>{escape(words)}</s>"


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
    return f'<audio src="{url.translate(_ATTR)}"/>'


def speak(body: str) -> str:
    """Wrap a body in <speak> (for progressive responses; ask-sdk's speak() wraps itself)."""
    return f"<speak>{body}</speak>"


def strip_speak(ssml: str) -> str:
    """The body of a <speak> document, for handing to ask-sdk's speak()/ask()."""
    if ssml.startswith("<speak>") and ssml.endswith("</speak>"):
        return ssml[len("<speak>"):-len("</speak>")]
    return ssml
