"""Bounded load test of `hipcoach serve` on loopback, then a check of every user's saved progress.

    .venv/bin/python -m benchmarks.load                  # 50 users per phase, whole-pelvis
    .venv/bin/python -m benchmarks.load --users 20 --routine glute-release
    .venv/bin/python -m benchmarks.load --write          # also update BENCHMARKS.md

What it does, and nothing else:

1. Starts ``hipcoach serve --no-verify --port P`` on 127.0.0.1 in a subprocess with a
   temporary HIPCOACH_DATA_DIR (SQLite), HIPCOACH_PROGRESSIVE=0 and HIPCOACH_STREAMING=0.
2. Phase "complete": N users (threads, distinct user ids, released together) each run a
   whole routine: launch, start the routine, next until the routine-complete turn, stop.
   Phase "half-way": N other users launch, start, say next half as many times, and stop.
3. Counts errors: transport failures, non-200 answers and invalid responses (not an Alexa
   response envelope, SSML not wrapped in <speak>, an open session without a reprompt, a
   session left open or closed when it should not be, a routine that never completes).
4. Stops the server, then reads every user's row from the SQLite file with
   ``skill.adapters.sqlite_store.SqliteAdapter(path).get_attributes(envelope)`` and checks it
   is exactly where that user's last request left it: the same state as a single-user
   reference run of the same script on an in-process SkillApp, and, spelled out,
   completed 1 / position None / sessions 1 for "complete" and position.step = the step
   the user last heard for "half-way".

Bounded: the whole run stops by itself within --max-seconds (60 at most); requests time
out after Alexa's 8 s response window; the server is stopped by its pid.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import (  # noqa: E402  (after the sys.path line, for `python benchmarks/load.py`)
    BENCHMARKS_MD,
    free_port,
    machine,
    ms,
    pct,
    start_server,
    stop_server,
    write_section,
)
from skill.core.limits import RESPONSE_WINDOW_S  # noqa: E402

HARD_LIMIT_S = 60.0
VERIFY_RESERVE_S = 8.0
"""Seconds kept at the end of the run for stopping the server and checking the database."""
REQUEST_TIMEOUT_S = RESPONSE_WINDOW_S
"""Alexa gives up on an answer after its response window, so an answer this late is an error."""
BEGIN, END = "<!-- load.py:begin -->", "<!-- load.py:end -->"
STEP_RE = re.compile(r"\bStep (\d+)\b")


@dataclass
class UserRun:
    """What one simulated user did and saw."""

    phase: str
    user_id: str
    requests: list[tuple[str, float]] = field(default_factory=list)
    """(request kind, seconds) per request sent."""
    errors: list[str] = field(default_factory=list)
    nexts: int = 0
    last_step_heard: int | None = None
    """The 1-based step number in the last coaching speech that named one."""
    completed: bool = False
    finished: bool = False
    """The script ran to its end (the stop was answered)."""


# --------------------------------------------------------------------------------------------
# Response checks
# --------------------------------------------------------------------------------------------

def problems(body: Any, expect_open: bool | None) -> list[str]:
    """Why `body` is not a valid response envelope for this turn ([] when it is)."""
    if not isinstance(body, dict) or body.get("version") != "1.0":
        return ["not a response envelope"]
    response = body.get("response")
    if not isinstance(response, dict):
        return ["no response object"]
    found: list[str] = []
    speech = (response.get("outputSpeech") or {}).get("ssml")
    if not (isinstance(speech, str) and speech.startswith("<speak>")
            and speech.endswith("</speak>")):
        found.append("outputSpeech is not <speak> SSML")
    is_open = response.get("shouldEndSession") is False
    if is_open and not ((response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml"):
        found.append("open session without a reprompt")
    if expect_open is not None and is_open != expect_open:
        found.append(f"session {'open' if is_open else 'closed'}, expected the opposite")
    return found


def plain(ssml: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", ssml).split())


# --------------------------------------------------------------------------------------------
# The scripts
# --------------------------------------------------------------------------------------------

class Script:
    """One user's conversation; `send` delivers an envelope and returns the parsed answer."""

    def __init__(self, routine: str, nexts_to_complete: int, half: bool) -> None:
        self.routine = routine
        self.nexts_to_complete = nexts_to_complete
        self.half = half

    @property
    def nexts_planned(self) -> int:
        return self.nexts_to_complete // 2 if self.half else self.nexts_to_complete

    def run(self, device: Any, send: Any, run: UserRun, deadline: float) -> None:
        def turn(kind: str, envelope: dict[str, Any], expect_open: bool) -> dict[str, Any] | None:
            if time.monotonic() > deadline:
                run.errors.append(f"{kind}: not sent, run deadline reached")
                return None
            body = send(kind, envelope, run)
            if body is None:
                return None
            found = problems(body, expect_open)
            if found:
                run.errors.append(f"{kind}: {'; '.join(found)}")
            device.receive(body)
            steps = STEP_RE.findall(plain(str(
                (body.get("response", {}).get("outputSpeech") or {}).get("ssml", ""))))
            if steps and kind in ("start", "next"):
                run.last_step_heard = int(steps[-1])
            return dict(body)

        if turn("launch", device.launch(), True) is None:
            return
        body = turn("start", device.start(self.routine), True)
        if body is not None and _asked(body) == "screen":  # the one-time deep-pressure question
            body = turn("start", device.intent("AMAZON.NoIntent"), True)
        if body is None:
            return
        while run.nexts < self.nexts_planned:
            if _asks_for_another(body):
                run.errors.append(f"routine complete after {run.nexts} nexts, expected "
                                  f"{self.nexts_to_complete}")
                break
            run.nexts += 1
            body = turn("next", device.intent("AMAZON.NextIntent"), True)
            if body is None:
                return
        done = _asks_for_another(body)
        run.completed = done
        if not self.half and not done:
            run.errors.append(f"routine not complete after {run.nexts} nexts")
        if self.half and done:
            run.errors.append("routine completed although the user stopped half-way")
        if turn("stop", device.intent("AMAZON.StopIntent"), False) is None:
            return
        run.finished = True


def _asked(body: dict[str, Any]) -> str:
    """What the session's convo waits for an answer to ("" for nothing)."""
    convo = (body.get("sessionAttributes") or {}).get("convo") or {}
    return str(convo.get("asked") or "") if isinstance(convo, dict) else ""


def _asks_for_another(body: dict[str, Any]) -> bool:
    """The routine is over: the session's convo waits for "another routine?"."""
    return _asked(body) == "another"


def reference(routine: str, tmp: Path) -> dict[str, Any]:
    """Single-user runs of both scripts on an in-process SkillApp (same code as the server):
    how many nexts complete the routine, and the attributes each script leaves saved."""
    from skill.adapters.sqlite_store import SqliteAdapter
    from skill.app import SkillApp
    from skill.settings import Settings
    from tests.support.alexa import Device

    settings = Settings(data_dir=tmp / "reference", progressive=False, streaming=False,
                        verify=False)
    app = SkillApp(settings)

    def send(kind: str, envelope: dict[str, Any], run: UserRun) -> dict[str, Any]:
        return app.handle(envelope)

    # How many nexts complete it: keep going until the skill says the routine is done.
    probe = Device(user_id="amzn1.ask.account.REFPROBE")
    probe.receive(app.handle(probe.launch()))
    body = probe.receive(app.handle(probe.start(routine)))
    if _asked(body) == "screen":
        body = probe.receive(app.handle(probe.intent("AMAZON.NoIntent")))
    nexts = 0
    while not _asks_for_another(body):
        nexts += 1
        if nexts > 200:
            raise RuntimeError(f"{routine} did not complete within 200 nexts")
        body = probe.receive(app.handle(probe.intent("AMAZON.NextIntent")))
    out: dict[str, Any] = {"nexts_to_complete": nexts}
    adapter = SqliteAdapter(settings.db_path)
    for phase, half in (("complete", False), ("half-way", True)):
        device = Device(user_id=f"amzn1.ask.account.REF{phase}")
        run = UserRun(phase, device.user_id)
        Script(routine, nexts, half).run(device, send, run, time.monotonic() + 60)
        if run.errors:
            raise RuntimeError(f"reference run {phase} failed: {run.errors}")
        out[phase] = {"attributes": adapter.get_attributes(request_envelope(device.user_id)),
                      "last_step_heard": run.last_step_heard}
    return out


def request_envelope(user_id: str) -> Any:
    """A typed RequestEnvelope for `user_id` (what the adapter keys rows by)."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from tests.support.alexa import Device

    return DefaultSerializer().deserialize(json.dumps(Device(user_id=user_id).launch()),
                                           RequestEnvelope)


# --------------------------------------------------------------------------------------------
# Load phases
# --------------------------------------------------------------------------------------------

def run_phase(url: str, phase: str, users: int, script: Script, tag: str,
              deadline: float) -> tuple[list[UserRun], float]:
    """`users` threads, one user each, released together; returns the runs and wall time."""
    import requests

    from tests.support.alexa import Device

    runs = [UserRun(phase, f"amzn1.ask.account.LOAD{tag}{phase[0].upper()}{i:04d}")
            for i in range(users)]
    barrier = threading.Barrier(users + 1)

    def user(run: UserRun) -> None:
        with requests.Session() as session:
            def send(kind: str, envelope: dict[str, Any], r: UserRun) -> dict[str, Any] | None:
                t0 = time.perf_counter()
                try:
                    answer = session.post(url, json=envelope, timeout=REQUEST_TIMEOUT_S)
                except requests.RequestException as exc:
                    r.requests.append((kind, time.perf_counter() - t0))
                    r.errors.append(f"{kind}: {type(exc).__name__}")
                    return None
                r.requests.append((kind, time.perf_counter() - t0))
                if answer.status_code != 200:
                    r.errors.append(f"{kind}: HTTP {answer.status_code}")
                    return None
                try:
                    body: dict[str, Any] = answer.json()
                except ValueError:
                    r.errors.append(f"{kind}: body is not JSON")
                    return None
                return body

            try:
                barrier.wait(timeout=30)
                script.run(Device(user_id=run.user_id), send, run, deadline)
            except Exception as exc:  # a bug here must show up as an error, not a hang
                run.errors.append(f"client exception {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=user, args=(r,), daemon=True) for r in runs]
    for t in threads:
        t.start()
    barrier.wait(timeout=30)
    t0 = time.perf_counter()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT_S)
    wall = time.perf_counter() - t0
    for r, t in zip(runs, threads, strict=True):
        if t.is_alive():
            r.errors.append("user thread still running at the deadline")
    return runs, wall


# --------------------------------------------------------------------------------------------
# Verification of saved progress
# --------------------------------------------------------------------------------------------

def without_day(attributes: dict[str, Any]) -> dict[str, Any]:
    """The attributes with history.last_day removed (it is today's date, checked apart)."""
    copy: dict[str, Any] = json.loads(json.dumps(attributes))
    copy.get("history", {}).pop("last_day", None)
    return copy


def verify_saved(db_path: Path, runs: list[UserRun], routine: str,
                 ref: dict[str, Any]) -> tuple[int, list[str]]:
    """Check every user's saved row; returns (users checked, failures)."""
    from skill.adapters.sqlite_store import SqliteAdapter

    adapter = SqliteAdapter(db_path)
    today = datetime.now(UTC).date().isoformat()
    failures: list[str] = []
    for run in runs:
        who = f"{run.phase} user {run.user_id[-6:]}"
        try:
            saved: dict[str, Any] = dict(adapter.get_attributes(request_envelope(run.user_id)))
        except Exception as exc:
            failures.append(f"{who}: read failed: {type(exc).__name__}: {exc}")
            continue
        expected = ref[run.phase]["attributes"]
        history = saved.get("history") or {}
        position = saved.get("position")
        if not run.finished:
            failures.append(f"{who}: script did not finish ({'; '.join(run.errors[:2])})")
        if without_day(saved) != without_day(expected):
            failures.append(f"{who}: saved {json.dumps(without_day(saved), sort_keys=True)} "
                            f"!= reference {json.dumps(without_day(expected), sort_keys=True)}")
        if history.get("last_day") not in (today, expected.get("history", {}).get("last_day")):
            failures.append(f"{who}: last_day {history.get('last_day')!r}")
        if history.get("sessions") != 1:
            failures.append(f"{who}: sessions {history.get('sessions')!r}, expected 1")
        if run.phase == "complete":
            if position is not None:
                failures.append(f"{who}: position {position!r}, expected None")
            if (history.get("completed") or {}).get(routine) != 1:
                failures.append(f"{who}: completed {history.get('completed')!r}, "
                                f"expected {{{routine!r}: 1}}")
        else:
            step = position.get("step") if isinstance(position, dict) else None
            heard = run.last_step_heard
            if not isinstance(position, dict) or position.get("routine") != routine:
                failures.append(f"{who}: position {position!r}, expected one in {routine}")
            elif heard is None or step != heard - 1:
                failures.append(f"{who}: saved step index {step!r}, but the last step heard "
                                f"was Step {heard!r}")
            if (history.get("completed") or {}).get(routine):
                failures.append(f"{who}: completed {history.get('completed')!r}, expected none")
    return len(runs), failures


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def summarize(runs: list[UserRun], wall: float) -> dict[str, Any]:
    lat = [s for r in runs for _, s in r.requests]
    kinds: dict[str, list[float]] = {}
    for r in runs:
        for kind, s in r.requests:
            kinds.setdefault(kind, []).append(s)
    errors = [e for r in runs for e in r.errors]
    return {"users": len(runs), "requests": len(lat), "errors": len(errors),
            "error_kinds": Counter(re.sub(r"\d+", "N", e) for e in errors).most_common(5),
            "wall": wall, "rps": len(lat) / wall if wall else 0.0,
            "p50": pct(lat, 50), "p99": pct(lat, 99),
            "max": max(lat) if lat else float("nan"),
            "by_kind": {k: (len(v), pct(v, 50), pct(v, 99)) for k, v in kinds.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bounded load test of hipcoach serve.")
    parser.add_argument("--users", type=int, default=50, help="users per phase (threads)")
    parser.add_argument("--routine", default="whole-pelvis")
    parser.add_argument("--max-seconds", type=float, default=HARD_LIMIT_S,
                        help=f"whole run, at most {HARD_LIMIT_S:.0f}")
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args(argv)
    started = time.monotonic()
    hard_deadline = started + min(args.max_seconds, HARD_LIMIT_S)
    client_deadline = hard_deadline - VERIFY_RESERVE_S
    info = machine()
    load_before = os.getloadavg()
    print(f"Hip Coach load test  {info['date']}\n{info['cpu']}, {info['cores']} cores, "
          f"{info['python']}; load average {load_before[0]:.2f}", flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="hipcoach-load-"))
    try:
        ref = reference(args.routine, tmp)
        nexts = ref["nexts_to_complete"]
        print(f"reference: {args.routine} completes after start + {nexts} nexts; half-way "
              f"users stop after {nexts // 2}", flush=True)
        data_dir = tmp / "data"
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HIPCOACH_")}
        env.update(HIPCOACH_DATA_DIR=str(data_dir), HIPCOACH_PROGRESSIVE="0",
                   HIPCOACH_STREAMING="0", PYTHONPATH=str(ROOT))
        hipcoach = Path(sys.executable).with_name("hipcoach")
        log = tmp / "server.log"
        server = start_server([str(hipcoach), "serve", "--no-verify", "--host", "127.0.0.1",
                               "--port", str(port)], env, port, log,
                              timeout_s=max(5.0, min(30.0, client_deadline - time.monotonic())))
        url = f"http://127.0.0.1:{port}/alexa"
        tag = f"{int(time.time()) % 100000:05d}"
        results: dict[str, tuple[list[UserRun], float]] = {}
        try:
            for phase, half in (("complete", False), ("half-way", True)):
                print(f"phase {phase}: {args.users} users ...", flush=True)
                results[phase] = run_phase(url, phase, args.users,
                                           Script(args.routine, nexts, half), tag,
                                           client_deadline)
        finally:
            stop_server(server)
        server_log = log.read_text(errors="replace")
        server_errors = [ln for ln in server_log.splitlines()
                         if " ERROR " in ln or "Traceback" in ln]

        all_runs = [r for runs, _ in results.values() for r in runs]
        checked, failures = verify_saved(data_dir / "hipcoach.sqlite3", all_runs,
                                         args.routine, ref)
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()

        lines = [f"Command: `python -m benchmarks.load --users {args.users} --routine "
                 f"{args.routine}` (took {elapsed:.0f} s, limit {HARD_LIMIT_S:.0f} s)", "",
                 f"Machine: {info['cpu']}, {info['cores']} cores, {info['python']}, "
                 f"{info['os']}",
                 f"Date: {info['date']}; load average before {load_before[0]:.2f}, "
                 f"after {load_after[0]:.2f}", "",
                 f"Server: `hipcoach serve --no-verify` (waitress, 8 threads), SQLite, "
                 f"progressive off, streaming off; {args.routine}: start + {nexts} nexts to "
                 f"complete.", "",
                 "| phase | users | requests | errors | throughput | p50 | p99 | max |",
                 "|---|---|---|---|---|---|---|---|"]
        total_errors = 0
        for phase, (runs, wall) in results.items():
            s = summarize(runs, wall)
            total_errors += s["errors"]
            lines.append(f"| {phase} | {s['users']} | {s['requests']} | {s['errors']} | "
                         f"{s['rps']:.0f} req/s over {s['wall']:.1f} s | {ms(s['p50'])} | "
                         f"{ms(s['p99'])} | {ms(s['max'])} |")
        lines += ["", "| request kind | count | p50 | p99 |", "|---|---|---|---|"]
        merged: dict[str, list[float]] = {}
        for r in all_runs:
            for kind, sec in r.requests:
                merged.setdefault(kind, []).append(sec)
        for kind in ("launch", "start", "next", "stop"):
            if kind in merged:
                v = merged[kind]
                lines.append(f"| {kind} | {len(v)} | {ms(pct(v, 50))} | {ms(pct(v, 99))} |")
        ok = total_errors == 0 and not failures and not server_errors
        verdict = ("all exactly where their last request left them" if not failures
                   else f"{len(failures)} FAILURES")
        lines += ["", f"Saved progress checked for {checked} users (SqliteAdapter."
                  f"get_attributes on the server's file): {verdict}; server log errors: "
                  f"{len(server_errors)}.",
                  f"Result: {'PASS' if ok else 'FAIL'} (0 errors expected)."]
        for phase, (runs, _) in results.items():
            s = summarize(runs, 1)
            if s["error_kinds"]:
                lines.append(f"- {phase} errors: " + ", ".join(
                    f"{k} x{n}" for k, n in s["error_kinds"]))
        for f in failures[:10]:
            lines.append(f"- {f}")
        for ln in server_errors[:5]:
            lines.append(f"- server: {ln[:200]}")
        text = "\n".join(lines)
        print("\n" + text)
        if args.write:
            write_section(BENCHMARKS_MD, BEGIN, END, text)
            print(f"wrote {BENCHMARKS_MD}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
