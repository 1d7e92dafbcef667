"""Render speed of the neural voice (piper, en_US-joe-medium) next to espeak-ng, one routine.

    .venv/bin/python -m benchmarks.neural_voice            # glute-release, short holds
    .venv/bin/python -m benchmarks.neural_voice --pace     # the voice's pace vs espeak-ng

Each voice renders the routine into a fresh data folder (no cached clips, no stored tracks),
alternating voices over --rounds. Synthesis is timed around the synthesizer alone (the
subprocess, decoding and resampling), so its real-time factor is synthesis seconds per second
of speech it produced; the full render adds the same assembly and MP3 encoding to both.
Needs scripts/bootstrap.sh's .venv-voice. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from skill.audio.neural import PiperSpeech, find_voice  # noqa: E402
from skill.audio.render import build_renderer  # noqa: E402
from skill.audio.speech import Clip, EspeakSpeech, SpeechChain, Synthesizer  # noqa: E402
from skill.content import load_content  # noqa: E402
from skill.core.preferences import HoldLength, Preferences  # noqa: E402
from skill.core.timeline import NORMAL_WORDS_PER_MINUTE  # noqa: E402
from skill.settings import Settings  # noqa: E402

ROUTINE = "glute-release"


class Timed:
    """A synthesizer that adds up how long it took and how much speech it made."""

    def __init__(self, inner: Synthesizer) -> None:
        self.inner, self.seconds, self.speech_ms, self.lines = inner, 0.0, 0, 0

    @property
    def identity(self) -> Mapping[str, str]:
        return self.inner.identity

    def synthesize(self, text: str, out_dir: Path) -> Clip | None:
        start = time.perf_counter()
        clip = self.inner.synthesize(text, out_dir)
        self.seconds += time.perf_counter() - start
        if clip is not None:
            self.speech_ms += clip.duration_ms
            self.lines += 1
        return clip


def render_once(inner: Synthesizer, folder: Path) -> dict[str, float]:
    timed = Timed(inner)
    renderer = build_renderer(Settings(data_dir=folder, speech="espeak"), load_content(),
                              audio_source=folder / "no-recordings")
    renderer.chain.synthesizer = timed
    start = time.perf_counter()
    summary = renderer.render_routine(ROUTINE, Preferences(hold=HoldLength.SHORT))
    total = time.perf_counter() - start
    if isinstance(inner, PiperSpeech):
        inner.close()
    return {"lines": timed.lines, "speech_s": timed.speech_ms / 1000, "synth_s": timed.seconds,
            "rtf": timed.seconds / (timed.speech_ms / 1000), "render_s": total,
            "audio_s": summary.audio_seconds, "tracks": summary.tracks}


def pace() -> None:
    """VOICE_QUICKNESS: the voice at length scale 1 against espeak-ng at a normal rate."""
    import yaml

    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str) and len(node.split()) > 6:
            texts.append(node)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(yaml.safe_load((ROOT / "skill/content/routines.yaml").read_text(encoding="utf-8")))
    voice = find_voice()
    assert voice is not None, "run scripts/bootstrap.sh first"
    with tempfile.TemporaryDirectory() as tmp:
        piper = PiperSpeech(voice, length_scale=1.0)
        neural = SpeechChain(None, piper, Path(tmp) / "n")
        espeak = SpeechChain(None, EspeakSpeech(words_per_minute=NORMAL_WORDS_PER_MINUTE),
                             Path(tmp) / "e")
        n = sum(c.duration_ms for t in texts[:10] if (c := neural.resolve(t)))
        e = sum(c.duration_ms for t in texts[:10] if (c := espeak.resolve(t)))
        piper.close()
    print(f"10 lines: neural (length scale 1) {n / 1000:.1f} s, espeak-ng -s "
          f"{NORMAL_WORDS_PER_MINUTE} {e / 1000:.1f} s: quickness {e / n:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pace", action="store_true")
    args = parser.parse_args()
    if args.pace:
        pace()
        return
    voice = find_voice()
    assert voice is not None, "run scripts/bootstrap.sh first"
    makers: dict[str, Callable[[], Synthesizer]] = {
        "espeak-ng": EspeakSpeech, "neural": lambda: PiperSpeech(voice)}
    results: dict[str, list[dict[str, float]]] = {"espeak-ng": [], "neural": []}
    for _ in range(args.rounds):
        for name, make in makers.items():
            with tempfile.TemporaryDirectory() as tmp:
                results[name].append(render_once(make(), Path(tmp)))
    print(f"{ROUTINE}, short holds, {args.rounds} rounds (median):")
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"  {name:9} {med['lines']:.0f} lines, {med['speech_s']:.1f} s of speech "
              f"synthesized in {med['synth_s']:.2f} s (RTF {med['rtf']:.3f}); full render "
              f"{med['render_s']:.1f} s for {med['tracks']:.0f} tracks, {med['audio_s']:.0f} s")


if __name__ == "__main__":
    main()
