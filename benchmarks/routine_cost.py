"""One routine through the real skill, in process, driven the way a device drives it, with
everything AWS bills for counted: Lambda requests and their compute, DynamoDB reads and
writes with their item sizes, directive API calls (progressive responses, which the handler
waits for) and the audio a device or Alexa fetches.

Dialog mode: LaunchRequest, StartRoutine, "next" until the routine asks "Would you like
another routine?", then "no". Streaming mode: LaunchRequest, StartRoutine (its response
plays the first track), then for every track PlaybackStarted, PlaybackNearlyFinished (which
enqueues the next) and PlaybackFinished. The user is a returning one who has answered the
one-time deep-pressure question and heard the safety notice, starting this routine for the
first time; the pacing caches are emptied first so no turn is served from an earlier run.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.adapters.user_key import user_key
from skill.app import SkillApp
from skill.envelope_codec import FastSerializer
from skill.settings import Settings
from skill.state import UserState
from tests.support.alexa import Device, directives, ends, plain, speech
from tests.support.directive_server import DirectiveServer, Reply

AUDIO_SRC = re.compile(r'<audio src="([^"]+)"')
ANOTHER = "another routine"
"""How the last dialog turn ends ("... Would you like another routine?")."""
MAX_REQUESTS = 200


@dataclass
class Call:
    """One Lambda invocation."""

    kind: str
    compute_s: float
    """CPU time of the handler's thread (what a smaller vCPU share stretches)."""
    reads: list[int] = field(default_factory=list)
    writes: list[int] = field(default_factory=list)
    """Item sizes in bytes of each GetItem / PutItem."""
    directive_calls: int = 0


@dataclass
class RoutineRun:
    mode: str
    routine: str
    calls: list[Call]
    audio: list[str]
    """Names of the stored audio files fetched: tracks played, or SSML <audio> sources."""


class CountingAdapter(AbstractPersistenceAdapter):
    """Persistence in a dict with the item sizes DynamoDB would bill: the attributes as
    JSON plus the partition key."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.reads: list[int] = []
        self.writes: list[int] = []

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        key = user_key(request_envelope)
        row = self.rows.get(key)
        self.reads.append(len(key) + 2 + len(row or ""))
        return {} if row is None else dict(json.loads(row))

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        key = user_key(request_envelope)
        self.rows[key] = json.dumps(attributes, separators=(",", ":"))
        self.writes.append(len(key) + 2 + len(self.rows[key]))

    def delete_attributes(self, request_envelope: Any) -> None:
        self.rows.pop(user_key(request_envelope), None)


def _returning_user(adapter: CountingAdapter, device: Device) -> None:
    envelope = FastSerializer().deserialize_obj(device.launch(), RequestEnvelope)
    state = UserState().to_dict() | {"screened": True, "safety_heard": True}
    adapter.rows[user_key(envelope)] = json.dumps(state)


def _names(urls: list[str]) -> list[str]:
    return [u.rsplit("/", 1)[-1] for u in urls]


def run_routine(mode: str, routine: str, data_dir: Path, audio_base: str,
                progressive: bool) -> RoutineRun:
    """Play `routine` once in `mode` ("dialog" or "streaming") and count what it cost."""
    from skill.core import plan

    settings = Settings.from_env({
        "HIPCOACH_DATA_DIR": str(data_dir), "HIPCOACH_AUDIO_BASE_URL": audio_base,
        "HIPCOACH_PROGRESSIVE": "1" if progressive else "0", "HIPCOACH_SETTINGS_API": "0",
        "HIPCOACH_STREAMING": "1", "HIPCOACH_SPEECH": "espeak"})
    adapter = CountingAdapter()
    app = SkillApp(settings, persistence=adapter)
    calls: list[Call] = []
    audio: list[str] = []
    with DirectiveServer(default=Reply.ok()) as api:
        device = Device(user_id=f"amzn1.ask.account.COST{mode.upper()}",
                        audio_player=mode == "streaming", api_endpoint=api.url)
        _returning_user(adapter, device)
        plan._CACHES.clear()

        def send(kind: str, envelope: dict[str, Any]) -> dict[str, Any]:
            adapter.reads.clear()
            adapter.writes.clear()
            sent = len(api.requests)
            t0 = time.thread_time()
            response = device.receive(app.handle(envelope))
            compute = time.thread_time() - t0
            pieces = api.requests[sent:]
            calls.append(Call(kind, compute, list(adapter.reads), list(adapter.writes),
                              len(pieces)))
            if mode == "dialog":
                spoken = speech(response) + "".join(json.dumps(p.body) for p in pieces)
                audio.extend(_names(AUDIO_SRC.findall(spoken)))
            if len(calls) > MAX_REQUESTS:
                raise RuntimeError(f"{mode} {routine}: no end after {MAX_REQUESTS} requests")
            return response

        send("LaunchRequest", device.launch())
        response = send("StartRoutine", device.start(routine))
        if mode == "dialog":
            while ANOTHER not in plain(speech(response)):
                response = send("Next", device.intent("AMAZON.NextIntent"))
            response = send("No (no other routine)", device.intent("AMAZON.NoIntent"))
            if not ends(response):
                raise RuntimeError(f"dialog {routine}: the session did not end")
        else:
            plays = [d for d in directives(response) if d["type"] == "AudioPlayer.Play"]
            if not plays:
                raise RuntimeError(f"streaming {routine}: no AudioPlayer.Play: {response}")
            while plays:
                stream = plays[0]["audioItem"]["stream"]
                audio.extend(_names([stream["url"]]))
                token = stream["token"]
                send("PlaybackStarted", device.audio_event("PlaybackStarted", token, 0))
                nearly = send("PlaybackNearlyFinished",
                              device.audio_event("PlaybackNearlyFinished", token, 0))
                plays = [d for d in directives(nearly) if d["type"] == "AudioPlayer.Play"]
                send("PlaybackFinished", device.audio_event("PlaybackFinished", token, 0))
    return RoutineRun(mode, routine, calls, audio)
