"""Records behave like the frozen dataclasses they replaced (checked against real ones)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skill.adapters.progressive_target import ProgressiveTarget
from skill.core.record import FrozenRecordError, Record, field, fields, replace
from skill.state import Position, UserState


class Point(Record):
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    kind: ClassVar[str] = "point"


@dataclasses.dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


class Bag(Record):
    items: list[int] = field(default_factory=list)


class Labelled(Point):
    label: str = ""


class Box(Record, frozen=False):
    content: str = ""


values = st.integers() | st.text(max_size=5) | st.none()


@given(values, values, st.lists(st.text(max_size=3), max_size=3).map(tuple))
def test_same_equality_hash_and_repr_as_a_frozen_dataclass(x: object, y: object,
                                                           tags: tuple[str, ...]) -> None:
    r, d = Point(x, y=y, tags=tags), DataPoint(x, y=y, tags=tags)  # type: ignore[arg-type]
    assert r == Point(x, y, tags) and (r != Point(x, y, tags)) is False  # type: ignore[arg-type]
    assert hash(r) == hash(Point(x, y, tags)) == hash(d)  # type: ignore[arg-type]
    assert repr(r) == repr(d).replace("DataPoint", "Point")
    assert (r == Point(x, 1 if y != 1 else 2, tags)) is False  # type: ignore[arg-type]


def test_construction_errors_match_dataclasses() -> None:
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, (), 4)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, x=2)  # type: ignore[misc]
    with pytest.raises(TypeError):
        Point(1, z=3)  # type: ignore[call-arg]


def test_frozen_and_mutable() -> None:
    p = Point(1)
    with pytest.raises(FrozenRecordError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.y
    box = Box()
    box.content = "towel"
    assert box == Box("towel")
    with pytest.raises(TypeError):
        hash(box)


def test_defaults_factories_inheritance_and_classvars() -> None:
    a, b = Bag(), Bag()
    a.items.append(1)
    assert b.items == []  # each instance gets its own list
    assert fields(Labelled) == ("x", "y", "tags", "label")
    assert Labelled(1, label="hip") == Labelled(x=1, y=0, tags=(), label="hip")
    assert Labelled(1) != Point(1)  # another class is never equal
    assert Point.kind == "point" and "kind" not in fields(Point)


def test_a_required_field_after_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="follows a default"):
        class Bad(Record):
            a: int = 0
            b: int  # type: ignore[misc]


def test_replace_records_and_dataclasses() -> None:
    pos = Position("glute-release", step=2, prefs={"hold": "long"})
    moved = replace(pos, step=3)
    assert moved == Position("glute-release", step=3, prefs={"hold": "long"})
    assert pos.step == 2
    assert replace(DataPoint(1), y=5) == DataPoint(1, 5)
    with pytest.raises(TypeError):
        replace(pos, stepp=3)


def test_copy_and_pickle_round_trip() -> None:
    state = UserState(safety_heard=True, position=Position("quick-release", step=1))
    assert copy.deepcopy(state) == state
    assert pickle.loads(pickle.dumps(state)) == state


def test_hidden_fields_stay_out_of_repr() -> None:
    target = ProgressiveTarget("https://api.amazonalexa.com", "secret-token", "req-1")
    assert "secret-token" not in repr(target) and "req-1" in repr(target)


def test_records_with_one_or_no_field_compare_and_hash() -> None:
    class One(Record):
        only: int

    class Empty(Record):
        pass

    assert One(1) == One(only=1) != One(2) and hash(One(1)) == hash((1,))
    assert Empty() == Empty() and repr(Empty()) == f"{Empty.__qualname__}()"
