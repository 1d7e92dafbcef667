"""The store's rules a manifest must keep, checked before anything is written.

Limits are skill/core/limits.py's (with their sources); the rest is what certification
asks of this skill (shared/PLATFORM.md, "Certification points"): the medical-advice
disclaimer in every description, example phrases in Amazon's form that start with the
wake word and the invocation name, an HTTPS privacy notice since personal information
is kept. That each phrase is a sample of the model is tested against the committed
models (tests/test_skill_package.py), not here.
"""

from __future__ import annotations

from typing import Any

from skill.core.limits import (
    MAX_DESCRIPTION_CHARS,
    MAX_EXAMPLE_PHRASES,
    MAX_KEYWORDS,
    MAX_SKILL_NAME_CHARS,
    MAX_SUMMARY_CHARS,
)
from skill.interaction.intents import INVOCATION_NAME

PHRASE_STARTS = (f"Alexa, open {INVOCATION_NAME}", f"Alexa, ask {INVOCATION_NAME} ",
                 f"Alexa, tell {INVOCATION_NAME} ")
"""Amazon's example-phrase forms this listing uses (shared/PLATFORM.md)."""


class ManifestError(ValueError):
    """The manifest breaks store rules; the message lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _locale_problems(locale: str, info: dict[str, Any], disclaimer: str) -> list[str]:
    where, out = f"publishingInformation.locales.{locale}", []
    for key, limit in (("name", MAX_SKILL_NAME_CHARS), ("summary", MAX_SUMMARY_CHARS),
                       ("description", MAX_DESCRIPTION_CHARS)):
        text = info.get(key)
        if not isinstance(text, str) or not text.strip():
            out.append(f"{where}.{key} is missing")
        elif len(text) > limit:
            out.append(f"{where}.{key} has {len(text)} characters, over {limit}")
    if disclaimer not in str(info.get("description", "")):
        out.append(f"{where}.description lacks the medical-advice disclaimer")
    phrases = info.get("examplePhrases") or []
    if not 1 <= len(phrases) <= MAX_EXAMPLE_PHRASES:
        out.append(f"{where}.examplePhrases has {len(phrases)}, not 1 to {MAX_EXAMPLE_PHRASES}")
    elif phrases[0] != PHRASE_STARTS[0]:
        out.append(f"{where}.examplePhrases[0] must be {PHRASE_STARTS[0]!r}")
    out += [f"{where}.examplePhrases: {p!r} is not in Amazon's form"
            for p in phrases if not isinstance(p, str) or not p.startswith(PHRASE_STARTS)]
    keywords = info.get("keywords") or []
    if len(keywords) > MAX_KEYWORDS:
        out.append(f"{where}.keywords has {len(keywords)}, over {MAX_KEYWORDS}")
    out += [f"{where}.{key} is missing" for key in ("smallIconUri", "largeIconUri")
            if not info.get(key)]
    return out


def problems(manifest: dict[str, Any], disclaimer: str) -> list[str]:
    """Every rule `manifest` (skill.json's content) breaks; empty when it keeps them all."""
    body = manifest.get("manifest", {})
    publishing = body.get("publishingInformation", {})
    locales = publishing.get("locales") or {}
    out = [p for loc, info in locales.items() for p in _locale_problems(loc, info, disclaimer)]
    if not locales:
        out.append("publishingInformation.locales is empty")
    privacy = body.get("privacyAndCompliance", {}).get("locales", {})
    for loc in locales:
        url = privacy.get(loc, {}).get("privacyPolicyUrl", "")
        if not str(url).startswith("https://"):
            out.append(f"privacyAndCompliance.locales.{loc}.privacyPolicyUrl is not https")
    return out


def check(manifest: dict[str, Any], disclaimer: str) -> None:
    """Raise ManifestError naming every broken rule."""
    found = problems(manifest, disclaimer)
    if found:
        raise ManifestError(found)
