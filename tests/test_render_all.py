"""`hipcoach render --all-preferences`: every preference a user can reach, counted honestly
(identical tracks once), summarised before it starts, resumable, and uploaded to S3.

Runs are kept small by fixing axes (`--hold short --detail brief`): the same code path as the
full grid, which benchmarks/audio_cost.py runs and measures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from moto import mock_aws

from skill.audio.render import TrackPlan, TrackRenderer
from skill.cli.render import preference_grid, render_command
from skill.content.model import Side
from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences

SMALL = ["--all-preferences", "--hold", "short", "--detail", "brief"]
"""Breath (3) x first side (2) = 6 combinations."""
LOCAL = {"HIPCOACH_SPEECH": "espeak", "HIPCOACH_AUDIO_STORE": "local",
         "HIPCOACH_AUDIO_BASE_URL": ""}


def _run(args: list[str], data_dir: Path, **env: str) -> Result:
    result = CliRunner().invoke(render_command, args,
                                env={"HIPCOACH_DATA_DIR": str(data_dir), **LOCAL, **env})
    return result


def _fields(result: Result) -> dict[str, str]:
    assert result.exit_code == 0, result.output
    return dict(line.split(": ", 1) for line in result.output.splitlines() if ": " in line)


def _count(value: str) -> int:
    return int(value.split()[0])


def _tracks(data_dir: Path) -> dict[str, float]:
    """Stored MP3 files (tracks and cue clips) -> modification time."""
    return {p.name: p.stat().st_mtime_ns for p in (data_dir / "audio" / "tracks").glob("*.mp3")}


def _index(data_dir: Path) -> dict[str, str]:
    (path,) = (data_dir / "audio" / "tracks").glob("index-*.json")
    entries: dict[str, str] = json.loads(path.read_text())
    return {k: v for k, v in entries.items() if not k.startswith(("cue/", "image/", "holds/"))}


def test_the_grid_is_every_combination_a_user_can_reach() -> None:
    grid = preference_grid()
    assert len(grid) == len(set(grid)) == 3 * 3 * 2 * 2
    assert {p.hold for p in grid} == set(HoldLength) and {p.breath for p in grid} == set(
        BreathPace)
    assert {p.detail for p in grid} == set(Detail) and {p.first_side for p in grid} == set(Side)
    # what a stored state can hold reads back as one of them (preferences are four enums)
    assert Preferences.from_dict({"hold": "long", "breath": "slower", "detail": "brief",
                                  "first_side": "right"}) in grid
    fixed = preference_grid(hold="short", detail="brief")
    assert len(fixed) == 6 and {p.hold for p in fixed} == {HoldLength.SHORT}


def test_renders_summarises_then_a_second_run_renders_nothing(tmp_path: Path) -> None:
    first = _fields(_run(["quick-release", *SMALL], tmp_path))
    assert first["preference combinations"].startswith("6 ")
    assert _count(first["track slots"]) == 12  # one step, two sides, six combinations
    distinct = _count(first["distinct tracks"])
    assert (distinct, _count(first["already stored"]), _count(first["to render"])) == (12, 0, 12)
    assert _count(first["rendered"]) == 12
    files = _tracks(tmp_path)
    assert len(files) == 12 + 4  # the tracks and dialog mode's four cue clips
    index = _index(tmp_path)
    assert len(index) == 12 and set(index.values()) <= set(files)
    estimated = float(first["estimated size"].split()[0])
    written = float(first["rendered"].split(", ")[1].split()[0])
    assert abs(estimated - written) <= 0.25 * written  # the estimate is from a real probe
    assert "estimated time" in first and "x real time" in first["estimated time"]

    second = _run(["quick-release", *SMALL], tmp_path)
    again = _fields(second)
    assert (_count(again["already stored"]), _count(again["to render"])) == (12, 0)
    assert "nothing to render: all 12 tracks are already stored" in second.output
    assert "rendered" not in again and _tracks(tmp_path) == files  # not one file rewritten


def test_the_summary_comes_before_the_rendering(tmp_path: Path) -> None:
    out = _run(["quick-release", *SMALL, "--breath", "normal"], tmp_path).output
    order = [out.index(s) for s in ("distinct tracks:", "already stored:", "estimated size:",
                                     "estimated time:", "Rendering tracks", "rendered:")]
    assert order == sorted(order), out


def test_combinations_that_sound_the_same_are_one_track(tmp_path: Path) -> None:
    """partner-stretch opens with a warm-up that has no sides: which side goes first does not
    change it, so left-first and right-first share that track."""
    fields = _fields(_run(["partner-stretch", *SMALL, "--breath", "normal"], tmp_path))
    slots, distinct = _count(fields["track slots"]), _count(fields["distinct tracks"])
    index = _index(tmp_path)
    assert len(index) == slots and distinct < slots
    assert len(set(index.values())) == distinct == len(_tracks(tmp_path)) - 4
    warm_up = {k: v for k, v in index.items() if k.startswith("partner-stretch/0/")}
    assert len(warm_up) == 2 and len(set(warm_up.values())) == 1


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = TrackRenderer.store_plan
    calls = []

    def stopped_after_two(self: TrackRenderer, plan: TrackPlan) -> int:
        calls.append(plan.name)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the third track renders
        return real(self, plan)

    monkeypatch.setattr(TrackRenderer, "store_plan", stopped_after_two)
    cut = _run(["quick-release", *SMALL], tmp_path)
    assert cut.exit_code != 0 and "interrupted after 2 of 12" in cut.output
    assert len(_tracks(tmp_path)) == 2
    assert set(_index(tmp_path).values()) == set(calls[:2])  # recorded although cut short
    monkeypatch.setattr(TrackRenderer, "store_plan", real)
    resumed = _fields(_run(["quick-release", *SMALL], tmp_path))
    assert (_count(resumed["already stored"]), _count(resumed["to render"])) == (2, 10)
    assert len(_tracks(tmp_path)) == 12 + 4 and len(_index(tmp_path)) == 12


@pytest.fixture
def bucket() -> Iterator[Any]:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="hip-audio")
        yield s3


def test_uploads_to_s3_when_the_store_is_s3(tmp_path: Path, bucket: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    s3 = {"HIPCOACH_AUDIO_STORE": "s3", "HIPCOACH_AUDIO_BUCKET": "hip-audio",
          "HIPCOACH_REGION": "us-east-1"}
    args = ["quick-release", *SMALL, "--breath", "slower"]
    fields = _fields(_run(args, tmp_path, **s3))
    assert fields["stored in"] == "s3://hip-audio" and _count(fields["rendered"]) == 4
    objects = bucket.list_objects_v2(Bucket="hip-audio")["Contents"]
    keys = {o["Key"] for o in objects}
    tracks = {k for k in keys if re.fullmatch(r"[0-9a-f]{24}\.mp3", k)}
    assert len(tracks) == 4 + 4  # tracks and cue clips
    (index_key,) = [k for k in keys if k.startswith("index/")]
    index = json.loads(bucket.get_object(Bucket="hip-audio", Key=index_key)["Body"].read())
    assert {v for k, v in index.items() if not k.startswith(("cue/", "image/", "holds/"))} <= tracks
    head = bucket.head_object(Bucket="hip-audio", Key=sorted(tracks)[0])
    assert head["ContentType"] == "audio/mpeg"
    assert not (tmp_path / "audio" / "tracks").exists()  # nothing kept locally
    again = _fields(_run(args, tmp_path, **s3))
    assert _count(again["to render"]) == 0


def test_single_preference_flags_still_render_one_combination(tmp_path: Path) -> None:
    fields = _fields(_run(["quick-release", "--hold", "short", "--first-side", "right"],
                          tmp_path))
    assert fields["tracks"] == "2" and fields["tracks reused"] == "0"
    assert set(_index(tmp_path)) == {"quick-release/0/0/short-normal-detailed-right",
                                     "quick-release/0/1/short-normal-detailed-right"}
