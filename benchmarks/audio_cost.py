"""What streaming audio costs: the full `hipcoach render --all-preferences`, bytes per minute
of routine before (64 kbps CBR) and after (VBR, 16 kbps floor), and 1,000 routines on AWS.

    .venv/bin/python -m benchmarks.audio_cost            # print (about 10 minutes)
    .venv/bin/python -m benchmarks.audio_cost --write    # ... and update BENCHMARKS.md
    .venv/bin/python -m benchmarks.audio_cost --quick    # a small grid (smoke test)

1. The render, as an operator runs it: `hipcoach render --all-preferences` (espeak-ng, the
   embedded defaults) into a fresh HIPCOACH_DATA_DIR, then again (nothing to render). The
   characters it synthesized are what Polly would bill for the same render.
2. The same routines' tracks encoded both ways, from the same PCM.
3. One routine per mode through the real skill (benchmarks/routine_cost.py), priced with the
   dated table and the assumptions in benchmarks/aws_prices.py.
Everything runs on this machine; nothing leaves it.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks import aws_prices as P  # noqa: E402  (after the sys.path line)
from benchmarks.routine_cost import RoutineRun, run_routine  # noqa: E402
from benchmarks.run import BENCHMARKS_MD, child_env, machine, write_section  # noqa: E402
from skill.core.limits import (  # noqa: E402
    STREAM_BITRATE_KBPS,
    STREAM_MIN_BITRATE_KBPS,
    STREAM_SAMPLE_RATE_HZ,
)

BEGIN, END = "<!-- audio_cost.py:begin -->", "<!-- audio_cost.py:end -->"
ROUTINES = ("glute-release", "whole-pelvis")
"""Priced routines: the README's example (7 min) and the longest self-massage one (15 min)."""
BASE = "https://cdn.example.test"
"""A stand-in HTTPS audio base (CloudFront's place): devices get tracks, dialog gets chimes."""
QUICK_ARGS = ["quick-release", "--hold", "short", "--detail", "brief"]
KB = 1000


def render_all(data_dir: Path, quick: bool) -> dict[str, Any]:
    """Run the command twice in a fresh data dir; its report, timed here."""
    cmd = [str(ROOT / ".venv" / "bin" / "hipcoach"), "render", "--all-preferences",
           *(QUICK_ARGS if quick else [])]
    env = child_env(data_dir, SPEECH="espeak", AUDIO_STORE="local")
    runs = []
    for _ in range(2):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True,
                             check=True, timeout=3600).stdout
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        fields = dict(ln.split(": ", 1) for ln in out.splitlines() if ": " in ln)
        runs.append({"wall_s": time.perf_counter() - t0, "fields": fields,
                     "cpu_s": (after.ru_utime - before.ru_utime)
                     + (after.ru_stime - before.ru_stime)})
    tracks = data_dir / "audio" / "tracks"
    sizes = [p.stat().st_size for p in tracks.glob("*.mp3")]
    return {"command": " ".join(["hipcoach", *cmd[1:]]), "first": runs[0], "second": runs[1],
            "files": len(sizes), "bytes": sum(sizes), "polly": polly_characters(data_dir)}


def polly_characters(data_dir: Path) -> dict[str, int]:
    """Characters of every line the render synthesized, once each (the speech cache's texts).
    PollySpeech wraps each in SSML, but "SSML tags are not counted as billed characters"
    (Polly API reference, TextLengthExceededException, as botocore's docs quote it)."""
    texts = [json.loads(p.read_text())["text"]
             for p in (data_dir / "cache" / "speech").glob("*.json")]
    return {"lines": len(texts), "text": sum(len(t) for t in texts)}


def encodings(data_dir: Path, routine: str) -> dict[str, Any]:
    """Every track of `routine` (default preferences) from the same PCM, CBR and VBR."""
    from skill.audio.assemble import assemble, export_mp3, export_track
    from skill.audio.render import build_renderer
    from skill.core.preferences import Preferences
    from skill.settings import Settings
    from tests.support import mp3_frames

    renderer = build_renderer(Settings(data_dir=data_dir))
    out: dict[str, Any] = {"ms": 0, "cbr": 0, "vbr": 0, "seek_cbr": 0.0, "seek_vbr": 0.0,
                           "speech_kbps": []}
    with tempfile.TemporaryDirectory() as tmp:
        for step, side in renderer.tracks_of(routine, Preferences()):
            plan = renderer.plan(routine, step, side, Preferences())
            pcm = assemble(plan.timeline.events, plan.clips, renderer.sounds)
            cbr, vbr = Path(tmp) / "cbr.mp3", Path(tmp) / "vbr.mp3"
            export_mp3(pcm, cbr, STREAM_BITRATE_KBPS, STREAM_SAMPLE_RATE_HZ)
            export_track(pcm, vbr)
            out["ms"] += plan.timeline.duration_ms
            out["cbr"] += cbr.stat().st_size
            out["vbr"] += vbr.stat().st_size
            c, v = mp3_frames.read(cbr), mp3_frames.read(vbr)
            out["seek_cbr"] = max(out["seek_cbr"], mp3_frames.toc_seek_error_s(c, 0.25))
            out["seek_vbr"] = max(out["seek_vbr"], mp3_frames.toc_seek_error_s(v, 0.25))
            out["speech_kbps"] += [f.kbps for f in v.audio if f.kbps > STREAM_MIN_BITRATE_KBPS]
    return out


def minutes(data_dir: Path) -> dict[str, tuple[int, int]]:
    """A minute of silence and a minute of speech (one espeak line, looped): (CBR, VBR) bytes."""
    from pydub import AudioSegment

    from skill.audio.assemble import export_mp3, export_track
    from skill.audio.media import load_audio
    from skill.audio.render import build_renderer
    from skill.settings import Settings

    clip = build_renderer(Settings(data_dir=data_dir)).chain.synthesized(
        "Breathe in slowly through your nose, and let the ball sink a little deeper.")
    assert clip is not None
    line = load_audio(clip.path).set_frame_rate(STREAM_SAMPLE_RATE_HZ)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        cbr, vbr = Path(tmp) / "cbr.mp3", Path(tmp) / "vbr.mp3"
        for name, pcm in (("silence", AudioSegment.silent(60_000, STREAM_SAMPLE_RATE_HZ)),
                          ("speech", (line * (60_000 // len(line) + 1))[:60_000])):
            export_mp3(pcm, cbr, STREAM_BITRATE_KBPS, STREAM_SAMPLE_RATE_HZ)
            export_track(pcm, vbr)
            out[name] = (cbr.stat().st_size, vbr.stat().st_size)
    return out


def seeks_over_render(data_dir: Path) -> tuple[float, float, int]:
    """Xing-table seek error over every rendered track: (worst, median, tracks)."""
    from tests.support import mp3_frames

    errors = []
    for path in (data_dir / "audio" / "tracks").glob("*.mp3"):
        mp3 = mp3_frames.read(path)
        if mp3.tag == "Xing":  # tracks (cue clips are constant-rate, tagged "Info")
            errors.append(mp3_frames.toc_seek_error_s(mp3, 0.25))
    return max(errors), statistics.median(errors), len(errors)


def init_seconds(n: int = 5) -> float:
    """A Lambda INIT here: import skill.lambda_function in a fresh interpreter, no bytecode."""
    code = ("import time; t = time.perf_counter(); import skill.lambda_function; "
            "print(time.perf_counter() - t)")
    env = child_env(Path(tempfile.gettempdir()) / "hipcoach-init")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return statistics.median(float(subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
        check=True).stdout) for _ in range(n))


Bill = dict[str, tuple[float, float]]
"""One routine's line items: name -> (quantity, dollars)."""


def cost(run: RoutineRun, sizes: dict[str, int], init_s: float) -> Bill:
    """One routine's billable quantities, each with what it costs."""
    scale = P.LAMBDA_FULL_VCPU_MB / (P.LAMBDA_MEMORY_GB * 1024)
    billed = [math.ceil((c.compute_s * scale + (len(c.reads) + len(c.writes)) * P.DYNAMODB_CALL_S
                         + c.directive_calls * P.DIRECTIVE_API_CALL_S) * 1000) / 1000
              for c in run.calls]
    gb_s = P.LAMBDA_MEMORY_GB * (sum(billed) + P.COLD_STARTS_PER_ROUTINE * init_s)
    wru = sum(math.ceil(w / 1024) for c in run.calls for w in c.writes)
    rru = sum(max(1, math.ceil(r / 4096)) for c in run.calls for r in c.reads)
    gb_out = sum(sizes[name] for name in run.audio) / 1e9
    fetches = len(run.audio) * P.TRACK_FETCHES
    calls = sum(c.directive_calls for c in run.calls)
    return {"Lambda requests": (len(run.calls), len(run.calls) * P.LAMBDA_REQUEST.usd),
            "Lambda GB-seconds (billed)": (gb_s, gb_s * P.LAMBDA_ARM_GB_S.usd),
            "  of which waiting for progressive responses": (
                P.LAMBDA_MEMORY_GB * calls * P.DIRECTIVE_API_CALL_S,
                P.LAMBDA_MEMORY_GB * calls * P.DIRECTIVE_API_CALL_S * P.LAMBDA_ARM_GB_S.usd),
            "DynamoDB write units": (wru, wru * P.DYNAMODB_WRITE.usd),
            "DynamoDB read units": (rru, rru * P.DYNAMODB_READ.usd),
            "CloudFront GB out": (gb_out, gb_out * P.CLOUDFRONT_GB.usd),
            "CloudFront HTTPS requests": (fetches, fetches * P.CLOUDFRONT_HTTPS.usd)}


def total(bill: Bill) -> float:
    return sum(usd for name, (_q, usd) in bill.items() if not name.startswith(" "))


def _cell(quantity: float, usd: float) -> str:
    q = quantity * 1000
    return f"{q:,.2f} / ${usd * 1000:.3f}" if q < 100 else f"{q:,.0f} / ${usd * 1000:.3f}"


def report(r: dict[str, Any], enc: dict[str, dict[str, Any]],
           costs: dict[tuple[str, str], Bill], init_s: float, quick: bool) -> str:
    f1, f2 = r["first"]["fields"], r["second"]["fields"]
    polly = r["polly"]
    lines = [f"### 1. `{r['command']}`" + (" (--quick: a small grid, not the full figure)"
                                          if quick else ""), "",
             "| figure | value |", "|---|---|"]
    for key in ("preference combinations", "track slots", "distinct tracks", "audio to render",
                "estimated size", "estimated time", "rendered", "rendering took"):
        lines.append(f"| {key} | {f1.get(key, '')} |")
    lines += [f"| whole command, first run | {r['first']['wall_s'] / 60:.1f} min wall, "
              f"{r['first']['cpu_s'] / 60:.1f} min CPU |",
              f"| store afterwards | {r['files']} files (tracks + 4 cue clips), "
              f"{r['bytes'] / 1e6:.1f} MB |",
              f"| second run | {r['second']['wall_s']:.0f} s: "
              f"{f2.get('nothing to render', f2.get('to render', '?'))} |",
              f"| lines synthesized (what Polly bills at render) | {polly['lines']} lines, "
              f"{polly['text']:,} characters: ${polly['text'] * P.POLLY_NEURAL_CHAR.usd:.3f} "
              f"neural, ${polly['text'] * P.POLLY_STANDARD_CHAR.usd:.3f} standard, once per "
              "content or voice change (the speech cache keeps the rest) |", "",
              "### 2. Bytes per minute of routine (default preferences, same PCM both ways)", "",
              "| routine | minutes | 64 kbps CBR | VBR, 16 kbps floor | ratio | speech frames |"
              " Xing-table seek, worst (CBR / VBR) |", "|---|---|---|---|---|---|---|"]
    for routine, e in enc.items():
        minutes = e["ms"] / 60000
        speech = statistics.mean(e["speech_kbps"]) if e["speech_kbps"] else 0
        lines.append(f"| {routine} | {minutes:.1f} | {e['cbr'] / minutes / KB:.0f} kB/min | "
                     f"{e['vbr'] / minutes / KB:.0f} kB/min | {e['cbr'] / e['vbr']:.2f}x | "
                     f"{speech:.0f} kbps average | {e['seek_cbr']:.2f} s / "
                     f"{e['seek_vbr']:.2f} s |")
    for name, (cbr, vbr) in r["minutes"].items():
        lines.append(f"| a minute of {name} | 1.0 | {cbr / KB:.0f} kB | {vbr / KB:.0f} kB | "
                     f"{cbr / vbr:.2f}x | | |")
    worst, median, count = r["seeks"]
    lines += ["", f"Xing-table seek over all {count} rendered tracks: worst {worst:.2f} s, "
              f"median {median:.2f} s.", ""]
    hours = float(f1.get("audio to render", "0 h").split()[0]) or 1
    lines += [f"Whole render: {r['bytes'] / 1e6:.1f} MB for {hours:.2f} h of audio = "
              f"{r['bytes'] / (hours * 60) / KB:.0f} kB/min; the same audio at 64 kbps CBR "
              f"would be {hours * 3600 * STREAM_BITRATE_KBPS / 8 / 1000:.0f} MB (computed: CBR "
              "is 8 kB/s).", "",
              "### 3. 1,000 routines on AWS (us-east-1 list prices as of "
              f"{P.PRICES_AS_OF}, free tiers left out)", ""]
    if not costs:
        return "\n".join([*lines, "(skipped with --quick)"])
    cols = list(costs)
    lines += ["| per 1,000 routines: quantity / $ | " + " | ".join(
        f"{rt}, {m}" for rt, m in cols) + " |", "|---|" + "---|" * len(cols)]
    for name in costs[cols[0]]:
        lines.append(f"| {name.strip()} | " + " | ".join(
            _cell(*costs[c][name]) for c in cols) + " |")
    lines.append("| **total** | " + " | ".join(f"**${total(costs[c]) * 1000:.2f}**"
                                               for c in cols) + " |")
    before = []
    for rt, mode in cols:  # the same routine's tracks at 64 kbps CBR (section 2's bytes)
        bill = costs[(rt, mode)]
        if mode == "streaming":
            usd = total(bill) - bill["CloudFront GB out"][1] + enc[rt]["cbr"] / 1e9 * \
                P.CLOUDFRONT_GB.usd
            before.append(f"${usd * 1000:.2f}")
        else:
            before.append("same (SSML clips unchanged)")
    lines.append("| total with 64 kbps CBR tracks (before) | " + " | ".join(before) + " |")
    lines += ["", f"Lambda: billed per request = compute measured here x {P.LAMBDA_FULL_VCPU_MB}"
              f"/512 (vCPU share at 512 MB) + {P.DYNAMODB_CALL_S * 1000:.0f} ms per DynamoDB "
              f"call + {P.DIRECTIVE_API_CALL_S * 1000:.0f} ms per directive API call, rounded up "
              f"to 1 ms; plus {P.COLD_STARTS_PER_ROUTINE} cold start per routine (INIT "
              f"{init_s * 1000:.0f} ms measured here). Prices and assumptions with their sources: "
              "benchmarks/aws_prices.py. S3 storage of the render: "
              f"${r['bytes'] / 1e9 * P.S3_STANDARD_GB_MONTH.usd:.3f} a month."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    parser.add_argument("--quick", action="store_true", help="a small grid (smoke test)")
    args = parser.parse_args(argv)
    info, started = machine(), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hipcoach-audio-cost-") as tmp:
        data = Path(tmp) / "data"
        print("1. rendering every preference (several minutes)...", flush=True)
        rendered = render_all(data, args.quick)
        rendered["minutes"], rendered["seeks"] = minutes(data), seeks_over_render(data)
        print("2. encoding the same routines both ways...", flush=True)
        routines = ("quick-release",) if args.quick else ROUTINES
        enc = {rt: encodings(data, rt) for rt in routines}
        print("3. routines through the skill...", flush=True)
        sizes = {p.name: p.stat().st_size for p in (data / "audio" / "tracks").glob("*.mp3")}
        init_s = init_seconds()
        costs: dict[tuple[str, str], Bill] = {}
        for rt in routines if not args.quick else ():
            for mode, progressive, label in (("streaming", False, "streaming"),
                                             ("dialog", True, "dialog"),
                                             ("dialog", False, "dialog, progressive off")):
                run_routine(mode, rt, data, BASE, progressive)  # warm-up: imports, not turns
                costs[(rt, label)] = cost(run_routine(mode, rt, data, BASE, progressive),
                                          sizes, init_s)
    seconds = time.perf_counter() - started
    command = "python -m benchmarks.audio_cost" + (" --quick" if args.quick else "")
    body = "\n".join([
        f"Command: `{command}` (took {seconds / 60:.0f} min)", "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['python']}, {info['os']}",
        f"Date: {info['date']}; load average at start {info['load']}, at end "
        f"{machine()['load']}", "", report(rendered, enc, costs, init_s, args.quick)])
    print(body)
    if args.write:
        write_section(BENCHMARKS_MD, BEGIN, END, body)
        print(f"wrote {BENCHMARKS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
