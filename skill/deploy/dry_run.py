"""`hipcoach deploy --dry-run`: every step and its exact commands, with placeholders; runs nothing.

Needs no tool and no credential. It reads local files only: the remembered skill id (so it
shows whether a run would create a skill) and the locales of interaction_model/ (the models
`hipcoach package` writes and `ask deploy` uploads).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from skill.deploy import state, steps
from skill.deploy.config import DeployConfig

Echo = Callable[[str], None]


def _locales(project: Path) -> tuple[str, ...]:
    found = tuple(sorted(p.stem for p in (project / "interaction_model").glob("*.json")))
    return found or ("<locale>",)


def _known_skill(cfg: DeployConfig, echo: Echo) -> str | None:
    if cfg.skill_id:
        return cfg.skill_id
    try:
        return state.remembered(cfg.state_file, cfg.region, cfg.stack_name, cfg.ask_profile_key)
    except state.StateError as exc:
        echo(f"      (a real run would stop here: {exc})")
        return None


def dry_run(cfg: DeployConfig, echo: Echo) -> None:
    """Print the plan. Values from earlier steps' output are shown as <placeholders>."""
    echo("Dry run: nothing is run. <SkillId>, <FunctionArn>, <AudioBucketName> and "
         "<AudioBaseUrl> come from earlier steps' output.")
    total = len(steps.STEPS)
    by_name = {s.name: (i + 1, s) for i, s in enumerate(steps.STEPS)}

    def heading(name: str) -> None:
        index, step = by_name[name]
        echo(f"[{index}/{total}] {step.title}")

    def show(command: steps.Command) -> None:
        echo(f"  $ {command.shown()}")

    def note(text: str) -> None:
        echo(f"      {text}")

    heading("check")
    note("on PATH: " + ", ".join(t.name for t in steps.tools_needed(cfg)))
    show(steps.caller_identity(cfg))
    show(steps.vendor_list(cfg))
    heading("build")
    show(steps.sam_build())
    heading("skill")
    known = _known_skill(cfg, echo)
    skill_id = known or steps.SKILL_ID_SLOT
    if known:
        note(f"skill {known} ({'from --skill-id' if cfg.skill_id else 'remembered'})")
        show(steps.skill_status(cfg, known))
    else:
        note(f"no skill remembered for stack {cfg.stack_name} in {cfg.state_file}: one is "
             "created, then remembered there")
        show(steps.package(cfg, cfg.create_dir))
        note("its manifest without endpoint, events and icons -> "
             f"{cfg.create_dir / 'create-manifest.json'}")
        show(steps.create_skill(cfg, cfg.create_dir / "create-manifest.json"))
        show(steps.skill_status(cfg, skill_id))
        note("repeated until the manifest is no longer IN_PROGRESS")
    heading("stack")
    show(steps.sam_deploy(cfg, skill_id))
    heading("outputs")
    show(steps.describe_stack(cfg))
    note("reads " + ", ".join(steps.STACK_OUTPUTS))
    heading("package")
    show(steps.package(cfg, cfg.build_dir, steps.FUNCTION_ARN_SLOT))
    note(f"{cfg.ask_states}: skillId {skill_id} for ASK profile "
         f"{cfg.ask_profile_key} (and that profile in {cfg.build_dir / 'ask-resources.json'})")
    heading("skill-update")
    show(steps.ask_deploy(cfg))
    note("uploads skill-package/ (" + ", ".join(_locales(cfg.project_dir))
         + ") and waits for the model builds")
    heading("enable")
    show(steps.enable(cfg, skill_id))
    heading("audio")
    if cfg.skip_audio:
        note("skipped (--skip-audio)")
    else:
        show(steps.render(cfg, steps.BUCKET_SLOT, steps.BASE_URL_SLOT))
    echo(f"Then: say \"Alexa, open hip coach\", or try it at {steps.console_test_url(skill_id)}")
