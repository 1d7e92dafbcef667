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
so none of it may stop the skill from importing: skill.envelope_decoders checks the private
hook once at import, and if it is not usable ``FastSerializer`` hands every call to the SDK's
public ``DefaultSerializer`` (slower by about 0.3 ms a request, never wrong) and one warning
says why (``fallback_reason``). That the fast path builds what the SDK builds is checked by
tests/test_envelope_codec.py against the installed SDK, not at every cold start.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

from skill.envelope_decoders import PRIMITIVE as _PRIMITIVE
from skill.envelope_decoders import decode, fallback_reason

_log = logging.getLogger(__name__)

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
            return decode(data, obj_type)
        except SerializationException:
            raise
        except Exception as e:  # the SDK wraps these too, inside any model
            raise SerializationException(str(e)) from e



if fallback_reason is not None:
    _log.warning("envelope_codec: fast path off, using the SDK's DefaultSerializer (%s)",
                 fallback_reason)
