"""Dialog-mode packer: a timeline -> what Alexa turns can carry.

A turn is up to N progressive responses plus the final response. Pieces are cut
only at event boundaries and every piece respects the `PackingProfile`. When a
step does not fit one turn it is split at the most natural point: after a side
switch, else before a hold starts, else between breaths, and the turn ends with
a question to continue. Pure: no SDK, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from skill.content.model import Cues
from skill.core import ssml
from skill.core.limits import ALEXA, PackingProfile
from skill.core.timeline import Event, EventKind, SpeechTimer, estimate_speech_ms
from skill.core.variation import Phraser


class PackingError(ValueError):
    """The profile is too strict to carry even one event in a response."""


@dataclass(frozen=True)
class Segment:
    """One thing a piece plays, in order: a spoken line, a silence or a cue sound."""

    kind: str
    """"say", "pause" or "sound"."""
    text: str
    """Words for "say", the sound id for "sound", "" for "pause"."""
    ms: int
    event: EventKind | None = None
    """The timeline event it comes from (None for intro lines and questions)."""


@dataclass(frozen=True)
class Piece:
    """One response's speech: a progressive response or the final one."""

    ssml: str
    """Full <speak> document."""
    segments: tuple[Segment, ...]
    play_ms: int
    audio_tags: int
    audio_ms: int
    event_count: int = 0
    """How many timeline events this piece plays (intro lines and questions excluded)."""

    @property
    def body(self) -> str:
        """The SSML without <speak>, for ask-sdk's speak()."""
        return ssml.strip_speak(self.ssml)

    @property
    def text(self) -> str:
        """What is said, as plain text (cards, logs, the console)."""
        return " ".join(s.text for s in self.segments if s.kind == "say")


@dataclass(frozen=True)
class Turn:
    """What one request answers: progressive pieces, then the final piece."""

    progressive: tuple[Piece, ...]
    final: Piece
    question: str
    """The closing question (also the basis of the reprompt)."""
    event_count: int
    """How many of the input events this turn plays; the next turn starts after them."""
    complete: bool
    """True when this turn reaches the end of the input events."""

    @property
    def pieces(self) -> tuple[Piece, ...]:
        return (*self.progressive, self.final)


SoundUrls = Mapping[str, tuple[str, int]]
"""Cue sound id -> (HTTPS URL of the clip, its length in ms)."""


class _Draft:
    """A piece being filled; checks each addition against the limits before taking it."""

    def __init__(self, profile: PackingProfile, max_ms: int, max_audio_ms: int) -> None:
        self.profile, self.max_ms, self.max_audio_ms = profile, max_ms, max_audio_ms
        self.segments: list[Segment] = []
        self.parts: list[str] = []
        self.chars = len(ssml.speak(""))
        self.play_ms = self.audio_ms = self.audio_tags = 0
        self.events = 0
        self.reserved_chars = 0
        """Characters kept free for the closing question of the final piece."""

    def _render(self, segs: Sequence[Segment], sounds: SoundUrls | None,
                audio_budget: tuple[int, int]) -> tuple[list[str], list[Segment], int, int, int]:
        tags, audio_ms = audio_budget
        out: list[str] = []
        kept: list[Segment] = []
        play = 0
        for seg in segs:
            if seg.kind == "sound":
                if not sounds or seg.text not in sounds:
                    continue
                url, ms = sounds[seg.text]
                if tags + 1 > self.profile.max_audio_tags or audio_ms + ms > self.max_audio_ms:
                    # over the audio budget: keep its time as silence so the hold stays exact
                    seg = Segment("pause", "", seg.ms, seg.event)
                    out.append(ssml.silence(seg.ms, self.profile.max_break_ms))
                    kept.append(seg)
                    play += seg.ms
                    continue
                tags, audio_ms = tags + 1, audio_ms + ms
                out.append(ssml.audio(url))
            elif seg.kind == "say":
                out.append(ssml.text(seg.text))
            else:
                out.append(ssml.silence(seg.ms, self.profile.max_break_ms))
            kept.append(seg)
            play += seg.ms
        return out, kept, play, tags, audio_ms

    def try_add(self, segs: Sequence[Segment], sounds: SoundUrls | None) -> bool:
        out, kept, play, tags, audio_ms = self._render(segs, sounds,
                                                       (self.audio_tags, self.audio_ms))
        chars = sum(map(len, out))
        if (self.chars + chars + self.reserved_chars > self.profile.max_chars
                or self.play_ms + play > self.max_ms):
            return False
        self.parts += out
        self.segments += kept
        self.chars += chars
        self.play_ms += play
        self.audio_tags, self.audio_ms = tags, audio_ms
        return True

    def piece(self) -> Piece:
        return Piece(ssml.speak("".join(self.parts)), tuple(self.segments), self.play_ms,
                     self.audio_tags, self.audio_ms, self.events)


def segments_of(event: Event, sounds: SoundUrls | None) -> list[Segment]:
    """An event as segments; a cue sound's length comes out of the silence after the words."""
    segs: list[Segment] = []
    sound_ms = 0
    # SSML cannot overlap a clip with speech, so a cue sound plays only where it fits in
    # the event's own silence; otherwise it is left out and the timing stays exact.
    if event.sound and sounds and event.sound in sounds \
            and sounds[event.sound][1] <= event.silence_ms:
        sound_ms = sounds[event.sound][1]
        segs.append(Segment("sound", event.sound, sound_ms, event.kind))
    if event.text:
        segs.append(Segment("say", event.text, event.speech_ms, event.kind))
    rest = event.silence_ms - sound_ms
    if rest > 0:
        segs.append(Segment("pause", "", rest, event.kind))
    return segs


def _line(words: str, timer: SpeechTimer) -> Segment:
    return Segment("say", words, timer(words))


_CUT_QUESTION = {"side": "side_question", "hold": "hold_question", "any": "continue_question"}
_CUT_RANK = {"any": 0, "hold": 1, "side": 2}
"""Prefer cutting after a side switch, then before a hold, then anywhere."""


def _cut_kind(events: Sequence[Event], k: int) -> str:
    """How natural a cut before events[k] is."""
    if events[k - 1].kind is EventKind.SWITCH_SIDES and events[k].kind is not \
            EventKind.SWITCH_SIDES:  # after the cue and the lines saying how to change over
        return "side"
    if events[k].kind is EventKind.HOLD_START:
        return "hold"
    return "any"


def _fill(events: Sequence[Event], profile: PackingProfile, intro: Sequence[Segment],
          closing: Segment, sounds: SoundUrls | None, limit: int) -> tuple[list[Piece], int]:
    """Greedily fill progressive pieces then the final; returns pieces and events used."""
    drafts = [_Draft(profile, profile.progressive_max_ms, profile.progressive_max_audio_ms)
              for _ in range(profile.max_progressive)]
    final = _Draft(profile, profile.final_max_ms - closing.ms, profile.max_audio_ms)
    final.reserved_chars = len(ssml.text(closing.text))
    drafts.append(final)
    d = 0
    pending_intro = list(intro)
    while pending_intro and d < len(drafts):
        if drafts[d].try_add(pending_intro, sounds):
            pending_intro = []
        else:
            d += 1
    if pending_intro:
        raise PackingError("the intro alone does not fit one response")
    used = 0
    while used < limit and d < len(drafts):
        if drafts[d].try_add(segments_of(events[used], sounds), sounds):
            drafts[d].events += 1
            used += 1
        else:
            d += 1
    final.max_ms += closing.ms
    final.reserved_chars = 0
    if not final.try_add([closing], sounds):
        raise PackingError("the closing question does not fit the final response")
    pieces = [dr.piece() for dr in drafts[:-1] if dr.segments]
    return [*pieces, final.piece()], used


def pack_turn(events: Sequence[Event], cues: Cues, seed: int, *, question: str,
              intro: Sequence[str] = (), profile: PackingProfile = ALEXA,
              timer: SpeechTimer = estimate_speech_ms,
              sounds: SoundUrls | None = None) -> Turn:
    """Pack as many of `events` as one turn can carry, ending at a natural point.

    `question` closes the turn when it reaches the end of `events`; otherwise a
    continue question fitting the cut ("Ready for the other side?") does.
    """
    phraser = Phraser(cues.phrasings, seed)
    intro_segs = [_line(w, timer) for w in intro]
    done = _line(question, timer)
    pieces, used = _fill(events, profile, intro_segs, done, sounds, len(events))
    if used == len(events):
        return Turn(tuple(pieces[:-1]), pieces[-1], question, used, True)
    if used == 0:
        raise PackingError("not even one event fits a turn under this profile")
    # Too long for one turn: back off to the most natural cut at or before `used`.
    # Continue questions differ in length, so re-fill with the chosen one; if that
    # carries fewer events, choose again from where it stopped.
    for _ in range(8):
        best = max(range(1, used + 1), key=lambda k: (_CUT_RANK[_cut_kind(events, k)], k))
        _, ask = phraser.pick(_CUT_QUESTION[_cut_kind(events, best)])
        pieces, used = _fill(events, profile, intro_segs, _line(ask, timer), sounds, best)
        if used == best:
            break
        if used == 0:
            raise PackingError("not even one event fits a turn under this profile")
    return Turn(tuple(pieces[:-1]), pieces[-1], ask, used, False)


def pack_all(events: Sequence[Event], cues: Cues, seed: int, *, question: str,
             intro: Sequence[str] = (), profile: PackingProfile = ALEXA,
             timer: SpeechTimer = estimate_speech_ms,
             sounds: SoundUrls | None = None) -> list[Turn]:
    """Every turn needed to play `events` (the CLI and tests; the skill packs one at a time)."""
    turns: list[Turn] = []
    offset = 0
    while offset < len(events):
        turn = pack_turn(events[offset:], cues, seed + len(turns), question=question,
                         intro=intro if not turns else (), profile=profile, timer=timer,
                         sounds=sounds)
        turns.append(turn)
        offset += turn.event_count
    return turns
