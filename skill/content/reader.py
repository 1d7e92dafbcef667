"""Typed reading of one YAML document with errors that name the file and the field.

The builders in `skill.content.loader` read every field through a `Reader`, so a
bad value anywhere fails as ``techniques.yaml: techniques[2].steps[0].hold: ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from skill.content.model import HoldRange

T = TypeVar("T")


class ContentError(ValueError):
    """A content file is missing, malformed or inconsistent; says which file and field."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        super().__init__(f"{file}: {field}: {problem}")
        self.file = file
        self.field = field
        self.problem = problem


class Reader:
    """Typed access to one YAML mapping that reports errors with file and field path."""

    def __init__(self, file: str, data: Any, path: str) -> None:
        self.file, self.path = file, path
        if not isinstance(data, Mapping):
            self.fail("", f"expected a mapping, got {type(data).__name__}")
        self.data: Mapping[str, Any] = data
        self._used: set[str] = set()

    def fail(self, key: str, problem: str) -> None:
        field = f"{self.path}.{key}" if self.path and key else (self.path or key)
        raise ContentError(self.file, field or "(top)", problem)

    def _get(self, key: str, required: bool) -> Any:
        self._used.add(key)
        if key not in self.data or self.data[key] is None:
            if required:
                self.fail(key, "is required")
            return None
        return self.data[key]

    def text(self, key: str, required: bool = True, default: str = "") -> str:
        value = self._get(key, required)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty string")
        return " ".join(value.split())

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
        return bool(value)

    def texts(self, key: str, required: bool = True) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list) or (required and not value):
            self.fail(key, "must be a non-empty list of strings")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{key}[{i}]", "must be a non-empty string")
            out.append(" ".join(item.split()))
        return tuple(out)

    def hold(self, key: str) -> HoldRange:
        value = self._get(key, True)
        ok = (isinstance(value, list) and len(value) == 2
              and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
        if not ok:
            self.fail(key, "must be [min, max] in whole seconds")
        lo, hi = value
        if lo <= 0:
            self.fail(key, f"min {lo} must be positive")
        if lo > hi:
            self.fail(key, f"min {lo} is above max {hi}")
        return HoldRange(lo, hi)

    def items(self, key: str, build: Callable[[Reader], T],
              required: bool = True) -> tuple[T, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list) or (required and not value):
            self.fail(key, "must be a non-empty list")
        prefix = f"{self.path}.{key}" if self.path else key
        return tuple(build(Reader(self.file, item, f"{prefix}[{i}]"))
                     for i, item in enumerate(value))

    def sub(self, key: str) -> Reader:
        prefix = f"{self.path}.{key}" if self.path else key
        return Reader(self.file, self._get(key, True), prefix)


    def done(self) -> None:
        unknown = sorted(set(self.data) - self._used)
        if unknown:
            self.fail(unknown[0], "unknown field (typo?)")
