"""Where rendered tracks live and the URL a device fetches them from: a local folder or S3.

Track names are content hashes, so a stored file never changes under its name:
both stores mark it immutable for a year and any CDN or device cache is safe.
Names are validated everywhere (``^[0-9a-f]{16,64}\\.(mp3|png)$``) so a name can never
be a path or an S3 key of something else. The PNGs are the now-playing images
(skill.audio.art), stored and served beside the tracks with their own content type.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from skill.settings import Settings

NAME_RE = re.compile(r"^[0-9a-f]{16,64}\.(mp3|png)$")
INDEX_RE = re.compile(r"^index-[0-9a-z-]{8,80}\.json$")
"""Track index files: which stored track plays a (routine, step, side, preferences)."""
CONTENT_TYPE = "audio/mpeg"
IMAGE_CONTENT_TYPE = "image/png"
CACHE_CONTROL = "public, max-age=31536000, immutable"
LOCAL_BASE_URL = "http://127.0.0.1:5000"
"""Default base of the local server's own URLs: the console's, never a device's.

Alexa fetches AudioPlayer streams and SSML <audio> only over HTTPS with a trusted
certificate on port 443, so a device gets tracks only under an HTTPS base: a tunnel
named in HIPCOACH_AUDIO_BASE_URL, or one derived per request from a trusted proxy's
headers (HIPCOACH_TRUST_PROXY; skill.audio.lazy.LazyTracks.for_request decides)."""
PRESIGN_SECONDS = 12 * 3600
"""Lifetime of a presigned S3 URL: long enough for a routine to be enqueued and played.

A URL signed with temporary (role) credentials stops working when they expire,
whatever this says; use a CloudFront base URL for production."""


def check_name(name: str) -> str:
    """Return the name if it is a valid track name; ValueError otherwise."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise ValueError(f"invalid audio name {name!r}")
    return name


def is_valid_name(name: str) -> bool:
    return isinstance(name, str) and NAME_RE.fullmatch(name) is not None


def content_type(name: str) -> str:
    """What a stored name holds, for the Content-Type a device sees: a device may refuse
    a PNG served as audio/mpeg."""
    return IMAGE_CONTENT_TYPE if check_name(name).endswith(".png") else CONTENT_TYPE


class TrackStore(Protocol):
    """Storage for rendered MP3s under content-hash names."""

    def exists(self, name: str) -> bool: ...

    def put(self, name: str, path: Path) -> None: ...

    def url(self, name: str) -> str: ...

    def open_path(self, name: str) -> Path | None:
        """The local file, for stores that have one; None otherwise."""
        ...

    def read_index(self, name: str) -> bytes | None:
        """A track index file's bytes, or None when there is none yet."""
        ...

    def write_index(self, name: str, data: bytes) -> None: ...


def check_index_name(name: str) -> str:
    if not isinstance(name, str) or not INDEX_RE.fullmatch(name):
        raise ValueError(f"invalid index name {name!r}")
    return name


class LocalStore:
    """Files in a folder (settings.audio_dir / "tracks"), served by the Flask /audio route."""

    def __init__(self, folder: Path, base_url: str = LOCAL_BASE_URL) -> None:
        self.folder = folder
        self.base_url = base_url.rstrip("/")

    def _path(self, name: str) -> Path:
        return self.folder / check_name(name)

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def put(self, name: str, path: Path) -> None:
        target = self._path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".put-", suffix=".part")
        os.close(fd)
        try:
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)  # atomic: the server never serves half a file
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def url(self, name: str, base: str | None = None) -> str:
        """The URL under `base` (this request's public base, see skill.audio.public), else
        under the store's own base."""
        return f"{(base or self.base_url).rstrip('/')}/audio/{check_name(name)}"

    def open_path(self, name: str) -> Path | None:
        path = self._path(name)
        return path if path.is_file() else None

    def read_index(self, name: str) -> bytes | None:
        try:
            return (self.folder / check_index_name(name)).read_bytes()
        except FileNotFoundError:
            return None

    def write_index(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".idx-", suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, self.folder / check_index_name(name))


class S3Store:
    """Objects in a bucket, key = name; URLs through CloudFront (base_url) or presigned GETs.

    Give it a client configured for SigV4 (``Config(signature_version="s3v4")``,
    as `build_renderer` does) so presigned URLs work in every region.
    """

    def __init__(self, client: S3Client, bucket: str, base_url: str | None = None,
                 presign_seconds: int = PRESIGN_SECONDS) -> None:
        self.client, self.bucket = client, bucket
        self.base_url = base_url.rstrip("/") if base_url else None
        self.presign_seconds = presign_seconds

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=check_name(name))
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def put(self, name: str, path: Path) -> None:
        self.client.upload_file(str(path), self.bucket, check_name(name), ExtraArgs={
            "ContentType": content_type(name), "CacheControl": CACHE_CONTROL})

    def url(self, name: str) -> str:
        key = check_name(name)
        if self.base_url:
            return f"{self.base_url}/{key}"
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key},
            ExpiresIn=self.presign_seconds)

    def open_path(self, name: str) -> Path | None:
        check_name(name)
        return None

    def read_index(self, name: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            obj = self.client.get_object(Bucket=self.bucket,
                                         Key=f"index/{check_index_name(name)}")
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        data: bytes = obj["Body"].read()
        return data

    def write_index(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=f"index/{check_index_name(name)}",
                               Body=data, ContentType="application/json",
                               CacheControl="no-cache")


def build_store(settings: Settings, s3_client: Any | None = None) -> TrackStore:
    """The configured store; boto3 is imported only for S3."""
    if settings.audio_store == "s3":
        if not settings.audio_bucket:
            raise ValueError("HIPCOACH_AUDIO_STORE=s3 needs HIPCOACH_AUDIO_BUCKET")
        if s3_client is None:
            import boto3
            from botocore.config import Config

            s3_client = boto3.client("s3", region_name=settings.region,
                                     config=Config(signature_version="s3v4"))
        return S3Store(s3_client, settings.audio_bucket, base_url=settings.audio_base_url)
    if settings.audio_store != "local":
        raise ValueError(f"HIPCOACH_AUDIO_STORE={settings.audio_store!r}: use 'local' or 's3'")
    return LocalStore(settings.audio_dir / "tracks", settings.audio_base_url or LOCAL_BASE_URL)
