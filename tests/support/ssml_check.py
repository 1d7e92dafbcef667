"""An independent SSML checker for tests: does Alexa accept this, and how long does it play?

Written from the platform facts in shared/PLATFORM.md, NOT from skill.core.ssml, so
tests that use it check the packer's output against the platform rather than against
the code that produced it.

- `check_ssml(doc, ...)` lists problems: not well-formed, root not <speak>, a tag
  outside Alexa's supported set, a <break> over the cap or with an unparsable time,
  too many <audio> tags, too many characters.
- `play_ms(doc, speech_ms, audio_ms=...)` is how long a document plays: the sum of its
  breaks, its audio clips and the speech time of each spoken chunk (text between
  sentence, paragraph, break and audio boundaries).
- `spoken_chunks(doc)` / `spoken_text(doc)` give back the words, unescaped.

Alexa writes `<amazon:effect>` and friends without declaring the `amazon` prefix, so
the document is parsed inside a wrapper element that declares it.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping

ALEXA_TAGS = frozenset({
    "speak", "break", "audio", "prosody", "emphasis", "say-as", "s", "p", "sub", "w",
    "lang", "phoneme", "voice", "amazon:effect", "amazon:domain", "amazon:emotion",
})
"""Tags Alexa supports (PLATFORM.md [O])."""

ALEXA_MAX_BREAK_MS = 10_000
ALEXA_MAX_CHARS = 8_000
ALEXA_MAX_AUDIO_TAGS = 5

_AMAZON_NS = "urn:test:amazon-ssml-prefix"
_WRAPPER = "hipcoach-test-wrapper"
_TIME = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)\s*")
_STRENGTH_MS = {"none": 0, "x-weak": 0, "weak": 250, "medium": 500, "strong": 750,
                "x-strong": 1000}
"""Approximate pauses of `<break strength=...>` (only used when no time is given)."""
_BOUNDARY_TAGS = frozenset({"speak", "s", "p", "break", "audio"})
"""Tags that end one spoken chunk and start another."""


class SsmlError(ValueError):
    """The document cannot be parsed (not well-formed XML, or several roots)."""


def parse_break_ms(value: str) -> int | None:
    """Milliseconds of a break time such as "250ms" or "3s" or "1.5s"; None when unparsable."""
    m = _TIME.fullmatch(value)
    if not m:
        return None
    number = float(m.group(1))
    return round(number * (1 if m.group(2) == "ms" else 1000))


def _parse(doc: str) -> tuple[ET.Element, dict[str, str]]:
    """The root element and a namespace-uri -> prefix map; raises SsmlError."""
    wrapped = f'<{_WRAPPER} xmlns:amazon="{_AMAZON_NS}">{doc}</{_WRAPPER}>'
    prefixes: dict[str, str] = {_AMAZON_NS: "amazon"}
    wrapper: ET.Element | None = None
    try:
        for event, item in ET.iterparse(io.StringIO(wrapped), events=("start-ns", "end")):
            if event == "start-ns":
                prefix, uri = item
                prefixes.setdefault(uri, prefix)
            else:
                wrapper = item
    except ET.ParseError as exc:
        raise SsmlError(f"not well-formed XML: {exc}") from exc
    assert wrapper is not None
    children = list(wrapper)
    outside = (wrapper.text or "") + "".join(c.tail or "" for c in children)
    if len(children) != 1 or outside.strip():
        raise SsmlError("not well-formed XML: the document must have exactly one root element "
                        f"and no text outside it (found {len(children)} elements)")
    return children[0], prefixes


def _name(tag: str, prefixes: Mapping[str, str]) -> str:
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        prefix = prefixes.get(uri, "")
        return f"{prefix}:{local}" if prefix else local
    return tag


def check_ssml(doc: str, *, max_chars: int = ALEXA_MAX_CHARS,
               max_audio_tags: int = ALEXA_MAX_AUDIO_TAGS,
               max_break_ms: int = ALEXA_MAX_BREAK_MS,
               tags: frozenset[str] = ALEXA_TAGS) -> list[str]:
    """Problems that would make Alexa reject or mangle `doc`; empty when it is fine."""
    problems: list[str] = []
    if len(doc) > max_chars:
        problems.append(f"{len(doc)} characters, over the limit of {max_chars}")
    try:
        root, prefixes = _parse(doc)
    except SsmlError as exc:
        return [*problems, str(exc)]
    root_name = _name(root.tag, prefixes)
    if root_name != "speak":
        problems.append(f"root element is <{root_name}>, not <speak>")
    audio = 0
    for element in root.iter():
        name = _name(element.tag, prefixes)
        if name not in tags:
            problems.append(f"unsupported tag <{name}>")
        if name == "break":
            time = element.attrib.get("time")
            if time is not None:
                ms = parse_break_ms(time)
                if ms is None:
                    problems.append(f"break time {time!r} is not 'Nms' or 'Ns'")
                elif ms > max_break_ms:
                    problems.append(f"break of {ms} ms is over the limit of {max_break_ms} ms")
        elif name == "audio":
            audio += 1
            src = element.attrib.get("src", "")
            if not src.startswith("https://"):
                problems.append(f"audio src {src!r} is not an https URL")
    if audio > max_audio_tags:
        problems.append(f"{audio} audio tags, over the limit of {max_audio_tags}")
    return problems


Item = tuple[str, str | int]
"""("say", words), ("break", ms) or ("audio", src); inside also ("text", ...), ("cut", "")."""


def _walk(element: ET.Element, prefixes: Mapping[str, str]) -> Iterator[Item]:
    """Document-order stream of ("text", str), ("cut", ""), ("break", ms), ("audio", src)."""
    name = _name(element.tag, prefixes)
    if name == "break":
        time = element.attrib.get("time")
        if time is not None:
            ms = parse_break_ms(time)
            if ms is None:
                raise SsmlError(f"break time {time!r} is not 'Nms' or 'Ns'")
        else:
            ms = _STRENGTH_MS.get(element.attrib.get("strength", "medium"), 500)
        yield "cut", ""
        yield "break", ms
    elif name == "audio":
        yield "cut", ""
        yield "audio", element.attrib.get("src", "")
    elif name == "sub":
        yield "text", element.attrib.get("alias", element.text or "")
    else:
        boundary = name in _BOUNDARY_TAGS
        if boundary:
            yield "cut", ""
        if element.text:
            yield "text", element.text
        for child in element:
            yield from _walk(child, prefixes)
            if child.tail:
                yield "text", child.tail
        if boundary:
            yield "cut", ""


def _items(doc: str) -> Iterator[Item]:
    """Like `_walk`, but adjacent text merged into chunks (whitespace-normalised)."""
    root, prefixes = _parse(doc)
    buffer: list[str] = []
    for kind, value in _walk(root, prefixes):
        if kind == "text":
            buffer.append(str(value))
            continue
        chunk = " ".join("".join(buffer).split())
        buffer = []
        if chunk:
            yield "say", chunk
        if kind != "cut":
            yield kind, value
    chunk = " ".join("".join(buffer).split())
    if chunk:
        yield "say", chunk


def items(doc: str) -> list[Item]:
    """What `doc` plays, in order: ("say", words), ("break", ms) and ("audio", src)."""
    return list(_items(doc))


def spoken_chunks(doc: str) -> list[str]:
    """The spoken utterances in order (one per sentence, or text run between breaks)."""
    return [str(v) for k, v in _items(doc) if k == "say"]


def spoken_text(doc: str) -> str:
    """All spoken words, unescaped, joined by single spaces."""
    return " ".join(spoken_chunks(doc))


def break_times_ms(doc: str) -> list[int]:
    """Every break's length in ms, in order."""
    return [int(v) for k, v in _items(doc) if k == "break"]


def audio_sources(doc: str) -> list[str]:
    """Every <audio> src, in order."""
    return [str(v) for k, v in _items(doc) if k == "audio"]


def play_ms(doc: str, speech_ms: Callable[[str], int],
            audio_ms: Mapping[str, int] | Callable[[str], int] | None = None) -> int:
    """How long `doc` plays: breaks + audio clips + `speech_ms(chunk)` for each spoken chunk.

    `audio_ms` gives each clip's length by URL; a document with audio and no
    `audio_ms` raises ValueError (its length would be a guess).
    """
    total = 0
    for kind, value in _items(doc):
        if kind == "say":
            total += speech_ms(str(value))
        elif kind == "break":
            total += int(value)
        elif kind == "audio":
            if audio_ms is None:
                raise ValueError(f"audio {value!r} but no audio lengths given")
            src = str(value)
            total += audio_ms[src] if isinstance(audio_ms, Mapping) else audio_ms(src)
    return total
