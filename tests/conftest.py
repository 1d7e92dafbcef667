"""Shared fixtures: a fresh skill per test on a temporary data folder and a fixed clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from skill.adapters.progressive import DirectiveApiSender
from skill.app import SkillApp
from skill.settings import Settings
from tests.support.directive_server import DirectiveServer

pytest_plugins = ["tests.support.echo"]
"""The Echo harness's fixtures (`content`, `lambda_skill`, `new_user`) for every module."""

FIXED_NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


class Clock:
    """A settable clock (no sleeping in tests: move it instead)."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults in a temp folder; no progressive responses, no streaming."""
    return Settings(data_dir=tmp_path / "data", progressive=False, streaming=False,
                    verify=False)


@pytest.fixture
def make_app(settings: Settings, clock: Clock) -> Iterator[Callable[..., SkillApp]]:
    """Build a SkillApp with the temp settings; keyword arguments override."""

    def build(**kwargs: object) -> SkillApp:
        kwargs.setdefault("clock", clock)
        s = kwargs.pop("settings", settings)
        assert isinstance(s, Settings)
        return SkillApp(s, **kwargs)  # type: ignore[arg-type]

    yield build


@pytest.fixture
def server() -> Iterator[DirectiveServer]:
    """A local fake of Alexa's directive API (answers 204 unless scripted otherwise)."""
    with DirectiveServer() as fake:
        yield fake


@pytest.fixture
def sender() -> Iterator[DirectiveApiSender]:
    """The real progressive-response sender, closed after the test."""
    s = DirectiveApiSender()
    yield s
    s.close()
