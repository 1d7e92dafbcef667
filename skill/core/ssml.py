"""SSML building blocks: escaped text, chained breaks, audio. Nothing else emits tags."""

from __future__ import annotations

import re

from skill.core.limits import MAX_BREAK_MS

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold at all (control characters, lone surrogates): dropped.
(A pattern, not 2,000 translate-table entries built at import: 1 ms of a cold start.)"""
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def escape(words: str) -> str:
    """XML-escape text content and drop characters XML cannot hold.

    Hand-rolled: xml.sax.saxutils would import urllib.request (+35 ms on a cold start).
    """
    return _NOT_XML.sub("", words).translate(_TEXT)


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
    return f'<audio src="{_NOT_XML.sub("", url).translate(_ATTR)}"/>'


def speak(body: str) -> str:
    """Wrap a body in <speak> (for progressive responses; ask-sdk's speak() wraps itself)."""
    return f"<speak>{body}</speak>"


def strip_speak(ssml: str) -> str:
    """The body of a <speak> document, for handing to ask-sdk's speak()/ask()."""
    if ssml.startswith("<speak>") and ssml.endswith("</speak>"):
        return ssml[len("<speak>"):-len("</speak>")]
    return ssml
