"""A drop-in, faster deserializer for ASK request envelopes.

The SDK's ``DefaultSerializer`` resolves class names with ``__import__``, runs regexes on
``list[...]`` / ``dict(...)`` type strings, rebuilds attribute maps and calls dateutil on
every field of every request: most of a small skill's request time. ``FastSerializer``
compiles a decoder once per type (class or type string), then only walks the payload.

Each rule mirrors ask_sdk_core/serialize.py (ask-sdk-core 1.19: ``__deserialize``,
``__load_class_from_name``, ``__deserialize_primitive``, ``__deserialize_datetime``,
``__deserialize_model``, ``__get_obj_by_discriminator``), with deliberate differences:

* every failure is a ``SerializationException`` (the SDK lets a raw ``TypeError`` out when
  the top-level type is a ``list[...]``/``dict(...)`` string the payload does not fit);
* ISO-8601 timestamps go through ``datetime.fromisoformat``: the instant dateutil gives,
  with ``timezone.utc`` or a fixed offset in place of dateutil's ``tzutc()``/``tzlocal()``/
  ``tzoffset`` (equal, and serialized the same); other strings still go to dateutil;
* ``deserialize_obj`` shares the caller's sub-objects for ``object``-typed fields and
  unknown keys (the SDK's are fresh from JSON text): do not mutate the input afterwards.

The fast path leans on SDK internals: the name-mangled private ``__deserialize`` (for payload
shapes not worth compiling) and the models' ``deserialized_types``/``attribute_map``
conventions. An SDK release may change either, and this module is imported by ``skill.app``,
so none of it may stop the skill from importing: the setup runs once at import, checks the
private hook and round-trips a small envelope against the SDK, and if anything fails,
``FastSerializer`` hands every call to the SDK's public ``DefaultSerializer`` (slower by
about 0.3 ms a request, never wrong) and one warning says why (``fallback_reason``).
"""

from __future__ import annotations

import importlib
import json
import logging
import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.request_envelope import RequestEnvelope  # skill.app needs it anyway

Decoder = Callable[[Any], Any]
"""Decodes one non-None payload value."""

_log = logging.getLogger(__name__)
_HOOK = "_DefaultSerializer__deserialize"
"""The SDK's private ``DefaultSerializer.__deserialize`` (ask-sdk-core 1.19), name-mangled."""

_SDK = DefaultSerializer()


def _no_hook(serializer: DefaultSerializer, payload: Any, obj_type: Any) -> Any:
    """Stands in for the SDK hook when it is missing; never reached (the fast path is off)."""
    raise SerializationException(f"DefaultSerializer.{_HOOK} is not available")


def _private_hook() -> Callable[[DefaultSerializer, Any, Any], Any]:
    """The SDK's own generic routine, or raise why it cannot be used.

    Taken from ``DefaultSerializer``'s own namespace, as the routine this module mirrors is
    that class's (an inherited or look-alike one could behave differently)."""
    hook = vars(DefaultSerializer).get(_HOOK)
    if hook is None:
        raise LookupError(f"DefaultSerializer.{_HOOK} is missing")
    code = getattr(hook, "__code__", None)
    if code is None or code.co_argcount != 3:  # (self, payload, obj_type)
        raise TypeError(f"DefaultSerializer.{_HOOK} has an unexpected signature")
    hook_fn: Callable[[DefaultSerializer, Any, Any], Any] = hook
    return hook_fn


fallback_reason: str | None = None
"""Why the fast path is off (every call goes to the SDK's ``DefaultSerializer``), or None."""
# The SDK's own generic routine, for payload shapes that are not worth compiling (a list or a
# string where a model is declared): whatever it returns or raises is by definition the same.
_sdk_deserialize: Callable[[DefaultSerializer, Any, Any], Any] = _no_hook
_NATIVE: dict[str, Any] = {}
_PRIMITIVE: tuple[type, ...] = (float, bool, bytes, str, int)
try:
    _sdk_deserialize = _private_hook()
    _NATIVE = dict(DefaultSerializer.NATIVE_TYPES_MAPPING)
    _PRIMITIVE = tuple(DefaultSerializer.PRIMITIVE_TYPES)
except Exception as _e:  # any SDK change here must only switch the fast path off
    fallback_reason = f"{type(_e).__name__}: {_e}"
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")
# Strings for which fromisoformat and dateutil agree (other valid ISO forms, e.g. week dates,
# fromisoformat accepts and dateutil rejects).
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
                  r"(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})?", re.ASCII)

_decoders: dict[Any, Decoder] = {}  # type string or class -> decoder (with discriminator)
_bodies: dict[Any, Decoder] = {}  # model class -> decoder of a dict payload into that class
_classes: dict[Any, Any] = {}  # discriminator class name -> class


def _decoder(obj_type: Any) -> Decoder:
    dec = _decoders.get(obj_type)
    if dec is None:
        try:
            dec = _compile(obj_type)
        except Exception:  # e.g. an unresolvable class: the SDK raises (lazily) as it would
            def dec(payload: Any, obj_type: Any = obj_type) -> Any:
                return _sdk_deserialize(_SDK, payload, obj_type)
        _decoders[obj_type] = dec
    return dec


def _value(payload: Any, obj_type: Any) -> Any:
    return None if payload is None else _decoder(obj_type)(payload)


def _load_class(name: str) -> Any:
    """``__load_class_from_name``: a dotted path, or a name in the SDK's serialize module."""
    try:
        parts = name.rsplit(".", 1)
        if len(parts) > 1:
            return getattr(__import__(parts[0], fromlist=[parts[1]]), parts[1])
        return getattr(sys.modules[DefaultSerializer.__module__], parts[0])
    except Exception as e:
        raise SerializationException(
            f"Unable to resolve class {name} from installed modules: {e}") from e


def _compile(obj_type: Any) -> Decoder:
    if isinstance(obj_type, str):
        if obj_type.startswith("list["):
            match = _LIST.match(obj_type)
            if match is None:
                return lambda payload: []
            subs = match.group(1)
            if "," in subs:  # a tuple-like list: one type per position
                parts = [sub.strip() for sub in subs.split(",")]
                return lambda payload: [_value(v, t) for v, t in zip(payload, parts, strict=False)]
            sub = subs.strip()
            if sub == "object":
                return list
            return _list_of(sub)
        if obj_type.startswith("dict("):
            match = _DICT.match(obj_type)
            if match is None:
                return lambda payload: {}
            sub = match.group(2)
            if sub == "object":
                return lambda payload: dict(payload.items())
            return lambda payload: {k: _value(v, sub) for k, v in payload.items()}
        obj_type = _NATIVE[obj_type] if obj_type in _NATIVE else _load_class(obj_type)
    if obj_type in _PRIMITIVE:
        return _primitive(obj_type)
    if obj_type in (object,):  # == as in the SDK, not `is`
        return lambda payload: payload
    if obj_type in (date, datetime):
        return _timestamp(obj_type is date)
    return _model(obj_type)


def _list_of(obj_type: str) -> Decoder:
    def dec(payload: Any) -> list[Any]:
        item = _decoder(obj_type)
        return [None if v is None else item(v) for v in payload]
    return dec


def _primitive(cls: Any) -> Decoder:
    def dec(payload: Any) -> Any:
        if type(payload) is cls:
            return payload
        try:
            return cls(payload)
        except UnicodeEncodeError:
            return str(payload)
        except TypeError:  # e.g. a list for an int: the SDK keeps the payload as it is
            return payload
        except ValueError as e:
            raise SerializationException(
                f"Failed to parse {payload} into '{cls.__name__}' object") from e
    return dec


def _timestamp(as_date: bool) -> Decoder:
    def dec(payload: Any) -> Any:
        if type(payload) is str and _ISO.fullmatch(payload):
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:  # e.g. February 30th: dateutil decides
                pass
            else:
                return parsed.date() if as_date else parsed
        try:
            parsed = importlib.import_module("dateutil.parser").parse(payload)
            return parsed.date() if as_date else parsed
        except ImportError:
            return payload
        except ValueError as e:
            name = "date" if as_date else "datetime"
            raise SerializationException(f"Failed to parse {payload} into '{name}' object") from e
    return dec


def _model(cls: Any) -> Decoder:
    if issubclass(cls, Enum):
        members: dict[Any, Any] = cls._value2member_map_  # what Enum.__call__ looks up first

        def member(payload: Any) -> Any:
            try:
                return members[payload]
            except (KeyError, TypeError):  # aliases, _missing_, unhashable: Enum decides
                return cls(payload)
        return member
    if not hasattr(cls, "deserialized_types"):
        return lambda payload: payload
    polymorphic = hasattr(cls, "get_real_child_model")
    body = None if polymorphic else _body(cls)

    def dec(payload: Any) -> Any:
        if type(payload) is not dict:
            return _sdk_deserialize(_SDK, payload, cls)
        if body is not None:
            return body(payload)
        name = cls.get_real_child_model(payload)
        if not name:
            raise SerializationException(
                f"Couldn't resolve object by discriminator type for {cls} class")
        sub = _classes.get(name)
        if sub is None:
            sub = _classes[name] = _load_class(name)
        return (_bodies.get(sub) or _body(sub))(payload)
    return dec


def _body(cls: Any) -> Decoder:
    """Decodes a dict into ``cls`` itself (the discriminator has already been applied)."""
    types: dict[str, Any] = cls.deserialized_types
    amap: dict[str, str] = dict(getattr(cls, "attribute_map", {}))
    amap.update({k: k for k in types if k not in amap})
    fields = tuple((attr, key, types[attr]) for attr, key in amap.items() if attr in types)
    undeclared = tuple((attr, key) for attr, key in amap.items() if attr not in types)
    keys = frozenset(amap.values())
    injective = len(keys) == len(amap)

    def body(payload: dict[Any, Any]) -> Any:
        obj = cls()
        for attr, key in undeclared:  # the SDK looks such a field up and fails (KeyError)
            if key in payload:
                raise KeyError(attr)
        found = 0
        for attr, key, obj_type in fields:
            if key in payload:
                found += 1
                value = payload[key]
                if value is not None:
                    value = (_decoders.get(obj_type) or _decoder(obj_type))(value)
                setattr(obj, attr, value)
        if found != len(payload) or not injective:  # unknown keys: the SDK sets them as is
            for key in [k for k in payload if k not in keys]:
                setattr(obj, key, payload[key])
        return obj
    _bodies[cls] = body
    return body


_plans: dict[type, tuple[tuple[str, str], ...]] = {}  # model class -> (attribute, JSON key)


def _plan(cls: type) -> tuple[tuple[str, str], ...]:
    plan = _plans.get(cls)
    if plan is None:
        names: dict[str, str] = getattr(cls, "attribute_map", {})
        types: dict[str, str] = getattr(cls, "deserialized_types", {})
        plan = _plans[cls] = tuple((a, names.get(a, a)) for a in types)
    return plan


class FastSerializer(DefaultSerializer):
    """``DefaultSerializer`` with compiled, cached decoders, and a serializer that reads
    each model class's attribute map once (the SDK rebuilds it on every object).

    With ``fallback_reason`` set, every method is the SDK's own."""

    def serialize(self, obj: Any) -> Any:
        """As the SDK's: None, primitives, lists, tuples, dates, enums, dicts, models."""
        if fallback_reason is not None:
            return super().serialize(obj)
        if obj is None or isinstance(obj, _PRIMITIVE):
            return obj
        if isinstance(obj, list):
            return [self.serialize(item) for item in obj]
        if isinstance(obj, tuple):
            return tuple(self.serialize(item) for item in obj)
        if isinstance(obj, (datetime, date)):
            return obj.isoformat()
        if isinstance(obj, Enum):
            return obj.value
        if isinstance(obj, dict):
            return {key: self.serialize(value) for key, value in obj.items()}
        if not hasattr(type(obj), "deserialized_types") or "deserialized_types" in getattr(
                obj, "__dict__", {}):  # Decimal, or an instance-level type map: the SDK's way
            return super().serialize(obj)
        out = {}
        for attr, key in _plan(type(obj)):
            value = getattr(obj, attr)
            if value is not None:
                out[key] = self.serialize(value)
        return out

    def deserialize(self, payload: str | None, obj_type: Any) -> Any:
        if fallback_reason is not None:
            return super().deserialize(payload, obj_type)
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception as e:
            raise SerializationException(f"Couldn't parse response body: {payload}") from e
        return self.deserialize_obj(data, obj_type)

    def deserialize_obj(self, data: Any, obj_type: Any) -> Any:
        """Like ``deserialize``, from already-parsed JSON (e.g. the dict Lambda passes)."""
        if fallback_reason is not None:  # the SDK only reads JSON text
            try:
                text = json.dumps(data)
            except Exception as e:
                raise SerializationException(f"Couldn't encode payload: {e}") from e
            return super().deserialize(text, obj_type)
        try:
            return _value(data, obj_type)
        except SerializationException:
            raise
        except Exception as e:  # the SDK wraps these too, inside any model
            raise SerializationException(str(e)) from e


_CANARY: dict[str, Any] = {
    "version": "1.0",
    "session": {"new": True, "sessionId": "s", "application": {"applicationId": "a"},
                "attributes": {"k": [1, "x"]}, "user": {"userId": "u"}},
    "context": {"System": {"application": {"applicationId": "a"}, "user": {"userId": "u"},
                           "device": {"deviceId": "d", "supportedInterfaces": {}},
                           "apiEndpoint": "https://api.amazonalexa.com", "apiAccessToken": "t"}},
    "request": {"type": "LaunchRequest", "requestId": "r", "locale": "en-US"},
}
"""A LaunchRequest as Alexa sends it (nested and polymorphic models, ``dict(str, object)``)
minus the timestamp, so the SDK side does not load dateutil; it compiles only what the first
Launch compiles anyway, so the check adds well under a millisecond to a cold start."""


def _self_check() -> None:
    """Raise unless the fast path reads and writes the canary exactly as the SDK does."""
    fast = FastSerializer()
    ours = fast.deserialize_obj(_CANARY, RequestEnvelope)
    theirs = _SDK.deserialize(json.dumps(_CANARY), RequestEnvelope)
    if ours != theirs or type(ours) is not RequestEnvelope:
        raise ValueError("fast path reads the canary envelope differently from the SDK")
    if fast.serialize(ours) != _SDK.serialize(theirs):
        raise ValueError("fast path writes the canary envelope differently from the SDK")


if fallback_reason is None:
    try:
        _self_check()
    except Exception as _e:  # as above: fall back, never fail the import
        fallback_reason = f"{type(_e).__name__}: {_e}"
if fallback_reason is not None:
    _log.warning("envelope_codec: fast path off, using the SDK's DefaultSerializer (%s)",
                 fallback_reason)
