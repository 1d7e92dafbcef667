"""Streak days are the user's calendar days: the device's time zone from the Alexa Settings
API (a local fake of it here), asked rarely, and UTC whenever it cannot be had."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from skill.adapters.settings_api import SettingsApiZoneLookup
from skill.adapters.zone_lookup import ZoneQuery
from skill.app import SkillApp
from skill.settings import Settings
from tests.conftest import Clock
from tests.support.alexa import Device, plain, speech, start_screened
from tests.support.directive_server import DirectiveServer, Reply

DEVICE = "amzn1.ask.device.TESTDEVICE"
TOKEN = "settings-api-token-SECRET"


def query(server: DirectiveServer) -> ZoneQuery:
    return ZoneQuery(api_endpoint=server.url, device_id=DEVICE, api_access_token=TOKEN)


# --- the Settings API client ---------------------------------------------------------------

def test_reads_the_zone_with_the_request_token() -> None:
    with DirectiveServer(default=Reply.json("Europe/Berlin")) as server:
        assert SettingsApiZoneLookup().zone(query(server)) == "Europe/Berlin"
        sent = server.requests[0]
    assert sent.method == "GET"
    assert sent.path == f"/v2/devices/{DEVICE}/settings/System.timeZone"
    assert sent.header("Authorization") == f"Bearer {TOKEN}"


@pytest.mark.parametrize("reply", [Reply.ok(), Reply.error(403), Reply.error(500),
                                   Reply.json(42), Reply.json("Mars/Olympus_Mons"),
                                   Reply.json("../../etc/passwd"), Reply.hang_forever()],
                         ids=["204-not-set", "403", "500", "not-a-string", "unknown-zone",
                              "path", "hang"])
def test_no_usable_answer_gives_none_and_one_log_line_without_the_token(
        reply: Reply, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with DirectiveServer(default=reply) as server:
        assert SettingsApiZoneLookup(deadline_s=0.3).zone(query(server)) is None
    assert TOKEN not in caplog.text
    lines = [r for r in caplog.records if r.name == "skill.adapters.settings_api"]
    assert len(lines) == (0 if reply.status == 204 and not reply.hang else 1)


def test_the_token_only_goes_over_https(caplog: pytest.LogCaptureFixture) -> None:
    with DirectiveServer(default=Reply.json("Europe/Berlin")) as server:
        plain_http = ZoneQuery(api_endpoint="http://api.example.test", device_id=DEVICE,
                               api_access_token=TOKEN)
        assert SettingsApiZoneLookup().zone(plain_http) is None
        assert server.requests == []
    assert "not allowed" in caplog.text and TOKEN not in caplog.text


# --- the skill: streaks on the user's calendar ---------------------------------------------

class Zones:
    """A fake ZoneLookup that answers `zone` and counts the questions."""

    def __init__(self, zone: str | None) -> None:
        self.answer, self.asked = zone, 0

    def zone(self, query: ZoneQuery) -> str | None:
        assert query.device_id == DEVICE and query.api_access_token
        self.asked += 1
        return self.answer


def streak_after_two_sessions(make_app: Callable[..., SkillApp], zones: Zones,
                              first: datetime, second: datetime) -> str:
    clock = Clock(first)
    app = make_app(clock=clock, zones=zones)
    device = Device()
    start_screened(app.handle, device, "glute-release")
    device.receive(app.handle(device.intent("AMAZON.StopIntent")))
    clock.now = second
    start_screened(app.handle, device, "glute-release")
    progress = plain(speech(app.handle(device.intent("ProgressIntent"))))
    found = re.search(r"streak is (\d+ days? in a row)|starts a new streak", progress)
    assert found, progress
    return found.group(1)


# 17:30 on Nov 27 and 09:00 on Nov 28 in Los Angeles: one UTC date (Nov 28), two local days.
EVENING_LA = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)
NEXT_MORNING_LA = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


def test_two_local_days_make_a_two_day_streak(make_app: Callable[..., SkillApp]) -> None:
    zones = Zones("America/Los_Angeles")
    assert streak_after_two_sessions(make_app, zones, EVENING_LA,
                                     NEXT_MORNING_LA) == "2 days in a row"
    assert zones.asked == 1  # known after the first start, not asked again the same week


def test_without_a_time_zone_days_are_utc_days(make_app: Callable[..., SkillApp]) -> None:
    zones = Zones(None)  # the user never set one (204)
    assert streak_after_two_sessions(make_app, zones, EVENING_LA,
                                     NEXT_MORNING_LA) == "1 day in a row"
    assert zones.asked == 1  # an empty answer is not asked again the same (UTC) day


def test_a_known_zone_is_asked_again_after_a_week(make_app: Callable[..., SkillApp]) -> None:
    zones = Zones("Asia/Tokyo")
    clock = Clock(datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    app = make_app(clock=clock, zones=zones)
    device = Device()
    for day in (0, 1, 6, 7, 8):
        clock.now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC) + timedelta(days=day)
        start_screened(app.handle, device, "glute-release")
    assert zones.asked == 2  # day 0 and day 7


def test_no_token_no_lookup(make_app: Callable[..., SkillApp]) -> None:
    zones = Zones("Europe/Berlin")
    app = make_app(zones=zones)
    device = Device(api_token="")
    out = start_screened(app.handle, device, "glute-release")
    assert "glute release" in plain(speech(out)).lower() and zones.asked == 0


def test_settings_api_follows_progressive_unless_set() -> None:
    assert Settings.from_env({}).time_zones is True
    assert Settings.from_env({"HIPCOACH_PROGRESSIVE": "0"}).time_zones is False
    assert Settings.from_env({"HIPCOACH_PROGRESSIVE": "0",
                              "HIPCOACH_SETTINGS_API": "1"}).time_zones is True
    assert Settings.from_env({"HIPCOACH_SETTINGS_API": "off"}).time_zones is False


def test_the_console_answers_as_a_device_in_this_machines_zone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from skill.console.directives import DirectiveInbox

    monkeypatch.setenv("TZ", "Pacific/Auckland")
    with DirectiveInbox(token="console-token") as inbox:
        console = ZoneQuery(api_endpoint=inbox.url, device_id=DEVICE,
                            api_access_token="console-token")
        assert SettingsApiZoneLookup().zone(console) == "Pacific/Auckland"
        wrong = ZoneQuery(api_endpoint=inbox.url, device_id=DEVICE, api_access_token="x")
        assert SettingsApiZoneLookup().zone(wrong) is None  # 401, as Alexa would


def test_a_broken_lookup_still_starts_the_routine(make_app: Callable[..., SkillApp],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def zone(self, query: ZoneQuery) -> str | None:
            raise RuntimeError("bug")

    out = make_app(zones=Broken()).handle(Device().start("glute-release"))
    assert "glute release" in plain(speech(out)).lower()
    assert caplog.text.count("time zone lookup raised RuntimeError") == 1


@pytest.mark.parametrize("audio_player", [False, True], ids=["speaker", "echo"])
def test_going_on_with_a_routine_the_next_day_counts_that_day(
        make_app: Callable[..., SkillApp], audio_player: bool) -> None:
    """Started on Monday, stopped halfway, finished on Tuesday after "welcome back... yes":
    the person practised two days running, and the progress answer says so."""
    clock = Clock(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))
    app = make_app(clock=clock, zones=Zones(None))
    device = Device(audio_player=audio_player)
    start_screened(app.handle, device, "glute-release")
    device.receive(app.handle(device.intent("AMAZON.StopIntent")))
    clock.now += timedelta(days=1)
    device.session_id, device.attributes, device.player = None, {}, None
    welcome = plain(speech(device.receive(app.handle(device.launch()))))
    assert welcome.startswith("Welcome back. You were about to do")
    device.receive(app.handle(device.intent("AMAZON.YesIntent")))
    progress = plain(speech(app.handle(device.intent("ProgressIntent"))))
    assert "2 days in a row" in progress, progress
    assert re.search(r"\b2 sessions\b", progress), progress
