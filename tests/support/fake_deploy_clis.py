"""Fake sam, aws, ask, make, ffmpeg, lame and hipcoach for tests/test_deploy_script.py.

One small Python script, installed under each tool's name in a folder of its own, logs its
argv, working folder, the environment that matters and any `file:` payload it was handed, then
prints canned JSON the way the real tool does (shapes from the AWS CLI, SAM CLI and ASK CLI v2
sources cited in skill/deploy/steps.py). Its `ask deploy` reads the project as ASK CLI does
(ask-resources.json, .ask/ask-states.json) and, like it, skips an upload whose package hash is
the one recorded. The scenario (failures, stack outputs, status answers) is a JSON file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skill.cli.main import main

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
OTHER_ID = "amzn1.ask.skill.99999999-8888-7777-6666-555555555555"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:hip-coach-skill"
BUCKET = "hip-coach-audiobucket-1a2b3c"
BASE_URL = "https://d111111abcdef8.cloudfront.net"

FAKE = r'''
import json, os, sys
from pathlib import Path

home = Path(os.environ["FAKE_CLI_HOME"])
tool = Path(sys.argv[0]).name
args = sys.argv[1:]
words = [a for a in args if not a.startswith("-")]
scenario = json.loads((home / "scenario.json").read_text())
depth = 2 if tool == "aws" or words[:1] == ["smapi"] else 1
key = " ".join([tool] + words[:depth])

payloads = {}
for a in args:
    if a.startswith("file:"):
        payloads[a[5:]] = json.loads(Path(a[5:]).read_text())
env = {k: v for k, v in os.environ.items()
       if k.startswith("HIPCOACH_") or k in ("AWS_REGION", "AWS_PROFILE")}
with open(home / "calls.jsonl", "a") as log:
    log.write(json.dumps({"key": key, "argv": args, "cwd": os.getcwd(), "env": env,
                          "payloads": payloads}) + "\n")

def opt(name):
    return args[args.index(name) + 1] if name in args else None

fail = scenario.get("fail", {}).get(key)
if fail:
    sys.stderr.write(fail["stderr"] + "\n")
    sys.exit(fail["exit"])

out = None
if key == "aws sts get-caller-identity":
    out = {"UserId": "AIDAEXAMPLE", "Account": "123456789012",
           "Arn": "arn:aws:iam::123456789012:user/dev"}
elif key == "aws cloudformation describe-stacks":
    out = {"Stacks": [{"StackName": opt("--stack-name"), "StackStatus": "UPDATE_COMPLETE",
                       "Outputs": [{"OutputKey": k, "OutputValue": v}
                                   for k, v in scenario["outputs"].items()]}]}
elif key == "ask smapi get-vendor-list":
    out = {"vendors": [{"name": "Dev Account", "id": "M1EXAMPLE",
                        "roles": ["ROLE_ADMINISTRATOR"]}]}
elif key == "ask smapi create-skill-for-vendor":
    out = {"skillId": scenario["new_skill_id"]}
elif key == "ask smapi get-skill-status":
    counter = home / "status-count"
    n = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(n + 1))
    busy = n < scenario.get("in_progress_checks", 0)
    done = {"status": "IN_PROGRESS" if busy else "SUCCEEDED"}
    model = scenario.get("model_result") or done
    out = {"manifest": {"lastUpdateRequest": done},
           "interactionModel": {loc: {"lastUpdateRequest": model} for loc in ("en-GB", "en-US")}}
elif key == "hipcoach package":
    out_dir = Path(opt("--out")) / "skill-package"
    arn = opt("--endpoint-arn")
    custom = {"interfaces": [{"type": "AUDIO_PLAYER"}]}
    icons = {"smallIconUri": "file://assets/images/en-US_smallIcon.png",
             "largeIconUri": "file://assets/images/en-US_largeIcon.png"}
    manifest = {"manifestVersion": "1.0",
                "publishingInformation": {"locales": {"en-US": {"name": "Hip Coach", **icons}}},
                "apis": {"custom": custom},
                "events": {"subscriptions": [{"eventName": "SKILL_DISABLED"}]}}
    if arn:
        custom["endpoint"] = {"uri": arn}
        manifest["events"]["endpoint"] = {"uri": arn}
    models = out_dir / "interactionModels" / "custom"
    models.mkdir(parents=True, exist_ok=True)
    (out_dir / "skill.json").write_text(json.dumps({"manifest": manifest}))
    for loc in ("en-GB", "en-US"):
        (models / f"{loc}.json").write_text(json.dumps(
            {"interactionModel": {"languageModel": {"invocationName": "hip coach"}}}))
    (out_dir.parent / "ask-resources.json").write_text(json.dumps(
        {"askcliResourcesVersion": "2020-03-31",
         "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}}}))
    print("wrote", out_dir)
elif key == "ask deploy":
    # As ASK CLI: the profile's package src from ask-resources.json, the skill id from
    # .ask/ask-states.json; it records the upload (lastDeployHash) there.
    profile = opt("--profile") or "default"
    src = json.loads(Path("ask-resources.json").read_text())["profiles"][profile]
    states_path = Path(".ask/ask-states.json")
    states = json.loads(states_path.read_text())
    entry = states["profiles"][profile]
    pkg = Path(src["skillMetadata"]["src"])
    sent = json.loads((pkg / "skill.json").read_text())["manifest"]
    digest = str(sorted((str(f), f.read_bytes()) for f in pkg.rglob("*") if f.is_file()))
    if entry.get("skillMetadata", {}).get("lastDeployHash") == digest:
        event = {"key": "upload skipped", "skill_id": entry["skillId"]}
    else:
        entry["skillMetadata"] = {"lastDeployHash": digest}
        states_path.write_text(json.dumps(states))
        event = {"key": "uploaded", "skill_id": entry["skillId"],
                 "endpoint": sent["apis"]["custom"].get("endpoint"),
                 "locales": sorted(p.stem for p in (pkg / "interactionModels/custom").iterdir())}
    with open(home / "calls.jsonl", "a") as log:
        log.write(json.dumps({**event, "argv": [], "env": {}, "payloads": {}}) + "\n")
    print("Skill package deployed and all models built successfully.")
elif key.startswith("ask smapi"):
    print("Command executed successfully!")
else:
    print(tool, "ok")
if out is not None:
    print(json.dumps(out, indent=2))
'''

TOOLS = ("aws", "sam", "make", "ask", "ffmpeg", "lame", "hipcoach")


class Fakes:
    """The fake tools' folder, their scenario, and what they were called with."""

    def __init__(self, root: Path) -> None:
        self.home = root / "fake-home"
        self.bin = root / "fake-bin"
        self.project = root / "project"
        self.data = root / "data"
        self.state = self.data / "deploy" / "skills.json"
        for folder in (self.home, self.bin, self.project):
            folder.mkdir()
        (self.project / "template.yaml").write_text("Transform: AWS::Serverless-2016-10-31\n")
        self.scenario: dict[str, Any] = {
            "new_skill_id": SKILL_ID,
            "outputs": {"FunctionArn": FUNCTION_ARN, "TableName": "hip-coach-UsersTable-X",
                        "AudioBucketName": BUCKET, "AudioBaseUrl": BASE_URL},
        }
        for tool in TOOLS:
            script = self.bin / tool
            script.write_text(f"#!{sys.executable} -S\n{FAKE}")  # -S: no site, faster start
            script.chmod(0o755)

    def write_scenario(self) -> None:
        (self.home / "scenario.json").write_text(json.dumps(self.scenario))

    def remembered(self) -> list[dict[str, str]]:
        """The deploy's state file: which skill belongs to which stack."""
        skills = json.loads(self.state.read_text())["skills"]
        assert isinstance(skills, list)
        return skills

    def remove(self, tool: str) -> None:
        (self.bin / tool).unlink()

    def calls(self) -> list[dict[str, Any]]:
        log = self.home / "calls.jsonl"
        if not log.exists():
            return []
        lines = log.read_text().splitlines()
        (self.home / "calls.jsonl").unlink()  # each run's calls are read once
        (self.home / "status-count").unlink(missing_ok=True)
        return [json.loads(line) for line in lines]

    def deploy(self, *args: str) -> Result:
        self.write_scenario()
        return CliRunner().invoke(main, ["deploy", "--project-dir", str(self.project), *args])


def install_fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    """The fakes, alone on PATH, with no HIPCOACH_, AWS or ASK setting leaking in."""
    f = Fakes(tmp_path)
    monkeypatch.setenv("PATH", str(f.bin))
    monkeypatch.setenv("FAKE_CLI_HOME", str(f.home))
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "ASK_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("HIPCOACH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HIPCOACH_DATA_DIR", str(f.data))
    return f


def keys(calls: list[dict[str, Any]]) -> list[str]:
    return [c["key"] for c in calls]


def only(calls: list[dict[str, Any]], key: str) -> dict[str, Any]:
    found = [c for c in calls if c["key"] == key]
    assert len(found) == 1, f"{key}: {len(found)} calls in {keys(calls)}"
    return found[0]


def payload(call: dict[str, Any]) -> Any:
    (value,) = call["payloads"].values()
    return value
