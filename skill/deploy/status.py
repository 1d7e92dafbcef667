"""Waiting for a new skill's manifest, from `ask smapi get-skill-status --resource manifest`.

The response (SMAPI v1.skill.SkillStatus, in ask-cli's bundled spec) is
`{"manifest": {"lastUpdateRequest": {"status": ..., "errors": [...]}}, ...}`, the status one
of SUCCEEDED, FAILED, IN_PROGRESS, each error a StandardizedError with a `message`. (Model
builds are waited for by `ask deploy` itself.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from skill.core.record import Record

SUCCEEDED, FAILED, IN_PROGRESS = "SUCCEEDED", "FAILED", "IN_PROGRESS"


class Poll(Record):
    """How often to ask again: ASK CLI's own schedule for the same wait (alexa/ask-cli
    lib/controllers/skill-metadata-controller/index.js _pollSkillManifestStatus retryConfig:
    base 2000 ms, factor 1.12, maxRetry 50)."""

    first_delay_s: float = 2.0
    factor: float = 1.12
    attempts: int = 50


ASK_CLI_POLL = Poll()


class ManifestState(Record):
    status: str
    """SUCCEEDED, FAILED, IN_PROGRESS, or "" while it is not reported yet."""
    errors: tuple[str, ...] = ()


class BuildFailed(Exception):
    """The manifest failed, or was still in progress after the last check."""


def _node(body: Any, *path: str) -> Any:
    for key in path:
        body = body.get(key) if isinstance(body, dict) else None
    return body


def manifest_state(body: Any) -> ManifestState:
    last = _node(body, "manifest", "lastUpdateRequest")
    status = _node(last, "status")
    errors = _node(last, "errors")
    messages = tuple(str(e.get("message", e)) if isinstance(e, dict) else str(e)
                     for e in (errors if isinstance(errors, list) else []))
    return ManifestState(status if isinstance(status, str) else "", messages)


def wait_for_manifest(fetch: Callable[[], Any], *, sleep: Callable[[float], None],
                      note: Callable[[str], None], poll: Poll = ASK_CLI_POLL) -> None:
    """Ask until the manifest is no longer in progress; raise BuildFailed saying why not."""
    delay = poll.first_delay_s
    for attempt in range(poll.attempts):
        state = manifest_state(fetch())
        if state.status == FAILED:
            raise BuildFailed("manifest FAILED: " + (" / ".join(state.errors) or "no reason"))
        if state.status == SUCCEEDED:
            return
        if attempt == 0:
            note("waiting for the manifest to be accepted")
        sleep(delay)
        delay *= poll.factor
    raise BuildFailed(f"manifest still in progress after {poll.attempts} checks")
