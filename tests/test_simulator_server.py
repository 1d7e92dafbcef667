"""`hipcoach simulator` without a browser: the command's guard, the API, the voice files.

The skill is the real one in process (SQLite and audio in a temporary folder); only the
browser is missing, so the page's player reports are sent by hand.
"""

from __future__ import annotations

import io
import json
import wave
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from skill.cli.main import main
from skill.simulator.app import create_app, simulator_settings
from skill.simulator.session import SimClock

DAY0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    built = create_app(simulator_settings(tmp_path), clock=SimClock(lambda: DAY0))
    yield built
    built.extensions["hipcoach_inbox"].__exit__(None, None, None)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _say(client: FlaskClient, text: str, player: dict[str, Any] | None = None) -> Any:
    reply = client.post("/api/say", json={"text": text, "player": player or {}})
    assert reply.status_code == 200
    return reply.get_json()


def _wav_ms(client: FlaskClient, url: str) -> int:
    with client.get(url) as reply:
        assert reply.status_code == 200 and reply.mimetype == "audio/wav"
        data = reply.data
    with wave.open(io.BytesIO(data)) as w:
        return int(w.getnframes() * 1000 // w.getframerate())


def test_refuses_a_non_loopback_host_without_the_flag() -> None:
    result = CliRunner().invoke(main, ["simulator", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0" in result.output
    assert "--allow-remote" in result.output


def test_health_and_the_page(client: FlaskClient) -> None:
    assert client.get("/health").status_code == 200
    with client.get("/") as reply:
        page = reply.get_data(as_text=True)
    assert 'aria-label="Say something"' in page and "/static/sim.js" in page
    with client.get("/static/sim.js") as script:
        assert script.status_code == 200
    setup = client.get("/api/setup").get_json()
    assert "start glute release" in setup["chips"]
    assert setup["profiles"] == ["echo-show", "echo", "speaker"]


def test_an_approximate_phrase_carries_the_console_warning(client: FlaskClient) -> None:
    said = _say(client, "kindly commence the glute release please")
    notes = [n for x in said["exchanges"] for n in x["notes"]]
    assert any("Alexa may not understand this phrasing" in n for n in notes)


def test_dialog_mode_returns_progressive_pieces_then_the_final_speech(
        client: FlaskClient) -> None:
    client.post("/api/profile", json={"profile": "speaker"})
    _say(client, "start glute release")
    turn = _say(client, "no")["exchanges"][-1]
    assert turn["directives"] == []  # no AudioPlayer on this device
    assert turn["progressive"], "a paced step arrives in pieces before the final response"
    pieces = [p["text"] for p in turn["progressive"]]
    assert "Step 1" in pieces[0]
    final = turn["speech"]
    assert final["silences"], "the holds are silences in the audio"
    # The audio file is exactly as long as the speech plus its SSML breaks say.
    assert abs(_wav_ms(client, final["url"]) - final["ms"]) <= 2
    gaps = [end - start for start, end in final["silences"]]
    assert max(gaps) >= 5000  # a hold, not just sentence pauses


def test_a_break_in_the_ssml_is_kept_to_the_millisecond(app: Flask) -> None:
    from skill.simulator.app import _spoken

    ssml = '<speak>Breathe in.<break time="2500ms"/>And out.</speak>'
    spoken = _spoken(app.extensions["hipcoach_voice"], ssml)
    assert spoken is not None
    assert [end - start for start, end in spoken["silences"]] == [2500]
    client = app.test_client()
    assert abs(_wav_ms(client, spoken["url"]) - spoken["ms"]) <= 2
    assert spoken["ms"] > 2500 + 500  # and the words are heard around it


def test_echo_gets_a_track_and_its_events_reach_the_skill(client: FlaskClient) -> None:
    _say(client, "start glute release")
    play = _say(client, "no")["exchanges"][-1]["directives"][0]
    assert play["type"] == "AudioPlayer.Play"
    stream = play["audioItem"]["stream"]
    with client.get(stream["url"].replace("http://localhost", "")) as track:
        assert track.status_code == 200 and track.mimetype == "audio/mpeg"
    token = stream["token"]
    started = client.post("/api/event", json={
        "kind": "PlaybackStarted", "token": token, "offset": 0,
        "player": {"activity": "PLAYING", "token": token, "offset": 0}}).get_json()
    assert started["exchanges"][0]["request"]["request"]["type"] == "AudioPlayer.PlaybackStarted"
    paused = client.post("/api/button", json={
        "command": "Pause", "player": {"activity": "PLAYING", "token": token,
                                       "offset": 4200}}).get_json()
    assert [d["type"] for d in paused["exchanges"][0]["directives"]] == ["AudioPlayer.Stop"]
    client.post("/api/event", json={
        "kind": "PlaybackStopped", "token": token, "offset": 4200,
        "player": {"activity": "STOPPED", "token": token, "offset": 4200}})
    resumed = client.post("/api/button", json={
        "command": "Play", "player": {"activity": "STOPPED", "token": token,
                                      "offset": 4200}}).get_json()
    again = resumed["exchanges"][0]["directives"][0]["audioItem"]["stream"]
    assert again["token"] == token and abs(again["offsetInMilliseconds"] - 4200) <= 1000


def test_bad_input_is_refused_not_crashed(client: FlaskClient) -> None:
    assert client.post("/api/event", json={"kind": "PlaybackStarted"}).status_code == 400
    assert client.post("/api/event", json={"kind": "Nonsense", "token": "t",
                                           "offset": 0}).status_code == 400
    assert client.post("/api/button", json={"command": "Explode"}).status_code == 400
    assert client.post("/api/profile", json={"profile": "toaster"}).status_code == 400
    assert client.post("/api/say", data="not json").status_code == 200
    assert client.get("/voice/..%2Fhipcoach.sqlite3").status_code == 404
    assert client.get("/voice/0123456789abcdef01234567.wav").status_code == 404


def test_come_back_tomorrow_moves_the_skills_day(client: FlaskClient) -> None:
    _say(client, "start glute release")
    _say(client, "no")
    first = client.get("/api/setup").get_json()["state"]
    assert first["history"]["last_day"] == "2026-03-02"
    later = client.post("/api/tomorrow").get_json()
    assert later["days"] == 1
    _say(client, "start glute release")
    state = client.get("/api/setup").get_json()["state"]
    assert state["history"]["last_day"] == "2026-03-03"  # the skill saw the next day


def test_a_new_user_starts_with_nothing_saved(client: FlaskClient) -> None:
    _say(client, "start glute release")
    assert client.get("/api/setup").get_json()["state"]
    fresh = client.post("/api/new-user").get_json()
    assert fresh["state"] == {}


def test_dialog_turns_carry_the_cue_chimes_and_the_voice_plays_them(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    """A speaker (no AudioPlayer) hears the hold, breathe and release chimes, as a device
    with an HTTPS audio base would: the simulator hands the skill its local clips."""
    client.post("/api/profile", json={"profile": "speaker"})
    _say(client, "start glute release")
    with caplog.at_level("INFO", logger="hipcoach.simulator"):
        turn = _say(client, "no")["exchanges"][-1]
    ssml = json.dumps(turn["response"])
    assert ssml.count("<audio ") >= 2, "no chimes in the dialog turn"
    assert not [r for r in caplog.records if "not a local audio file" in r.getMessage()]


def test_the_next_and_previous_buttons_move_between_sides(client: FlaskClient) -> None:
    """The page's Next and Previous buttons act as the device's: glute release's first step
    is done per side, so Next plays its second side and Previous its first again."""
    _say(client, "start glute release")
    first = _say(client, "no")["exchanges"][-1]["directives"][0]["audioItem"]["stream"]
    playing = {"activity": "PLAYING", "token": first["token"], "offset": 5000}
    nxt = client.post("/api/button", json={"command": "Next", "player": playing}).get_json()
    second = nxt["exchanges"][0]["directives"][0]["audioItem"]["stream"]
    assert second["token"] != first["token"] and second["offsetInMilliseconds"] == 0
    playing = {"activity": "PLAYING", "token": second["token"], "offset": 3000}
    back = client.post("/api/button", json={"command": "Previous", "player": playing}).get_json()
    again = back["exchanges"][0]["directives"][0]["audioItem"]["stream"]
    assert again["token"] == first["token"] and again["offsetInMilliseconds"] == 0


def test_breaks_in_a_row_are_one_silence_to_skip(app: Flask) -> None:
    """A hold is several breaks back to back (each at most Alexa's 10 s): "Skip silence"
    must jump the whole stretch, not one break of it per press."""
    from skill.simulator.app import _spoken

    ssml = ('<speak>Hold.<break time="10s"/><break time="10s"/><break time="4s"/>'
            'Breathe out.<break time="1s"/>Release.</speak>')
    spoken = _spoken(app.extensions["hipcoach_voice"], ssml)
    assert spoken is not None
    assert [end - start for start, end in spoken["silences"]] == [24_000, 1000]


def test_each_browser_keeps_its_own_day(app: Flask) -> None:
    """"Come back tomorrow" in one tab moves that tab's user a day, not another tab's."""
    later, today = app.test_client(), app.test_client()
    for browser in (later, today):
        _say(browser, "start glute release")
        _say(browser, "no")
    assert later.post("/api/tomorrow").get_json()["days"] == 1
    assert today.get("/api/setup").get_json()["days"] == 0
    _say(today, "start glute release")
    _say(later, "start glute release")
    assert today.get("/api/setup").get_json()["state"]["history"]["last_day"] == "2026-03-02"
    assert later.get("/api/setup").get_json()["state"]["history"]["last_day"] == "2026-03-03"


def test_old_voice_files_are_removed_to_stay_under_the_cap(app: Flask, tmp_path: Path) -> None:
    """Rendered responses are kept for replay, but not without end: past the cap the least
    recently used go, never the one just spoken."""
    from skill.simulator.voice import Voice

    chain = app.extensions["hipcoach_voice"].chain
    first = Voice(chain, tmp_path / "voice", tmp_path / "sounds", max_bytes=10**9)
    names = [first.render(f'<speak>Line {n}.<break time="1s"/></speak>').name
             for n in range(4)]
    sizes = [(tmp_path / "voice" / n).stat().st_size for n in names]
    first.render('<speak>Line 0.<break time="1s"/></speak>')  # used again: now the newest
    capped = Voice(chain, tmp_path / "voice", tmp_path / "sounds",
                   max_bytes=sizes[0] + sizes[3] + 10)
    newest = capped.render('<speak>Line 3.<break time="1s"/></speak>').name
    left = {p.name for p in (tmp_path / "voice").glob("*.wav")}
    assert newest in left and names[0] in left
    assert names[1] not in left and names[2] not in left
