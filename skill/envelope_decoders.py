"""Compiled decoders for ASK request envelopes: what makes ``FastSerializer`` fast.

A decoder is compiled once per type (class or type string) and then only walks the payload;
each rule mirrors ask_sdk_core/serialize.py (see skill.envelope_codec for the differences).
Shapes not worth compiling go to the SDK's own private ``__deserialize``. If that hook is
missing or changed in an SDK release, ``fallback_reason`` says why and skill.envelope_codec
hands every call to the SDK's public serializer instead: nothing here may fail the import.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

Decoder = Callable[[Any], Any]
"""Decodes one non-None payload value."""

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
PRIMITIVE = _PRIMITIVE
"""The SDK's primitive types (its own list when the hook is usable)."""
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




def decode(payload: Any, obj_type: Any) -> Any:
    """The payload as `obj_type`, as the SDK would build it (None stays None)."""
    return _value(payload, obj_type)
