"""The console's simulated AudioPlayer: streaming mode tried without a speaker.

The real skill runs in process with streaming on and a fake `Tracks` (the
renderer's track order, URLs that name the track, no audio rendered). A
recording transport keeps every envelope, so the tests check what a device
would send: playback events without a session, intents with context.AudioPlayer
while a track is current. Time only moves when the console sleeps (injected).
"""

from __future__ import annotations

import copy
import io
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import HTTPServer
from itertools import count
from pathlib import Path
from typing import Any, ClassVar

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from click.testing import CliRunner

from skill.console.envelopes import EnvelopeFactory
from skill.console.matcher import Matcher
from skill.console.player_sim import SimPlayer
from skill.console.render import Player, Screen
from skill.console.session import ChatSession
from skill.console.tracks import TrackLengths, describe_audio, track_name
from skill.console.transport import InProcess
from skill.content import Content, load_content
from skill.core.pacing import sides_of
from skill.core.plan import steps
from skill.core.preferences import Preferences
from skill.core.record import replace
from skill.interaction.generate import build_model
from skill.settings import Settings
from tests.support.fake_time import FakeTime
from tests.support.json_http import JsonHandler

Json = dict[str, Any]
NOW = datetime(2026, 11, 29, 12, 0, 5, tzinfo=UTC)
ROUTINE = "glute-release"
ORDER = [(0, 0), (0, 1), (1, 0), (1, 1)]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def matcher(content: Content) -> Matcher:
    return Matcher(build_model(content))


@dataclass
class FakeTracks:
    """`skill.deps.Tracks` in the renderer's order, with URLs that say what was asked for."""

    content: Content

    def tracks_of(self, routine_id: str, prefs: Preferences) -> list[tuple[int, int]]:
        routine = self.content.routines[routine_id]
        return [(p.index, side) for p in steps(self.content, routine)
                for side in range(len(sides_of(p.technique, prefs)))]

    def url_for(self, routine_id: str, step_index: int, side_index: int,
                prefs: Preferences) -> str:
        return f"https://audio.test/{routine_id}-{step_index}-{side_index}.mp3"


@dataclass
class Recording:
    """A transport that keeps every envelope and response (deep copies)."""

    inner: Any
    requests: list[Json] = field(default_factory=list)
    responses: list[Json] = field(default_factory=list)

    def send(self, envelope: Json) -> Json:
        self.requests.append(copy.deepcopy(envelope))
        response: Json = self.inner.send(envelope)
        self.responses.append(copy.deepcopy(response))
        return response

    def exchanges(self, kind: str) -> list[tuple[Json, Json]]:
        return [(q, a) for q, a in zip(self.requests, self.responses, strict=True)
                if q["request"]["type"] == kind]




@dataclass
class Rig:
    transport: Recording
    out: io.StringIO
    time: FakeTime
    session: ChatSession
    version: str

    def lines(self) -> list[str]:
        return self.out.getvalue().splitlines()

    def token(self, step: int, side: int) -> str:
        return f"hc1:{ROUTINE}:{step}:{side}:{self.version}"


def ids() -> Callable[[], str]:
    counter = count(1)
    return lambda: f"id-{next(counter)}"


def rig(transport: Any, matcher: Matcher, content: Content, *, fast: bool,
        playthrough: bool) -> Rig:
    out, t = io.StringIO(), FakeTime()
    screen = Screen(out, live=False)
    player = Player(screen, fast=fast, sleep=t.sleep, clock=t.clock)
    audio = SimPlayer(screen, TrackLengths(content), fast=fast, clock=t.clock)
    factory = EnvelopeFactory(api_endpoint="http://127.0.0.1:9", clock=lambda: NOW, ids=ids(),
                              audio_player=True)
    recording = Recording(transport)
    session = ChatSession(recording, matcher, factory, player, echo=True, audio=audio,
                          playthrough=playthrough)
    return Rig(recording, out, t, session, content.version)


@pytest.fixture
def skill(make_app: Callable[..., Any], settings: Settings, content: Content) -> InProcess:
    app = make_app(settings=replace(settings, streaming=True), tracks=FakeTracks(content))
    return InProcess(app.handle)


def playback_requests(r: Rig) -> list[Json]:
    return [q for q in r.transport.requests if q["request"]["type"].startswith("AudioPlayer.")]


def estimate(content: Content, step: int, side: int) -> int:
    ms = TrackLengths(content).estimate(f"hc1:{ROUTINE}:{step}:{side}:v")
    assert ms is not None and ms > 0
    return ms


def test_piped_fast_chat_plays_the_whole_routine(skill: InProcess, matcher: Matcher,
                                                 content: Content) -> None:
    r = rig(skill, matcher, content, fast=True, playthrough=True)
    r.session.run(io.StringIO("start glute release\nno\nhow am i doing\n"))
    lines = r.lines()

    # every track, in order, with its estimated length and URL
    shown = [line for line in lines if line.startswith("▶")]
    assert shown == [f"▶ playing {ROUTINE} step {step + 1} side {side + 1} "
                     f"(≈{estimate(content, step, side) // 60000}:"
                     f"{estimate(content, step, side) // 1000 % 60:02d}) "
                     f"https://audio.test/{ROUTINE}-{step}-{side}.mp3" for step, side in ORDER]

    # Started, NearlyFinished, Finished for each track, without a session, as Alexa sends them
    events = playback_requests(r)
    assert [(e["request"]["type"].split(".")[1], e["request"]["token"]) for e in events] == [
        (kind, r.token(step, side)) for step, side in ORDER
        for kind in ("PlaybackStarted", "PlaybackNearlyFinished", "PlaybackFinished")]
    assert all("session" not in e for e in events)
    assert all(e["context"]["AudioPlayer"]["token"] == e["request"]["token"] for e in events)
    serializer = DefaultSerializer()
    for e in events:
        model = serializer.deserialize(json.dumps(e), "ask_sdk_model.RequestEnvelope")
        assert model.session is None and model.request.token == e["request"]["token"]

    # each NearlyFinished is answered with an ENQUEUE of the next track (none after the last)
    nearly = r.transport.exchanges("AudioPlayer.PlaybackNearlyFinished")
    for (q, a), nxt in zip(nearly, [*ORDER[1:], None], strict=True):
        directives = a["response"].get("directives") or []
        if nxt is None:
            assert directives == []
            continue
        (play,) = directives
        stream = play["audioItem"]["stream"]
        assert play["playBehavior"] == "ENQUEUE"
        assert stream["expectedPreviousToken"] == q["request"]["token"]
        assert stream["token"] == r.token(*nxt)
    enqueued = [line.strip() for line in lines if "→ enqueue" in line]
    assert enqueued == ["◦ AudioPlayer.PlaybackNearlyFinished → enqueue step 1 side 2",
                        "◦ AudioPlayer.PlaybackNearlyFinished → enqueue step 2 side 1",
                        "◦ AudioPlayer.PlaybackNearlyFinished → enqueue step 2 side 2"]
    assert lines.count("  ◦ AudioPlayer.PlaybackStarted") == 4
    assert lines.count("  ◦ AudioPlayer.PlaybackFinished") == 4
    assert "  ■ end of the queue" in lines
    assert not [line for line in lines if line.startswith("!")]
    assert r.time.sleeps == []  # --fast: nothing waited

    # the routine is complete: one session and some minutes
    progress = next(a for q, a in zip(r.transport.requests, r.transport.responses, strict=True)
                    if q["request"].get("intent", {}).get("name") == "ProgressIntent")
    said = progress["response"]["outputSpeech"]["ssml"]
    assert "1 session " in said
    minutes = re.search(r"about (\d+) minute", said)
    assert minutes is not None and int(minutes.group(1)) > 0
    # the queue had ended when the line was read: the device reported FINISHED
    asked = next(q for q in r.transport.requests
                 if q["request"].get("intent", {}).get("name") == "ProgressIntent")
    assert asked["context"]["AudioPlayer"]["playerActivity"] == "FINISHED"


def test_pause_then_resume_from_the_offset(skill: InProcess, matcher: Matcher,
                                           content: Content) -> None:
    r = rig(skill, matcher, content, fast=False, playthrough=False)

    def said() -> Iterator[str]:
        yield "start glute release"
        yield "no"  # to the deep-pressure question
        r.time.now += 30  # the user listens for 30 s, then speaks
        yield "pause"
        yield "resume"
        yield ""  # keep listening: the rest of the track, then the next starts

    r.session.run(said(), launch=False)
    q = r.transport.requests
    a = r.transport.responses
    kinds = [e["request"].get("intent", {}).get("name", e["request"]["type"]) for e in q]
    assert kinds == ["StartRoutineIntent", "AMAZON.NoIntent", "AudioPlayer.PlaybackStarted",
                     "AMAZON.PauseIntent", "AudioPlayer.PlaybackStopped",
                     "AMAZON.ResumeIntent", "AudioPlayer.PlaybackStarted",
                     "AudioPlayer.PlaybackNearlyFinished", "AudioPlayer.PlaybackFinished",
                     "AudioPlayer.PlaybackStarted"]
    q, a = q[:1] + q[2:], a[:1] + a[2:]  # past the answer to the deep-pressure question
    first = r.token(0, 0)

    # "pause" while the track plays: an intent in a new session, with the player's context
    assert q[2]["session"]["new"] is True
    assert q[2]["context"]["AudioPlayer"] == {"playerActivity": "PLAYING", "token": first,
                                              "offsetInMilliseconds": 30_000}
    assert a[2]["response"]["directives"] == [{"type": "AudioPlayer.Stop"}]
    # ... the device stops and says where: PlaybackStopped, no session
    assert "session" not in q[3]
    assert q[3]["request"]["token"] == first
    assert q[3]["request"]["offsetInMilliseconds"] == 30_000
    assert q[3]["context"]["AudioPlayer"]["playerActivity"] == "STOPPED"
    assert "⏸ stopped at 0:30" in r.lines()
    assert "  ◦ AudioPlayer.PlaybackStopped at 0:30" in r.lines()

    # "resume": the stopped track is in the context; the skill plays it from the offset
    assert q[4]["context"]["AudioPlayer"] == {"playerActivity": "STOPPED", "token": first,
                                              "offsetInMilliseconds": 30_000}
    (play,) = a[4]["response"]["directives"]
    assert play["type"] == "AudioPlayer.Play" and play["playBehavior"] == "REPLACE_ALL"
    assert play["audioItem"]["stream"]["token"] == first
    assert play["audioItem"]["stream"]["offsetInMilliseconds"] == 30_000
    assert q[5]["request"]["offsetInMilliseconds"] == 30_000
    assert any(line.startswith(f"▶ playing {ROUTINE} step 1 side 1 (≈")
               and line.endswith(f"from 0:30 https://audio.test/{ROUTINE}-0-0.mp3")
               for line in r.lines())

    # enter: the rest of the track is waited on the injected sleep, then the next one starts
    length = estimate(content, 0, 0)
    assert r.time.sleeps == pytest.approx([(length - 30_000) / 1000])
    assert q[6]["request"]["offsetInMilliseconds"] == length
    assert q[8]["request"]["token"] == r.token(0, 1)
    assert "  ◦ AudioPlayer.PlaybackNearlyFinished → enqueue step 1 side 2" in r.lines()

    # playback responses carry no speech, and no playback request carries a session
    for env, resp in zip(q, a, strict=True):
        if env["request"]["type"].startswith("AudioPlayer."):
            assert "session" not in env
            assert "outputSpeech" not in resp["response"]
    assert not [line for line in r.lines() if line.startswith("!")]


def test_next_replaces_the_playing_track_and_stop_is_sent_as_pause(
        skill: InProcess, matcher: Matcher, content: Content) -> None:
    r = rig(skill, matcher, content, fast=True, playthrough=False)
    r.session.run(io.StringIO("start glute release\nno\nnext\nstop\npress next\n"), launch=False)
    kinds = [e["request"].get("intent", {}).get("name", e["request"]["type"])
             for e in r.transport.requests]
    assert kinds == ["StartRoutineIntent", "AMAZON.NoIntent", "AudioPlayer.PlaybackStarted",
                     "AMAZON.NextIntent", "AudioPlayer.PlaybackStopped",
                     "AudioPlayer.PlaybackStarted",
                     "AMAZON.PauseIntent", "AudioPlayer.PlaybackStopped",
                     "PlaybackController.NextCommandIssued", "AudioPlayer.PlaybackStarted"]
    q = r.transport.requests
    q = q[:1] + q[2:]  # past the answer to the deep-pressure question
    # REPLACE_ALL over a playing track: the old one stops (halfway with --fast) first
    half = estimate(content, 0, 0) // 2
    assert (q[3]["request"]["token"], q[3]["request"]["offsetInMilliseconds"]) == (
        r.token(0, 0), half)
    assert q[4]["request"]["token"] == r.token(0, 1)
    assert '  (while audio plays, Alexa sends "stop" as AMAZON.PauseIntent)' in r.lines()
    assert "session" not in q[7]
    assert q[8]["request"]["token"] == r.token(1, 0)
    assert "  ◦ PlaybackController.NextCommandIssued → play step 2 side 1" in r.lines()


# --- the simulated player on its own, against a scripted skill ----------------------------
def play(token: str, behavior: str = "REPLACE_ALL", offset: int = 0,
         previous: str | None = None) -> Json:
    stream: Json = {"token": token, "url": f"https://x/{token}.mp3",
                    "offsetInMilliseconds": offset}
    if previous is not None:
        stream["expectedPreviousToken"] = previous
    return {"type": "AudioPlayer.Play", "playBehavior": behavior, "audioItem": {"stream": stream}}


@dataclass
class Scripted:
    """Answers by request type (or intent name) from a table; the default is empty."""

    answers: dict[str, Json]

    def send(self, envelope: Json) -> Json:
        request = envelope["request"]
        key = request.get("intent", {}).get("name", request["type"])
        return {"version": "1.0", "response": copy.deepcopy(self.answers.get(key, {}))}


def test_speech_in_a_playback_response_is_flagged(matcher: Matcher, content: Content) -> None:
    skill = Scripted({
        "StartRoutineIntent": {"directives": [play("a")], "shouldEndSession": True},
        "AudioPlayer.PlaybackStarted": {
            "outputSpeech": {"type": "PlainText", "text": "Enjoy!"}},
        "AudioPlayer.PlaybackNearlyFinished": {"directives": [play("b", "ENQUEUE",
                                                                   previous="wrong")]}})
    r = rig(skill, matcher, content, fast=True, playthrough=True)
    r.session.run(io.StringIO("start glute release\nno\n"), launch=False)
    lines = r.lines()
    assert "! the skill spoke in a playback response" in lines
    assert "! ENQUEUE ignored: expectedPreviousToken 'wrong' is not the current track 'a'" in \
        lines
    assert "▶ playing track a (?) https://x/a.mp3" in lines
    assert lines.count("  ■ end of the queue") == 1


def test_play_that_keeps_the_session_open_is_flagged(matcher: Matcher,
                                                     content: Content) -> None:
    skill = Scripted({"StartRoutineIntent": {"directives": [play("a"), play("b")],
                                             "shouldEndSession": False}})
    r = rig(skill, matcher, content, fast=True, playthrough=True)
    r.session.run(io.StringIO("start glute release\nno\n"), launch=False)
    assert "! AudioPlayer.Play in a response without shouldEndSession: true" in r.lines()
    assert "! 2 AudioPlayer.Play directives in one response; Alexa allows one" in r.lines()


def test_a_skill_that_answers_every_start_with_a_play_is_cut_off(matcher: Matcher,
                                                                 content: Content) -> None:
    skill = Scripted({"StartRoutineIntent": {"directives": [play("a")],
                                             "shouldEndSession": True},
                      "AudioPlayer.PlaybackStarted": {"directives": [play("a")]}})
    r = rig(skill, matcher, content, fast=True, playthrough=True)
    r.session.run(io.StringIO("start glute release\nno\n"), launch=False)
    assert any(line.startswith("! 50 playback events in a row") for line in r.lines())
    assert len(r.transport.requests) < 60


def test_piped_without_fast_waits_each_track_on_the_injected_sleep(
        skill: InProcess, matcher: Matcher, content: Content) -> None:
    r = rig(skill, matcher, content, fast=False, playthrough=True)
    r.session.run(io.StringIO("start glute release\nno\n"), launch=False)
    assert r.time.sleeps == pytest.approx([estimate(content, *t) / 1000 for t in ORDER])
    finished = [q["request"]["offsetInMilliseconds"]
                for q in playback_requests(r) if q["request"]["type"].endswith("Finished")]
    assert finished == [estimate(content, *t) for t in ORDER for _ in range(2)]


def test_track_lengths(tmp_path: Path, content: Content) -> None:
    ffprobe = tmp_path / "ffprobe"
    ffprobe.write_text("#!/bin/sh\necho 12.5\n")
    ffprobe.chmod(0o755)
    lengths = TrackLengths(content, str(ffprobe))
    token = f"hc1:{ROUTINE}:0:1:v"
    assert lengths(token, "http://127.0.0.1:5000/audio/t.mp3") == (12_500, False)
    assert lengths(token, "https://audio.test/t.mp3") == (estimate(content, 0, 1), True)
    assert lengths("hc1:nope:0:0:v", "https://audio.test/t.mp3") == (None, True)
    assert lengths(f"hc1:{ROUTINE}:9:0:v", "https://audio.test/t.mp3") == (None, True)
    assert TrackLengths(content, None).measure("http://localhost/t.mp3") is None
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    assert TrackLengths(content, str(broken)).measure("http://localhost/t.mp3") is None


def test_a_track_in_the_local_folder_is_measured_without_a_server(
        tmp_path: Path, content: Content) -> None:
    """The console in process gets http://127.0.0.1:5000/audio/<name> URLs with no server
    behind them: the file of that name in the tracks folder is measured instead, so the
    length shown is the track's, not the speech estimate."""
    ffprobe = tmp_path / "ffprobe"  # answers only for a file that exists, as ffprobe does
    ffprobe.write_text('#!/bin/sh\nfor a; do last=$a; done\n[ -f "$last" ] && echo 124.8\n')
    ffprobe.chmod(0o755)
    folder = tmp_path / "tracks"
    folder.mkdir()
    (folder / "0123456789abcdef.mp3").write_bytes(b"ID3")
    lengths = TrackLengths(content, str(ffprobe), folder=folder)
    token = f"hc1:{ROUTINE}:0:0:v"
    assert lengths(token, "http://127.0.0.1:5000/audio/0123456789abcdef.mp3") == (124_800, False)
    # not in the folder, and nothing serving it: estimated, and said to be
    assert lengths(token, "http://127.0.0.1:5000/audio/fedcba9876543210.mp3")[1] is True
    assert lengths(token, "http://127.0.0.1:5000/audio/..%2Fsecret.mp3")[1] is True


def test_names_and_summaries() -> None:
    assert track_name("hc1:glute-release:1:0:abc") == "glute-release step 2 side 1"
    assert track_name("hc1:glute-release:1:0:abc", routine=False) == "step 2 side 1"
    assert track_name("other") == "track other"
    assert describe_audio([play("hc1:r:0:1:v", "ENQUEUE", previous="x")]) == \
        "enqueue step 1 side 2"
    assert describe_audio([play("hc1:r:0:1:v", offset=65_000)]) == "play step 1 side 2 from 1:05"
    assert describe_audio([{"type": "AudioPlayer.Stop"},
                           {"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ALL"}]) \
        == "stop; clear the queue (CLEAR_ALL)"
    assert describe_audio([]) == ""


# --- `hipcoach chat --audio-player` wires the player in --------------------------------
class _Streaming(JsonHandler):
    seen: ClassVar[list[Json]] = []

    def do_POST(self) -> None:
        envelope = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(envelope)
        name = envelope["request"].get("intent", {}).get("name")
        response: Json = {}
        if name == "StartRoutineIntent":
            response = {"directives": [play("hc1:glute-release:0:0:v")], "shouldEndSession": True}
        self.send_json({"version": "1.0", "response": response})


def test_chat_command_with_audio_player(content: Content) -> None:
    from skill.cli.chat import chat_command

    _Streaming.seen.clear()
    server = HTTPServer(("127.0.0.1", 0), _Streaming)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        result = CliRunner().invoke(
            chat_command, ["--url", f"http://127.0.0.1:{server.server_address[1]}", "--fast",
                           "--audio-player", "--no-launch"], input="start glute release\n")
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    length = estimate(content, 0, 0)
    assert (f"▶ playing glute-release step 1 side 1 (≈{length // 60000}:"
            f"{length // 1000 % 60:02d}) https://x/hc1:glute-release:0:0:v.mp3") in result.output
    kinds = [e["request"]["type"] for e in _Streaming.seen]
    assert kinds == ["IntentRequest", "AudioPlayer.PlaybackStarted",
                     "AudioPlayer.PlaybackNearlyFinished", "AudioPlayer.PlaybackFinished"]


def test_terminal_counts_the_track_down_and_ctrl_c_returns_to_the_prompt(
        skill: InProcess, matcher: Matcher, content: Content) -> None:
    out, t = io.StringIO(), FakeTime()

    def sleep(seconds: float) -> None:
        t.sleep(seconds)
        if len(t.sleeps) == 5:
            raise KeyboardInterrupt

    screen = Screen(out, live=True)
    audio = SimPlayer(screen, TrackLengths(content), clock=t.clock)
    factory = EnvelopeFactory(api_endpoint="http://127.0.0.1:9", clock=lambda: NOW, ids=ids(),
                              audio_player=True)
    recording = Recording(skill)
    session = ChatSession(recording, matcher, factory,
                          Player(screen, sleep=sleep, clock=t.clock), audio=audio,
                          playthrough=False)
    session.run(iter(["start glute release", "no", "", "pause"]), launch=False)
    length = estimate(content, 0, 0)
    first = f"  ♪ {length // 60000}:{length // 1000 % 60:02d} left"
    assert first in out.getvalue()
    stopped = recording.requests[-1]["request"]
    assert stopped["type"] == "AudioPlayer.PlaybackStopped"
    assert stopped["offsetInMilliseconds"] == round(sum(t.sleeps) * 1000)
    assert 4000 < stopped["offsetInMilliseconds"] <= 5000


def test_queue_directives_on_their_own() -> None:
    out, t = io.StringIO(), FakeTime()
    audio = SimPlayer(Screen(out, live=False), lambda token, url: (60_000, True),
                      clock=t.clock)
    audio.absorb([play("a")])
    audio.absorb([play("b", "ENQUEUE", previous="a")])
    audio.absorb([play("c", "REPLACE_ENQUEUED")])
    assert audio.queued is not None and audio.queued.token == "c"
    t.now += 20
    assert audio.to_json() == {"playerActivity": "PLAYING", "token": "a",
                               "offsetInMilliseconds": 20_000}
    audio.absorb([{"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ALL"}])
    assert (audio.activity, audio.queued) == ("STOPPED", None)
    assert [(e.kind, e.token, e.offset_ms, e.note) for e in audio.outbox] == [
        ("PlaybackStarted", "a", 0, "▶ playing track a (≈1:00) https://x/a.mp3"),
        ("PlaybackStopped", "a", 20_000, "⏸ stopped at 0:20")]
    audio.absorb([{"type": "AudioPlayer.Stop"}])
    assert out.getvalue().splitlines() == ["  ■ queue cleared (CLEAR_ALL)",
                                           "  ■ AudioPlayer.Stop, but nothing was playing"]
