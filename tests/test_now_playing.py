"""Streaming on a screen: every Play carries art and a background image that a device can
fetch, served by the same audio route as the tracks, and a missing image never stops a Play.

The Flask app is the real one with the real LazyTracks over a local store whose tracks were
"rendered ahead" (placeholder bytes, no ffmpeg) and whose images were drawn for real
(Pillow). The images are fetched back through the test client, as the tunnel in front of
the public HTTPS name would forward a device's GET.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from flask import Flask
from moto import mock_aws

from skill.audio import art, lazy
from skill.audio.art import render_images
from skill.audio.index import TrackIndex, index_name, track_key
from skill.audio.store import LocalStore, S3Store
from skill.content import load_content
from skill.content.model import Side
from skill.core.limits import NOW_PLAYING_ART_PX, NOW_PLAYING_BACKGROUND_PX
from skill.core.plan import track_order
from skill.core.record import replace
from skill.settings import Settings
from skill.state import UserState
from skill.web.app import create_app
from tests.support.alexa import Device, directives, plain, slot, speech, start_screened
from tests.support.tracks_ahead import render_ahead, stream_settings

ROUTINE = "glute-release"
BASE = "https://tunnel.example"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Json = dict[str, Any]


@pytest.fixture(autouse=True)
def no_track_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tracks only as rendered ahead (no ffmpeg needed here)."""
    monkeypatch.setattr(lazy, "can_render", lambda: False)


def settings_for(tmp_path: Path) -> Settings:
    return stream_settings(tmp_path, audio_base_url=BASE)


def draw_ahead(settings: Settings, routines: tuple[str, ...] = (ROUTINE,)) -> None:
    """The routines' images as `hipcoach render` leaves them: stored and indexed."""
    content = load_content()
    store = LocalStore(settings.audio_dir / "tracks")
    render_images(content, store, TrackIndex(store, index_name(content.version, settings)),
                  routines, settings.data_dir / "work")


def tracks_ahead(settings: Settings, first_side: Side) -> None:
    """Placeholder tracks for a new user who works `first_side` first (render_ahead's are
    for the default side)."""
    content = load_content()
    store = LocalStore(settings.audio_dir / "tracks")
    index = TrackIndex(store, index_name(content.version, settings))
    prefs = replace(UserState().effective_prefs(ROUTINE), first_side=first_side)
    for step, side in track_order(content, content.routines[ROUTINE], prefs):
        data = f"{ROUTINE} {step} {side} {first_side}".encode()
        name = hashlib.sha256(data).hexdigest()[:32] + ".mp3"
        source = settings.data_dir / name
        source.write_bytes(data)
        store.put(name, source)
        index.record(track_key(ROUTINE, step, side, prefs), name)


def poster(app: Flask) -> Callable[[Json], Json]:
    client = app.test_client()

    def post(envelope: Json) -> Json:
        reply = client.post("/alexa", data=json.dumps(envelope),
                            content_type="application/json")
        assert reply.status_code == 200
        body: Json = reply.get_json()
        return body

    return post


def the_play(body: Json) -> Json:
    found = directives(body)
    assert [d["type"] for d in found] == ["AudioPlayer.Play"], found
    play: Json = found[0]
    return play


def image_url(play: Json, kind: str) -> tuple[str, int, int]:
    """(url, declared width, declared height) of the Play's `art` or `backgroundImage`."""
    (source,) = play["audioItem"]["metadata"][kind]["sources"]
    return source["url"], source["widthPixels"], source["heightPixels"]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, checked like a decoder would."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    body = data[16:16 + length]
    (crc,) = struct.unpack(">I", data[16 + length:20 + length])
    assert zlib.crc32(kind + body) == crc
    width, height = struct.unpack(">II", body[:8])
    return width, height


def fetch(app: Flask, url: str) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE
    got = app.test_client().get(parts.path)
    try:
        return got.status_code, got.headers.get("Content-Type", ""), got.get_data()
    finally:
        got.close()


def test_a_streamed_step_shows_art_and_a_background_a_device_can_fetch(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    render_ahead(settings)
    draw_ahead(settings)
    app = create_app(settings)

    play = the_play(start_screened(poster(app), Device(audio_player=True), ROUTINE))

    stream_url = play["audioItem"]["stream"]["url"]
    for kind, size in (("art", NOW_PLAYING_ART_PX), ("backgroundImage",
                                                     NOW_PLAYING_BACKGROUND_PX)):
        url, width, height = image_url(play, kind)
        assert url.startswith(f"{BASE}/audio/") and url.endswith(".png")
        assert urlsplit(url).netloc == urlsplit(stream_url).netloc  # where the track is
        assert (width, height) == size
        status, content_type, data = fetch(app, url)
        assert status == 200 and content_type == "image/png"
        assert png_size(data) == size  # the image is the size the directive declares
        assert len(data) > 2_000  # something is drawn on it, not an empty canvas
    metadata = play["audioItem"]["metadata"]
    assert metadata["art"]["contentDescription"].startswith("Glute release, step 1 of 2")
    assert "left side" in metadata["subtitle"].lower()


def test_each_side_has_its_own_images_and_they_follow_the_body_not_the_preference(
        tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    render_ahead(settings)
    tracks_ahead(settings, Side.RIGHT)
    draw_ahead(settings)
    app = create_app(settings)
    post = poster(app)
    device = Device(audio_player=True)

    first = the_play(start_screened(post, device, ROUTINE))
    token = first["audioItem"]["stream"]["token"]
    second = the_play(post(device.audio_event("PlaybackNearlyFinished", token, 50_000)))

    assert second["playBehavior"] == "ENQUEUE"
    left, right = image_url(first, "art")[0], image_url(second, "art")[0]
    assert left != right and "right side" in second["audioItem"]["metadata"]["subtitle"].lower()
    assert fetch(app, left)[2] != fetch(app, right)[2]
    # someone who starts on the right gets, first, the very image the right side always has
    right_first = Device(audio_player=True, user_id="amzn1.ask.account.rightfirst")
    said = right_first.intent("PreferenceIntent", setting=slot(
        "setting", "start with my right side", "start-right"))
    assert "right side first" in plain(speech(right_first.receive(post(said))))
    body = start_screened(post, right_first, ROUTINE)
    assert image_url(the_play(body), "art")[0] == right
    assert image_url(the_play(body), "backgroundImage")[0] == image_url(
        second, "backgroundImage")[0]


def test_a_missing_image_never_stops_the_play_and_is_logged_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(art, "can_draw", lambda: False)  # as on Lambda: nothing drawn here
    settings = settings_for(tmp_path)
    render_ahead(settings)  # the tracks were rendered ahead, the images were not
    app = create_app(settings)
    caplog.set_level(logging.INFO)
    post = poster(app)

    bodies = [start_screened(post, Device(audio_player=True, user_id=f"amzn1.ask.account.{i}"),
                             ROUTINE) for i in range(2)]

    for body in bodies:
        play = the_play(body)
        assert play["audioItem"]["stream"]["url"].startswith(f"{BASE}/audio/")
        metadata = play["audioItem"]["metadata"]
        assert "art" not in metadata and "backgroundImage" not in metadata
        assert metadata["title"] and metadata["subtitle"]
        assert body["response"]["shouldEndSession"] is True
    said = [r.getMessage() for r in caplog.records if "now-playing images" in r.getMessage()]
    assert len(said) == 1, said
    assert "hipcoach render" in said[0]


def test_a_local_server_with_pillow_draws_missing_images_on_first_use(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    render_ahead(settings)
    app = create_app(settings)

    play = the_play(start_screened(poster(app), Device(audio_player=True), ROUTINE))

    for kind in ("art", "backgroundImage"):
        status, content_type, data = fetch(app, image_url(play, kind)[0])
        assert status == 200 and content_type == "image/png" and data[:8] == PNG_SIGNATURE
    folder = settings.audio_dir / "tracks"
    assert len(list(folder.glob("*.png"))) == 2  # only this step's side, not the routine


def test_no_image_url_without_a_track_url(tmp_path: Path) -> None:
    settings = stream_settings(tmp_path)  # no HTTPS base: devices get spoken coaching
    render_ahead(settings)
    draw_ahead(settings)
    app = create_app(settings)

    body = start_screened(poster(app), Device(audio_player=True), ROUTINE)

    assert directives(body) == []
    assert ".png" not in json.dumps(body)


def test_the_route_serves_images_as_png_and_tracks_as_mp3(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    stored = render_ahead(settings)
    draw_ahead(settings)
    client = create_app(settings).test_client()
    png = next((settings.audio_dir / "tracks").glob("*.png")).name
    for name, kind in ((png, "image/png"), (next(iter(stored)), "audio/mpeg")):
        got = client.get(f"/audio/{name}")
        assert got.status_code == 200 and got.headers["Content-Type"] == kind
        assert "immutable" in got.headers["Cache-Control"]
        got.close()
    for bad in ("0123456789abcdef.png", "0123456789abcdef.gif", png.replace(".png", ".PNG")):
        got = client.get(f"/audio/{bad}")
        assert got.status_code == 404
        got.close()


def test_images_upload_to_s3_as_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    content = load_content()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="hip-audio")
        store = S3Store(s3, "hip-audio", base_url="https://cdn.example")
        settings = settings_for(tmp_path)
        index = TrackIndex(store, index_name(content.version, settings))
        render_images(content, store, index, ["quick-release"], tmp_path / "work")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="hip-audio")["Contents"]]
        pngs = [k for k in keys if k.endswith(".png")]
        assert len(pngs) == 4  # one step, two sides, art and background each
        for key in pngs:
            head = s3.head_object(Bucket="hip-audio", Key=key)
            assert head["ContentType"] == "image/png"
            body = s3.get_object(Bucket="hip-audio", Key=key)["Body"].read()
            assert png_size(body) in (NOW_PLAYING_ART_PX, NOW_PLAYING_BACKGROUND_PX)
