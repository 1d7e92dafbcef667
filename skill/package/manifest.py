"""`skill-package/skill.json`: the skill manifest (ASK CLI v2 layout, manifestVersion 1.0).

Field names and enum values follow Amazon's SMAPI model (ask_smapi_model.v1.skill.manifest,
alexa/alexa-apis-for-python); tests/test_skill_package.py reads the manifest back through
that model. The committed skill.json has no endpoint: the deploy writes a copy with the
function ARN from the stack output (`hipcoach package --out DIR --endpoint-arn ARN`), and a
self-hosted endpoint gets `--endpoint-url URL --certificate TYPE`.
"""

from __future__ import annotations

import re
from typing import Any

from skill.core.record import Record
from skill.interaction.committed import LOCALES
from skill.package.listing import Listing, listing

MANIFEST_VERSION = "1.0"
CATEGORY = "HEALTH_AND_FITNESS"
"""The category Amazon's own sample custom-skill manifest uses (developer.amazon.com,
smapi/skill-manifest-v0); shared/PLATFORM.md names it for this skill."""
COUNTRIES: dict[str, str] = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU",
                             "en-IN": "IN"}
"""Distribution is deliberate, not worldwide: the countries of the five locales we have a
model for, each with its own spelling and body words, and a listing whose safety wording
was written for them. A country without its locale would hear the skill in another
English; add its locale (skill.interaction.committed.LOCALES) before its country."""
DISTRIBUTION_MODE = "PUBLIC"
"""Anyone in those countries may enable it (PRIVATE: "available only to a private
distribution list", developer.amazon.com smapi/skill-manifest)."""

INTERFACES: tuple[str, ...] = ("AUDIO_PLAYER", "ALEXA_PRESENTATION_APL")
"""`apis.custom.interfaces`, the one list of them: AUDIO_PLAYER for streaming mode (the
device then sends AudioPlayer requests, and Pause/Resume must be in the model);
ALEXA_PRESENTATION_APL for the screens (skill/screens: RenderDocument, UserEvent)."""
SUPPORTED_VIEWPORTS: tuple[dict[str, str | int], ...] = (
    {"mode": "HUB", "shape": "ROUND", "minWidth": 100, "maxWidth": 599, "minHeight": 100,
     "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 1279, "minHeight": 100,
     "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 1279, "minHeight": 600,
     "maxHeight": 959},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 1280, "maxWidth": 1920, "minHeight": 600,
     "maxHeight": 1279},
    {"mode": "TV", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 960, "minHeight": 540,
     "maxHeight": 540},
)
"""ALEXA_PRESENTATION_APL `supportedViewports`: the viewports the documents are laid out for
(skill/screens/documents use the alexa-viewport-profiles conditions): round small (Echo
Spot), small hub (Show 5: "width between 960 and 1280 pixels, and the height is less than
600", developer.amazon.com apl-alexa-viewport-profiles-package), medium hub (Show 8), large
hub (Show 10/15/21) and TV. The round, medium, large and TV entries are Amazon's own example
(developer.amazon.com apl-support-for-your-skill); field names: ask_smapi_model
ViewportSpecification."""
SUBSCRIPTIONS: tuple[str, ...] = ("SKILL_DISABLED",)
"""Skill events the skill handles (skill/handlers/skill_events.py): disabling the skill
deletes the user's data. Event names: ask_smapi_model EventNameType."""
CERTIFICATE_TYPES = ("Wildcard", "SelfSigned", "Trusted")
"""`sslCertificateType` for an HTTPS endpoint (ask_smapi_model SSLCertificateType).
Wildcard: a subdomain of a domain with a wildcard certificate (the usual tunnel services),
fine for development; Amazon's manifest pages say only Trusted passes certification
(developer.amazon.com, routines/routines-skill-manifest)."""

REPOSITORY_URL = "https://github.com/hip-coach/hip-coach"
"""Where the privacy notice is published, as `<REPOSITORY_URL>/blob/main/docs/privacy.md`.
A placeholder until the repository has a public home: pass `--repository-url` (or change
this line) so the store links to a page that exists."""
PRIVACY_PATH = "docs/privacy.md"

TESTING_INSTRUCTIONS = (
    "No account linking, purchases or permissions. Say \"Alexa, open hip coach\", then "
    "\"start glute release\". Before the first routine that uses deep pressure (a ball or a "
    "partner's elbow) the skill asks once about pregnancy, deep vein thrombosis, injury and "
    "bruising; answer no to continue. During a hold try \"pause\", \"next\", \"repeat\", "
    "\"that hurts\" and \"it's a sharp pain\" (the step stops). On an Echo with AudioPlayer "
    "each step plays as a track; \"guide me step by step\" switches to spoken turns. \"Delete "
    "my data\" asks for a yes, then erases progress and settings; disabling the skill "
    "erases them too (SkillDisabled event).")

_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}"
                  r"(:[A-Za-z0-9$_-]{1,128})?")


class Endpoint(Record):
    """Where Alexa sends requests and events: a Lambda ARN, or an HTTPS URL with the type
    of its certificate."""

    uri: str
    certificate: str | None = None

    def to_json(self) -> dict[str, str]:
        if self.certificate is None:
            return {"uri": self.uri}
        return {"uri": self.uri, "sslCertificateType": self.certificate}


def lambda_endpoint(arn: str) -> Endpoint:
    """The endpoint of a Lambda function, by its ARN (optionally with a version or alias)."""
    if not _ARN.fullmatch(arn):
        raise ValueError(f"not a Lambda function ARN: {arn!r}")
    return Endpoint(arn)


def https_endpoint(url: str, certificate: str) -> Endpoint:
    """A self-hosted endpoint: an https:// URL and its certificate type."""
    if not re.fullmatch(r"https://[^\s/?#]+(/[^\s]*)?", url):
        raise ValueError(f"not an https:// URL: {url!r}")
    if certificate not in CERTIFICATE_TYPES:
        raise ValueError(f"certificate type {certificate!r} is not one of "
                         f"{', '.join(CERTIFICATE_TYPES)}")
    return Endpoint(url, certificate)


def icon_uri(locale: str, size: str) -> str:
    """A package-local icon, `file://assets/images/<locale>_<size>Icon.png`: the form the
    ASK CLI uploads inside the skill package (github.com/alexa/ask-cli pull 487)."""
    return f"file://assets/images/{locale}_{size}Icon.png"


def privacy_url(repository_url: str = REPOSITORY_URL) -> str:
    return f"{repository_url.rstrip('/')}/blob/main/{PRIVACY_PATH}"


def _locale_json(locale: str, text: Listing) -> dict[str, Any]:
    return {"name": text.name, "summary": text.summary, "description": text.description,
            "examplePhrases": list(text.example_phrases), "keywords": list(text.keywords),
            "smallIconUri": icon_uri(locale, "small"), "largeIconUri": icon_uri(locale, "large")}


def _interface(kind: str) -> dict[str, Any]:
    if kind == "ALEXA_PRESENTATION_APL":
        return {"type": kind, "supportedViewports": [dict(v) for v in SUPPORTED_VIEWPORTS]}
    return {"type": kind}


def build_manifest(disclaimer: str, endpoint: Endpoint | None = None,
                   repository_url: str = REPOSITORY_URL) -> dict[str, Any]:
    """The whole skill.json; with `endpoint`, requests and skill events both go there."""
    apis: dict[str, Any] = {"interfaces": [_interface(kind) for kind in INTERFACES]}
    events: dict[str, Any] = {"subscriptions": [{"eventName": n} for n in SUBSCRIPTIONS]}
    if endpoint is not None:
        apis["endpoint"] = events["endpoint"] = endpoint.to_json()
    return {"manifest": {
        "manifestVersion": MANIFEST_VERSION,
        "publishingInformation": {
            "locales": {loc: _locale_json(loc, listing(loc, disclaimer)) for loc in LOCALES},
            "isAvailableWorldwide": False,
            "distributionCountries": [COUNTRIES[loc] for loc in LOCALES],
            "distributionMode": DISTRIBUTION_MODE,
            "category": CATEGORY,
            "testingInstructions": TESTING_INSTRUCTIONS,
        },
        "privacyAndCompliance": {
            "allowsPurchases": False,
            # A hash of the Alexa user id, routine progress, preferences, the device's time
            # zone and health conditions the user says (pregnancy...) are kept per user
            # (skill/state.py): personal information, so yes, with a privacy notice.
            "usesPersonalInfo": True,
            "isChildDirected": False,
            "isExportCompliant": True,
            "containsAds": False,
            # Amazon's field asks whether the developer is a HIPAA covered entity or
            # business associate needing Amazon to process PHI (ask_smapi_model
            # SkillManifestPrivacyAndCompliance): no.
            "usesHealthInfo": False,
            "locales": {loc: {"privacyPolicyUrl": privacy_url(repository_url)}
                        for loc in LOCALES},
        },
        "apis": {"custom": apis},
        "events": events,
    }}
