"""Track stores: a local folder and S3 (on moto), both keyed by validated content-hash names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

from skill.audio.render import build_renderer
from skill.audio.store import CACHE_CONTROL, LocalStore, S3Store, check_name
from skill.settings import Settings

NAME = "0123456789abcdef01234567.mp3"
BAD_NAMES = ["../x.mp3", "abc.txt", "0123456789ABCDEF.mp3", "0123456789abcdef", "short.mp3",
             "0123456789abcdef/../../etc/passwd", "0123456789abcde.mp3", "a" * 65 + ".mp3",
             "0123456789abcdef.mp3\n", ""]


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    path = tmp_path / "track.mp3"
    path.write_bytes(b"ID3" + bytes(range(256)) * 4)
    return path


@pytest.mark.parametrize("name", BAD_NAMES)
def test_invalid_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="invalid audio name"):
        check_name(name)


def test_valid_names_pass() -> None:
    assert check_name(NAME) == NAME
    assert check_name("f" * 64 + ".mp3")


def test_local_store_puts_serves_and_rejects(tmp_path: Path, mp3: Path) -> None:
    store = LocalStore(tmp_path / "tracks", "https://abc.example.ngrok.app/")
    assert not store.exists(NAME) and store.open_path(NAME) is None
    store.put(NAME, mp3)
    assert store.exists(NAME)
    assert store.open_path(NAME) == tmp_path / "tracks" / NAME
    assert (tmp_path / "tracks" / NAME).read_bytes() == mp3.read_bytes()
    assert store.url(NAME) == f"https://abc.example.ngrok.app/audio/{NAME}"
    assert [p.name for p in (tmp_path / "tracks").iterdir()] == [NAME]  # no temp files left
    assert LocalStore(tmp_path / "t").url(NAME) == f"http://127.0.0.1:5000/audio/{NAME}"
    for bad in ("../x.mp3", "abc.txt"):
        with pytest.raises(ValueError):
            store.put(bad, mp3)
        with pytest.raises(ValueError):
            store.url(bad)
        with pytest.raises(ValueError):
            store.exists(bad)


@pytest.fixture
def s3() -> Iterator[object]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing",
                              config=Config(signature_version="s3v4"))
        client.create_bucket(Bucket="hip-audio")
        yield client


def test_s3_store_uploads_with_type_and_immutable_caching(s3: object, mp3: Path) -> None:
    store = S3Store(s3, "hip-audio")  # type: ignore[arg-type]
    assert not store.exists(NAME)
    store.put(NAME, mp3)
    assert store.exists(NAME)
    head = s3.head_object(Bucket="hip-audio", Key=NAME)  # type: ignore[attr-defined]
    assert head["ContentType"] == "audio/mpeg"
    assert head["CacheControl"] == CACHE_CONTROL == "public, max-age=31536000, immutable"
    body = s3.get_object(Bucket="hip-audio", Key=NAME)["Body"].read()  # type: ignore[attr-defined]
    assert body == mp3.read_bytes()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="hip-audio")["Contents"]]  # type: ignore[attr-defined]
    assert keys == [NAME]
    assert store.open_path(NAME) is None


def test_s3_urls_presigned_or_from_base(s3: object) -> None:
    presigned = S3Store(s3, "hip-audio", presign_seconds=3600).url(NAME)  # type: ignore[arg-type]
    parsed = urlparse(presigned)
    assert parsed.scheme == "https" and parsed.path.endswith(f"/{NAME}")
    assert "hip-audio" in parsed.netloc + parsed.path
    query = parse_qs(parsed.query)
    assert query["X-Amz-Expires"] == ["3600"] and "X-Amz-Signature" in query
    cdn = S3Store(s3, "hip-audio", base_url="https://d111.cloudfront.net/")  # type: ignore[arg-type]
    assert cdn.url(NAME) == f"https://d111.cloudfront.net/{NAME}"


def test_s3_store_rejects_invalid_names(s3: object, mp3: Path) -> None:
    store = S3Store(s3, "hip-audio")  # type: ignore[arg-type]
    for bad in ("../x.mp3", "abc.txt", "index.html"):
        with pytest.raises(ValueError):
            store.put(bad, mp3)
        with pytest.raises(ValueError):
            store.url(bad)
        with pytest.raises(ValueError):
            store.exists(bad)
    assert "Contents" not in s3.list_objects_v2(Bucket="hip-audio")  # type: ignore[attr-defined]


def test_build_renderer_wires_the_store_from_settings(s3: object, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, audio_store="s3", audio_bucket="hip-audio",
                        audio_base_url="https://cdn.example.com")
    store = build_renderer(settings, s3_client=s3).store
    assert isinstance(store, S3Store) and store.url(NAME) == f"https://cdn.example.com/{NAME}"
    local = build_renderer(Settings(data_dir=tmp_path)).store
    assert isinstance(local, LocalStore) and local.folder == tmp_path / "audio" / "tracks"
    assert local.url(NAME) == f"http://127.0.0.1:5000/audio/{NAME}"
    with pytest.raises(ValueError, match="HIPCOACH_AUDIO_BUCKET"):
        build_renderer(Settings(data_dir=tmp_path, audio_store="s3"), s3_client=s3)
