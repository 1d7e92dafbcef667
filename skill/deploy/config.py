"""What one `hipcoach deploy` run was asked to do, resolved once from options and environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from skill.core.record import Record, field

DEFAULT_STACK = "hip-coach"
DEFAULT_REGION = "us-east-1"
"""North America's Alexa endpoint region (en-US listeners); docs/deploy.md lists the others."""
DEFAULT_VOICE = "Joanna"
"""template.yaml's PollyVoice default; the render must use the stack's voice (track index key)."""
DEFAULT_ASK_PROFILE = "default"
"""ASK CLI's own default profile name (ask-cli lib/utils/constants.js ASK_DEFAULT_PROFILE_NAME)."""

SKILL_ID = re.compile(r"amzn1\.ask\.skill\.[0-9a-fA-F-]+")
"""template.yaml's SkillId AllowedPattern: an id the stack would refuse is refused up front."""


class DeployConfig(Record):
    """Everything that differs between two deploys; built by the CLI, read by every step."""

    project_dir: Path
    """The checkout: template.yaml is here; every command runs here."""
    state_file: Path = field(default_factory=lambda: Path.home() / ".hipcoach" / "deploy"
                             / "skills.json")
    """Which skill belongs to which stack (state.py); the CLI puts it in HIPCOACH_DATA_DIR."""
    stack_name: str = DEFAULT_STACK
    region: str = DEFAULT_REGION
    aws_profile: str | None = None
    """Passed as `--profile` to sam and aws (AWS_PROFILE for the render) only when given, so
    an unset one leaves the AWS CLI's own resolution (environment, SSO, default) alone."""
    ask_profile: str | None = None
    """Passed as `--profile` to ask only when given: ASK CLI then resolves its environment
    profile (ASK_REFRESH_TOKEN + ASK_VENDOR_ID...), ASK_DEFAULT_PROFILE, or "default"
    (ask-cli lib/utils/profile-helper.js runtimeProfile)."""
    ask_profile_key: str = DEFAULT_ASK_PROFILE
    """The profile name ASK CLI will use (`resolve_ask_key`): the skill is remembered under it,
    and `ask deploy` looks it up in ask-states.json and ask-resources.json."""
    skill_id: str | None = None
    """--skill-id: use this skill (and remember it) instead of the remembered or a new one."""
    polly_voice: str = DEFAULT_VOICE
    skip_audio: bool = False
    repository_url: str | None = None
    """--repository-url: the public home of this checkout, whose docs/privacy.md the store
    listing links to (`hipcoach package --repository-url`); None keeps the package's default."""

    # Paths below are relative to project_dir, the working folder of every command, so the
    # printed command lines are short and the same on every machine; `at` makes them absolute.

    @property
    def build_dir(self) -> Path:
        """Where `hipcoach package` writes the package deployed to the skill (with endpoint)."""
        return Path("build") / "skill"

    @property
    def create_dir(self) -> Path:
        """Where the endpoint-less package for creating a new skill is written."""
        return Path("build") / "skill-create"

    @property
    def ask_states(self) -> Path:
        """ASK CLI's states file of the packaged folder (names the skill `ask deploy` updates)."""
        return self.build_dir / ".ask" / "ask-states.json"

    def at(self, relative: Path) -> Path:
        return self.project_dir / relative

    @property
    def built_template(self) -> str:
        """sam build's output template, relative to the project (samcli/commands/_utils/
        constants.py DEFAULT_BUILT_TEMPLATE_PATH = .aws-sam/build/template.yaml)."""
        return ".aws-sam/build/template.yaml"


def resolve_region(option: str | None, env: Mapping[str, str]) -> str:
    """--region, else the AWS CLI's environment variables, else North America's region.

    One explicit region is passed to every command, so the stack, its outputs and the audio
    upload can never land in different regions."""
    return option or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


ENV_ASK_PROFILE = "__ENVIRONMENT_ASK_PROFILE__"
"""ASK CLI's name for credentials given in the environment (lib/utils/constants.js
PLACEHOLDER.ENVIRONMENT_VAR.PROFILE_NAME), as in CI."""


def resolve_ask_key(option: str | None, env: Mapping[str, str]) -> str:
    """The profile name ASK CLI itself will use, in its own order (lib/utils/profile-helper.js
    runtimeProfile): the option, the environment profile when AWS keys, an ASK token and
    ASK_VENDOR_ID are all set (isEnvProfile), ASK_DEFAULT_PROFILE, then "default"."""
    if option:
        return option
    if (env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY")
            and (env.get("ASK_REFRESH_TOKEN") or env.get("ASK_ACCESS_TOKEN"))
            and env.get("ASK_VENDOR_ID")):
        return ENV_ASK_PROFILE
    return env.get("ASK_DEFAULT_PROFILE") or DEFAULT_ASK_PROFILE
