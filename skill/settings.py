"""Settings from HIPCOACH_* environment variables, with embedded defaults that need no cloud.

One frozen object read once at start-up and passed to the wiring code, so tests
build their own instead of patching the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from skill.core.record import Record, field


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


class Settings(Record):
    """Everything that differs between a laptop, a test and AWS."""

    data_dir: Path = field(default_factory=lambda: Path.home() / ".hipcoach")
    """HIPCOACH_DATA_DIR: SQLite database, rendered audio and the clip cache live here."""
    persistence: str = "sqlite"
    """HIPCOACH_PERSISTENCE: "sqlite" (embedded default) or "dynamodb"."""
    table: str = "hip-coach-users"
    """HIPCOACH_TABLE: the DynamoDB table when persistence is "dynamodb"."""
    region: str | None = None
    """HIPCOACH_REGION (or AWS_REGION): region for DynamoDB, Polly and S3."""
    skill_id: str | None = None
    """HIPCOACH_SKILL_ID: when set, requests for any other skill are rejected."""
    verify: bool = True
    """HIPCOACH_VERIFY: verify Alexa signatures and timestamps on the web endpoint."""
    progressive: bool = True
    """HIPCOACH_PROGRESSIVE: send progressive responses to pace holds."""
    settings_api: bool | None = None
    """HIPCOACH_SETTINGS_API: ask Alexa's Settings API for the device's time zone (streak
    days). Unset: follows HIPCOACH_PROGRESSIVE, since both call Alexa's service APIs with
    the request's token, and a machine that cannot reach one cannot reach the other."""
    speech: str = "espeak"
    """HIPCOACH_SPEECH: "auto" (what `from_env` gives when unset: the neural voice when
    scripts/bootstrap.sh installed it, else espeak-ng), "neural", "espeak" or "polly". Built
    directly, settings keep espeak-ng, so tests never depend on what this machine installed."""
    voice_env: Path | None = None
    """HIPCOACH_VOICE_ENV: the virtualenv holding piper and its voice (default: .venv-voice
    in the repository; see skill.audio.neural)."""
    polly_voice: str = "Joanna"
    """HIPCOACH_POLLY_VOICE: Polly voice id (the neural engine is used where offered)."""
    audio_store: str = "local"
    """HIPCOACH_AUDIO_STORE: "local" (served by the Flask app) or "s3"."""
    audio_bucket: str | None = None
    """HIPCOACH_AUDIO_BUCKET: S3 bucket for rendered tracks."""
    audio_base_url: str | None = None
    """HIPCOACH_AUDIO_BASE_URL: public HTTPS base for audio (a tunnel or CloudFront). When
    set it wins over anything derived from a request. Devices play only HTTPS on port 443:
    with an http base (or none) they get spoken coaching instead of AudioPlayer streams."""
    trust_proxy: bool = False
    """HIPCOACH_TRUST_PROXY: an HTTPS proxy or tunnel is in front of `hipcoach serve` and
    sets X-Forwarded-Proto / X-Forwarded-Host (or RFC 7239 Forwarded). With it, and no
    HIPCOACH_AUDIO_BASE_URL, each request's audio base is derived from those headers
    (`X-Forwarded-Proto: https`, `X-Forwarded-Host: tunnel.example` -> audio at
    https://tunnel.example/audio/<name>). Off (the default), the headers are ignored and
    waitress strips them: anyone can send them to a server that is reached directly."""
    streaming: bool = True
    """HIPCOACH_STREAMING: use AudioPlayer on devices that support it."""
    log_level: str = "INFO"
    """HIPCOACH_LOG_LEVEL."""

    @property
    def time_zones(self) -> bool:
        """Whether to look up device time zones (see `settings_api`)."""
        return self.progressive if self.settings_api is None else self.settings_api

    @property
    def db_path(self) -> Path:
        return self.data_dir / "hipcoach.sqlite3"

    @property
    def audio_dir(self) -> Path:
        return self.data_dir / "audio"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read HIPCOACH_* variables; anything unset keeps its embedded default."""
        e = os.environ if env is None else env
        d = cls()

        def get(name: str) -> str | None:
            value = e.get(f"HIPCOACH_{name}")
            return value if value not in (None, "") else None

        return cls(
            data_dir=Path(get("DATA_DIR") or d.data_dir).expanduser(),
            persistence=(get("PERSISTENCE") or d.persistence).lower(),
            table=get("TABLE") or d.table,
            region=get("REGION") or e.get("AWS_REGION") or None,
            skill_id=get("SKILL_ID"),
            verify=_flag(get("VERIFY"), d.verify),
            progressive=_flag(get("PROGRESSIVE"), d.progressive),
            settings_api=None if get("SETTINGS_API") is None else _flag(get("SETTINGS_API"),
                                                                         True),
            speech=(get("SPEECH") or "auto").lower(),
            voice_env=Path(v).expanduser() if (v := get("VOICE_ENV")) else None,
            polly_voice=get("POLLY_VOICE") or d.polly_voice,
            audio_store=(get("AUDIO_STORE") or d.audio_store).lower(),
            audio_bucket=get("AUDIO_BUCKET"),
            audio_base_url=(get("AUDIO_BASE_URL") or "").rstrip("/") or None,
            trust_proxy=_flag(get("TRUST_PROXY"), d.trust_proxy),
            streaming=_flag(get("STREAMING"), d.streaming),
            log_level=(get("LOG_LEVEL") or d.log_level).upper(),
        )
