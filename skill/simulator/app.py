"""The simulator's Flask app: the page, its JSON API, rendered speech and the tracks.

Separate from `hipcoach serve` on purpose: it sends unsigned requests and picks user ids,
so it must never sit behind the verified /alexa endpoint. Each browser gets its own
`Conversation` (a cookie names it); every request goes through `SkillApp.handle`, the
Lambda path, in process, told it is not a device (local http audio is fine here). One lock
serializes the skill, so progressive speeches are taken for the request that sent them.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, abort, jsonify, request, send_file

from skill.adapters.sqlite_store import SqliteAdapter
from skill.app import SkillApp
from skill.audio.public import AudioBase
from skill.console.directives import DirectiveInbox, Speech
from skill.console.envelopes import DEFAULT_SKILL_ID, JsonDict
from skill.console.matcher import Matcher
from skill.core.record import replace
from skill.interaction.committed import model_path
from skill.settings import Settings
from skill.simulator.chips import chips
from skill.simulator.session import (
    PROFILES,
    Conversation,
    Exchange,
    PlayerReport,
    SimClock,
    final_ssml,
)
from skill.simulator.voice import Spoken, Voice

log = logging.getLogger("hipcoach.simulator")

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "hipcoach_sim"
VOICE_NAME = re.compile(r"[0-9a-f]{24}\.wav")
MAX_CONVERSATIONS = 100
"""Our cap on browsers remembered at once (the oldest is forgotten): a local tool, not a
service, but a script hammering it must not grow memory without end."""


def simulator_settings(data_dir: Path | None = None) -> Settings:
    """The environment's settings with the simulator's own data folder, no signature checks
    and no public audio base (the browser plays this server's own http URLs)."""
    settings = Settings.from_env()
    folder = data_dir or settings.data_dir / "simulator"
    return replace(settings, data_dir=folder, verify=False, audio_base_url=None,
                   persistence="sqlite", audio_store="local")


def _spoken(voice: Voice, ssml: str | None) -> JsonDict | None:
    if not ssml:
        return None
    try:
        spoken: Spoken = voice.render(ssml)
    except Exception as exc:  # no synthesizer, ffmpeg missing: the text still shows
        log.warning("simulator: speech not rendered: %s: %s", type(exc).__name__, exc)
        return {"url": None, "text": "", "ssml": ssml, "silences": [], "ms": 0}
    return {"url": f"/voice/{spoken.name}", "text": spoken.text, "ssml": ssml,
            "ms": spoken.duration_ms,
            "silences": [[s.start_ms, s.end_ms] for s in spoken.silences]}


def _screen(response: JsonDict) -> JsonDict | None:
    """The RenderDocument's datasource payload: what the APL document binds."""
    for d in (response.get("response") or {}).get("directives") or []:
        if d.get("type") == "Alexa.Presentation.APL.RenderDocument":
            payload = ((d.get("datasources") or {}).get("payload"))
            return payload if isinstance(payload, dict) else None
    return None


def create_app(settings: Settings | None = None, *, skill: SkillApp | None = None,
               voice: Voice | None = None, clock: SimClock | None = None) -> Flask:
    """Build the simulator; anything not given is built from `settings`. A `skill` given
    should be built with the same `clock`, so "come back tomorrow" reaches it."""
    settings = settings or simulator_settings()
    clock = clock or SimClock(lambda: datetime.now(UTC))
    store = SqliteAdapter(settings.db_path)
    skill_app = skill or SkillApp(settings, persistence=store, clock=clock)
    if voice is None:
        from skill.audio.render import build_renderer  # the chain `hipcoach render` uses

        renderer = build_renderer(settings)
        voice = Voice(renderer.chain, settings.data_dir / "voice", settings.audio_dir / "tracks")
    the_voice = voice
    model = json.loads(model_path("en-US").read_text(encoding="utf-8"))
    matcher = Matcher(model)
    examples = chips(model, matcher)
    inbox = DirectiveInbox(token=uuid.uuid4().hex).__enter__()
    lock = threading.Lock()
    conversations: dict[str, Conversation] = {}
    app = Flask("hipcoach.simulator", static_folder=str(STATIC), static_url_path="/static")
    app.extensions["hipcoach_inbox"] = inbox
    app.extensions["hipcoach_voice"] = the_voice

    def conversation() -> tuple[str, Conversation]:
        key = request.cookies.get(COOKIE) or ""
        if key not in conversations:
            key = uuid.uuid4().hex
            while len(conversations) >= MAX_CONVERSATIONS:
                conversations.pop(next(iter(conversations)))
            conversations[key] = Conversation(
                matcher=matcher, clock=clock, api_endpoint=inbox.url,
                api_access_token=inbox.token,
                application_id=settings.skill_id or DEFAULT_SKILL_ID)
        return key, conversations[key]

    @contextmanager
    def turn(conv: Conversation) -> Iterator[None]:
        """One turn at a time through the skill, on this conversation's simulated day."""
        with lock:
            clock.days = conv.days
            yield

    def send(envelope: JsonDict) -> tuple[JsonDict, list[Speech]]:
        # not a device (local http audio is fine) but it plays the cue chimes' <audio>
        base = AudioBase(url=request.host_url.rstrip("/"), source="the simulator",
                         device=False, plays_sounds=True)
        inbox.take()  # anything late belongs to an earlier request
        response = skill_app.handle(json.loads(json.dumps(envelope)), audio=base)
        return response, inbox.take()

    def saved(conv: Conversation) -> JsonDict:
        probe = conv.device().envelope({"type": "LaunchRequest"}, session=False)
        envelope = skill_app.serializer.deserialize_obj(probe, RequestEnvelope)
        try:
            return dict(store.get_attributes(envelope))
        except Exception as exc:  # a broken store: the panel says so, the page goes on
            return {"error": f"{type(exc).__name__}: {exc}"}

    def answer(key: str, conv: Conversation, exchanges: list[Exchange]) -> Response:
        shown = []
        for x in exchanges:
            body = x.response.get("response") or {}
            shown.append({
                "request": x.request, "response": x.response, "notes": list(x.notes),
                "kind": x.request["request"]["type"],
                "progressive": [_spoken(the_voice, s) for s in x.progressive],
                "speech": _spoken(the_voice, final_ssml(x.response)),
                "directives": [d for d in body.get("directives") or []
                               if str(d.get("type", "")).startswith("AudioPlayer.")],
                "screen": _screen(x.response) if PROFILES[conv.profile][1] else None,
                "ends": x.request["request"]["type"] != "SessionEndedRequest"
                and not conv.device().in_session})
        reply = jsonify({"exchanges": shown, "state": saved(conv), "profile": conv.profile,
                         "days": conv.days, "user": conv.user_id})
        reply.set_cookie(COOKIE, key, httponly=True, samesite="Strict")
        return reply

    def body() -> dict[str, Any]:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}

    @app.get("/health")
    def health() -> tuple[Response, int]:
        return jsonify({"status": "ok"}), 200

    @app.get("/")
    def index() -> Response:
        return send_file(STATIC / "index.html", mimetype="text/html", max_age=0)

    @app.get("/api/setup")
    def setup() -> Response:
        key, conv = conversation()
        return _setup(key, conv)

    def _setup(key: str, conv: Conversation) -> Response:
        reply = jsonify({"chips": examples, "profiles": list(PROFILES), "profile": conv.profile,
                         "state": saved(conv), "days": conv.days, "user": conv.user_id})
        reply.set_cookie(COOKIE, key, httponly=True, samesite="Strict")
        return reply

    @app.post("/api/say")
    def say() -> Response:
        key, conv = conversation()
        data = body()
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            return answer(key, conv, [])
        with turn(conv):
            conv.player = PlayerReport.parse(data.get("player"))
            return answer(key, conv, conv.say(text, send))

    def player_turn(key: str, conv: Conversation, data: dict[str, Any],
                    act: Callable[[], Exchange]) -> tuple[Response, int] | Response:
        """A turn that carries the page's player report: an AudioPlayer event or a button
        (a bad kind or command is HTTP 400, never a crash)."""
        with turn(conv):
            conv.player = PlayerReport.parse(data.get("player"))
            try:
                exchange = act()
            except ValueError as exc:
                return jsonify({"error": str(exc)}), 400
            return answer(key, conv, [exchange])

    @app.post("/api/event")
    def event() -> tuple[Response, int] | Response:
        key, conv = conversation()
        data = body()
        kind, token, offset = data.get("kind"), data.get("token"), data.get("offset")
        if not isinstance(token, str) or not isinstance(offset, (int, float)):
            return jsonify({"error": "token and offset are needed"}), 400
        return player_turn(key, conv, data,
                           lambda: conv.event(str(kind), token, int(offset), send))

    @app.post("/api/button")
    def button() -> tuple[Response, int] | Response:
        key, conv = conversation()
        data = body()
        return player_turn(key, conv, data,
                           lambda: conv.button(str(data.get("command")), send))

    @app.post("/api/profile")
    def profile() -> tuple[Response, int] | Response:
        key, conv = conversation()
        with turn(conv):
            try:
                conv.switch(str(body().get("profile")))
            except ValueError as exc:
                return jsonify({"error": str(exc)}), 400
            return _setup(key, conv)

    @app.post("/api/new-user")
    def new_user() -> Response:
        key, conv = conversation()
        with turn(conv):
            conv.new_user()
            return _setup(key, conv)

    @app.post("/api/tomorrow")
    def tomorrow() -> Response:
        """'Come back tomorrow': the session ends and the skill's clock moves a day."""
        key, conv = conversation()
        with turn(conv):
            conv.say("exit", send)
            conv.days += 1
            conv.player = PlayerReport()
            return _setup(key, conv)

    @app.get("/voice/<name>")
    def voice_file(name: str) -> Response:
        path = the_voice.out_dir / name
        if not VOICE_NAME.fullmatch(name) or not path.is_file():
            abort(404)
        return send_file(path, mimetype="audio/wav", conditional=True, max_age=3600)

    from skill.web.audio_route import audio_blueprint

    app.register_blueprint(audio_blueprint(settings.audio_dir / "tracks"))
    return app
