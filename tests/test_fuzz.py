"""Fuzzing: malformed and hostile envelopes against every entry point.

`SkillApp.handle`, the Lambda handler and POST /alexa get realistic envelopes (built
with tests/support/alexa.py, for users with a routine in progress, on devices with
and without AudioPlayer) that are then mutated: random subtrees replaced with junk
of the wrong type, keys deleted or added, slot values and ids 100k characters long,
odd unicode (RTL marks, zero-width joiners, emoji, combining marks, NUL), unknown
request types and intent names. Because the base is realistic, most examples get
past the parser into the handlers, the state interceptors and the packer.

Whatever comes in: no exception escapes, and the answer is either HTTP 400/413 or a
valid Alexa response (a dict with a version and a response object, SSML that is
well-formed XML, a reprompt on every open session, no speech on AudioPlayer and
PlaybackController requests, Play directives only with the session ended).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from flask.testing import FlaskClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import skill.app
from skill.adapters.progressive import ProgressiveTarget
from skill.adapters.user_key import user_key
from skill.app import SkillApp
from skill.content import load_content
from skill.core.limits import MAX_REQUEST_BODY_BYTES, MAX_TOKEN_CHARS
from skill.core.pacing import sides_of
from skill.core.plan import steps
from skill.core.preferences import Preferences
from skill.lambda_function import handler as lambda_handler
from skill.settings import Settings
from skill.state import History, Position, UserState
from skill.web.app import create_app
from skill.web.verify import SignatureVerifier, SkillIdVerifier, TimestampVerifier
from tests.support.alexa import SKILL_ID, USER_ID, Device, slot
from tests.support.ssml_check import check_ssml
from tests.support.test_ca import NOW, make_ca, make_leaf, new_key, pem_chain, sign_body

ROOT = Path(__file__).resolve().parents[1]
MODEL = json.loads((ROOT / "interaction_model" / "en-US.json").read_text())["interactionModel"]
LANGUAGE = MODEL["languageModel"]
TYPE_IDS = {t["name"]: [v["id"] for v in t["values"]] for t in LANGUAGE["types"]}
INTENTS: dict[str, dict[str, list[str]]] = {
    i["name"]: {s["name"]: TYPE_IDS.get(s["type"], []) for s in i.get("slots", [])}
    for i in LANGUAGE["intents"]
}
"""Intent name -> slot name -> the slot type's value ids, from the interaction model."""

CONTENT = load_content()
ROUTINES = list(CONTENT.routines)
OTHER_USER = "amzn1.ask.account.FUZZ-OTHER-USER"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
EXAMPLES = int(os.environ.get("HIPCOACH_FUZZ_EXAMPLES", "100"))
"""Examples per fuzz test; raise it for a deeper run (the default keeps the module < 40 s)."""
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies ---------------------------------------------------------------------------

ODD = [
    "\u200f", "\u200e", "\u202e", "\u2066", "\u200d", "\u200b", "\ufeff", "\u00ad",
    "😀", "👩\u200d👩\u200d👧", "🏳\ufe0f\u200d🌈", "e\u0301", "\u0301\u0301\u0301", "𝕳",
    "\u2028", "\u2029", "\t", "\n", "\r", "\r\n", "<", ">", "&", "&amp;", "]]>", "'", '"',
    "<speak>", "</speak>", "<break time='99s'/>", "\\", "%s", "{}", "{routine}", "glute release",
    "ﷺ", "ا", "עברית", "中文", "\u0e01\u0e34\u0e4d",
]
"""Odd but XML-legal text: every character here may appear in well-formed SSML."""

XML_ILLEGAL = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f\x00", "\ufffe", "\uffff"]
"""Characters that XML 1.0 forbids: NUL, C0 controls other than tab/CR/LF, U+FFFE/U+FFFF."""

HUGE = 100_000


def _huge(piece: str) -> str:
    return (piece * (HUGE // len(piece) + 1))[:HUGE]


XML_CHARS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
"""Any character XML allows (tab, LF and CR are in ODD)."""


def odd_text(alphabet: list[str] = ODD) -> st.SearchStrategy[str]:
    """Odd pieces from `alphabet` mixed with any XML-legal characters."""
    return st.lists(st.sampled_from(alphabet) | st.text(XML_CHARS, max_size=4),
                    max_size=6).map("".join)


def huge_text(alphabet: list[str] = ODD) -> st.SearchStrategy[str]:
    return st.sampled_from(["a", "glute release ", *alphabet]).map(_huge)


def junk(alphabet: list[str] = ODD) -> st.SearchStrategy[Any]:
    """A JSON value of any shape: the wrong type wherever it lands.

    Floats are finite: NaN and Infinity are not JSON (see the xfail test
    `test_nan_in_a_request_body_is_rejected_or_not_echoed`).
    """
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.floats(allow_nan=False, allow_infinity=False)
        | odd_text(alphabet)
        | huge_text(alphabet)
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3)
        | st.dictionaries(odd_text(alphabet), inner, max_size=3),
        max_leaves=6,
    )


TOKENS = st.one_of(
    st.builds(
        lambda r, step, side: f"hc1:{r}:{step}:{side}:{CONTENT.version}",
        st.sampled_from(ROUTINES),
        st.integers(-1, 6),
        st.integers(-1, 2),
    ),
    st.sampled_from(["", "hc1", "hc1::::", "hc1:glute-release:x:0:v", "other-skill-token"]),
    odd_text(),
)
"""AudioPlayer tokens: ours (any step/side, some out of range), broken ones, foreign ones."""


def slot_value(name: str, ids: list[str], alphabet: list[str]) -> st.SearchStrategy[Any]:
    said = st.sampled_from([i.replace("-", " ") for i in ids] or ["something"]) | odd_text(
        alphabet
    ) | huge_text(alphabet)
    return st.one_of(
        st.builds(slot, st.just(name), st.none()),  # the slot exists but was not filled
        st.builds(slot, st.just(name), said),  # heard, no entity resolution at all
        st.builds(
            lambda v, i: slot(name, v, i),
            said,
            st.sampled_from(ids or ["x"]) | odd_text(alphabet) | huge_text(alphabet),
        ),
        st.builds(lambda v: slot(name, v, no_match=True), said),
        st.builds(lambda v: {"name": name, "value": v}, junk(alphabet)),
    )


@st.composite
def intent_request(draw: st.DrawFn, dev: Device, alphabet: list[str]) -> dict[str, Any]:
    if draw(st.integers(0, 9), label="unknown intent?") < 8:
        name = draw(st.sampled_from(sorted(INTENTS)), label="intent")
    else:
        name = draw(
            st.sampled_from(["AMAZON.SelectIntent", "AMAZON.MoreIntent", "NoSuchIntent", ""])
            | odd_text(alphabet)
            | huge_text(alphabet),
            label="unknown intent",
        )
    known = INTENTS.get(name) or draw(
        st.sampled_from(list(INTENTS.values()))  # an unknown intent carrying someone's slots
    )
    slots = {
        s: draw(slot_value(s, ids, alphabet))
        for s, ids in known.items()
        if draw(st.integers(0, 4), label="omit slot") != 0  # Alexa sends every slot; cope anyway
    }
    return dev.intent(name, **slots)


@st.composite
def base_envelope(draw: st.DrawFn, alphabet: list[str] = ODD) -> dict[str, Any]:
    """A realistic envelope of any request type the skill handles (or should survive)."""
    player = draw(
        st.none()
        | st.fixed_dictionaries(
            {
                "token": TOKENS,
                "offsetInMilliseconds": st.integers(0, 600_000),
                "playerActivity": st.sampled_from(
                    ["PLAYING", "PAUSED", "STOPPED", "FINISHED", "IDLE", "BUFFER_UNDERRUN"]
                ),
            }
        )
    )
    dev = Device(
        user_id=draw(st.sampled_from([USER_ID, USER_ID, OTHER_USER])),
        audio_player=draw(st.booleans()),
        player=player,
    )
    if draw(st.booleans()):  # an ongoing session with whatever the last turn left behind
        dev.session_id = "amzn1.echo-api.session.fuzz"
        dev.attributes = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "convo": st.fixed_dictionaries({}, optional={
                        "asked": st.sampled_from(["continue", "resume", "skip", "skip_or_end",
                                                  "another", "pick", "suggest", "again",
                                                  "bogus"]) | junk(alphabet),
                        "suggested": st.sampled_from(["glute-release", "nope"])
                        | junk(alphabet),
                        "repeat": st.sampled_from(["turn", "finished", "answer", "x"])
                        | junk(alphabet),
                        "said": odd_text(alphabet) | junk(alphabet),
                        "finished": junk(alphabet),
                    }) | junk(alphabet),
                    "pending": junk(alphabet),  # what older sessions carried: ignored
                },
            )
        )
    kind = draw(
        st.sampled_from([*["intent"] * 8, "audio", "controller", "launch", "ended", "exception",
                         "unknown"])
    )
    if kind == "launch":
        return dev.launch() if dev.session_id is None else dev._base({"type": "LaunchRequest"},
                                                                    True)
    if kind == "intent":
        return draw(intent_request(dev, alphabet))
    if kind == "ended":
        return dev.ended(
            draw(st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"])),
            draw(st.none() | st.sampled_from(["ENDPOINT_TIMEOUT", "INVALID_RESPONSE"])),
        )
    if kind == "audio":
        event = dev.audio_event(
            draw(
                st.sampled_from(
                    ["PlaybackStarted", "PlaybackStopped", "PlaybackNearlyFinished",
                     "PlaybackFinished", "PlaybackFailed"]
                )
            ),
            draw(TOKENS),
            draw(st.integers(0, 10**7)),
        )
        if event["request"]["type"] == "AudioPlayer.PlaybackFailed":
            event["request"]["error"] = {"type": "MEDIA_ERROR_UNKNOWN", "message": "fuzz"}
        return event
    if kind == "controller":
        return dev.controller(draw(st.sampled_from(["Next", "Previous", "Play", "Pause"])))
    if kind == "exception":
        return dev._base(
            {"type": "System.ExceptionEncountered",
             "error": {"type": "INVALID_RESPONSE", "message": "fuzz"},
             "cause": {"requestId": "amzn1.echo-api.request.fuzz"}},
            False,
        )
    request_type = draw(
        st.sampled_from(["Foo.Bar", "Alexa.Presentation.APL.UserEvent", "CanFulfillIntentRequest",
                         "Dialog.API.Invoked", "Messaging.MessageReceived", "Connections.Response"])
        | odd_text(alphabet)
    )
    return dev._base({"type": request_type}, draw(st.booleans()))


# --- mutations ----------------------------------------------------------------------------

Path_ = tuple[str | int, ...]


def paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


def _parent(root: Any, path: Path_) -> Any:
    node = root
    for key in path[:-1]:
        node = node[key]
    return node


def mutate(data: st.DataObject, envelope: Any, alphabet: list[str] = ODD,
           max_ops: int = 3) -> Any:
    """Apply up to `max_ops` random edits: replace a subtree, delete a key, add a key."""
    env = copy.deepcopy(envelope)
    for _ in range(data.draw(st.integers(0, max_ops), label="edits")):
        candidates = list(paths(env))
        # Reversed: shrinking goes towards the first item, a leaf rather than the root.
        path = data.draw(st.sampled_from(candidates[::-1]), label="path")
        op = data.draw(st.sampled_from(["replace", "delete", "add"]), label="op")
        if not path:
            if op == "replace":
                env = data.draw(junk(alphabet), label="root")
            continue
        parent, key = _parent(env, path), path[-1]
        if op == "replace":
            parent[key] = data.draw(junk(alphabet), label="value")
        elif op == "delete":
            del parent[key]
        elif isinstance(parent[key], dict):
            parent[key][data.draw(odd_text(alphabet), label="key")] = data.draw(
                junk(alphabet), label="added")
    return env


# --- checking responses -------------------------------------------------------------------

_serializer = DefaultSerializer()
SILENT_PREFIXES = ("AudioPlayer.", "PlaybackController.")


def parsed_request_type(envelope: Any) -> str | None:
    """The request type the SDK sees, or None when the envelope does not deserialize."""
    try:
        parsed = _serializer.deserialize(json.dumps(envelope), RequestEnvelope)
    except Exception:
        return None
    request = getattr(parsed, "request", None)
    return getattr(request, "object_type", None) if request is not None else None


def _ssml_problems(ssml: Any) -> list[str]:
    if not isinstance(ssml, str):
        return [f"ssml is {type(ssml).__name__}, not a string"]
    # Length is not checked: a hostile 100k slot value echoed back is long by construction.
    return [p for p in check_ssml(ssml, max_chars=10**9)]


def _speech_problems(speech: Any, where: str) -> list[str]:
    if not isinstance(speech, dict):
        return [f"{where} is not an object"]
    kind = speech.get("type")
    if kind == "SSML":
        return [f"{where}: {p}" for p in _ssml_problems(speech.get("ssml"))]
    if kind == "PlainText":
        return [] if isinstance(speech.get("text"), str) else [f"{where}: text not a string"]
    return [f"{where}: unknown type {kind!r}"]


def response_problems(result: Any, envelope: Any) -> list[str]:
    """Why `result` is not a valid Alexa response to `envelope` (empty when it is)."""
    if not isinstance(result, dict):
        return [f"result is {type(result).__name__}, not a dict"]
    problems: list[str] = []
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as exc:
        problems.append(f"not JSON-serializable: {exc}")
    if not isinstance(result.get("version"), str):
        problems.append("no version string")
    response = result.get("response")
    if not isinstance(response, dict):
        return [*problems, "no response object"]
    if "outputSpeech" in response:
        problems += _speech_problems(response["outputSpeech"], "outputSpeech")
    reprompt = response.get("reprompt")
    if reprompt is not None:
        problems += _speech_problems((reprompt or {}).get("outputSpeech"), "reprompt")
    open_session = response.get("shouldEndSession") is False
    if open_session and not reprompt:
        problems.append("open session without a reprompt (a dead end)")
    for directive in response.get("directives") or []:
        if directive.get("type") == "AudioPlayer.Play":
            if open_session:
                problems.append("AudioPlayer.Play with shouldEndSession false")
            stream = directive["audioItem"]["stream"]
            if not str(stream.get("url", "")).startswith("https://"):
                problems.append(f"stream url {stream.get('url')!r} is not https")
            if len(str(stream.get("token", ""))) > MAX_TOKEN_CHARS:
                problems.append("stream token over 1024 characters")
    request_type = parsed_request_type(envelope)
    if request_type and request_type.startswith(SILENT_PREFIXES):
        for key in ("outputSpeech", "reprompt", "card"):
            if response.get(key):
                problems.append(f"{key} in the answer to {request_type}")
    return problems


def assert_valid(result: Any, envelope: Any, rig: Rig | None = None) -> None:
    problems = response_problems(result, envelope)
    if rig is not None:
        problems += rig.sender.problems
    assert not problems, problems


# --- the skill under test -----------------------------------------------------------------


class ChoosySender:
    """A progressive sender that 'delivers' as many pieces as the example chose."""

    def __init__(self) -> None:
        self.deliver = 0
        self.problems: list[str] = []
        """What was wrong with the pieces (kept, not raised: the skill would catch it)."""

    def send(self, target: ProgressiveTarget, speeches: Any) -> int:
        pieces = list(speeches)
        if len(pieces) > 5:
            self.problems.append(f"{len(pieces)} progressive pieces, over 5")
        for piece in pieces:
            self.problems += [f"progressive piece: {p}" for p in check_ssml(piece)]
        return min(self.deliver, len(pieces))


class FakeTracks:
    """Streaming tracks without rendering: the real track order, made-up HTTPS URLs."""

    def tracks_of(self, routine_id: str, prefs: Preferences) -> list[tuple[int, int]]:
        routine = CONTENT.routines[routine_id]
        return [(p.index, side) for p in steps(CONTENT, routine)
                for side in range(len(sides_of(p.technique, prefs)))]

    def url_for(self, routine_id: str, step_index: int, side_index: int,
                prefs: Preferences) -> str:
        return f"https://audio.example.test/{routine_id}/{step_index}/{side_index}.mp3"


STORED = [
    None,
    UserState(safety_heard=True).to_dict(),
    UserState(safety_heard=True, position=Position("glute-release", step=0, offset=1,
                                                    next_offset=3, seed=2),
              history=History(sessions=2, seconds=300, streak=1, last_day="2026-11-28")).to_dict(),
    UserState(safety_heard=True, position=Position("whole-pelvis", step=2, step_done=True,
                                                    prefs={"hold": "long"}, seed=5)).to_dict(),
    UserState(safety_heard=True, dialog_only=True,
              position=Position("partner-massage", step=3, offset=2, next_offset=4)).to_dict(),
    UserState(safety_heard=True, position=Position("quick-release", step=1, side=1,
                                                    track_offset_ms=12_345)).to_dict(),
]
"""What may be saved for USER_ID before a request: nothing, idle, mid-routine in several ways."""


class MemoryStore(AbstractPersistenceAdapter):
    """The SQLite adapter's contract in memory (keyed by hashed user id, strict JSON).

    The real adapters have their own contract tests; in memory the fuzz runs ~30x more
    examples than with an fsync per save.
    """

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, object]:
        row = self.rows.get(user_key(request_envelope))
        return {} if row is None else dict(json.loads(row))

    def save_attributes(self, request_envelope: RequestEnvelope,
                        attributes: dict[str, object]) -> None:
        try:
            row = json.dumps(attributes, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise PersistenceException("not JSON-like") from exc
        if json.loads(row) != attributes:
            raise PersistenceException("would not read back equal")
        self.rows[user_key(request_envelope)] = row

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.rows.pop(user_key(request_envelope), None)


@dataclass
class Rig:
    app: SkillApp
    store: MemoryStore
    sender: ChoosySender
    key_envelope: RequestEnvelope
    logs: list[logging.LogRecord] = field(default_factory=list)

    def prepare(self, stored: Any, deliver: int) -> None:
        """Put `stored` in the database for USER_ID (or delete it) before one example."""
        if stored is None:
            self.store.delete_attributes(self.key_envelope)
        else:
            self.store.save_attributes(self.key_envelope, stored)
        self.sender.deliver = deliver
        self.sender.problems.clear()


def _build_rig(data_dir: Path, *, progressive: bool = True) -> Rig:
    settings_ = Settings(data_dir=data_dir, progressive=progressive, streaming=True, verify=False)
    store = MemoryStore()
    sender = ChoosySender()
    app = SkillApp(settings_, persistence=store, sender=sender,
                   clock=lambda: NOW, tracks=FakeTracks())
    key = _serializer.deserialize(json.dumps(Device().launch()), RequestEnvelope)
    return Rig(app, store, sender, key)


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Rig:
    return _build_rig(tmp_path_factory.mktemp("fuzz"))


@contextlib.contextmanager
def captured(logger: str = "") -> Iterator[list[logging.LogRecord]]:
    """Records from `logger` (root: everything) during the block."""
    records: list[logging.LogRecord] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = _Keep(logging.DEBUG)
    target = logging.getLogger(logger)
    old_level = target.level
    target.addHandler(handler)
    target.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        target.removeHandler(handler)
        target.setLevel(old_level)


def stored_state() -> st.SearchStrategy[Any]:
    return st.sampled_from(STORED)


# --- SkillApp.handle ----------------------------------------------------------------------


@FUZZ
@given(data=st.data(), stored=stored_state(), deliver=st.integers(0, 5))
def test_realistic_requests_are_answered_without_the_apology(
    rig: Rig, data: st.DataObject, stored: Any, deliver: int
) -> None:
    """Unmutated envelopes of every kind, over every saved state: no handler may fail.

    A handler failure would still give a valid response (the apology), so this test
    watches the log: the exception handler's "handler failed" record must not appear.
    """
    rig.prepare(stored, deliver)
    envelope = data.draw(base_envelope(), label="envelope")
    with captured("hipcoach") as records:
        result = rig.app.handle(envelope)
    assert_valid(result, envelope, rig)
    failures = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert not failures, failures


@FUZZ
@given(data=st.data(), stored=stored_state(), deliver=st.integers(0, 5))
def test_mutated_envelopes_get_a_valid_response(
    rig: Rig, data: st.DataObject, stored: Any, deliver: int
) -> None:
    rig.prepare(stored, deliver)
    envelope = mutate(data, data.draw(base_envelope(), label="base"))
    result = rig.app.handle(envelope)
    assert_valid(result, envelope, rig)


@FUZZ
@given(data=st.data(), deliver=st.integers(0, 5))
def test_mutated_saved_state_never_breaks_a_request(
    rig: Rig, data: st.DataObject, deliver: int
) -> None:
    """What an older version (or a bug) saved is hostile input too: UserState is tolerant."""
    stored = mutate(data, data.draw(st.sampled_from(STORED[1:]), label="stored"), max_ops=4)
    if not isinstance(stored, dict):
        stored = {"junk": stored}
    try:  # what the store can hold at all (no NaN, no empty keys): the rest it refuses
        rig.prepare(stored, deliver)
    except PersistenceException:
        assume(False)
    envelope = data.draw(base_envelope(), label="envelope")
    envelope = json.loads(json.dumps(envelope).replace(OTHER_USER, USER_ID))
    with captured("hipcoach") as records:
        result = rig.app.handle(envelope)
    assert_valid(result, envelope, rig)
    failures = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert not failures, failures


SLOTTED = sorted(name for name, slots in INTENTS.items() if slots)


@FUZZ
@given(data=st.data(), stored=stored_state(), name=st.sampled_from(SLOTTED))
def test_any_words_in_any_slot_give_well_formed_speech(
    rig: Rig, data: st.DataObject, stored: Any, name: str
) -> None:
    """Slot values are what users say, and some handlers say them back: aim at those."""
    rig.prepare(stored, 0)
    dev = Device(user_id=USER_ID)
    slots = {s: data.draw(slot_value(s, ids, ODD), label=s) for s, ids in INTENTS[name].items()}
    envelope = dev.intent(name, **slots)
    with captured("hipcoach") as records:
        result = rig.app.handle(envelope)
    assert_valid(result, envelope, rig)
    assert result["response"].get("outputSpeech"), "an intent always gets an answer"
    failures = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert not failures, failures


@settings(FUZZ, max_examples=max(1, EXAMPLES * 2 // 3))
@given(data=st.data(), stored=stored_state())
def test_nul_and_control_characters_never_crash_the_skill(
    rig: Rig, data: st.DataObject, stored: Any
) -> None:
    """NUL and other XML-illegal characters anywhere: still a valid envelope shape.

    Well-formed SSML is not asserted here: the skill echoes them (see the xfail test
    `test_xml_illegal_characters_in_a_slot_value_give_well_formed_ssml`).
    """
    alphabet = [*ODD, *XML_ILLEGAL]
    rig.prepare(stored, 0)
    envelope = mutate(data, data.draw(base_envelope(alphabet), label="base"), alphabet)
    result = rig.app.handle(envelope)
    problems = [p for p in response_problems(result, envelope) if "well-formed" not in p]
    assert not problems, problems


@FUZZ
@given(event=junk())
def test_any_json_value_as_the_event_gets_a_valid_response(rig: Rig, event: Any) -> None:
    rig.prepare(None, 0)
    assert_valid(rig.app.handle(event), event)


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\uffff"], ids=["NUL", "ESC", "U+FFFF"])
def test_xml_illegal_characters_in_a_slot_value_give_well_formed_ssml(
    rig: Rig, char: str
) -> None:
    rig.prepare(STORED[1], 0)
    envelope = Device().start("massage", said=f"foo{char}bar")
    envelope["request"]["intent"]["slots"]["routine"]["resolutions"]["resolutionsPerAuthority"][
        0] = {"authority": "x", "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    assert_valid(rig.app.handle(envelope), envelope)


def test_an_unknown_request_type_is_answered_quietly(rig: Rig) -> None:
    rig.prepare(STORED[2], 0)
    envelope = Device()._base({"type": "Alexa.NewFeature.Event"}, False)
    result = rig.app.handle(envelope)
    assert_valid(result, envelope, rig)
    assert "outputSpeech" not in result["response"]


# --- the Lambda entry point ---------------------------------------------------------------


@pytest.fixture(scope="module")
def lambda_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The Lambda handler built from the environment: a temp data folder, no network."""
    data_dir = tmp_path_factory.mktemp("lambda")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HIPCOACH_DATA_DIR", str(data_dir))
        mp.setenv("HIPCOACH_PROGRESSIVE", "false")  # envelopes name real Alexa endpoints
        mp.setenv("HIPCOACH_STREAMING", "false")  # no rendering
        mp.setenv("HIPCOACH_PERSISTENCE", "sqlite")
        mp.delenv("HIPCOACH_SKILL_ID", raising=False)
        mp.setattr(skill.app, "_default", None)
        yield data_dir


@settings(FUZZ, max_examples=max(1, EXAMPLES * 2 // 3))
@given(data=st.data())
def test_lambda_handler_survives_mutated_envelopes(lambda_env: Path, data: st.DataObject) -> None:
    envelope = mutate(data, data.draw(base_envelope(), label="base"))
    result = lambda_handler(envelope, None)
    assert_valid(result, envelope)
    assert skill.app._default is not None
    assert skill.app._default.settings.data_dir == lambda_env


# --- POST /alexa --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web(rig: Rig) -> FlaskClient:
    return create_app(rig.app.settings, skill=rig.app, verifiers=[]).test_client()


def _post(client: FlaskClient, body: bytes, content_type: str | None = "application/json",
          headers: dict[str, str] | None = None) -> tuple[int, Any]:
    response = client.post("/alexa", data=body, content_type=content_type, headers=headers or {})
    payload = response.get_json(silent=True)
    return response.status_code, payload


def _body(envelope: Any) -> bytes:
    return json.dumps(envelope).encode()


@FUZZ
@given(data=st.data(), stored=stored_state(), deliver=st.integers(0, 5))
def test_web_endpoint_answers_mutated_envelopes(
    rig: Rig, web: FlaskClient, data: st.DataObject, stored: Any, deliver: int
) -> None:
    rig.prepare(stored, deliver)
    envelope = mutate(data, data.draw(base_envelope(), label="base"))
    body = _body(envelope)
    status, payload = _post(web, body)
    if len(body) > MAX_REQUEST_BODY_BYTES:
        assert status == 413
    elif not isinstance(envelope, dict):
        assert status == 400
    else:
        assert status == 200
        assert_valid(payload, envelope, rig)


@FUZZ
@given(body=st.binary(max_size=2_000) | odd_text().map(str.encode)
       | st.sampled_from([b"", b"{", b"{}", b"[]", b"null", b"\xff\xfe{", b'{"a": NaN}',
                          b"\xef\xbb\xbf{}", json.dumps(Device().launch())[:-1].encode()]))
def test_web_endpoint_rejects_invalid_json_or_answers_validly(
    web: FlaskClient, body: bytes
) -> None:
    status, payload = _post(web, body)
    assert status in (200, 400), status
    if status == 200:
        assert_valid(payload, json.loads(body))


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/xml", "application/x-www-form-urlencoded",
     "multipart/form-data; boundary=x", "text/json-ish", ""],
)
def test_web_endpoint_judges_the_body_not_the_content_type(
        web: FlaskClient, content_type: str | None) -> None:
    """A JSON envelope is answered whatever its label; a label never makes junk valid."""
    status, payload = _post(web, _body(Device().launch()), content_type=content_type)
    assert status == 200
    assert_valid(payload, json.loads(_body(Device().launch())))
    status, _ = _post(web, b"request=LaunchRequest", content_type=content_type)
    assert status == 400


def test_web_endpoint_refuses_oversized_bodies_with_413(web: FlaskClient) -> None:
    envelope = Device().launch()
    envelope["request"]["padding"] = "x" * MAX_REQUEST_BODY_BYTES
    response = web.post("/alexa", data=_body(envelope), content_type="application/json")
    assert response.status_code == 413


def _chunked(client: FlaskClient, body: bytes) -> int:
    """POST with Transfer-Encoding: chunked (no Content-Length), as waitress passes it on."""
    response = client.post("/alexa", input_stream=io.BytesIO(body),
                           content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    return response.status_code


def test_web_endpoint_reads_a_small_chunked_body(web: FlaskClient, rig: Rig) -> None:
    """The control for the oversized chunked test below: chunked bodies do reach the skill."""
    rig.prepare(None, 0)
    assert _chunked(web, _body(Device().launch())) == 200


@pytest.mark.parametrize("padding", ["inside", "after"])
def test_web_endpoint_refuses_oversized_chunked_bodies_with_413(
    web: FlaskClient, rig: Rig, padding: str
) -> None:
    rig.prepare(None, 0)
    envelope = Device().launch()
    if padding == "inside":
        envelope["request"]["padding"] = "x" * MAX_REQUEST_BODY_BYTES
        body = _body(envelope)
    else:
        body = _body(envelope) + b" " * MAX_REQUEST_BODY_BYTES
    assert _chunked(web, body) == 413


def test_web_endpoint_accepts_a_body_just_under_the_limit(web: FlaskClient, rig: Rig) -> None:
    rig.prepare(None, 0)
    envelope = Device().launch()
    envelope["request"]["padding"] = ""
    room = MAX_REQUEST_BODY_BYTES - len(_body(envelope))
    envelope["request"]["padding"] = "x" * room
    body = _body(envelope)
    assert len(body) == MAX_REQUEST_BODY_BYTES
    status, payload = _post(web, body)
    assert status == 200
    assert_valid(payload, envelope)


def _strict_json(data: bytes) -> Any:
    def refuse(token: str) -> Any:
        raise ValueError(f"{token} is not JSON")

    return json.loads(data, parse_constant=refuse)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_in_a_request_body_is_rejected_or_not_echoed(
    web: FlaskClient, rig: Rig, token: str
) -> None:
    rig.prepare(None, 0)
    dev = Device()
    dev.session_id = "amzn1.echo-api.session.nan"
    dev.attributes = {"pending": "PLACEHOLDER"}
    body = _body(dev.intent("AMAZON.HelpIntent")).replace(b'"PLACEHOLDER"', token.encode())
    response = web.post("/alexa", data=body, content_type="application/json")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        _strict_json(response.data)


@pytest.mark.parametrize("depth", [50_000, 100_000])
def test_deeply_nested_json_is_a_bad_request(web: FlaskClient, depth: int) -> None:
    body = b"[" * depth + b"]" * depth
    assert len(body) <= MAX_REQUEST_BODY_BYTES
    status, _ = _post(web, body)
    assert status == 400


# --- POST /alexa with verification on -----------------------------------------------------


@dataclass(frozen=True)
class Signing:
    client: FlaskClient
    sign: Callable[[bytes], str]
    sign_wrong: Callable[[bytes], str]


@pytest.fixture(scope="module")
def verified(rig: Rig) -> Signing:
    """Verification on, hermetic: a test PKI, the cert 'download' is a constant."""
    root = make_ca("Fuzz Root", new_key())
    inter = make_ca("Fuzz Intermediate", new_key(), root)
    key, other = new_key(), new_key()
    chain = pem_chain(make_leaf(inter, key), inter)
    verifiers = [
        SignatureVerifier(trusted_roots=[root.cert], fetch=lambda url: chain, clock=lambda: NOW),
        TimestampVerifier(clock=lambda: NOW),
        SkillIdVerifier(SKILL_ID),
    ]
    app = create_app(Settings(data_dir=rig.app.settings.data_dir, verify=True, skill_id=SKILL_ID,
                              progressive=False, streaming=False),
                     skill=rig.app, verifiers=verifiers)
    return Signing(app.test_client(), lambda b: sign_body(key, b), lambda b: sign_body(other, b))


def test_verified_endpoint_accepts_a_correctly_signed_request(verified: Signing, rig: Rig
                                                             ) -> None:
    """The control for the fuzz below: a real signature passes, so 400 means rejection."""
    rig.prepare(None, 0)
    envelope = Device().launch()
    body = _body(envelope)
    status, payload = _post(verified.client, body, headers={
        "SignatureCertChainUrl": CERT_URL, "Signature-256": verified.sign(body)})
    assert status == 200
    assert_valid(payload, envelope)


@FUZZ
@given(data=st.data())
def test_verified_endpoint_rejects_every_unsigned_or_missigned_request(
    verified: Signing, data: st.DataObject
) -> None:
    envelope = mutate(data, data.draw(base_envelope(), label="base"))
    body = _body(envelope)
    other = _body(data.draw(base_envelope(), label="other"))
    url = data.draw(st.sampled_from([CERT_URL, "http://s3.amazonaws.com/echo.api/c.pem",
                                     "https://evil.example/echo.api/c.pem"]) | odd_text())
    signature = data.draw(
        st.sampled_from(["", "not base64!", "AAAA"]) | odd_text() | huge_text()
        | st.just(verified.sign_wrong(body))
        | st.just(verified.sign(other + b" ")),  # a good signature of some other body
        label="signature",
    )
    headers = data.draw(
        st.sampled_from([{}, {"SignatureCertChainUrl": url}, {"Signature-256": signature},
                         {"SignatureCertChainUrl": url, "Signature-256": signature}]),
        label="headers",
    )
    headers = {k: v.encode("utf-8", "replace").decode("latin-1") for k, v in headers.items()
               if "\n" not in v and "\r" not in v}
    status, _ = _post(verified.client, body, headers=headers)
    assert status == (413 if len(body) > MAX_REQUEST_BODY_BYTES else 400)


@pytest.fixture(scope="module")
def default_verified(rig: Rig) -> FlaskClient:
    """Verification as `hipcoach serve` wires it (verifiers from settings)."""
    settings_ = Settings(data_dir=rig.app.settings.data_dir, verify=True, skill_id=SKILL_ID,
                         progressive=False, streaming=False)
    return create_app(settings_, skill=rig.app).test_client()


@FUZZ
@given(data=st.data())
def test_default_verification_rejects_every_unsigned_request(
    default_verified: FlaskClient, data: st.DataObject
) -> None:
    """No signature headers, so nothing is ever fetched: hermetic with the real fetcher."""
    envelope = mutate(data, data.draw(base_envelope(), label="base"))
    body = _body(envelope)
    status, _ = _post(default_verified, body)
    assert status == (413 if len(body) > MAX_REQUEST_BODY_BYTES else 400)
