"""The Alexa skill package (ASK CLI v2 layout), generated from the repository's sources.

`interaction_model/` stays the checked-in source of the models; this package copies them
into `skill-package/`, writes the manifest (store listing, privacy answers, interfaces,
SkillDisabled subscription) and draws the icons. Regenerate with::

    .venv/bin/python -m skill.package            # or: hipcoach package
    .venv/bin/python -m skill.package --check    # exit 1 naming what is stale

Modules: listing (store text), manifest (skill.json), rules (store limits), icons and png
(the PNGs), write (files, comparison). The CLI is skill/cli/package.py.
"""
