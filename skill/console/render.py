"""Turn Alexa responses into something a developer can read (and hear) at the real pace.

Why pace at all: in dialog mode the hold *is* the silence between sentences
(`<break>`s), so the console plays each silence as a live countdown of the
real length; `--fast` prints it without waiting. The sleep, the clock and the
speaker are injected, so tests assert exactly what would be waited.
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import unescape
from typing import Any, TextIO

from skill.console.speech import Silent, Speaker

_TAG = re.compile(r"<(/?)([a-zA-Z:_-]+)([^>]*?)(/?)>")
_ATTR = re.compile(r"""([a-zA-Z:_-]+)\s*=\s*("[^"]*"|'[^']*')""")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([.,;:!?])")
_SENTENCE_TAGS = frozenset({"s", "p", "speak"})
INDENT = "  "
SHOWN_PAUSE_MS = 1000
"""Silences at least this long get a countdown line; shorter ones are just waited."""


@dataclass(frozen=True)
class Say:
    """Words spoken as one sentence."""

    text: str


@dataclass(frozen=True)
class Pause:
    """Silence, in milliseconds (adjacent breaks are merged)."""

    ms: int


@dataclass(frozen=True)
class Sound:
    """An `<audio>` clip."""

    src: str


Segment = Say | Pause | Sound


def break_ms(attrs: Mapping[str, str]) -> int:
    """Length of one `<break>`: `time` in ms or s; `strength` as Alexa's defaults."""
    value = attrs.get("time", "").strip().lower()
    if value.endswith("ms"):
        return round(float(value[:-2] or 0))
    if value.endswith("s"):
        return round(float(value[:-1] or 0) * 1000)
    strengths = {"none": 0, "x-weak": 0, "weak": 350, "medium": 700, "strong": 1000,
                 "x-strong": 1200}
    return strengths.get(attrs.get("strength", "medium"), 700)


def parse_ssml(ssml: str) -> list[Segment]:
    """SSML -> sentences, pauses and sounds, in order. Unknown tags keep their text."""
    out: list[Segment] = []
    words: list[str] = []

    def flush() -> None:
        text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(" ".join(words).split()))
        words.clear()
        if text:
            out.append(Say(text))

    def pause(ms: int) -> None:
        flush()
        if ms <= 0:
            return
        if out and isinstance(out[-1], Pause):
            out[-1] = Pause(out[-1].ms + ms)
        else:
            out.append(Pause(ms))

    pos = 0
    for m in _TAG.finditer(ssml):
        words.append(unescape(ssml[pos:m.start()]))
        pos = m.end()
        closing, name, rest, self_closing = m.groups()
        attrs = {k: unescape(v[1:-1]) for k, v in _ATTR.findall(rest)}
        name = name.lower()
        if name == "break":
            pause(break_ms(attrs))
        elif name == "audio" and not closing:
            flush()
            out.append(Sound(attrs.get("src", "")))
        elif name == "sub" and not closing and "alias" in attrs and not self_closing:
            words.append(attrs["alias"])
            end = ssml.find("</sub>", pos)
            pos = end + len("</sub>") if end >= 0 else pos
        elif name in _SENTENCE_TAGS:
            flush()
    words.append(unescape(ssml[pos:]))
    flush()
    return out


class Screen:
    """Lines to a stream; on a terminal the countdown rewrites one line in place."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.live = self.stream.isatty() if live is None else live
        """A terminal: dim styling and a countdown that rewrites its line."""

    def line(self, text: str, dim: bool = False) -> None:
        if dim and self.live:
            text = f"\x1b[2m{text}\x1b[0m"
        self.stream.write(text + "\n")
        self.stream.flush()

    def status(self, text: str) -> None:
        """Rewrite the current line (terminal only)."""
        self.stream.write(f"\r\x1b[2K{text}")
        self.stream.flush()


@dataclass
class Player:
    """Plays segments: prints sentences, counts silences down, shows sounds as "[sound]"."""

    screen: Screen
    speaker: Speaker = field(default_factory=Silent)
    fast: bool = False
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    waited_s: float = 0.0
    """Total seconds spent in countdowns (tests read it with a fake sleep)."""

    def play_ssml(self, ssml: str, label: str) -> None:
        """One speech: the first line carries `label`, the rest are indented."""
        prefix = label
        for seg in parse_ssml(ssml):
            if isinstance(seg, Say):
                self.screen.line(f"{prefix}{seg.text}")
                self.speaker.say(seg.text)
            elif isinstance(seg, Sound):
                self.screen.line(f"{prefix}[sound]")
            elif seg.ms < SHOWN_PAUSE_MS:
                self.countdown(seg.ms)
                continue
            else:
                if prefix == label:
                    self.screen.line(label.rstrip())
                self.countdown(seg.ms)
            prefix = INDENT
        if prefix == label:
            self.screen.line(f"{label}(nothing)")

    def countdown(self, ms: int) -> None:
        """A silence: "  … 42 s", updated once a second on a terminal; instant with --fast.

        Pauses shorter than `SHOWN_PAUSE_MS` (between sentences) are waited but not shown.
        """
        seconds = ms / 1000
        if ms < SHOWN_PAUSE_MS:
            if not self.fast:
                self._wait(seconds, show=False)
            return
        if self.fast or not self.screen.live:
            self.screen.line(f"  … {_fmt(seconds)} s", dim=True)
            if not self.fast:
                self._wait(seconds, show=False)
            return
        self._wait(seconds, show=True)
        self.screen.status("")
        self.screen.line(f"  … {_fmt(seconds)} s", dim=True)

    def listen(self, ms: int) -> None:
        """A track playing: "  ♪ 1:23 left" ticking on a terminal; instant with --fast."""
        if self.fast or ms <= 0:
            return
        self._wait(ms / 1000, show=self.screen.live,
                   shown=lambda left: f"  ♪ {clock_text(left * 1000)} left")
        if self.screen.live:
            self.screen.status("")

    def _wait(self, seconds: float, show: bool,
              shown: Callable[[int], str] = lambda left: f"  … {left} s") -> None:
        if not show:
            self.sleep(seconds)
            self.waited_s += seconds
            return
        deadline = self.clock() + seconds
        while (left := deadline - self.clock()) > 1e-6:
            self.screen.status(shown(math.ceil(left - 1e-6)))
            step = left - math.floor(left - 1e-6)  # to the next whole second left
            self.sleep(step)
            self.waited_s += step


def _fmt(seconds: float) -> str:
    return f"{seconds:.0f}" if seconds >= 10 or seconds == int(seconds) else f"{seconds:.1f}"


def clock_text(ms: int) -> str:
    """65_000 -> "1:05"."""
    return f"{ms // 60000}:{ms // 1000 % 60:02d}"


def describe_directive(d: Mapping[str, Any]) -> str:
    """One readable line for a directive the console cannot carry out."""
    kind = str(d.get("type", "?"))
    if kind == "AudioPlayer.Play":
        stream = d.get("audioItem", {}).get("stream", {})
        behavior = d.get("playBehavior", "")
        return (f"▶ would play {stream.get('url')} from "
                f"{clock_text(int(stream.get('offsetInMilliseconds', 0)))} ({behavior}, "
                f"token {stream.get('token')})")
    if kind == "AudioPlayer.Stop":
        return "■ would stop playback"
    if kind == "AudioPlayer.ClearQueue":
        return f"■ would clear the queue ({d.get('clearBehavior')})"
    return f"[directive {kind}]"


def describe_request(envelope: Mapping[str, Any]) -> str:
    """One line saying what was sent: "→ IntentRequest PainIntent quality=sharp (new session)"."""
    request = envelope.get("request") or {}
    kind = str(request.get("type", "?"))
    parts = [f"→ {kind}"]
    if kind == "IntentRequest":
        intent = request.get("intent") or {}
        parts.append(str(intent.get("name")))
        for name, slot in (intent.get("slots") or {}).items():
            if "value" not in slot:
                continue
            if "resolutions" not in slot:  # a built-in type (AMAZON.NUMBER): the value itself
                parts.append(f"{name}={slot['value']!r}")
                continue
            authorities = (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or [{}]
            values = authorities[0].get("values") or []
            resolved = values[0]["value"]["id"] if values else f"{slot['value']!r} (no match)"
            parts.append(f"{name}={resolved}")
    elif kind == "SessionEndedRequest":
        parts.append(str(request.get("reason")))
    if (envelope.get("session") or {}).get("new"):
        parts.append("(new session)")
    return " ".join(parts)


def play_response(player: Player, envelope: Mapping[str, Any], audio_player: bool = False) -> None:
    """The final response: speech, card, directives, reprompt, and whether the mic stays open.

    With `audio_player` (a simulated player carries them out) AudioPlayer directives
    are left to that player to show.
    """
    response = envelope.get("response") or {}
    speech = speech_ssml(response.get("outputSpeech"))
    if speech is not None:
        player.play_ssml(speech, "Alexa: ")
    card = response.get("card")
    if isinstance(card, dict):
        body = card.get("content") or card.get("text") or ""
        player.screen.line(f"[card] {card.get('title', '')}: {' '.join(str(body).split())}",
                           dim=True)
    for directive in response.get("directives") or []:
        if not (audio_player and str(directive.get("type", "")).startswith("AudioPlayer.")):
            player.screen.line(describe_directive(directive))
    reprompt = speech_ssml((response.get("reprompt") or {}).get("outputSpeech"))
    if reprompt is not None:
        said = " ".join(s.text for s in parse_ssml(reprompt) if isinstance(s, Say))
        player.screen.line(f"  (reprompt) {said}", dim=True)
    if response.get("shouldEndSession") is True:
        player.screen.line("  (session ended)", dim=True)
    elif response.get("shouldEndSession") is False and reprompt is None:
        player.screen.line("  (warning: the session stays open without a reprompt)")


def speech_ssml(output: Any) -> str | None:
    """An outputSpeech object (SSML or PlainText) as SSML; None when there is none."""
    if not isinstance(output, Mapping):
        return None
    if output.get("type") == "SSML" and output.get("ssml"):
        return str(output["ssml"])
    if output.get("text"):
        return f"<speak>{_escape(str(output['text']))}</speak>"
    return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
