"""`hipcoach deploy` against fake sam, aws, ask, make, ffmpeg, lame and hipcoach on their own PATH.

The fakes (tests/support/fake_deploy_clis.py) log every call; the tests read the log for the
order, the arguments and what was sent. Hermetic: no network, no real tool, no real render; no
sleeping (the poll tests pass a recording sleep).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from skill.deploy.config import DeployConfig, resolve_ask_key, resolve_region
from skill.deploy.flow import DeployFailed, deploy
from skill.deploy.runner import Runner
from skill.deploy.skill_package import add_profile, package_in, write_create_manifest
from skill.deploy.status import Poll
from tests.support.fake_deploy_clis import (
    BASE_URL,
    BUCKET,
    FUNCTION_ARN,
    OTHER_ID,
    SKILL_ID,
    Fakes,
    install_fakes,
    keys,
    only,
    payload,
)


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    return install_fakes(tmp_path, monkeypatch)


def test_first_run_creates_the_skill_before_the_stack_and_wires_outputs_forward(
        fakes: Fakes) -> None:
    result = fakes.deploy()
    assert result.exit_code == 0, result.output
    calls = fakes.calls()
    order = keys(calls)

    # The skill exists before sam deploy needs its id, and that id is the one sam gets.
    assert order.index("ask smapi create-skill-for-vendor") < order.index("sam deploy")
    sam = only(calls, "sam deploy")["argv"]
    assert f"SkillId={SKILL_ID}" in sam
    for flag in ("--no-confirm-changeset", "--no-fail-on-empty-changeset", "--resolve-s3"):
        assert flag in sam
    assert sam[sam.index("--capabilities") + 1] == "CAPABILITY_IAM"
    assert sam[sam.index("--stack-name") + 1] == "hip-coach"
    assert order.index("sam build") < order.index("sam deploy")

    # The new skill was created without an endpoint (no stack yet), events or file icons.
    created = payload(only(calls, "ask smapi create-skill-for-vendor"))["manifest"]
    assert "endpoint" not in created["apis"]["custom"]
    assert "events" not in created
    assert created["apis"]["custom"]["interfaces"] == [{"type": "AUDIO_PLAYER"}]
    assert created["publishingInformation"]["locales"]["en-US"] == {"name": "Hip Coach"}

    # The package uploaded after the stack carries the stack's FunctionArn, to this skill.
    assert order.index("aws cloudformation describe-stacks") < order.index("ask deploy")
    deployed = only(calls, "ask deploy")
    assert Path(deployed["cwd"]) == fakes.project / "build" / "skill"
    assert deployed["argv"][deployed["argv"].index("--target") + 1] == "skill-metadata"
    upload = only(calls, "uploaded")
    assert upload["skill_id"] == SKILL_ID
    assert upload["endpoint"] == {"uri": FUNCTION_ARN}
    assert upload["locales"] == ["en-GB", "en-US"]

    # Enabled after the upload; the render gets the stack's bucket and base URL, in S3 mode.
    assert order.index("ask deploy") < order.index("ask smapi set-skill-enablement")
    enable = only(calls, "ask smapi set-skill-enablement")["argv"]
    assert enable[enable.index("-s") + 1] == SKILL_ID
    assert enable[enable.index("-g") + 1] == "development"
    assert order.index("ask smapi set-skill-enablement") < order.index("hipcoach render")
    render = only(calls, "hipcoach render")
    assert "--all-preferences" in render["argv"]
    assert render["env"]["HIPCOACH_AUDIO_STORE"] == "s3"
    assert render["env"]["HIPCOACH_AUDIO_BUCKET"] == BUCKET
    assert render["env"]["HIPCOACH_AUDIO_BASE_URL"] == BASE_URL
    assert render["env"]["HIPCOACH_SPEECH"] == "polly"
    assert render["env"]["AWS_REGION"] == "us-east-1"

    # Every step was printed, and the operator is told how to try it.
    for n in range(1, 10):
        assert f"[{n}/9]" in result.output
    assert "Alexa, open hip coach" in result.output
    assert f"/alexa/console/ask/test/{SKILL_ID}/development/en_US/" in result.output

    # Remembered for this stack, and named in the packaged project as ASK CLI reads it.
    assert fakes.remembered() == [{"region": "us-east-1", "stack": "hip-coach",
                                   "ask_profile": "default", "skill_id": SKILL_ID}]
    states = json.loads((fakes.project / "build/skill/.ask/ask-states.json").read_text())
    assert states["profiles"]["default"]["skillId"] == SKILL_ID
    assert not (fakes.project / ".ask").exists()  # the checkout's own ASK project: untouched


def test_second_run_reuses_the_skill_and_creates_nothing(fakes: Fakes) -> None:
    assert fakes.deploy().exit_code == 0
    fakes.calls()
    fakes.scenario["new_skill_id"] = OTHER_ID  # a second creation would be visible
    result = fakes.deploy()
    assert result.exit_code == 0, result.output
    calls = fakes.calls()
    assert "ask smapi create-skill-for-vendor" not in keys(calls)
    assert "hipcoach package" in keys(calls)  # the endpoint package only
    assert all("skill-create" not in " ".join(c["argv"]) for c in calls)
    assert f"SkillId={SKILL_ID}" in only(calls, "sam deploy")["argv"]
    # The same package to the same skill: ASK CLI's hash check skips the upload.
    assert only(calls, "upload skipped")["skill_id"] == SKILL_ID
    assert "remembered for stack hip-coach (us-east-1)" in result.output


def test_each_stack_has_its_own_skill(fakes: Fakes) -> None:
    assert fakes.deploy().exit_code == 0
    fakes.calls()
    fakes.scenario["new_skill_id"] = OTHER_ID
    assert fakes.deploy("--stack-name", "hip-coach-staging").exit_code == 0
    staging = fakes.calls()
    assert "ask smapi create-skill-for-vendor" in keys(staging)
    assert f"SkillId={OTHER_ID}" in only(staging, "sam deploy")["argv"]
    assert only(staging, "uploaded")["skill_id"] == OTHER_ID
    # Back to the first stack: its own skill again, nothing created.
    assert fakes.deploy().exit_code == 0
    again = fakes.calls()
    assert "ask smapi create-skill-for-vendor" not in keys(again)
    assert f"SkillId={SKILL_ID}" in only(again, "sam deploy")["argv"]
    assert {(e["stack"], e["skill_id"]) for e in fakes.remembered()} == {
        ("hip-coach", SKILL_ID), ("hip-coach-staging", OTHER_ID)}


def test_skill_id_option_wins_and_is_remembered(fakes: Fakes) -> None:
    result = fakes.deploy("--skill-id", OTHER_ID, "--ask-profile", "work", "--region",
                          "eu-west-1", "--profile", "dev")
    assert result.exit_code == 0, result.output
    calls = fakes.calls()
    assert "ask smapi create-skill-for-vendor" not in keys(calls)
    sam = only(calls, "sam deploy")["argv"]
    assert f"SkillId={OTHER_ID}" in sam
    assert sam[sam.index("--region") + 1] == "eu-west-1"
    assert sam[sam.index("--profile") + 1] == "dev"
    assert all(c["argv"][c["argv"].index("--profile") + 1] == "work"
               for c in calls if c["key"].startswith("ask "))
    assert only(calls, "uploaded")["skill_id"] == OTHER_ID
    assert only(calls, "hipcoach render")["env"]["AWS_PROFILE"] == "dev"
    assert fakes.remembered() == [{"region": "eu-west-1", "stack": "hip-coach",
                                   "ask_profile": "work", "skill_id": OTHER_ID}]
    resources = json.loads((fakes.project / "build/skill/ask-resources.json").read_text())
    assert resources["profiles"]["work"] == {"skillMetadata": {"src": "./skill-package"}}


def test_the_store_listing_links_to_the_privacy_notice_where_the_repository_lives(
        fakes: Fakes) -> None:
    home = "https://git.example.org/physio/hip-coach"
    result = fakes.deploy("--repository-url", home)
    assert result.exit_code == 0, result.output
    packaged = [c["argv"] for c in fakes.calls() if c["key"] == "hipcoach package"]
    assert packaged, "nothing was packaged"
    assert all(a[a.index("--repository-url") + 1] == home for a in packaged)


@pytest.mark.parametrize("tool", ["sam", "ask", "ffmpeg", "lame"])
def test_a_missing_tool_is_named_and_nothing_runs(fakes: Fakes, tool: str) -> None:
    fakes.remove(tool)
    result = fakes.deploy()
    assert result.exit_code == 3
    assert f"{tool} not found on PATH" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert fakes.calls() == []


def test_skip_audio_needs_no_ffmpeg_and_renders_nothing(fakes: Fakes) -> None:
    fakes.remove("ffmpeg")
    fakes.remove("lame")
    result = fakes.deploy("--skip-audio")
    assert result.exit_code == 0, result.output
    calls = fakes.calls()
    assert "hipcoach render" not in keys(calls)
    assert "ask smapi set-skill-enablement" in keys(calls)


def test_missing_aws_credentials_fail_clearly_before_anything_changes(fakes: Fakes) -> None:
    fakes.scenario["fail"] = {"aws sts get-caller-identity": {
        "exit": 253, "stderr": "Unable to locate credentials. You can configure credentials "
                               "by running \"aws configure\"."}}
    result = fakes.deploy()
    assert result.exit_code == 3
    assert "AWS credentials" in result.stderr
    assert "Unable to locate credentials" in result.stderr
    assert keys(fakes.calls()) == ["aws sts get-caller-identity"]


def test_an_unconfigured_ask_profile_fails_clearly(fakes: Fakes) -> None:
    fakes.scenario["fail"] = {"ask smapi get-vendor-list": {
        "exit": 1, "stderr": "Can't resolve profile [default] as it doesn't exist. "
                             "Please run \"ask configure --profile default\" first."}}
    result = fakes.deploy()
    assert result.exit_code == 3
    assert "ASK CLI profile default" in result.stderr
    assert "ask configure" in result.stderr
    assert "sam build" not in keys(fakes.calls())


def test_a_failed_stack_deploy_stops_the_run(fakes: Fakes) -> None:
    fakes.scenario["fail"] = {"sam deploy": {"exit": 1, "stderr": "Error: Failed to create"}}
    result = fakes.deploy()
    assert result.exit_code == 1
    assert "sam deploy failed" in result.stderr
    order = keys(fakes.calls())
    assert order[-1] == "sam deploy"
    # The skill created before it is remembered: the retry will not create a second one.
    assert [e["skill_id"] for e in fakes.remembered()] == [SKILL_ID]


def test_a_failed_package_upload_stops_before_enabling(fakes: Fakes) -> None:
    fakes.scenario["fail"] = {"ask deploy": {
        "exit": 1, "stderr": "[Error]: Sample utterance conflicts in en-GB"}}
    result = fakes.deploy("--skill-id", OTHER_ID)
    assert result.exit_code == 1
    assert "'skill-update'" in result.stderr and "ask deploy failed" in result.stderr
    order = keys(fakes.calls())
    assert order[-1] == "ask deploy"


def test_an_upload_to_another_skill_is_not_skipped_by_the_first_ones_hash(fakes: Fakes) -> None:
    assert fakes.deploy().exit_code == 0
    assert only(fakes.calls(), "uploaded")["skill_id"] == SKILL_ID
    # Same package, another skill: the hash recorded for the first upload must not apply.
    assert fakes.deploy("--skill-id", OTHER_ID).exit_code == 0
    assert only(fakes.calls(), "uploaded")["skill_id"] == OTHER_ID


def test_a_broken_state_file_stops_rather_than_creating_a_second_skill(fakes: Fakes) -> None:
    fakes.state.parent.mkdir(parents=True)
    fakes.state.write_text("{not json")
    result = fakes.deploy()
    assert result.exit_code == 1
    assert f"cannot read {fakes.state}" in result.stderr
    assert "ask smapi create-skill-for-vendor" not in keys(fakes.calls())


def test_dry_run_prints_every_step_and_calls_nothing(fakes: Fakes,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    empty = fakes.project.parent / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no tool at all
    result = fakes.deploy("--dry-run")
    assert result.exit_code == 0, result.output
    assert fakes.calls() == []
    assert not fakes.data.exists()
    out = result.output
    expected_in_order = ["[1/9]", "aws sts get-caller-identity", "ask smapi get-vendor-list",
                         "[2/9]", "sam build", "[3/9]", "ask smapi create-skill-for-vendor",
                         "[4/9]", "sam deploy", "--no-fail-on-empty-changeset",
                         "'SkillId=<SkillId>'", "[5/9]", "describe-stacks", "[6/9]",
                         "hipcoach package --endpoint-arn '<FunctionArn>'", "[7/9]",
                         "cd build/skill && ask deploy --target skill-metadata", "[8/9]",
                         "set-skill-enablement -s '<SkillId>' -g development", "[9/9]",
                         "HIPCOACH_AUDIO_BUCKET='<AudioBucketName>'",
                         "hipcoach render --all-preferences"]
    positions = [out.index(text) for text in expected_in_order]
    assert positions == sorted(positions)


def test_polling_waits_on_asks_schedule_until_the_build_is_done(fakes: Fakes) -> None:
    fakes.scenario["in_progress_checks"] = 2
    fakes.write_scenario()
    slept: list[float] = []
    lines: list[str] = []
    cfg = DeployConfig(project_dir=fakes.project, state_file=fakes.state, skip_audio=True)
    done = deploy(cfg, Runner(lines.append, env=os.environ, cwd=fakes.project),
                  sleep=slept.append)
    assert done.created and done.skill_id == SKILL_ID
    assert slept == pytest.approx([2.0, 2.24])  # ASK CLI: 2000 ms, then x1.12
    assert any("waiting for the manifest" in line for line in lines)


def test_a_new_skill_stuck_in_progress_fails_and_is_still_remembered(fakes: Fakes) -> None:
    fakes.scenario["in_progress_checks"] = 10_000
    fakes.write_scenario()
    cfg = DeployConfig(project_dir=fakes.project, state_file=fakes.state, skip_audio=True)
    with pytest.raises(DeployFailed) as failed:
        deploy(cfg, Runner(lambda _line: None, env=os.environ, cwd=fakes.project),
               sleep=lambda _s: None, poll=Poll(attempts=3))
    assert failed.value.step.name == "skill"
    assert "manifest still in progress after 3 checks" in failed.value.reason
    assert "sam deploy" not in keys(fakes.calls())
    assert [e["skill_id"] for e in fakes.remembered()] == [SKILL_ID]


def test_the_real_hipcoach_package_is_what_the_deploy_reads(tmp_path: Path) -> None:
    """The interface with `hipcoach package` itself: the endpoint and every model are where
    the deploy reads them, and the skill is created without endpoint, events or file icons."""
    package_cli = pytest.importorskip("skill.cli.package")
    out = Path("built")
    result = CliRunner().invoke(package_cli.package_command, [
        "--endpoint-arn", FUNCTION_ARN, "--out", str(tmp_path / out)])
    assert result.exit_code == 0, result.output
    pkg = package_in(tmp_path, out)
    assert pkg.endpoint() == FUNCTION_ARN
    source_models = Path(__file__).parents[1] / "interaction_model"
    assert pkg.locales() == tuple(sorted(p.stem for p in source_models.glob("*.json")))
    assert pkg.invocation_name("en-US") == "hip coach"

    created = json.loads((tmp_path / write_create_manifest(pkg, out)).read_text())["manifest"]
    assert "endpoint" not in created["apis"]["custom"]
    assert "events" not in created
    assert "AUDIO_PLAYER" in {i["type"] for i in created["apis"]["custom"]["interfaces"]}
    for listing in created["publishingInformation"]["locales"].values():
        assert listing["name"] and not {"smallIconUri", "largeIconUri"} & set(listing)

    add_profile(tmp_path, out, "work")
    resources = json.loads((tmp_path / out / "ask-resources.json").read_text())
    assert resources["profiles"]["work"] == resources["profiles"]["default"]


def test_the_ask_profile_is_resolved_in_ask_clis_own_order() -> None:
    """The skill is remembered under the profile ASK CLI will really use (profile-helper.js)."""
    ci = {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "s", "ASK_REFRESH_TOKEN": "t",
          "ASK_VENDOR_ID": "v", "ASK_DEFAULT_PROFILE": "other"}
    assert resolve_ask_key("work", ci) == "work"
    assert resolve_ask_key(None, ci) == "__ENVIRONMENT_ASK_PROFILE__"
    assert resolve_ask_key(None, {"ASK_DEFAULT_PROFILE": "other"}) == "other"
    assert resolve_ask_key(None, {}) == "default"
    assert resolve_region(None, {"AWS_DEFAULT_REGION": "eu-west-1"}) == "eu-west-1"
    assert resolve_region("us-west-2", {"AWS_REGION": "eu-west-1"}) == "us-west-2"
