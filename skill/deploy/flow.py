"""The deploy carried out: each step of `steps.STEPS` in order, outputs handed forward.

Re-runnable: the skill is created only when none is remembered or given, `sam deploy`
succeeds on an unchanged stack, `ask deploy` does not upload an unchanged package again,
enabling is a plain PUT, and the render skips stored tracks. A failure stops the run with
one line that names the step, the tool, and what to do; nothing after it runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from skill.core.record import Record
from skill.deploy import state, steps
from skill.deploy.config import SKILL_ID, DeployConfig
from skill.deploy.runner import CommandFailed, Runner
from skill.deploy.skill_package import (
    PackageError,
    add_profile,
    package_in,
    write_create_manifest,
)
from skill.deploy.status import ASK_CLI_POLL, BuildFailed, Poll, wait_for_manifest

EXIT_FAILED = 1
"""A step failed (its tool said why)."""
EXIT_MISSING = 3
"""A tool, credential or file the deploy needs is missing; nothing was changed."""


class DeployFailed(Exception):
    def __init__(self, step: steps.Step, reason: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(f"{step.name}: {reason}")
        self.step, self.reason, self.exit_code = step, reason, exit_code


class Outcome(Record):
    skill_id: str
    created: bool
    function_arn: str
    audio_base_url: str
    invocation_name: str
    rendered: bool


class _Run:
    """One deploy's progress: the config, the runner, and the current step."""

    def __init__(self, cfg: DeployConfig, runner: Runner, sleep: Callable[[float], None],
                 poll: Poll) -> None:
        self.cfg, self.runner, self.sleep, self.poll = cfg, runner, sleep, poll
        self.step = steps.STEPS[0]

    def enter(self, name: str) -> None:
        index = next(i for i, s in enumerate(steps.STEPS) if s.name == name)
        self.step = steps.STEPS[index]
        self.runner.heading(index + 1, len(steps.STEPS), self.step)

    def fail(self, reason: str, exit_code: int = EXIT_FAILED) -> DeployFailed:
        return DeployFailed(self.step, reason, exit_code)

    def run(self, command: steps.Command) -> str:
        try:
            return self.runner.run(command)
        except CommandFailed as exc:
            raise self.fail(f"{_name(command)} failed, {exc.detail}") from exc

    def json(self, command: steps.Command) -> Any:
        try:
            return self.runner.json(command)
        except CommandFailed as exc:
            raise self.fail(f"{_name(command)} failed, {exc.detail}") from exc

    def wait(self, skill_id: str) -> None:
        try:
            wait_for_manifest(lambda: self.json(steps.skill_status(self.cfg, skill_id)),
                              sleep=self.sleep, note=self.runner.note, poll=self.poll)
        except BuildFailed as exc:
            raise self.fail(f"skill {skill_id}: {exc}") from exc


def _name(command: steps.Command) -> str:
    """`sam deploy`, `ask smapi create-skill-for-vendor`: the words an operator recognises."""
    words = [w for w in command.argv[:3] if not w.startswith("-")]
    return " ".join(words if words[:2] == ["ask", "smapi"] else words[:2])


def deploy(cfg: DeployConfig, runner: Runner, sleep: Callable[[float], None] = time.sleep,
           poll: Poll = ASK_CLI_POLL) -> Outcome:
    """Every step, in order. Raises DeployFailed with the step and the reason."""
    r = _Run(cfg, runner, sleep, poll)
    r.enter("check")
    _check(r)
    r.enter("build")
    r.run(steps.sam_build())
    r.enter("skill")
    skill_id, created = _skill(r)
    r.enter("stack")
    r.run(steps.sam_deploy(cfg, skill_id))
    r.enter("outputs")
    outputs = _outputs(r)
    arn = outputs["FunctionArn"]
    r.enter("package")
    r.run(steps.package(cfg, cfg.build_dir, arn))
    try:
        pkg = package_in(cfg.project_dir, cfg.build_dir)
        locales = pkg.locales()
        if pkg.endpoint() != arn:
            raise PackageError(f"its manifest's endpoint is {pkg.endpoint()}, not {arn}")
        invocation = pkg.invocation_name("en-US" if "en-US" in locales else locales[0])
        add_profile(cfg.project_dir, cfg.build_dir, cfg.ask_profile_key)
    except PackageError as exc:
        raise r.fail(f"hipcoach package: {exc}") from exc
    try:
        # The packaged folder is an ASK CLI project; this names the skill its deploy updates.
        state.write_ask_states(cfg.at(cfg.ask_states), cfg.ask_profile_key, skill_id)
    except state.StateError as exc:
        raise r.fail(str(exc)) from exc
    r.runner.note(f"{pkg.root}: endpoint {arn}, locales {', '.join(locales)}")
    r.enter("skill-update")
    r.run(steps.ask_deploy(cfg))
    r.enter("enable")
    r.run(steps.enable(cfg, skill_id))
    r.enter("audio")
    if cfg.skip_audio:
        runner.note("skipped (--skip-audio): until tracks are rendered, streaming requests "
                    "fall back to dialog mode")
    else:
        r.run(steps.render(cfg, outputs["AudioBucketName"], outputs["AudioBaseUrl"]))
    return Outcome(skill_id, created, arn, outputs["AudioBaseUrl"], invocation or "hip coach",
                   not cfg.skip_audio)


def _check(r: _Run) -> None:
    cfg = r.cfg
    missing = [t for t in steps.tools_needed(cfg) if r.runner.find(t.name) is None]
    if missing:
        raise r.fail("; ".join(f"{t.name} not found on PATH (install {t.hint})"
                               for t in missing), EXIT_MISSING)
    r.runner.note("found " + ", ".join(t.name for t in steps.tools_needed(cfg)))
    if not (cfg.project_dir / "template.yaml").is_file():
        raise r.fail(f"no template.yaml in {cfg.project_dir}: run from the Hip Coach checkout "
                     "or pass --project-dir", EXIT_MISSING)
    try:
        who = r.runner.json(steps.caller_identity(cfg))
    except CommandFailed as exc:
        raise r.fail(f"AWS credentials: aws sts get-caller-identity failed, {exc.detail} "
                     "(run aws configure or aws sso login, or pass --profile)",
                     EXIT_MISSING) from exc
    r.runner.note(f"AWS account {_get(who, 'Account')} as {_get(who, 'Arn')}, "
                  f"region {cfg.region}")
    try:
        vendors = r.runner.json(steps.vendor_list(cfg))
    except CommandFailed as exc:
        again = f" --profile {cfg.ask_profile}" if cfg.ask_profile else ""
        raise r.fail(f"ASK CLI profile {cfg.ask_profile_key}: ask smapi get-vendor-list "
                     f"failed, {exc.detail} (run ask configure{again})",
                     EXIT_MISSING) from exc
    names = [str(_get(v, "name")) for v in (_get(vendors, "vendors") or [])]
    r.runner.note(f"ASK profile {cfg.ask_profile_key}, developer account "
                  f"{', '.join(names) or '(no vendor listed)'}")


def _skill(r: _Run) -> tuple[str, bool]:
    """The skill id: --skill-id, else remembered, else a new skill. Remembered at once."""
    cfg = r.cfg
    where = f"stack {cfg.stack_name} ({cfg.region}), ASK profile {cfg.ask_profile_key}"
    try:
        known = state.remembered(cfg.state_file, cfg.region, cfg.stack_name, cfg.ask_profile_key)
    except state.StateError as exc:
        raise r.fail(f"{exc} (fix it, or pass --skill-id)") from exc
    skill_id = cfg.skill_id or known
    if skill_id:
        origin = "from --skill-id" if cfg.skill_id else f"remembered for {where}"
        r.runner.note(f"skill {skill_id} ({origin})")
        try:
            r.runner.json(steps.skill_status(cfg, skill_id))
        except CommandFailed as exc:
            raise r.fail(f"skill {skill_id} ({origin}) cannot be read with ASK profile "
                         f"{cfg.ask_profile_key}: {exc.detail} (pass --skill-id, or remove "
                         f"its entry from {cfg.state_file} to create a new skill)") from exc
        created = False
    else:
        r.runner.note(f"no skill remembered for {where}: creating one")
        r.run(steps.package(cfg, cfg.create_dir))
        try:
            pkg = package_in(cfg.project_dir, cfg.create_dir)
            manifest = write_create_manifest(pkg, cfg.create_dir)
        except PackageError as exc:
            raise r.fail(f"hipcoach package: {exc}") from exc
        body = r.json(steps.create_skill(cfg, manifest))
        skill_id = _get(body, "skillId")
        if not isinstance(skill_id, str) or not SKILL_ID.fullmatch(skill_id):
            raise r.fail(f"ask smapi create-skill-for-vendor returned no skill id: {body!r}")
        created = True
    if skill_id != known:
        try:
            state.remember(cfg.state_file, state.RememberedSkill(
                cfg.region, cfg.stack_name, cfg.ask_profile_key, skill_id))
        except state.StateError as exc:
            raise r.fail(f"skill {skill_id}: {exc} (pass --skill-id next time)") from exc
        r.runner.note(f"remembered in {cfg.state_file} for {where}")
    if created:
        r.wait(skill_id)
    return skill_id, created


def _outputs(r: _Run) -> dict[str, str]:
    body = r.json(steps.describe_stack(r.cfg))
    stacks = _get(body, "Stacks")
    listed = _get(stacks[0], "Outputs") if isinstance(stacks, list) and stacks else None
    found = {str(_get(o, "OutputKey")): str(_get(o, "OutputValue") or "")
             for o in (listed if isinstance(listed, list) else [])}
    missing = [k for k in steps.STACK_OUTPUTS if not found.get(k)]
    if missing:
        raise r.fail(f"stack {r.cfg.stack_name} has no output {', '.join(missing)} "
                     "(is template.yaml the one deployed?)")
    for key in steps.STACK_OUTPUTS:
        r.runner.note(f"{key} = {found[key]}")
    return found


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None
