"""`hipcoach deploy`: the AWS stack and the Alexa skill, set up in order with one command.

The steps and their commands are in skill/deploy/steps.py; docs/deploy.md explains each one.
Exit status: 0 done, 1 a step failed, 3 a tool, credential or file is missing (2 is click's
own for a bad option).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import click

from skill.settings import Settings


def _skill_id(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from skill.deploy.config import SKILL_ID

    if value is not None and not SKILL_ID.fullmatch(value):
        raise click.BadParameter("an Alexa skill id looks like amzn1.ask.skill.<uuid>")
    return value


def _with_own_bin(env: Mapping[str, str]) -> dict[str, str]:
    """The environment with this interpreter's bin folder last on PATH.

    `.venv/bin/hipcoach deploy` works without an activated venv: its `hipcoach package` and
    `hipcoach render` are found next to the running interpreter. Last, so a tool earlier on
    PATH (and a test's fakes) still wins."""
    own = str(Path(sys.executable).parent)
    path = env.get("PATH", "")
    if own in path.split(os.pathsep):
        return dict(env)
    return {**env, "PATH": os.pathsep.join(p for p in (path, own) if p)}


@click.command("deploy")
@click.option("--dry-run", is_flag=True,
              help="Print every step and command (placeholders for values from earlier "
                   "steps); run nothing, need no tools.")
@click.option("--stack-name", default="hip-coach", show_default=True,
              help="CloudFormation stack name.")
@click.option("--region", default=None,
              help="AWS region for the stack and the audio (default: $AWS_REGION, "
                   "$AWS_DEFAULT_REGION, else us-east-1).")
@click.option("--profile", "aws_profile", default=None,
              help="AWS CLI profile (default: the AWS CLI's own resolution).")
@click.option("--ask-profile", default=None,
              help="ASK CLI profile (default: ASK CLI's own resolution, usually 'default').")
@click.option("--skill-id", default=None, callback=_skill_id,
              help="Use this existing skill (and remember it) instead of the remembered one "
                   "or a new one.")
@click.option("--polly-voice", default="Joanna", show_default=True,
              help="Polly voice for the stack (PollyVoice) and the rendered audio.")
@click.option("--skip-audio", is_flag=True,
              help="Do not render audio (then ffmpeg is not needed).")
@click.option("--repository-url", default=None,
              help="Public home of this checkout: the store listing's privacy link is "
                   "docs/privacy.md there (default: hipcoach package's).")
@click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True,
              help="The Hip Coach checkout (template.yaml; commands run here).")
def deploy_command(dry_run: bool, stack_name: str, region: str | None, aws_profile: str | None,
                   ask_profile: str | None, skill_id: str | None, polly_voice: str,
                   skip_audio: bool, repository_url: str | None, project_dir: Path) -> None:
    """Deploy the AWS stack (SAM) and the Alexa skill (ASK CLI), render the audio, enable it."""
    from skill.deploy.config import DeployConfig, resolve_ask_key, resolve_region
    from skill.deploy.dry_run import dry_run as print_plan
    from skill.deploy.flow import DeployFailed, deploy
    from skill.deploy.runner import Runner
    from skill.deploy.steps import console_test_url

    cfg = DeployConfig(
        project_dir=project_dir.resolve(),
        state_file=Settings.from_env().data_dir / "deploy" / "skills.json",
        stack_name=stack_name,
        region=resolve_region(region, os.environ), aws_profile=aws_profile,
        ask_profile=ask_profile, ask_profile_key=resolve_ask_key(ask_profile, os.environ),
        skill_id=skill_id, polly_voice=polly_voice, skip_audio=skip_audio,
        repository_url=repository_url)
    if dry_run:
        print_plan(cfg, click.echo)
        return
    runner = Runner(click.echo, env=_with_own_bin(os.environ), cwd=cfg.project_dir)
    try:
        done = deploy(cfg, runner)
    except DeployFailed as exc:
        click.echo(f"deploy failed at '{exc.step.name}': {exc.reason}", err=True)
        sys.exit(exc.exit_code)
    click.echo("")
    click.echo(f"Done: skill {done.skill_id} ({'created' if done.created else 'updated'}), "
               f"endpoint {done.function_arn}, audio at {done.audio_base_url}.")
    click.echo(f"Try it: say \"Alexa, open {done.invocation_name}\" to an Echo signed in with "
               "your Amazon developer account, or type it in the Test tab:")
    click.echo(f"  {console_test_url(done.skill_id)}")
    if not done.rendered:
        click.echo("Audio was not rendered: routines are spoken (dialog mode) until "
                   "`hipcoach deploy` runs without --skip-audio.")
    click.echo(f"Logs: sam logs --stack-name {cfg.stack_name} --region {cfg.region} --tail")
