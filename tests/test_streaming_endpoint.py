"""Streaming end to end through Flask: POST /alexa plays a track that GET /audio serves.

Real rendering (espeak-ng speech, pydub/ffmpeg MP3), real SQLite, the real
LazyTracks; only Alexa itself is simulated, by the Flask test client. The audio
base URL is a public HTTPS name (a device plays nothing else); the test fetches
the Play directive's path from the same app, as the tunnel behind that name would.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from skill.settings import Settings
from skill.web.app import create_app
from tests.support.alexa import Device, directives, ends, plain, reprompt, speech, start_screened

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("ffprobe") is None,
    reason="needs espeak-ng and ffprobe (CI installs both)")

BASE_URL = "https://tunnel.example"
ROUTINE = "glute-release"


@pytest.fixture
def stream_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", progressive=False, streaming=True,
                    verify=False, audio_base_url=BASE_URL)


@pytest.fixture
def client(stream_settings: Settings) -> Iterator[FlaskClient]:
    app = create_app(stream_settings)
    with app.test_client() as c:
        yield c


def alexa(client: FlaskClient, envelope: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/alexa", data=json.dumps(envelope),
                           content_type="application/json")
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def the_stream(body: dict[str, Any], behavior: str) -> dict[str, Any]:
    found = directives(body)
    assert [d["type"] for d in found] == ["AudioPlayer.Play"], found
    assert found[0]["playBehavior"] == behavior
    stream: dict[str, Any] = found[0]["audioItem"]["stream"]
    return stream


def fetch(client: FlaskClient, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET the stream URL from the app, as the device would from the public host."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL
    response = client.get(parts.path, headers=headers)
    try:
        return response.status_code, dict(response.headers), response.get_data()
    finally:
        response.close()


def probe(data: bytes, folder: Path) -> dict[str, Any]:
    """ffprobe's reading of the bytes a device downloaded."""
    path = folder / "downloaded.mp3"
    path.write_bytes(data)
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
                         check=True, capture_output=True, text=True, timeout=30)
    streams = [s for s in json.loads(out.stdout)["streams"] if s["codec_type"] == "audio"]
    assert len(streams) == 1, streams
    stream: dict[str, Any] = streams[0]
    return stream


def assert_servable_mp3(client: FlaskClient, url: str, folder: Path) -> bytes:
    assert url.endswith(".mp3")
    assert urlsplit(url).path.startswith("/audio/")
    status, headers, data = fetch(client, url)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == "audio/mpeg"
    assert int(headers["Content-Length"]) == len(data)
    stream = probe(data, folder)
    assert stream["codec_name"] == "mp3"
    assert float(stream["duration"]) > 10.0
    return data


def test_an_audio_device_gets_a_play_directive_whose_url_serves_a_real_mp3(
        client: FlaskClient, tmp_path: Path) -> None:
    device = Device(audio_player=True)
    body = start_screened(lambda e: alexa(client, e), device, ROUTINE)
    assert plain(speech(body)).startswith("Let's do glute release.")
    assert body["response"]["shouldEndSession"] is True
    stream = the_stream(body, "REPLACE_ALL")
    assert stream["offsetInMilliseconds"] == 0
    assert stream["token"].startswith(f"hc1:{ROUTINE}:0:0:")
    assert len(stream["token"]) <= 1024

    data = assert_servable_mp3(client, stream["url"], tmp_path)

    status, headers, part = fetch(client, stream["url"], Range="bytes=1000-1999")
    assert status == 206
    assert part == data[1000:2000]
    assert headers["Content-Range"] == f"bytes 1000-1999/{len(data)}"


def test_nearly_finished_without_a_session_enqueues_the_next_side_that_also_serves(
        client: FlaskClient, tmp_path: Path) -> None:
    device = Device(audio_player=True)
    first = the_stream(start_screened(lambda e: alexa(client, e), device, ROUTINE), "REPLACE_ALL")
    started = alexa(client, device.audio_event("PlaybackStarted", first["token"]))
    assert started["response"] == {}
    nearly = alexa(client, device.audio_event("PlaybackNearlyFinished", first["token"], 30_000))
    assert "outputSpeech" not in nearly["response"]
    nxt = the_stream(nearly, "ENQUEUE")
    assert nxt["expectedPreviousToken"] == first["token"]
    assert nxt["token"].startswith(f"hc1:{ROUTINE}:0:1:")
    assert nxt["url"] != first["url"]  # the other side's words
    assert_servable_mp3(client, nxt["url"], tmp_path)


def test_a_device_without_audio_player_gets_dialog_mode_and_no_track_is_rendered(
        client: FlaskClient, stream_settings: Settings) -> None:
    device = Device(audio_player=False)
    body = start_screened(lambda e: alexa(client, e), device, ROUTINE)
    assert directives(body) == []
    assert not ends(body)
    assert plain(reprompt(body))
    said = plain(speech(body))
    assert said.startswith("Let's do glute release.") and "Step 1" in said
    # under an HTTPS base dialog turns carry cue chimes (tests/test_cue_sounds.py): those
    # clips may be rendered, but no routine track is
    folder = stream_settings.audio_dir / "tracks"
    index: dict[str, str] = {}
    for found in folder.glob("index-*.json"):
        index.update(json.loads(found.read_text()))
    assert [key for key in index if not key.startswith("cue/")] == []
    cues = {value.split("|")[0] for key, value in index.items() if key.startswith("cue/")}
    assert {p.name for p in folder.glob("*.mp3")} <= cues


def test_unknown_audio_names_are_not_served(client: FlaskClient) -> None:
    for path in ("/audio/0123456789abcdef.mp3", "/audio/..%2Fhipcoach.sqlite3",
                 "/audio/not-a-track.mp3"):
        response = client.get(path)
        assert response.status_code == 404
        response.close()
