"""Records: what `@dataclass(frozen=True)` gives, without its per-class code generation.

`dataclass` writes `__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__` and
`__delattr__` as source text and compiles each with exec() when the class is created.
For the twenty classes on the Lambda cold path that cost 12-25 ms, more than the rest
of the skill's own import (BENCHMARKS.md, "cold start"). A Record's methods are generic,
compiled once with this module's bytecode; a subclass only lists its fields.

Behaviour kept from frozen dataclasses, and checked in tests/test_record.py: fields
from annotations in order (inherited first), defaults and `field(default_factory=...)`,
keyword or positional construction with the same errors, immutability, value equality
and hashing, a repr that can leave fields out (`field(repr=False)` for secrets), and
`replace`. `class X(Record, frozen=False)` makes a mutable record. The type checker
sees a dataclass (PEP 681 `dataclass_transform`).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    from typing import dataclass_transform

R = TypeVar("R", bound="Record")
_MISSING: Any = object()


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Field:
    __slots__ = ("default", "factory", "repr")

    def __init__(self, default: Any, factory: Callable[[], Any] | None, repr: bool) -> None:
        self.default, self.factory, self.repr = default, factory, repr


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None,
          repr: bool = True) -> Any:
    """A field with a default (or a factory for mutable defaults) and repr control."""
    return _Field(default, default_factory, repr)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Record:
    """Base class: subclasses declare annotated fields, like a frozen dataclass."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    _factories: ClassVar[dict[str, Callable[[], Any]]] = {}
    _hidden: ClassVar[frozenset[str]] = frozenset()
    _frozen: ClassVar[bool] = True
    _spec: ClassVar[tuple[tuple[str, Any, Callable[[], Any] | None], ...]] = ()
    _names: ClassVar[frozenset[str]] = frozenset()
    _getter: ClassVar[Callable[[Any], tuple[Any, ...]]] = tuple  # no fields: ()

    def __init_subclass__(cls, frozen: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names, defaults = list(cls._fields), dict(cls._defaults)
        factories, hidden = dict(cls._factories), set(cls._hidden)
        # The class's own annotations only (inherited fields are already in _fields);
        # strings under `from __future__ import annotations`.
        own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (no inspect import)
        for name, note in own.items():
            if "ClassVar" in str(note):
                continue
            if name not in names:
                names.append(name)
            value = cls.__dict__.get(name, _MISSING)
            if isinstance(value, _Field):
                if not value.repr:
                    hidden.add(name)
                if value.factory is not None:
                    factories[name] = value.factory
                    delattr(cls, name)
                    continue
                value = value.default
                if value is _MISSING:
                    delattr(cls, name)
            if value is not _MISSING:
                defaults[name] = value
        optional = [n in defaults or n in factories for n in names]
        if any(optional) and not all(optional[optional.index(True):]):
            late = names[optional.index(False, optional.index(True))]
            raise TypeError(f"non-default field {late!r} follows a default field")
        cls._fields, cls._defaults, cls._factories = tuple(names), defaults, factories
        cls._hidden, cls._frozen = frozenset(hidden), frozen
        cls._spec = tuple((n, defaults.get(n, _MISSING), factories.get(n)) for n in names)
        cls._names = frozenset(names)
        if len(names) > 1:
            cls._getter = attrgetter(*names)
        else:  # attrgetter of one name returns a bare value; values are always a tuple
            one = attrgetter(*names) if names else None
            cls._getter = lambda record: (one(record),) if one is not None else ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not args and kwargs.keys() == self._names:  # every field by name (from_dict)
            self.__dict__.update(kwargs)
            return
        spec = self._spec
        if len(args) > len(spec):
            raise TypeError(f"{type(self).__name__}() takes {len(spec)} arguments, "
                            f"{len(args)} given")
        values = dict(zip(self._fields, args, strict=False))
        for name, default, factory in spec[len(args):]:
            if name in kwargs:
                values[name] = kwargs.pop(name)
            elif default is not _MISSING:
                values[name] = default
            elif factory is not None:
                values[name] = factory()
            else:
                raise TypeError(f"{type(self).__name__}() missing argument {name!r}")
        if kwargs:
            name = next(iter(kwargs))
            problem = "multiple values for" if name in values else "an unexpected keyword"
            raise TypeError(f"{type(self).__name__}() got {problem} argument {name!r}")
        self.__dict__.update(values)  # the instance dict directly: no __setattr__ per field

    def _values(self) -> tuple[Any, ...]:
        return type(self)._getter(self)  # via the class: a lambda must not bind

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen:
            raise FrozenRecordError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self._frozen:
            raise FrozenRecordError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    def __hash__(self) -> int:
        if not self._frozen:
            raise TypeError(f"unhashable type: {type(self).__name__!r}")
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields
                          if name not in self._hidden)
        return f"{type(self).__qualname__}({shown})"


T = TypeVar("T")


def replace(record: T, /, **changes: Any) -> T:
    """A copy of `record` with some fields changed: a Record, or a dataclass (delegated
    to dataclasses.replace), so one `replace` serves both kinds."""
    if not isinstance(record, Record):
        import dataclasses

        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    unknown = set(changes) - set(record._fields)
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field {sorted(unknown)[0]!r}")
    # Every field is already valid on `record`: copy its instance dict instead of
    # re-running __init__ (replace runs several times on every coaching turn).
    copied = object.__new__(type(record))
    copied.__dict__.update(record.__dict__)
    copied.__dict__.update(changes)
    return copied


def fields(record: Record | type[Record]) -> tuple[str, ...]:
    """The field names in order."""
    return record._fields
