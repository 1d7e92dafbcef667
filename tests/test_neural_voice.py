"""The neural embedded voice (piper in .venv-voice, run as a subprocess) and its espeak-ng fallback.

The real-voice tests run the piper and voice that scripts/bootstrap.sh installs (skipped on a
machine without them, failed under CI, where bootstrap always installs them). The others put
a small stand-in `piper` script in a throwaway voice folder: it follows the real CLI's protocol
(one line on stdin -> one WAV in the -d folder and "Wrote <path>" on stderr), can fail or hang
on request, and counts how often it was started.
"""

from __future__ import annotations

import logging
import os
import stat
import statistics
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from skill.audio.media import load_audio
from skill.audio.neural import (
    IDLE_STOP_S,
    VOICE_NAME,
    VOICE_PACKAGE,
    FallbackSpeech,
    PiperSpeech,
    embedded_speech,
    find_voice,
)
from skill.audio.render import build_renderer
from skill.audio.speech import EspeakSpeech, SpeechChain, SpeechError
from skill.content import load_content
from skill.core.limits import STREAM_SAMPLE_RATE_HZ
from skill.core.preferences import HoldLength, Preferences
from skill.settings import Settings

SENTENCE = "Lie on your back and let both knees fall slowly to the left."
INSTALLED = find_voice()
real_voice = pytest.mark.skipif(INSTALLED is None and not os.environ.get("CI"),
                                reason="the neural voice is not installed (scripts/bootstrap.sh)")

STUB = textwrap.dedent('''\
    #!{python}
    """Stand-in for piper's CLI: a 440 Hz tone of 0.2 s per word for each input line."""
    import math, os, struct, sys, time, wave
    args = sys.argv[1:]
    out = args[args.index("-d") + 1]
    scale = float(args[args.index("--length-scale") + 1])
    with open(os.path.join(os.path.dirname(sys.argv[0]), "starts"), "a") as f:
        f.write("start\\n")
    mode = os.environ.get("STUB_PIPER", "ok")
    for line in sys.stdin:
        if mode == "fail":
            print("ERROR:piper:voice model is damaged", file=sys.stderr, flush=True)
            sys.exit(3)
        if mode == "hang":
            time.sleep(3600)
        n = int(22050 * 0.2 * scale * len(line.split()))
        path = os.path.join(out, f"{{time.monotonic_ns()}}.wav")
        with wave.open(path, "wb") as w:
            w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
            w.writeframes(b"".join(struct.pack("<h", int(9000 * math.sin(i / 8)))
                                   for i in range(n)))
        print(f"INFO:__main__:Wrote {{path}}", file=sys.stderr, flush=True)
''')


def stub_env(root: Path, config: str = '{"audio": {"sample_rate": 22050}}') -> Path:
    """A voice virtualenv with the stand-in piper and a fake model (config decides the voice)."""
    data = root / "lib" / "python3.11" / "site-packages" / VOICE_PACKAGE / "data"
    data.mkdir(parents=True)
    (data / f"{VOICE_NAME}.onnx").write_bytes(b"not really onnx")
    (data / f"{VOICE_NAME}.onnx.json").write_text(config)
    (root / "lib" / "python3.11" / "site-packages" / "piper_tts-1.8.0.dist-info").mkdir()
    exe = root / "bin" / "piper"
    exe.parent.mkdir()
    exe.write_text(STUB.format(python=sys.executable))
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return root


def starts(env: Path) -> int:
    marker = env / "bin" / "starts"
    return len(marker.read_text().splitlines()) if marker.exists() else 0


# --- the real voice ------------------------------------------------------------------------


@real_voice
def test_the_neural_voice_speaks_a_sentence_at_the_coachs_pace(tmp_path: Path) -> None:
    assert INSTALLED is not None, "CI: scripts/bootstrap.sh must install the neural voice"
    calm = PiperSpeech(INSTALLED)
    brisk = PiperSpeech(INSTALLED, length_scale=1.0)
    try:
        clip = SpeechChain(None, calm, tmp_path / "calm").resolve(SENTENCE)
        quick = SpeechChain(None, brisk, tmp_path / "brisk").resolve(SENTENCE)
        # piper varies each phoneme's length at random (its noise_w), so one utterance may
        # come out some 5% off: the pace is compared on the median of three of each
        paces = {speech: statistics.median(_spoken_ms(speech, SENTENCE, tmp_path / f"{n}{i}")
                                           for i in range(3))
                 for n, speech in (("c", calm), ("b", brisk))}
    finally:
        calm.close()
        brisk.close()
    assert clip is not None and quick is not None
    audio = load_audio(clip.path)
    assert (audio.frame_rate, audio.channels) == (STREAM_SAMPLE_RATE_HZ, 1)
    # Paced like the rest of the coach: within a quarter of espeak-ng at the coach's rate.
    espeak = SpeechChain(None, EspeakSpeech(), tmp_path / "espeak").resolve(SENTENCE)
    assert espeak is not None
    assert 0.75 < clip.duration_ms / espeak.duration_ms < 1.25, (clip, espeak)
    assert abs(len(audio) - clip.duration_ms) <= 1
    # Speech all the way through, not a click and silence: most 100 ms windows are loud.
    windows = [audio[i:i + 100] for i in range(0, len(audio) - 100, 100)]
    assert audio.dBFS > -30
    assert sum(w.dBFS > -40 for w in windows) >= 0.6 * len(windows)
    # Slowed from the voice's own brisk pace (length scale 1) by about LENGTH_SCALE (1.31;
    # about 1.22 measured on this sentence, whose edges do not stretch).
    assert 1.15 < paces[calm] / paces[brisk] < 1.5, paces


def _spoken_ms(speech: PiperSpeech, text: str, folder: Path) -> int:
    folder.mkdir()
    clip = speech.synthesize(text, folder)
    assert clip is not None
    return clip.duration_ms


@real_voice
def test_one_piper_process_serves_every_line_of_a_render(tmp_path: Path) -> None:
    assert INSTALLED is not None
    speech = PiperSpeech(INSTALLED)
    chain = SpeechChain(None, speech, tmp_path)
    try:
        first = chain.resolve("Breathe in.")
        worker = speech._worker
        second = chain.resolve("And slowly breathe out.")
        assert speech._worker is worker is not None
    finally:
        speech.close()
    assert first is not None and second is not None
    assert second.duration_ms > first.duration_ms > 300


# --- choosing the voice, and falling back ----------------------------------------------------


def test_auto_and_neural_choose_the_installed_voice(tmp_path: Path) -> None:
    env = stub_env(tmp_path / "voice")
    for speech in ("auto", "neural"):
        renderer = build_renderer(Settings(data_dir=tmp_path / "d", speech=speech,
                                           voice_env=env))
        assert renderer.chain.synthesizer.identity["kind"] == "piper"
    assert Settings.from_env({}).speech == "auto"
    assert Settings().speech == "espeak"  # built directly: never what this machine installed
    settings = Settings.from_env({"HIPCOACH_VOICE_ENV": str(env)})
    assert build_renderer(settings).chain.synthesizer.identity["voice"] == VOICE_NAME


def test_espeak_speaks_when_the_piper_executable_is_missing(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    env = stub_env(tmp_path / "voice")
    (env / "bin" / "piper").unlink()
    with caplog.at_level(logging.INFO, logger="skill.audio.neural"):
        renderer = build_renderer(Settings(data_dir=tmp_path / "d", speech="neural",
                                           voice_env=env))
    assert isinstance(renderer.chain.synthesizer, EspeakSpeech)
    [record] = caplog.records
    assert record.levelno == logging.WARNING and "bootstrap.sh" in record.getMessage()
    clip = renderer.chain.resolve(SENTENCE)  # real espeak-ng
    assert clip is not None and clip.duration_ms > 2000


def test_a_failing_piper_gives_way_to_espeak_once_and_is_cached_as_espeak(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUB_PIPER", "fail")
    env = stub_env(tmp_path / "voice")
    speech = embedded_speech(env)
    assert isinstance(speech, FallbackSpeech)
    chain = SpeechChain(None, speech, tmp_path / "cache")
    neural_key = chain.cache_key("Breathe in.")
    with caplog.at_level(logging.WARNING, logger="skill.audio.neural"):
        first = chain.resolve("Breathe in.")
        second = chain.resolve("And slowly breathe out.")
    assert first is not None and second is not None
    [warning] = caplog.records  # logged once, with piper's own reason
    assert "voice model is damaged" in warning.getMessage()
    assert starts(env) == 1  # not restarted for every line
    assert speech.identity == EspeakSpeech().identity
    # The espeak audio is stored under espeak-ng's key, never under the neural voice's.
    espeak_key = SpeechChain(None, EspeakSpeech(), tmp_path / "x").cache_key("Breathe in.")
    assert first.path == tmp_path / "cache" / f"{espeak_key}.wav"
    assert not (tmp_path / "cache" / f"{neural_key}.wav").exists()


def test_a_piper_that_hangs_is_stopped_and_the_line_still_spoken(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUB_PIPER", "hang")
    voice = find_voice(stub_env(tmp_path / "voice"))
    assert voice is not None
    piper = PiperSpeech(voice, timeout=0.5)
    with pytest.raises(SpeechError, match="did not answer"):
        piper.synthesize("Hold.", tmp_path)
    assert piper._worker is None  # killed, not left running
    speech = FallbackSpeech(PiperSpeech(voice, timeout=0.5), EspeakSpeech())
    clip = speech.synthesize("Hold it there.", tmp_path)
    assert clip is not None and clip.duration_ms > 500


# --- track names ------------------------------------------------------------------------------


def test_track_names_follow_the_voice(tmp_path: Path) -> None:
    content = load_content()
    routine = "glute-release"
    prefs = Preferences(hold=HoldLength.SHORT)

    def name(speech: str, env: Path | None, data: str) -> str:
        renderer = build_renderer(Settings(data_dir=tmp_path / data, speech=speech,
                                           voice_env=env), content,
                                  audio_source=tmp_path / "no-recordings")
        return renderer.plan(routine, 0, 0, prefs).name

    joe = stub_env(tmp_path / "joe")
    other = stub_env(tmp_path / "other", config='{"audio": {"sample_rate": 16000}}')
    first = name("neural", joe, "a")
    assert name("neural", joe, "b") == first  # same voice, fresh cache: the same track
    assert name("neural", other, "c") != first  # another voice model: a new track
    assert name("espeak", None, "d") not in {first, name("neural", other, "c")}


def test_clips_reach_the_stream_rate_at_the_length_scale_asked(tmp_path: Path) -> None:
    voice = find_voice(stub_env(tmp_path / "voice"))
    assert voice is not None
    piper = PiperSpeech(voice, length_scale=1.5)
    try:
        clip = piper.synthesize("one two three four five", tmp_path)
    finally:
        piper.close()
    assert clip is not None
    audio = load_audio(clip.path)
    assert audio.frame_rate == STREAM_SAMPLE_RATE_HZ
    # The stub's 0.2 s per word, times the length scale piper was asked for.
    assert abs(clip.duration_ms - 5 * 200 * 1.5) < 5


class FakeTimer:
    """Records the idle stop instead of waiting for it; the test fires it."""

    def __init__(self, seconds: float, then: Callable[[], None]) -> None:
        self.seconds, self.then, self.cancelled, self.started = seconds, then, False, False

    def start(self) -> None:
        self.started = True

    def cancel(self) -> None:
        self.cancelled = True


def test_piper_is_stopped_when_idle_and_started_again_for_the_next_line(
        tmp_path: Path) -> None:
    """A simulator left open does not keep piper's model in memory: after the idle time the
    process ends; the next line starts a new one and is spoken as before."""
    env = stub_env(tmp_path / "voice")
    voice = find_voice(env)
    assert voice is not None
    timers: list[FakeTimer] = []

    def timer(seconds: float, then: Callable[[], None]) -> FakeTimer:
        timers.append(FakeTimer(seconds, then))
        return timers[-1]

    speech = PiperSpeech(voice, timer=timer)
    try:
        assert speech.synthesize("Breathe in.", tmp_path) is not None
        assert speech.synthesize("And out.", tmp_path) is not None
        assert starts(env) == 1 and timers[0].cancelled  # a line in time: not stopped
        assert timers[-1].started and timers[-1].seconds == IDLE_STOP_S
        process = speech._worker.proc if speech._worker else None
        timers[-1].then()  # the idle time passes
        assert speech._worker is None and process is not None
        assert process.wait(timeout=10) is not None  # the piper process has ended
        again = speech.synthesize("Breathe in again.", tmp_path)
        assert again is not None and again.duration_ms > 0 and starts(env) == 2
    finally:
        speech.close()
