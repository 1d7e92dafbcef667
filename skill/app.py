"""Where the skill is wired: settings -> adapters -> handlers -> a callable skill.

Entry points (Lambda, Flask, the console) call `SkillApp.handle(envelope_dict)`.
Adapters are built here with embedded defaults and tests override any of them.
Heavy modules (boto3, pydub) are imported only when a setting or a request needs
them, so a cold Lambda imports just ask-sdk-core and the pure core.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope

from skill.adapters.progressive_target import LazySender, NullSender, ProgressiveSender
from skill.adapters.zone_lookup import LazyZoneLookup, NullZoneLookup, ZoneLookup
from skill.audio.public import AudioBase, Invocation, configured, prefer_configured
from skill.content import load_content
from skill.deps import Deps, Tracks
from skill.envelope_codec import FastSerializer
from skill.handlers.adapter import ConversationHandler
from skill.handlers.errors import ApologyHandler
from skill.handlers.interceptors import LoadState, RequestLog, SaveState
from skill.handlers.skill_events import SkillDisabledHandler
from skill.settings import Settings

log = logging.getLogger("hipcoach")

APOLOGY_ENVELOPE: dict[str, Any] = {
    "version": "1.0",
    "response": {
        "outputSpeech": {
            "type": "SSML",
            "ssml": "<speak>Sorry, I couldn't understand that request. Please try again.</speak>",
        },
        "shouldEndSession": True,
    },
}
"""What a request we cannot even parse gets: a valid Alexa response, never a crash."""


SPEAKING_REQUESTS = frozenset({"LaunchRequest", "IntentRequest"})
"""Request types whose responses may speak; every other type gets an empty response."""


def _fallback(event: Any) -> dict[str, Any]:
    """A quiet empty response for a request type that may not speak, else an apology.

    Unknown request types (a new Alexa feature) and AudioPlayer events that fail to
    parse must not get speech: Alexa rejects speech in those responses. An envelope
    with no request type at all gets the spoken apology.
    """
    request = event.get("request") if isinstance(event, dict) else None
    kind = request.get("type") if isinstance(request, dict) else None
    if isinstance(kind, str) and kind not in SPEAKING_REQUESTS:
        return {"version": "1.0", "response": {}}
    return json.loads(json.dumps(APOLOGY_ENVELOPE))  # type: ignore[no-any-return]


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_persistence(settings: Settings) -> AbstractPersistenceAdapter:
    """SQLite by default; DynamoDB when HIPCOACH_PERSISTENCE=dynamodb."""
    if settings.persistence == "dynamodb":
        from skill.adapters.dynamodb_store import make_dynamodb_adapter

        return make_dynamodb_adapter(settings.table, region=settings.region)
    from skill.adapters.sqlite_store import SqliteAdapter

    return SqliteAdapter(settings.db_path)


def build_tracks(settings: Settings) -> Tracks | None:
    """Streaming-mode tracks, rendered lazily on first use (pydub loads only then)."""
    if not settings.streaming:
        return None
    from skill.audio.lazy import LazyTracks

    return LazyTracks(settings)


class SkillApp:
    """A built skill: feed it request envelopes as dicts, get response envelopes back."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        persistence: AbstractPersistenceAdapter | None = None,
        sender: ProgressiveSender | None = None,
        clock: Callable[[], datetime] = utc_now,
        tracks: Tracks | bool | None = True,
        zones: ZoneLookup | None = None,
        deps: Deps | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        if deps is None:
            if sender is None:
                sender = LazySender() if self.settings.progressive else NullSender()
            if zones is None:
                zones = LazyZoneLookup() if self.settings.time_zones else NullZoneLookup()
            deps = Deps(
                content=load_content(),
                settings=self.settings,
                clock=clock,
                sender=sender,
                tracks=build_tracks(self.settings) if tracks is True else (tracks or None),
                log=log,
                zones=zones,
            )
        self.deps = deps
        builder = CustomSkillBuilder(
            persistence_adapter=persistence or build_persistence(self.settings)
        )
        if self.settings.skill_id:  # the SDK then rejects envelopes for other skills
            builder.skill_id = self.settings.skill_id  # type: ignore[assignment]
        builder.add_request_handler(SkillDisabledHandler(log))  # before the catch-all
        builder.add_request_handler(ConversationHandler(deps))  # the core decides the rest
        builder.add_exception_handler(ApologyHandler(log))
        builder.add_global_request_interceptor(RequestLog(log))
        builder.add_global_request_interceptor(LoadState(log))
        builder.add_global_response_interceptor(SaveState(log))
        self.skill = builder.create()
        # Decoders compiled once per model class instead of the SDK's per-field reflection
        # and dateutil: most of a request's time and ~4 ms of a cold start (envelope_codec).
        self.serializer = FastSerializer()

    def handle(self, event: Any, context: Any = None, *,
               audio: AudioBase | None = None) -> dict[str, Any]:
        """One request envelope in, one response envelope out; never raises.

        `audio`: where this request's listener fetches audio from (the web view derives it
        from a trusted proxy; the console says it is not a device). None: the configured
        base, as on Lambda. HIPCOACH_AUDIO_BASE_URL wins over anything passed."""
        try:
            envelope = self.serializer.deserialize_obj(event, RequestEnvelope)
            if not isinstance(envelope, RequestEnvelope) or envelope.request is None:
                raise ValueError("not a request envelope")
        except Exception as exc:  # malformed input: the reason logged, never a crash
            log.warning("malformed request envelope: %s", type(exc).__name__)
            return _fallback(event)
        try:
            explicit = self.settings.audio_base_url
            invocation = Invocation(context, configured(explicit) if audio is None
                                    else prefer_configured(explicit, audio))
            response = self.skill.invoke(request_envelope=envelope, context=invocation)
        except Exception as exc:  # skill id mismatch, or a failure outside the handlers
            log.error("request rejected: %s", type(exc).__name__, exc_info=exc)
            return _fallback(event)
        result = self.serializer.serialize(response)
        assert isinstance(result, dict)
        return result


_default: SkillApp | None = None


def default_app() -> SkillApp:
    """The process-wide skill built from the environment (Lambda, console)."""
    global _default
    if _default is None:
        _default = SkillApp(Settings.from_env())
    return _default


def handle_event(event: dict[str, Any]) -> dict[str, Any]:
    """The same path Lambda uses, for in-process callers."""
    return default_app().handle(event)


def handle_console_event(event: dict[str, Any]) -> dict[str, Any]:
    """The Lambda path for the console (`hipcoach chat`), which is not a device: it plays
    local http audio, which a device never gets."""
    return default_app().handle(event, audio=configured(default_app().settings.audio_base_url,
                                                        device=False))
