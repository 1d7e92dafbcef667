"""The console: SSML rendering and pacing, the directive API, transports, the chat loop."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import HTTPServer
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from skill.console.directives import DirectiveInbox
from skill.console.envelopes import EnvelopeFactory
from skill.console.matcher import Matcher
from skill.console.render import (
    Pause,
    Player,
    Say,
    Screen,
    Sound,
    describe_directive,
    parse_ssml,
    play_response,
)
from skill.console.session import ChatSession
from skill.console.speech import Espeak
from skill.console.transport import Http, InProcess, TransportError, alexa_url
from skill.content import load_content
from skill.interaction.generate import build_model
from tests.support.fake_time import FakeTime
from tests.support.json_http import JsonHandler

Json = dict[str, Any]
NOW = datetime(2026, 11, 29, 12, 0, 5, 123456, tzinfo=UTC)


def ids() -> Callable[[], str]:
    counter = count(1)
    return lambda: f"id-{next(counter)}"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(build_model(load_content()))


# --- SSML rendering and pacing -----------------------------------------------------------
SSML = ('<speak><s>Step 1, hold &amp; breathe.</s><break time="250ms"/><s>Breathe in.</s>'
        '<break time="10s"/><break time="2500ms"/><audio src="https://x/chime.mp3"/>'
        '<prosody rate="slow">Slowly <emphasis>out</emphasis>.</prosody>'
        '<amazon:effect name="whispered">quiet</amazon:effect><break time="1.5s"/></speak>')


def test_parse_ssml() -> None:
    assert parse_ssml(SSML) == [
        Say("Step 1, hold & breathe."), Pause(250), Say("Breathe in."), Pause(12_500),
        Sound("https://x/chime.mp3"), Say("Slowly out. quiet"), Pause(1500)]




def player(fast: bool = False, live: bool = False) -> tuple[Player, io.StringIO, FakeTime]:
    out, t = io.StringIO(), FakeTime()
    return Player(Screen(out, live=live), fast=fast, sleep=t.sleep, clock=t.clock), out, t


def test_player_waits_every_silence_and_shows_the_long_ones() -> None:
    p, out, t = player()
    p.play_ssml(SSML, "Alexa: ")
    assert sum(t.sleeps) == pytest.approx(14.25)
    assert p.waited_s == pytest.approx(14.25)
    assert out.getvalue().splitlines() == [
        "Alexa: Step 1, hold & breathe.", "  Breathe in.", "  … 12 s", "  [sound]",
        "  Slowly out. quiet", "  … 1.5 s"]


def test_fast_waits_for_nothing() -> None:
    p, out, t = player(fast=True)
    p.play_ssml(SSML, "Alexa: ")
    assert t.sleeps == []
    assert "  … 12 s" in out.getvalue()


def test_live_countdown_ticks_once_a_second() -> None:
    p, out, t = player(live=True)
    p.countdown(3500)
    assert t.sleeps == pytest.approx([0.5, 1.0, 1.0, 1.0])
    shown = [s for s in out.getvalue().split("\r\x1b[2K") if s]
    assert shown == ["  … 4 s", "  … 3 s", "  … 2 s", "  … 1 s",
                     "\x1b[2m  … 3.5 s\x1b[0m\n"]


def test_response_rendering() -> None:
    p, out, _ = player(fast=True)
    play_response(p, {"response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>Hello.</speak>"},
        "card": {"type": "Simple", "title": "Hip Coach", "content": "Hello\nthere"},
        "reprompt": {"outputSpeech": {"type": "PlainText", "text": "Ready <now>?"}},
        "directives": [{"type": "AudioPlayer.Play", "playBehavior": "REPLACE_ALL",
                        "audioItem": {"stream": {"url": "https://x/t.mp3", "token": "t",
                                                 "offsetInMilliseconds": 65_000}}}],
        "shouldEndSession": False}})
    assert out.getvalue().splitlines() == [
        "Alexa: Hello.", "[card] Hip Coach: Hello there",
        "▶ would play https://x/t.mp3 from 1:05 (REPLACE_ALL, token t)",
        "  (reprompt) Ready <now>?"]
    assert describe_directive({"type": "AudioPlayer.Stop"}) == "■ would stop playback"


def test_open_session_without_reprompt_is_flagged() -> None:
    p, out, _ = player(fast=True)
    play_response(p, {"response": {"outputSpeech": {"type": "PlainText", "text": "Hi."},
                                   "shouldEndSession": False}})
    assert "without a reprompt" in out.getvalue()


def test_espeak_speaks_each_sentence_or_warns_once(tmp_path: Path) -> None:
    said = tmp_path / "said.txt"
    fake = tmp_path / "espeak-ng"
    fake.write_text(f'#!/bin/sh\nfor last; do :; done\necho "$last" >> {said}\n')
    fake.chmod(0o755)
    warnings: list[str] = []
    p = Player(Screen(io.StringIO(), live=False), Espeak(str(fake), warnings.append), fast=True)
    p.play_ssml("<speak><s>One.</s><s>Two.</s></speak>", "Alexa: ")
    assert said.read_text().splitlines() == ["One.", "Two."]
    assert warnings == []
    Espeak(None, warnings.append).say("nothing")
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\necho 'error: no sound card' >&2\n")
    broken.chmod(0o755)
    speaker = Espeak(str(broken), warnings.append)
    speaker.say("a")
    speaker.say("b")
    assert warnings[0].startswith("warning: espeak-ng not found")
    assert warnings[1:] == ["warning: espeak-ng cannot speak here (error: no sound card); "
                            "--speak is off"]


# --- the directive API -------------------------------------------------------------------
def speak(url: str, token: str, body: Any) -> int:
    reply = requests.post(f"{url}/v1/directives", json=body, timeout=5,
                          headers={"Authorization": f"Bearer {token}"})
    return reply.status_code


def test_directive_inbox_answers_like_alexa() -> None:
    body = {"header": {"requestId": "r1"},
            "directive": {"type": "VoicePlayer.Speak", "speech": "<speak>Hi</speak>"}}
    with DirectiveInbox(token="tok") as inbox:
        assert inbox.url.startswith("http://127.0.0.1:")
        assert speak(inbox.url, "tok", body) == 204
        assert speak(inbox.url, "wrong", body) == 401
        assert speak(inbox.url, "tok", {"directive": {"type": "VoicePlayer.Speak"}}) == 400
        received = inbox.take()
        assert [(s.request_id, s.ssml) for s in received] == [("r1", "<speak>Hi</speak>")]
        assert inbox.take() == []


# --- transports --------------------------------------------------------------------------
def test_in_process_round_trips_through_json() -> None:
    seen: list[Json] = []

    def handle(event: Json) -> Json:
        seen.append(event)
        event["mutated"] = True
        return {"version": "1.0", "response": {}}

    envelope: Json = {"request": {"type": "LaunchRequest"}}
    assert InProcess(handle).send(envelope) == {"version": "1.0", "response": {}}
    assert "mutated" not in envelope and seen[0]["mutated"]
    with pytest.raises(TransportError, match="not JSON"):
        InProcess(lambda e: {"x": object()}).send(envelope)


@pytest.mark.parametrize(("given", "expected"), [
    ("http://127.0.0.1:5000", "http://127.0.0.1:5000/alexa"),
    ("127.0.0.1:5000/", "http://127.0.0.1:5000/alexa"),
    ("http://h:1/custom", "http://h:1/custom"),
])
def test_alexa_url(given: str, expected: str) -> None:
    assert alexa_url(given) == expected


class FakeSkill:
    """Canned answers by intent; progressive responses go over HTTP to the envelope's endpoint.

    Each answer carries sessionAttributes {"turn": n} so carrying them forward shows.
    """

    def __init__(self, progressive: dict[str, list[str]] | None = None,
                 ends: frozenset[str] = frozenset({"AMAZON.StopIntent"}),
                 request_id: str | None = None, unset: frozenset[str] = frozenset()) -> None:
        self.progressive = progressive or {}
        self.ends = ends
        self.unset = unset
        """Intents answered without shouldEndSession (the device decides)."""
        self.request_id = request_id
        self.requests: list[Json] = []

    def send(self, envelope: Json) -> Json:
        self.requests.append(envelope)
        request = envelope["request"]
        name = request.get("intent", {}).get("name", request["type"])
        system = envelope["context"]["System"]
        for ssml in self.progressive.get(name, []):
            body = {"header": {"requestId": self.request_id or request["requestId"]},
                    "directive": {"type": "VoicePlayer.Speak", "speech": ssml}}
            assert speak(system["apiEndpoint"], system["apiAccessToken"], body) == 204
        if request["type"] == "SessionEndedRequest":
            return {"version": "1.0", "response": {}}
        end = name in self.ends
        response: Json = {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>You said {name}.</speak>"},
            "shouldEndSession": end}
        if name in self.unset:
            del response["shouldEndSession"]
        elif not end:
            response["reprompt"] = {"outputSpeech": {"type": "SSML",
                                                     "ssml": "<speak>Ready?</speak>"}}
        return {"version": "1.0", "response": response,
                "sessionAttributes": {"turn": len(self.requests)}}


@pytest.fixture
def inbox() -> Iterator[DirectiveInbox]:
    with DirectiveInbox() as box:
        yield box


def chat(skill: Any, inbox: DirectiveInbox, matcher: Matcher, lines: str, launch: bool = True,
         audio_player: bool = False, screen: bool = False) -> tuple[str, FakeTime]:
    out, t = io.StringIO(), FakeTime()
    f = EnvelopeFactory(api_endpoint=inbox.url, api_access_token=inbox.token,
                        clock=lambda: NOW, ids=ids(), audio_player=audio_player, screen=screen)
    session = ChatSession(skill, matcher, f, Player(Screen(out, live=False), sleep=t.sleep,
                                                    clock=t.clock), inbox, echo=True)
    session.run(io.StringIO(lines), launch=launch)
    return out.getvalue(), t


def kinds(skill: FakeSkill) -> list[str]:
    return [r["request"].get("intent", {}).get("name", r["request"]["type"])
            for r in skill.requests]


def test_piped_chat(inbox: DirectiveInbox, matcher: Matcher) -> None:
    skill = FakeSkill(progressive={"StartRoutineIntent": [
        '<speak><s>Step 1.</s><break time="2s"/></speak>', "<speak>Hold.</speak>"]})
    text, t = chat(skill, inbox, matcher,
                   "start glute release\n# a comment\nnext\nstop\npause\n")
    assert kinds(skill) == ["LaunchRequest", "StartRoutineIntent", "AMAZON.NextIntent",
                            "AMAZON.StopIntent", "AMAZON.PauseIntent", "SessionEndedRequest"]
    news = [r["session"]["new"] for r in skill.requests]
    assert news == [True, False, False, False, True, False]
    attributes = [r["session"]["attributes"] for r in skill.requests]
    assert attributes == [{}, {"turn": 1}, {"turn": 2}, {"turn": 3}, {}, {"turn": 5}]
    assert skill.requests[-1]["request"]["reason"] == "USER_INITIATED"
    slot = skill.requests[1]["request"]["intent"]["slots"]["routine"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == \
        "glute-release"
    lines = text.splitlines()
    start = lines.index("you> start glute release")
    assert lines[start:start + 7] == [
        "you> start glute release",
        "  → IntentRequest StartRoutineIntent routine=glute-release",
        "Alexa (progressive): Step 1.", "  … 2 s", "Alexa (progressive): Hold.",
        "Alexa: You said StartRoutineIntent.", "  (reprompt) Ready?"]
    assert "a comment" not in text
    assert "  → IntentRequest AMAZON.PauseIntent (new session)" in lines
    assert sum(t.sleeps) == pytest.approx(2.0)


def test_silence_replays_the_reprompt_then_ends(inbox: DirectiveInbox,
                                                 matcher: Matcher) -> None:
    skill = FakeSkill()
    text, _ = chat(skill, inbox, matcher, "\n\n")
    assert kinds(skill) == ["LaunchRequest", "SessionEndedRequest"]
    assert skill.requests[-1]["request"]["reason"] == "EXCEEDED_MAX_REPROMPTS"
    assert "Alexa (reprompt): Ready?" in text


@pytest.mark.parametrize("screen", [False, True], ids=["voice-only", "screen"])
def test_an_answer_without_should_end_session_ends_it_unless_the_device_has_a_screen(
        inbox: DirectiveInbox, matcher: Matcher, screen: bool) -> None:
    skill = FakeSkill(unset=frozenset({"ProgressIntent"}))
    text, _ = chat(skill, inbox, matcher, "how am i doing\nnext\n", screen=screen)
    assert kinds(skill) == ["LaunchRequest", "ProgressIntent", "AMAZON.NextIntent",
                            "SessionEndedRequest"]
    after = skill.requests[2]["session"]
    assert after["new"] is not screen
    assert after["attributes"] == ({"turn": 2} if screen else {})
    assert ("  → IntentRequest AMAZON.NextIntent (new session)" in text.splitlines()) is not screen


def test_launch_one_shot_and_exit(inbox: DirectiveInbox, matcher: Matcher) -> None:
    skill = FakeSkill()
    chat(skill, inbox, matcher, "ask hip coach to start piriformis release\nexit\n"
         "Alexa, open Hip Coach\n", launch=False)
    assert kinds(skill) == ["StartRoutineIntent", "SessionEndedRequest", "LaunchRequest",
                            "SessionEndedRequest"]
    first = skill.requests[0]
    assert first["session"]["new"] is True
    slot = first["request"]["intent"]["slots"]["routine"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == \
        "piriformis-release"
    assert skill.requests[2]["session"]["new"] is True


def test_progressive_for_another_request_is_flagged(inbox: DirectiveInbox,
                                                    matcher: Matcher) -> None:
    skill = FakeSkill(progressive={"LaunchRequest": ["<speak>Hi</speak>"]}, request_id="old")
    text, _ = chat(skill, inbox, matcher, "")
    assert "another requestId" in text
    assert "Alexa (progressive)" not in text


def test_transport_failure_is_shown_and_the_chat_goes_on(inbox: DirectiveInbox,
                                                         matcher: Matcher) -> None:
    class Broken:
        calls = 0

        def send(self, envelope: Json) -> Json:
            self.calls += 1
            raise TransportError("skill down")

    broken = Broken()
    text, _ = chat(broken, inbox, matcher, "next\n")
    assert text.count("! skill down") == 2
    assert broken.calls == 2  # launch, then "next" in a new session; nothing left to end


def test_audio_player_device_shows_playback(inbox: DirectiveInbox, matcher: Matcher) -> None:
    class Streaming(FakeSkill):
        def send(self, envelope: Json) -> Json:
            answer = super().send(envelope)
            if envelope["request"].get("intent", {}).get("name") == "StartRoutineIntent":
                answer["response"] = {"shouldEndSession": True, "directives": [
                    {"type": "AudioPlayer.Play", "playBehavior": "REPLACE_ALL", "audioItem": {
                        "stream": {"url": "https://x/1.mp3", "token": "tok",
                                   "offsetInMilliseconds": 0}}}]}
            return answer

    skill = Streaming()
    text, _ = chat(skill, inbox, matcher, "start glute release\nno\nnext\n", audio_player=True)
    assert "▶ would play https://x/1.mp3 from 0:00 (REPLACE_ALL, token tok)" in text
    after = skill.requests[2]
    assert after["session"]["new"] is True
    assert after["context"]["AudioPlayer"] == {"playerActivity": "PLAYING", "token": "tok",
                                               "offsetInMilliseconds": 0}


# --- the command, over HTTP, against a fake `hipcoach serve` -----------------------------
class _FakeServe(JsonHandler):
    skill = FakeSkill(progressive={"StartRoutineIntent": ["<speak>Getting ready.</speak>"]})

    def do_POST(self) -> None:
        envelope = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/alexa":
            self.send_response(400)
            self.end_headers()
            return
        self.send_json(self.skill.send(envelope))


@pytest.fixture
def fake_serve() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _FakeServe)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    _FakeServe.skill.requests.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_chat_command_over_http(fake_serve: str) -> None:
    from skill.cli.chat import chat_command

    result = CliRunner().invoke(chat_command, ["--url", fake_serve, "--fast", "--user-id",
                                              "amzn1.ask.account.tester"],
                                input="start glute release\nno\nstop\n")
    assert result.exit_code == 0, result.output
    assert "Alexa (progressive): Getting ready." in result.output
    assert "Alexa: You said AMAZON.StopIntent." in result.output
    users = {r["session"]["user"]["userId"] for r in _FakeServe.skill.requests}
    assert users == {"amzn1.ask.account.tester"}
    with pytest.raises(TransportError, match="HTTP 400"):
        Http(fake_serve + "/elsewhere").send({"request": {}})


def test_http_transport_unreachable() -> None:
    with pytest.raises(TransportError, match="cannot reach"):
        Http("http://127.0.0.1:9", timeout_s=1).send({})


# --- against the real skill, in process, with real progressive responses ------------------
def test_real_skill_in_process(make_app: Callable[..., Any], settings: Any,
                               inbox: DirectiveInbox, matcher: Matcher,
                               tmp_path: Path) -> None:
    from skill.core.record import replace

    app = make_app(settings=replace(settings, progressive=True))
    text, t = chat(InProcess(app.handle), inbox, matcher, "start glute release\nno\nstop\n")
    assert "Alexa (progressive): " in text
    assert "  → IntentRequest StartRoutineIntent routine=glute-release" in text
    assert "(session ended)" in text
    assert sum(t.sleeps) > 30  # the hold's silences, waited on the fake clock


def test_chat_uses_the_locale_model_and_owns_up_to_a_guess(fake_serve: str) -> None:
    """--locale en-GB hears "bum" (a British word) and sends en-GB; a phrase matched only
    by similarity is flagged, so a gap in the model cannot hide behind the console."""
    from skill.cli.chat import chat_command

    _FakeServe.skill.requests.clear()
    result = CliRunner().invoke(chat_command, ["--url", fake_serve, "--fast", "--locale",
                                              "en-GB", "--user-id", "amzn1.ask.account.gb"],
                                input="my bum hurts\nmy left glute is really hurting bad\n")
    assert result.exit_code == 0, result.output
    pains = [r["request"] for r in _FakeServe.skill.requests
             if r["request"].get("intent", {}).get("name") == "PainIntent"]
    assert {r["locale"] for r in pains} == {"en-GB"}
    first = pains[0]["intent"]["slots"]["area"]
    assert first["value"] == "bum"
    assert first["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] \
        == "glutes"
    assert result.output.count("Alexa may not understand this phrasing") == 1
