"""The store listing Amazon shows and certifies, for every locale of the model.

What certification looks at (shared/PLATFORM.md, "Certification points"): a listing per
model locale with the medical-advice disclaimer, example phrases in Amazon's form whose
words are samples of that locale's model (checked against the model expanded here, not
by the generator's code), limits the generator refuses to break, and a privacy notice
that exists and says what the manifest answers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from skill.package import rules
from tests.support.skill_package import (
    PACKAGE,
    ROOT,
    locales_info,
    manifest_at,
    model_locales,
    run,
)

DISCLAIMER = "not a substitute for professional medical advice"


# --------------------------------------------------------------------------- listing


def test_every_model_locale_has_its_listing_and_privacy_link() -> None:
    body = manifest_at()["manifest"]
    assert set(locales_info()) == model_locales() == {"en-US", "en-GB", "en-CA", "en-AU",
                                                        "en-IN"}
    assert set(body["privacyAndCompliance"]["locales"]) == model_locales()
    for locale, info in locales_info().items():
        assert info["name"] == "Hip Coach", locale
        for field in ("summary", "description", "smallIconUri", "largeIconUri"):
            assert info[field].strip(), (locale, field)
        assert 1 <= len(info["keywords"]) <= 30 and 1 <= len(info["examplePhrases"]) <= 3


def test_distribution_is_the_five_locales_countries() -> None:
    publishing = manifest_at()["manifest"]["publishingInformation"]
    assert publishing["isAvailableWorldwide"] is False
    assert sorted(publishing["distributionCountries"]) == ["AU", "CA", "GB", "IN", "US"]
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    assert publishing["distributionMode"] == "PUBLIC"
    assert "delete my data" in publishing["testingInstructions"].lower()


def test_the_description_says_it_is_not_medical_advice_and_who_should_ask_first() -> None:
    for locale, info in locales_info().items():
        text = info["description"].lower()
        assert DISCLAIMER in text, locale
        for who in ("pregnant", "deep vein thrombosis", "acute injury", "severe bruising",
                    "surgery", "healthcare professional"):
            assert who in text, (locale, who)
        assert "delete my data" in text and "disabling the skill" in text


def test_each_locale_is_spelled_its_own_way() -> None:
    words = {loc: set(re.findall(r"[a-z]+", (i["summary"] + " " + i["description"]).lower()))
             for loc, i in locales_info().items()}
    for locale in ("en-GB", "en-AU", "en-IN"):
        assert "programme" in words[locale] and "program" not in words[locale], locale
    for locale in ("en-US", "en-CA"):  # Canadian English keeps "program"
        assert "program" in words[locale] and "programme" not in words[locale], locale


# ------------------------------------------------------------------- example phrases


def intents_heard(model: dict[str, Any], words: str) -> set[str]:
    """The intents with a sample that reads as `words` once each {slot} is replaced by one
    of its type's values or synonyms (the model expanded as Alexa would hear it)."""
    lm = model["interactionModel"]["languageModel"]
    spoken = {t["name"]: {v["name"]["value"].lower() for v in t["values"]}
              | {s.lower() for v in t["values"] for s in v["name"].get("synonyms", [])}
              for t in lm["types"]}
    found = set()
    for intent in lm["intents"]:
        types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            parts = re.split(r"(\{\w+\})", sample.lower())
            if any(p and not p.startswith("{") and p.strip() not in words for p in parts):
                continue  # a literal part of the sample is not in the phrase
            pattern = ""
            for part in parts:
                if part.startswith("{"):
                    values = spoken.get(types[part[1:-1]])
                    if values is None:  # a built-in type (AMAZON.NUMBER...)
                        break
                    pattern += "(?:" + "|".join(map(re.escape, values)) + ")"
                else:
                    pattern += re.escape(part)
            else:
                if re.fullmatch(pattern, words):
                    found.add(intent["name"])
    return found


def test_example_phrases_are_in_amazons_form_and_samples_of_the_model() -> None:
    for locale, info in locales_info().items():
        model = json.loads((PACKAGE / "interactionModels/custom" / f"{locale}.json").read_text())
        invocation = model["interactionModel"]["languageModel"]["invocationName"]
        phrases = info["examplePhrases"]
        assert phrases[0] == f"Alexa, open {invocation}", locale  # Amazon's first phrase
        for phrase in phrases[1:]:
            said = re.fullmatch(rf"Alexa, (?:ask {invocation} to|tell {invocation}) (.+)", phrase)
            assert said, (locale, phrase)
            intents = intents_heard(model, said.group(1).lower())
            assert len(intents) == 1, (locale, phrase, intents)  # a sample, of one intent


def test_the_phrase_check_rejects_a_phrase_the_model_lacks() -> None:
    model = json.loads((PACKAGE / "interactionModels/custom/en-US.json").read_text())
    assert intents_heard(model, "start glute release") == {"StartRoutineIntent"}
    assert intents_heard(model, "my lower back is tight") == {"SuggestIntent"}
    assert intents_heard(model, "start banana bread") == set()
    assert intents_heard(model, "my lower back is tight today please") == set()


def test_every_model_is_invoked_as_hip_coach() -> None:
    for path in (PACKAGE / "interactionModels" / "custom").glob("*.json"):
        model = json.loads(path.read_text())
        assert model["interactionModel"]["languageModel"]["invocationName"] == "hip coach"


# ------------------------------------------------------------------------ store rules


def test_the_rules_reject_what_the_store_would() -> None:
    disclaimer = "Hip Coach is not a substitute for professional medical advice."
    good = manifest_at()
    assert rules.problems(good, disclaimer) == []
    cases = {
        "summary has 161 characters": ("summary", "x" * 161),
        "name has 51 characters": ("name", "H" * 51),
        "lacks the medical-advice disclaimer": ("description", "A massage coach."),
        "examplePhrases has 4": ("examplePhrases", ["Alexa, open hip coach"] * 4),
        "examplePhrases[0] must be": ("examplePhrases", ["Alexa, ask hip coach to start"]),
        "keywords has 31": ("keywords", [f"k{i}" for i in range(31)]),
    }
    for expected, (field, value) in cases.items():
        bad = json.loads(json.dumps(good))
        bad["manifest"]["publishingInformation"]["locales"]["en-IN"][field] = value
        with pytest.raises(rules.ManifestError, match=re.escape(expected)):
            rules.check(bad, disclaimer)


def test_the_generator_refuses_a_listing_over_the_limits(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import skill.package.listing as listing

    monkeypatch.setattr(listing, "SUMMARY", "A very long summary. " * 10)
    result = run("--out", str(tmp_path))
    assert result.exit_code == 1
    assert "summary has 210 characters, over 160" in result.output
    assert not any(tmp_path.iterdir())


def test_the_privacy_link_points_to_the_notice_in_this_repository() -> None:
    for locale, entry in manifest_at()["manifest"]["privacyAndCompliance"]["locales"].items():
        url = entry["privacyPolicyUrl"]
        assert url.startswith("https://") and "/blob/main/" in url, locale
        assert (ROOT / url.split("/blob/main/", 1)[1]).is_file(), url
    notice = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8").lower()
    for says in ("delete my data", "disable the skill", "not directed to children",
                 "no advertising", "does not sell"):
        assert says in notice, says


def test_the_repository_url_can_be_overridden(tmp_path: Path) -> None:
    assert run("--out", str(tmp_path), "--repository-url", "https://git.example.org/me/hc/"
               ).exit_code == 0
    urls = {e["privacyPolicyUrl"] for e in
            manifest_at(tmp_path)["manifest"]["privacyAndCompliance"]["locales"].values()}
    assert urls == {"https://git.example.org/me/hc/blob/main/docs/privacy.md"}


def test_privacy_answers() -> None:
    privacy = manifest_at()["manifest"]["privacyAndCompliance"]
    assert privacy["allowsPurchases"] is False and privacy["containsAds"] is False
    assert privacy["isChildDirected"] is False and privacy["isExportCompliant"] is True
    assert privacy["usesPersonalInfo"] is True  # progress, time zone, health conditions


