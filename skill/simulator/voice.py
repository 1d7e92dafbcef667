"""Speaking a response in the browser: SSML -> one WAV, its breaks kept to the millisecond.

Why one file per response: the page plays it in an <audio> element, so a hold lasts as long
as it will on a speaker, and "skip silence" is a seek to the end of a silence listed beside
it. Speech comes from the same `SpeechChain` that `hipcoach render` uses (recordings, then
the configured synthesizer through its disk cache), so a better embedded voice there is
heard here too; each clip is prepared (loudness, rate) by skill.audio.assemble, as in a
rendered track. <audio> cue clips are played when they are files of our own audio folder.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from skill.audio.assemble import RATE, SAMPLE_WIDTH, fit, prepared_speech
from skill.audio.media import load_audio, save_audio
from skill.audio.speech import SpeechChain
from skill.audio.store import is_valid_name
from skill.console.render import Pause, Say, Sound, parse_ssml
from skill.core.record import Record

log = logging.getLogger("hipcoach.simulator")

VOICE_VERSION = "1"
"""Bump when the assembly here changes, so cached response audio is rebuilt."""
MAX_VOICE_BYTES = 300 * 1024 * 1024
"""Our cap on the rendered responses kept on disk (about 100 minutes of 24 kHz speech); the
least recently used go first, so a long day of trying routines does not fill the disk."""
SOUND_MAX_MS = 240_000
"""Our cap on one <audio> clip's length (Alexa's own SSML audio limit is lower); a bad file
must not make an endless response."""


class Silence(Record):
    """A stretch of silence in a rendered response, in ms from its start."""

    start_ms: int
    end_ms: int


class Spoken(Record):
    """A response rendered to audio: its file name under the voice folder, and its silences."""

    name: str
    duration_ms: int
    silences: tuple[Silence, ...]
    text: str
    """The words said, for the transcript."""


def _silence(ms: int) -> Any:
    from pydub import AudioSegment

    return fit(AudioSegment.silent(duration=0, frame_rate=RATE), ms)


class Voice:
    """Renders SSML with a speech chain; files are named by a hash of SSML and voice."""

    def __init__(self, chain: SpeechChain, out_dir: Path, sounds_dir: Path,
                 max_bytes: int = MAX_VOICE_BYTES) -> None:
        self.chain, self.out_dir, self.sounds_dir = chain, out_dir, sounds_dir
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        with self._lock:
            self._prune(keep=None)

    def _prune(self, keep: Path | None) -> None:
        """Delete the least recently used WAVs until the folder is under `max_bytes`
        (never `keep`, the one just made or reused). A file that cannot be read or removed
        is skipped: cleaning up must never break speaking."""
        try:
            found = [(p.stat(), p) for p in self.out_dir.glob("*.wav") if p != keep]
        except OSError:
            return
        total = sum(st.st_size for st, _ in found) + (
            keep.stat().st_size if keep is not None and keep.is_file() else 0)
        for st, path in sorted(found, key=lambda f: f[0].st_mtime):
            if total <= self.max_bytes:
                break
            try:
                path.unlink()
            except OSError as exc:
                log.info("simulator: could not remove %s: %s", path.name, exc)
                continue
            total -= st.st_size

    def _sound(self, src: str) -> Any | None:
        """A cue clip the skill put in <audio>, when it is one of our audio files."""
        name = Path(urlsplit(src).path).name
        path = self.sounds_dir / name
        if not is_valid_name(name) or not path.is_file():
            log.info("simulator: <audio> %s is not a local audio file; not played", src)
            return None
        segment = load_audio(path).set_channels(1).set_sample_width(SAMPLE_WIDTH)
        return segment.set_frame_rate(RATE)[:SOUND_MAX_MS]

    def render(self, ssml: str) -> Spoken:
        """The response as a WAV in `out_dir` (reused when already rendered)."""
        segments = parse_ssml(ssml)
        text = " ".join(s.text for s in segments if isinstance(s, Say))
        key = hashlib.sha256(f"{VOICE_VERSION}|{self.chain.describe()}|{ssml}".encode())
        name = key.hexdigest()[:24] + ".wav"
        parts: list[bytes] = []
        silences: list[Silence] = []
        at = 0
        for segment in segments:
            if isinstance(segment, Say):
                clip = self.chain.synthesized(segment.text)
                piece = prepared_speech(clip, clip.duration_ms) if clip is not None else None
            elif isinstance(segment, Pause):
                piece = _silence(segment.ms)
                if silences and silences[-1].end_ms == at:  # breaks in a row: one silence
                    silences[-1] = Silence(start_ms=silences[-1].start_ms, end_ms=at + segment.ms)
                else:
                    silences.append(Silence(start_ms=at, end_ms=at + segment.ms))
            else:
                assert isinstance(segment, Sound)
                piece = self._sound(segment.src)
            if piece is None:
                continue
            data: bytes = piece.raw_data
            parts.append(data)
            at += len(data) * 1000 // (RATE * SAMPLE_WIDTH)
        path = self.out_dir / name
        with self._lock:
            if not path.is_file():
                from pydub import AudioSegment

                self.out_dir.mkdir(parents=True, exist_ok=True)
                whole = AudioSegment(data=b"".join(parts), sample_width=SAMPLE_WIDTH,
                                     frame_rate=RATE, channels=1)
                part = path.with_suffix(".part")
                save_audio(whole, part, format="wav")
                part.replace(path)
                self._prune(keep=path)  # only a new file can take the folder past the cap
            else:
                path.touch()  # recently used: the last to be pruned
        return Spoken(name=name, duration_ms=at, silences=tuple(silences), text=text)
