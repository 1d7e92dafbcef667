"""The deploy plan: an ordered list of named steps, and the exact command line of each call.

The order matters: the stack's Alexa Skills Kit trigger admits one skill id, so the skill must
exist before `sam deploy`; the skill's endpoint is the stack's function, so the manifest is
updated after it. Enabling comes before the audio: a skill with no tracks yet still coaches
(a missing track falls back to dialog mode), so a failed or skipped render leaves a skill you
can try. Every command here is built by one function, used by both the run and --dry-run.

Sources for the command lines (checked against the tools' own source):
- ASK CLI v2 `ask smapi` (alexa/ask-cli docs/concepts/Smapi-Command.md): create-skill-for-vendor
  --manifest; get-skill-status -s [--resource]; set-skill-enablement -s -g; get-vendor-list.
  JSON options take `file:<path>`. The vendor id is not an option: ASK CLI adds the profile's
  vendor_id to the request body (lib/commands/smapi/before-send-processor.js appendVendorId).
- `ask deploy [-t|--target skill-metadata] [-p|--profile]` (docs/concepts/Deploy-Command.md)
  uploads the folder named by ask-resources.json's skillMetadata.src as one skill package
  import, to the skillId in .ask/ask-states.json, and waits until every model is built; it
  skips the upload when the folder's hash equals lastDeployHash. The package is why: its
  icons are `file://assets/images/...` URIs, which only a package import carries (Skill
  Package API, "skill package format"); update-skill-manifest sends the manifest JSON alone.
  --target skill-metadata deploys just that (the project has no code or infrastructure for
  ASK CLI to deploy) and leaves enabling to us (lib/commands/deploy/index.ts).
- AWS SAM CLI `sam deploy` (samcli/commands/deploy/command.py): --no-confirm-changeset and
  --no-fail-on-empty-changeset make it non-interactive and let a run with no change succeed;
  --resolve-s3 uploads the code to SAM's managed bucket; --capabilities CAPABILITY_IAM (the
  stack creates the function's role, unnamed); --parameter-overrides Key=Value pairs.
- AWS CLI v2: `aws sts get-caller-identity` (who the credentials are; needs no permission),
  `aws cloudformation describe-stacks --stack-name` (Stacks[0].Outputs[].OutputKey/OutputValue);
  --no-cli-pager so a captured call never waits on a pager.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from skill.core.record import Record
from skill.deploy.config import DeployConfig

STAGE = "development"
"""The only stage a deploy writes; `live` is reached through certification only."""

SKILL_ID_SLOT = "<SkillId>"
FUNCTION_ARN_SLOT = "<FunctionArn>"
BUCKET_SLOT = "<AudioBucketName>"
BASE_URL_SLOT = "<AudioBaseUrl>"
"""Placeholders --dry-run prints where a value comes from an earlier step's output."""

STACK_OUTPUTS = ("FunctionArn", "AudioBucketName", "AudioBaseUrl")
"""template.yaml Outputs the later steps need."""


class Step(Record):
    name: str
    title: str


STEPS: tuple[Step, ...] = (
    Step("check", "Check tools and credentials"),
    Step("build", "Build the Lambda package (sam build)"),
    Step("skill", "Find or create the Alexa skill"),
    Step("stack", "Deploy the AWS stack with the skill id (sam deploy)"),
    Step("outputs", "Read the stack's outputs"),
    Step("package", "Write the skill package with the function as endpoint"),
    Step("skill-update", "Deploy the skill package: manifest, icons, models (ask deploy)"),
    Step("enable", "Enable the skill for testing"),
    Step("audio", "Render and upload the streaming audio"),
)


class Tool(Record):
    name: str
    hint: str
    """How to get it, printed with the failure."""


TOOLS: tuple[Tool, ...] = (
    Tool("aws", "the AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/"
                "getting-started-install.html"),
    Tool("sam", "the AWS SAM CLI: pip install aws-sam-cli (in a virtualenv of its own)"),
    Tool("make", "make (sam build runs scripts/sam/Makefile): apt-get install make"),
    Tool("ask", "the ASK CLI v2: npm install -g ask-cli, then ask configure"),
    Tool("hipcoach", "this project's CLI: scripts/bootstrap.sh, or pip install -e . in .venv"),
)
AUDIO_TOOLS: tuple[Tool, ...] = (
    Tool("ffmpeg", "ffmpeg renders the audio: apt-get install ffmpeg (or --skip-audio)"),
    Tool("lame", "lame encodes the tracks: apt-get install lame (or --skip-audio)"),
)


def tools_needed(cfg: DeployConfig) -> tuple[Tool, ...]:
    return TOOLS if cfg.skip_audio else (*TOOLS, *AUDIO_TOOLS)


class Command(Record):
    """One command line: argv, extra environment, folder, and whether we read its output."""

    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    captured: bool = True
    """False for long runs (sam, ask deploy, render) whose progress the operator watches."""
    cwd: Path | None = None
    """A folder relative to the project, when the command must run inside it."""

    def shown(self) -> str:
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env)
        line = f"{prefix} {shlex.join(self.argv)}" if prefix else shlex.join(self.argv)
        return f"cd {shlex.quote(str(self.cwd))} && {line}" if self.cwd else line


def _aws(cfg: DeployConfig) -> tuple[str, ...]:
    profile = ("--profile", cfg.aws_profile) if cfg.aws_profile else ()
    return ("--region", cfg.region, *profile)


def _ask(cfg: DeployConfig) -> tuple[str, ...]:
    return ("--profile", cfg.ask_profile) if cfg.ask_profile else ()


# --- check ----------------------------------------------------------------------------------

def caller_identity(cfg: DeployConfig) -> Command:
    return Command(("aws", "sts", "get-caller-identity", *_aws(cfg), "--output", "json",
                    "--no-cli-pager"))


def vendor_list(cfg: DeployConfig) -> Command:
    """Proves the ASK profile exists and its token works (any smapi call refreshes it)."""
    return Command(("ask", "smapi", "get-vendor-list", *_ask(cfg)))


# --- build and stack ------------------------------------------------------------------------

def sam_build() -> Command:
    return Command(("sam", "build"), captured=False)


def sam_deploy(cfg: DeployConfig, skill_id: str) -> Command:
    return Command((
        "sam", "deploy",
        "--template-file", cfg.built_template,
        "--stack-name", cfg.stack_name,
        *_aws(cfg),
        "--capabilities", "CAPABILITY_IAM",
        "--resolve-s3",
        "--no-confirm-changeset",
        "--no-fail-on-empty-changeset",
        "--parameter-overrides", f"SkillId={skill_id}", f"PollyVoice={cfg.polly_voice}",
    ), captured=False)


def describe_stack(cfg: DeployConfig) -> Command:
    return Command(("aws", "cloudformation", "describe-stacks", "--stack-name", cfg.stack_name,
                    *_aws(cfg), "--output", "json", "--no-cli-pager"))


# --- the skill ------------------------------------------------------------------------------

def package(cfg: DeployConfig, out: Path, function_arn: str | None = None) -> Command:
    """`hipcoach package`; without an ARN the manifest has no endpoint (for creating)."""
    endpoint = ("--endpoint-arn", function_arn) if function_arn else ()
    home = ("--repository-url", cfg.repository_url) if cfg.repository_url else ()
    return Command(("hipcoach", "package", *endpoint, *home, "--out", str(out)))


def create_skill(cfg: DeployConfig, manifest: Path) -> Command:
    return Command(("ask", "smapi", "create-skill-for-vendor", "--manifest", f"file:{manifest}",
                    *_ask(cfg)))


def skill_status(cfg: DeployConfig, skill_id: str) -> Command:
    """The manifest's status ("manifest": ask-cli lib/utils/constants.js SKILL.RESOURCES)."""
    return Command(("ask", "smapi", "get-skill-status", "-s", skill_id, "--resource",
                    "manifest", *_ask(cfg)))


def ask_deploy(cfg: DeployConfig) -> Command:
    """Run in the packaged folder, whose .ask/ask-states.json names the skill to update."""
    return Command(("ask", "deploy", "--target", "skill-metadata", *_ask(cfg)),
                   captured=False, cwd=cfg.build_dir)


def enable(cfg: DeployConfig, skill_id: str) -> Command:
    return Command(("ask", "smapi", "set-skill-enablement", "-s", skill_id, "-g", STAGE,
                    *_ask(cfg)))


# --- audio ----------------------------------------------------------------------------------

def render(cfg: DeployConfig, bucket: str, base_url: str) -> Command:
    """Every preference combination, to the stack's bucket, in the stack's voice and region."""
    env = [("HIPCOACH_AUDIO_STORE", "s3"), ("HIPCOACH_AUDIO_BUCKET", bucket),
           ("HIPCOACH_AUDIO_BASE_URL", base_url), ("HIPCOACH_SPEECH", "polly"),
           ("HIPCOACH_POLLY_VOICE", cfg.polly_voice), ("HIPCOACH_REGION", cfg.region),
           ("AWS_REGION", cfg.region)]
    if cfg.aws_profile:
        env.append(("AWS_PROFILE", cfg.aws_profile))
    return Command(("hipcoach", "render", "--all-preferences"), env=tuple(env), captured=False)


# --- where to find the result ---------------------------------------------------------------

def console_test_url(skill_id: str, locale: str = "en-US") -> str:
    """The developer console's Test tab for the skill (its locale written en_US)."""
    return (f"https://developer.amazon.com/alexa/console/ask/test/{skill_id}/{STAGE}/"
            f"{locale.replace('-', '_')}/")
