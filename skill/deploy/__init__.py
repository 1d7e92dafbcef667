"""`hipcoach deploy`: the AWS stack (SAM) and the Alexa skill (ASK CLI v2), in order, re-runnable.

- `config.py`: what one run was asked to do (stack, region, profiles, skill id).
- `steps.py`: the plan, an ordered list of named steps, and the exact command lines.
- `runner.py`: runs a command, prints it, captures its JSON, turns failures into one line.
- `state.py`: which skill belongs to which stack, remembered between runs (data dir).
- `status.py`: reading `ask smapi get-skill-status` while a new skill's manifest is accepted.
- `skill_package.py`: reading (and adjusting) what `hipcoach package` wrote.
- `dry_run.py`: the plan printed with placeholders, nothing run.
- `flow.py`: the steps carried out, each output handed to the step that needs it.

Nothing here is imported by the skill at request time; it drives external CLIs only.
"""
