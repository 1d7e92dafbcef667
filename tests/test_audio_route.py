"""GET /audio/<name>: headers, byte ranges and refusal of anything that is not a track name."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from skill.web.audio_route import audio_blueprint
from tests.support.mp3 import write_mp3

NAME = "a1b2c3d4e5f60718293a4b5c.mp3"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    tracks = tmp_path / "tracks"
    tracks.mkdir()
    write_mp3(tracks / NAME, 1500)
    (tracks / "abc.txt").write_text("not audio")
    (tmp_path / "secret.mp3").write_bytes(b"secret")
    return tracks


@pytest.fixture
def client(folder: Path) -> FlaskClient:
    app = Flask(__name__)
    app.register_blueprint(audio_blueprint(folder))
    return app.test_client()


def _fetch(client: FlaskClient, path: str, method: str = "GET",
           headers: dict[str, str] | None = None) -> TestResponse:
    """Make the request and read the body, closing the response as a WSGI server would."""
    response = client.open(path, method=method, headers=headers)
    response.get_data()
    response.close()
    return response


def test_full_get_has_type_caching_and_etag(client: FlaskClient, folder: Path) -> None:
    data = (folder / NAME).read_bytes()
    r = _fetch(client, f"/audio/{NAME}")
    assert r.status_code == 200
    assert r.data == data
    assert r.headers["Content-Type"] == "audio/mpeg"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["Content-Length"] == str(len(data))
    etag = r.headers["ETag"]
    assert etag
    again = _fetch(client, f"/audio/{NAME}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    head = _fetch(client, f"/audio/{NAME}", "HEAD")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(data))


def test_range_requests(client: FlaskClient, folder: Path) -> None:
    data = (folder / NAME).read_bytes()
    size = len(data)
    first = _fetch(client, f"/audio/{NAME}", headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.data == data[:100] and len(first.data) == 100
    assert first.headers["Content-Range"] == f"bytes 0-99/{size}"
    assert first.headers["Content-Type"] == "audio/mpeg"
    suffix = _fetch(client, f"/audio/{NAME}", headers={"Range": "bytes=-100"})
    assert suffix.status_code == 206 and suffix.data == data[-100:]
    assert suffix.headers["Content-Range"] == f"bytes {size - 100}-{size - 1}/{size}"
    rest = _fetch(client, f"/audio/{NAME}", headers={"Range": "bytes=1000-"})
    assert rest.status_code == 206 and rest.data == data[1000:]
    beyond = _fetch(client, f"/audio/{NAME}", headers={"Range": f"bytes={size}-{size + 10}"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize("path", [
    "/audio/ffffffffffffffffffffffff.mp3",  # valid name, no such track
    "/audio/..%2f..%2fetc%2fpasswd",
    "/audio/..%2fsecret.mp3",
    "/audio/../x.mp3",
    "/audio/../secret.mp3",
    "/audio/abc.txt",
    "/audio/A1B2C3D4E5F60718293A4B5C.mp3",
    "/audio/%2e%2e%2fsecret.mp3",
    "/audio/",
])
def test_anything_but_a_stored_track_name_is_404(client: FlaskClient, path: str) -> None:
    r = _fetch(client, path)
    assert r.status_code == 404
    assert b"secret" not in r.data and b"not audio" not in r.data
