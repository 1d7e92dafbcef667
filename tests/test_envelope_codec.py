"""FastSerializer (skill/envelope_codec.py) builds exactly what the SDK's DefaultSerializer does.

Every check compares against `DefaultSerializer().deserialize(json text, RequestEnvelope)`:
realistic envelopes of every request type the skill sees (plus some it does not), the
same envelopes mutated at random (keys dropped or added, values of the wrong type), and
timestamps. SDK models define `__eq__` as `__dict__` equality, so `==` compares every
attribute, unknown payload keys included; serializing both back must give the same JSON.
"""

from __future__ import annotations

import copy
import importlib
import json
import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import IntentRequest, RequestEnvelope
from ask_sdk_model.services import Serializer
from ask_sdk_model.slu.entityresolution import StatusCode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import skill.app
import skill.envelope_codec
import skill.envelope_decoders
from skill.envelope_codec import FastSerializer
from tests.support.alexa import FIXTURES, Device, slot

SDK = DefaultSerializer()
FAST = FastSerializer()

DISPLAY = {
    "Display": {"templateVersion": "1.0", "markupVersion": "1.0"},
    "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}},
}
VIEWPORT = {
    "experiences": [{"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False,
                     "canResize": False}],
    "mode": "HUB", "shape": "RECTANGLE", "pixelWidth": 1024, "pixelHeight": 600, "dpi": 160,
    "currentPixelWidth": 1024.5, "currentPixelHeight": 600, "touch": ["SINGLE"],
    "keyboard": ["DIRECTION"], "video": {"codecs": ["H_264_42", "H_264_41"]},
}
VIEWPORTS = [
    {"type": "APL", "id": "main", "shape": "RECTANGLE", "dpi": 213, "presentationType": "STANDARD",
     "canRotate": False, "configuration": {"current": {"mode": "HUB", "video": {
         "codecs": ["H_264_42"]}, "size": {"type": "DISCRETE", "pixelWidth": 1280,
                                             "pixelHeight": 800}}}},
    {"type": "APLT", "id": "dots", "supportedProfiles": ["FOUR_CHARACTER_CLOCK"],
     "lineLength": 4, "lineCount": 1, "characterFormat": "SEVEN_SEGMENT",
     "interSegments": [{"x": 2, "y": 0, "characters": "':"}]},
]


def _display_launch() -> dict[str, Any]:
    env = Device().launch()
    env["context"]["System"]["device"]["supportedInterfaces"].update(copy.deepcopy(DISPLAY))
    env["context"]["Viewport"] = copy.deepcopy(VIEWPORT)
    env["context"]["Viewports"] = copy.deepcopy(VIEWPORTS)
    env["context"]["Geolocation"] = {"timestamp": "2026-11-29T11:59:58.5Z", "coordinate": {
        "latitudeInDegrees": 47.6, "longitudeInDegrees": -122.3, "accuracyInMeters": 10}}
    return env


def _with_request(request: dict[str, Any]) -> dict[str, Any]:
    """A session-less envelope (as AudioPlayer and system requests come) around `request`."""
    env = Device(audio_player=True).audio_event("PlaybackStarted", "t")
    env["request"] = {k: env["request"][k] for k in ("requestId", "timestamp", "locale")}
    env["request"].update(request)
    return env


def _catalogue() -> dict[str, dict[str, Any]]:
    dev = Device(audio_player=True, player={"token": "hc1:hip-opener:2:0:v1",
                                            "offsetInMilliseconds": 81234,
                                            "playerActivity": "PAUSED"})
    envs = {
        "launch": Device().launch(),
        "launch-audio-device": dev.launch(),
        "launch-display-device": _display_launch(),
        "start-matched": dev.start("hip-opener"),
        "intent-no-match": dev.intent("PreferenceIntent",
                                      setting=slot("setting", "louder", no_match=True)),
        "intent-empty-slot": dev.intent("PainIntent", kind=slot("kind", None)),
        "intent-no-slots": dev.intent("AMAZON.HelpIntent"),
        "ended-user": dev.ended(),
        "ended-error": dev.ended("ERROR", "INVALID_RESPONSE"),
        "unknown-request-type": _with_request({"type": "Alexa.NoSuchRequest"}),
        "playback-failed": _with_request({
            "type": "AudioPlayer.PlaybackFailed", "token": "t",
            "error": {"type": "MEDIA_ERROR_UNKNOWN", "message": "boom"},
            "currentPlaybackState": {"token": "t", "offsetInMilliseconds": 5,
                                     "playerActivity": "PLAYING"}}),
        "connections-response": _with_request({
            "type": "Connections.Response", "name": "Buy", "token": "correlation",
            "status": {"code": "200", "message": "OK"},
            "payload": {"purchaseResult": "ACCEPTED", "productId": "amzn1.adg.product.x"}}),
        "apl-user-event": _with_request({
            "type": "Alexa.Presentation.APL.UserEvent", "token": "doc",
            "arguments": ["next", 3, {"deep": [None, True]}],
            "source": {"type": "TouchWrapper", "handler": "Press", "id": "b1"},
            "components": {"b1": {"checked": False}}}),
        "can-fulfill": {**Device().launch(), "request": {
            "type": "CanFulfillIntentRequest", "requestId": "r", "locale": "en-GB",
            "timestamp": "2026-11-29T12:00:00.123+01:00",
            "intent": {"name": "StartRoutineIntent", "slots": {"routine": {"name": "routine"}}}}},
        "session-attributes": {**dev.launch(), "session": {
            **dev.launch()["session"],
            "attributes": {"pos": {"step": 2, "sides": ["left", "right"]}, "n": None}}},
        "unknown-keys": {**Device().launch(), "newTopLevelThing": {"x": [1]},
                         "request": {**Device().launch()["request"], "futureField": 1.5}},
    }
    for kind in ("PlaybackStarted", "PlaybackNearlyFinished", "PlaybackFinished",
                 "PlaybackStopped"):
        envs[f"audio-{kind}"] = dev.audio_event(kind, "hc1:hip-opener:2:0:v1", 81234)
    for kind in ("Play", "Pause", "Next", "Previous"):
        envs[f"controller-{kind}"] = dev.controller(kind)
    for path in sorted((FIXTURES / "requests").glob("*.json")):
        envs[f"fixture-{path.stem}"] = json.loads(path.read_text())
    return envs


CATALOGUE = _catalogue()


def _outcome(decode: Any) -> tuple[str, Any]:
    """("ok", object) or ("error", exception type); FastSerializer may raise nothing else."""
    try:
        return "ok", decode()
    except SerializationException as e:
        return "error", type(e)


def _assert_same(env: Any) -> tuple[str, Any]:
    text = json.dumps(env)
    sdk = _outcome(lambda: SDK.deserialize(text, RequestEnvelope))
    fast = _outcome(lambda: FAST.deserialize_obj(json.loads(text), RequestEnvelope))
    assert _outcome(lambda: FAST.deserialize(text, RequestEnvelope)) == fast
    assert fast == sdk
    if fast[0] == "ok":
        assert type(fast[1]) is type(sdk[1])
        assert _serialized(fast[1]) == _serialized(sdk[1])
    return fast


def _serialized(obj: Any) -> tuple[str, Any]:
    try:
        return "ok", SDK.serialize(obj)
    except Exception as e:  # e.g. an unknown key named "attribute_map" holding a string
        return "error", type(e)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_realistic_envelopes_decode_as_the_sdk_does(name: str) -> None:
    outcome, obj = _assert_same(CATALOGUE[name])
    if name == "unknown-request-type":
        assert outcome == "error"
    else:
        assert outcome == "ok" and isinstance(obj, RequestEnvelope)


def test_the_decoded_envelope_is_typed_all_the_way_down() -> None:
    env = FAST.deserialize_obj(CATALOGUE["start-matched"], RequestEnvelope)
    request = env.request
    assert isinstance(request, IntentRequest)
    intent: Any = request.intent
    routine = intent.slots["routine"]
    authority = routine.resolutions.resolutions_per_authority[0]
    assert authority.status.code is StatusCode.ER_SUCCESS_MATCH
    assert authority.values[0].value.id == "hip-opener"
    assert request.timestamp == datetime(2026, 11, 29, 12, tzinfo=UTC)
    unknown = FAST.deserialize_obj(CATALOGUE["unknown-keys"], RequestEnvelope)
    assert unknown.newTopLevelThing == {"x": [1]} and unknown.request.futureField == 1.5
    viewports = FAST.deserialize_obj(CATALOGUE["launch-display-device"], RequestEnvelope)
    assert [type(v).__name__ for v in viewports.context.viewports] == [
        "APLViewportState", "APLTViewportState"]


@pytest.mark.parametrize("path, value", [
    (("context",), []),  # a list where a model is declared
    (("context",), ""),  # the SDK builds an empty model from an empty string
    (("context",), "System"),
    (("request",), ["LaunchRequest"]),
    (("request", "type"), None),
    (("request", "type"), ["IntentRequest"]),
    (("request", "requestId"), 12),  # str(12)
    (("request", "requestId"), {"a": 1}),  # str() of a dict, as the SDK does
    (("request", "offsetInMilliseconds"), "12"),  # int("12")
    (("request", "offsetInMilliseconds"), "twelve"),  # ValueError: SerializationException
    (("request", "offsetInMilliseconds"), [1]),  # TypeError: the SDK keeps the list
    (("request", "offsetInMilliseconds"), "9" * 5000),  # beyond int()'s digit limit
    (("request", "offsetInMilliseconds"), 2.9),
    (("request", "timestamp"), 1764417600),
    (("request", "timestamp"), "yesterday"),
    (("request", "timestamp"), "2026-02-30T12:00:00Z"),
    (("request", "timestamp"), "2026-W48-7"),  # fromisoformat accepts it, dateutil does not
    (("request", "timestamp"), "Sun, 29 Nov 2026 12:00:00 GMT"),
    (("context", "AudioPlayer", "playerActivity"), "DANCING"),  # not an enum value
    (("context", "AudioPlayer", "playerActivity"), ["PLAYING"]),
    (("context", "System", "device", "supportedInterfaces"), [{}]),
    (("__class__",), 1),  # the SDK setattr's unknown keys: this one fails
    (("__dict__",), {"version": "9"}),
    (("request_id",), "clash"),  # an unknown key named like an attribute wins, as in the SDK
])
def test_wrong_types_behave_as_in_the_sdk(path: tuple[str, ...], value: Any) -> None:
    env = copy.deepcopy(CATALOGUE["audio-PlaybackStarted"])
    node = env
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    _assert_same(env)


# --- mutations ----------------------------------------------------------------------------

ODD = ["\u200f", "\u202e", "\u200d", "\ufeff", "😀", "e\u0301", "中文", "\x00", "\ud800", "%s"]
NAMES = ["type", "requestId", "timestamp", "System", "__class__", "__dict__", "request_id",
         "attribute_map", "to_dict", "object_type", "supports_display"]
"""Unknown keys that clash with model internals. Not "deserialized_types": the SDK's
`serialize` of a model carrying that key adds its keys to the class's attribute_map, which
changes how the SDK decodes that class from then on, for every test in the session."""
TEXT = st.text(max_size=8) | st.lists(st.sampled_from(ODD), max_size=4).map("".join)
SCALARS = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | TEXT
    | st.sampled_from(["", "12", "-3.5e2", "1_000", "true", "NONE", "PLAYING", "ER_SUCCESS_MATCH",
                       "LaunchRequest", "IntentRequest", "2026-11-29T12:00:00Z", "2026-11-29",
                       "12:00", "9" * 5000, "x" * 100_000])
)
JUNK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(TEXT | st.sampled_from(NAMES), inner, max_size=3),
                    max_leaves=6)


def _nan_text(value: Any) -> bool:
    """A string float() reads as NaN: the SDK and FastSerializer both give NaN, never equal."""
    if isinstance(value, str):
        try:
            return math.isnan(float(value))
        except (ValueError, OverflowError):
            return False
    if isinstance(value, list):
        return any(_nan_text(v) for v in value)
    return isinstance(value, dict) and any(_nan_text(v) for v in value.values())


def _nodes(tree: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every node below the root."""
    found: list[tuple[Any, ...]] = []
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) \
        if isinstance(tree, list) else []
    for key, value in items:
        found.append((*path, key))
        found.extend(_nodes(value, (*path, key)))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    env = copy.deepcopy(CATALOGUE[draw(st.sampled_from(sorted(CATALOGUE)))])
    for _ in range(draw(st.integers(1, 4))):
        nodes = _nodes(env)
        if not nodes:  # everything dropped already
            break
        path = draw(st.sampled_from(nodes))
        parent = env
        for key in path[:-1]:
            parent = parent[key]
        op = draw(st.sampled_from(["drop", "replace", "add"]))
        if op == "drop":
            del parent[path[-1]]
        elif op == "replace":
            parent[path[-1]] = draw(JUNK.filter(lambda v: not _nan_text(v)))
        else:
            target = parent[path[-1]] if isinstance(parent[path[-1]], dict) else parent
            if isinstance(target, dict):
                target[draw(TEXT | st.sampled_from(NAMES))] = draw(
                    JUNK.filter(lambda v: not _nan_text(v)))
    return env


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_envelopes_decode_or_fail_as_in_the_sdk(env: dict[str, Any]) -> None:
    _assert_same(env)


# --- timestamps and contracts ----------------------------------------------------------------

def _timestamp(value: str) -> tuple[str, Any]:
    env = copy.deepcopy(CATALOGUE["launch"])
    env["request"]["timestamp"] = value
    outcome, obj = _assert_same(env)
    return outcome, obj.request.timestamp if outcome == "ok" else None


@pytest.mark.parametrize("text, expected", [
    ("2026-11-29T12:00:00Z", datetime(2026, 11, 29, 12, tzinfo=UTC)),
    ("2026-11-29T12:00:00.250Z", datetime(2026, 11, 29, 12, 0, 0, 250000, tzinfo=UTC)),
    ("2026-11-29T13:30:00+01:30", datetime(2026, 11, 29, 12, tzinfo=UTC)),
    ("2026-11-29T07:00:00-05:00", datetime(2026, 11, 29, 12, tzinfo=UTC)),
    ("2026-11-29T12:00:00", datetime(2026, 11, 29, 12)),
])
def test_timestamps_equal_the_sdks(text: str, expected: datetime) -> None:
    fast = FAST.deserialize(json.dumps(text), "datetime")
    sdk = SDK.deserialize(json.dumps(text), "datetime")
    assert fast == sdk == expected
    assert fast.utcoffset() == sdk.utcoffset()
    assert fast.isoformat() == sdk.isoformat() == SDK.serialize(fast)
    assert _timestamp(text) == ("ok", expected)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}"
                     r"([.,][0-9]{1,8})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?\Z")
       | st.datetimes(timezones=st.none() | st.just(UTC) | st.builds(
           lambda m: timezone(timedelta(minutes=m)),
           st.integers(-1439, 1439))).map(lambda d: d.isoformat().replace("+00:00", "Z")))
def test_any_iso_like_timestamp_decodes_as_in_the_sdk(text: str) -> None:
    for obj_type in ("datetime", "date"):
        fast = _outcome(lambda t=obj_type: FAST.deserialize(json.dumps(text), t))
        sdk = _outcome(lambda t=obj_type: SDK.deserialize(json.dumps(text), t))
        assert fast == sdk
        if fast[0] == "ok":
            assert type(fast[1]) is type(sdk[1])
            assert _serialized(fast[1]) == _serialized(sdk[1])  # dateutil allows -30 hours


def test_bad_input_raises_serialization_exception_only() -> None:
    assert FAST.deserialize(None, RequestEnvelope) is None
    assert FAST.deserialize_obj(None, RequestEnvelope) is None
    for text in ("{", "", "nul", "[1,]"):
        with pytest.raises(SerializationException):
            FAST.deserialize(text, RequestEnvelope)
    # The SDK lets a raw TypeError out here (a top-level list type, a payload that is no list).
    with pytest.raises(TypeError):
        SDK.deserialize("5", "list[str]")
    with pytest.raises(SerializationException):
        FAST.deserialize("5", "list[str]")
    with pytest.raises(SerializationException):
        FAST.deserialize_obj({"a": 1}, "no.such.module.Model")


@pytest.mark.parametrize("text, obj_type", [
    ('["a", 1, null]', "list[str]"), ('{"a": "1", "b": null}', "dict(str, int)"),
    ('["1", "2.5"]', "list[int, float]"), ('"abc"', "list[str]"), ('{"a": 1}', "list[str]"),
    ('"PLAYING"', "ask_sdk_model.interfaces.audioplayer.player_activity.PlayerActivity"),
    ('"2026-11-29"', "date"), ('{"k": [1]}', "object"), ("3", "float"), ('"3"', "bool"),
    ('"ab"', "list[object]"), ('{"a": 1}', "list[object]"), ('{"a": null}', "dict(str, object)"),
])
def test_other_declared_types_decode_as_in_the_sdk(text: str, obj_type: str) -> None:
    assert FAST.deserialize(text, obj_type) == SDK.deserialize(text, obj_type)


def test_it_stays_a_drop_in_serializer() -> None:
    assert isinstance(FAST, Serializer) and isinstance(FAST, DefaultSerializer)
    obj = FAST.deserialize_obj(CATALOGUE["start-matched"], RequestEnvelope)
    serialized: Any = FAST.serialize(obj)
    assert serialized == SDK.serialize(obj)
    assert serialized["request"]["intent"]["slots"]["routine"]["value"] == "hip opener"


def test_fixture_folder_is_covered() -> None:
    fixtures = {f"fixture-{p.stem}" for p in Path(FIXTURES, "requests").glob("*.json")}
    assert fixtures and fixtures <= set(CATALOGUE)


# --- serialize: the skill's real responses come out as the SDK would write them ----------------

def _responses(make_app: Any) -> list[Any]:
    """Response envelopes from a conversation: launch, a routine turn by turn, help, pain,
    a streaming start on an AudioPlayer device, stop."""
    app = make_app()
    device = Device()
    out = []
    for envelope in (device.launch(), device.start("glute-release"),
                     device.intent("AMAZON.NextIntent"), device.intent("AMAZON.RepeatIntent"),
                     device.intent("AMAZON.HelpIntent"), device.intent("PainIntent"),
                     device.intent("AMAZON.StopIntent")):
        request = FastSerializer().deserialize_obj(envelope, RequestEnvelope)
        response = app.skill.invoke(request_envelope=request, context=None)
        device.receive(DefaultSerializer().serialize(response))
        out.append(response)
    return out


def test_responses_serialize_as_the_sdk_does(make_app: Any) -> None:
    responses = _responses(make_app)
    for response in responses:
        assert FastSerializer().serialize(response) == DefaultSerializer().serialize(response)
    speech = [FastSerializer().serialize(r)["response"].get("outputSpeech") for r in responses]
    assert all(s and s["ssml"].startswith("<speak>") for s in speech)


def test_serialize_handles_every_shape_the_sdk_does() -> None:
    from decimal import Decimal
    from enum import Enum

    class Colour(Enum):
        RED = "red"

    shapes = [None, 1, 2.5, True, "x", b"y", [1, [2]], (1, "a"), {"k": [Colour.RED]},
              datetime(2026, 11, 29, 14, 0, tzinfo=UTC), Decimal("2"), Decimal("2.5")]
    for value in shapes:
        assert FastSerializer().serialize(value) == DefaultSerializer().serialize(value)


# --- safe without the SDK's private hook -----------------------------------------------------

HOOK = "_DefaultSerializer__deserialize"
_original_hook = vars(DefaultSerializer)[HOOK]


def _hook_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A release that renames the private method: DefaultSerializer no longer has it.

    The SDK's own public ``deserialize`` calls the mangled name, so it is parked on the base
    class to keep the SDK working (as the renamed method would), out of the codec's sight."""
    monkeypatch.setattr(Serializer, HOOK, _original_hook, raising=False)
    monkeypatch.delattr(DefaultSerializer, HOOK)


def _hook_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A release that gives the private method another parameter."""
    def hook(self: Any, payload: Any, obj_type: Any, strict: bool = False) -> Any:
        return _original_hook(self, payload, obj_type)
    monkeypatch.setattr(DefaultSerializer, HOOK, hook)


@contextmanager
def _reimported(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """skill.envelope_codec imported again against the patched SDK; afterwards the SDK is
    restored and the module imported once more, so no later test sees the fallback."""
    try:
        importlib.reload(skill.envelope_decoders)
        yield importlib.reload(skill.envelope_codec)
    finally:
        monkeypatch.undo()
        importlib.reload(skill.envelope_decoders)
        importlib.reload(skill.envelope_codec)
    assert skill.envelope_codec.fallback_reason is None
    launch = CATALOGUE["launch"]
    assert FAST.deserialize_obj(launch, RequestEnvelope) == SDK.deserialize(
        json.dumps(launch), RequestEnvelope)
    assert skill.envelope_decoders._decoders  # the fast path is back


@pytest.fixture(params=[_hook_deleted, _hook_changed], ids=["hook-deleted", "hook-changed"])
def codec_without_hook(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
                       caplog: pytest.LogCaptureFixture) -> Iterator[Any]:
    """skill.envelope_codec as imported with an SDK whose private hook is not usable."""
    breakage: Callable[[pytest.MonkeyPatch], None] = request.param
    breakage(monkeypatch)
    with caplog.at_level(logging.INFO, logger="skill.envelope_codec"), \
            _reimported(monkeypatch) as codec:
        yield codec


def test_the_fast_path_is_on_with_this_sdk() -> None:
    assert skill.envelope_codec.fallback_reason is None


def test_without_the_hook_the_codec_falls_back_and_says_why_once(
        codec_without_hook: Any, caplog: pytest.LogCaptureFixture) -> None:
    assert codec_without_hook.fallback_reason and HOOK in codec_without_hook.fallback_reason
    said = [r for r in caplog.get_records("setup") + caplog.records
            if r.name == "skill.envelope_codec"]  # the re-import ran in the fixture
    assert len(said) == 1 and said[0].levelno >= logging.INFO
    assert HOOK in said[0].getMessage() and "DefaultSerializer" in said[0].getMessage()


def test_without_the_hook_the_skill_still_answers_a_launch(
        codec_without_hook: Any, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """skill.app imported the codec before the breakage: give it the re-imported class, as a
    fresh import against such an SDK would."""
    monkeypatch.setattr(skill.app, "FastSerializer", codec_without_hook.FastSerializer)
    app = make_app()
    assert isinstance(app.serializer, codec_without_hook.FastSerializer)
    envelope = json.loads(Path(FIXTURES, "envelope.json").read_text())
    out = app.handle(envelope)
    ssml = out["response"]["outputSpeech"]["ssml"]
    assert out != skill.app.APOLOGY_ENVELOPE
    assert ssml.startswith("<speak>") and "Welcome to Hip Coach" in ssml
    assert skill.envelope_decoders._decoders == {}  # the SDK did the work, not the fast path


def test_without_the_hook_results_are_the_sdks(codec_without_hook: Any) -> None:
    fast = codec_without_hook.FastSerializer()
    for name, envelope in CATALOGUE.items():
        text = json.dumps(envelope)
        expected = _outcome(partial(SDK.deserialize, text, RequestEnvelope))
        assert _outcome(partial(fast.deserialize, text, RequestEnvelope)) == expected, name
        assert _outcome(partial(fast.deserialize_obj, envelope, RequestEnvelope)) == expected
        if expected[0] == "ok":
            assert fast.serialize(expected[1]) == SDK.serialize(expected[1]), name
    assert fast.deserialize(None, RequestEnvelope) is None
    assert fast.serialize({"k": [1, (2, "x")]}) == SDK.serialize({"k": [1, (2, "x")]})
    assert skill.envelope_decoders._decoders == {}
