"""Memoized turns: a warm process answers start/next/repeat from cache, the same as packing
afresh, within bounded memory, and the wording still changes from one session to the next."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.app import SkillApp
from skill.content import load_content
from skill.core import plan
from skill.core.limits import ALEXA
from skill.core.packing import pack_turn
from skill.core.plan import cached_step_timeline, cached_turn, steps
from skill.core.preferences import HoldLength, Preferences
from skill.core.variation import PHRASING_VARIANTS
from skill.state import History, UserState
from tests.support.alexa import Device, speech

CONTENT = load_content()
GLUTE = steps(CONTENT, CONTENT.routines["glute-release"])
SOUNDS = {name: (f"https://audio.example.test/{name}.mp3", 800)
          for name in ("hold_start", "breathe_in", "breathe_out", "release")}


def fresh(planned: plan.PlannedStep, prefs: Preferences, run_seed: int, offset: int,
          **kw: Any) -> Any:
    events = cached_step_timeline(CONTENT, planned, prefs, run_seed).events[offset:]
    return pack_turn(events, CONTENT.cues, kw.pop("seed"), **kw)


@pytest.mark.parametrize("prefs", [Preferences(), Preferences(hold=HoldLength.LONG)])
@pytest.mark.parametrize("sounds", [None, SOUNDS])
def test_cached_turn_equals_packing_afresh(prefs: Preferences,
                                           sounds: dict[str, tuple[str, int]] | None) -> None:
    for planned in GLUTE:
        offset = 0
        events = cached_step_timeline(CONTENT, planned, prefs, 3).events
        while offset < len(events):  # walk the whole step turn by turn, as Next does
            kw: dict[str, Any] = dict(seed=offset + 11, question="Ready for the next step?",
                                      intro=("Step one.",) if offset == 0 else (),
                                      profile=ALEXA.without_progressive(), sounds=sounds)
            turn = cached_turn(CONTENT, planned, prefs, 3, offset, **kw)
            assert turn == fresh(planned, prefs, 3, offset, **kw)
            assert cached_turn(CONTENT, planned, prefs, 3, offset, **kw) is turn
            offset += turn.event_count


def test_profile_and_sounds_are_part_of_the_key() -> None:
    kw: dict[str, Any] = dict(seed=1, question="Ready?", intro=())
    planned, prefs = GLUTE[0], Preferences()
    plain = cached_turn(CONTENT, planned, prefs, 0, 0, profile=ALEXA, sounds=None, **kw)
    chimes = cached_turn(CONTENT, planned, prefs, 0, 0, profile=ALEXA, sounds=SOUNDS, **kw)
    single = cached_turn(CONTENT, planned, prefs, 0, 0, profile=ALEXA.without_progressive(),
                         sounds=None, **kw)
    assert "<audio" not in plain.final.ssml and "<audio" in "".join(
        p.ssml for p in (*chimes.progressive, chimes.final))
    assert plain.progressive and not single.progressive


def test_cache_is_bounded_and_keeps_what_is_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan, "CACHE_LIMIT", 6)
    monkeypatch.setitem(plan._CACHES, id(CONTENT), {})
    kw: dict[str, Any] = dict(question="Ready?", intro=(), profile=ALEXA, sounds=None)
    hot = cached_turn(CONTENT, GLUTE[0], Preferences(), 0, 0, seed=0, **kw)
    for seed in range(1, 40):
        cached_turn(CONTENT, GLUTE[1], Preferences(), 0, 0, seed=seed, **kw)
        # the turn users keep asking for stays cached while one-off turns come and go
        assert cached_turn(CONTENT, GLUTE[0], Preferences(), 0, 0, seed=0, **kw) is hot
        assert len(plan._CACHES[id(CONTENT)]) <= 6


class OneUser(AbstractPersistenceAdapter):
    """One user's saved state, set by the test (the key does not matter here)."""

    def __init__(self, state: UserState) -> None:
        self.row = json.dumps(state.to_dict())

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        return dict(json.loads(self.row))

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self.row = json.dumps(attributes)

    def delete_attributes(self, request_envelope: Any) -> None:
        self.row = "{}"


def test_wording_changes_between_sessions_and_cycles(make_app: Callable[..., SkillApp]) -> None:
    def first_turn(sessions: int) -> str:
        history = History(sessions=sessions, last_day="2026-11-20")
        app = make_app(persistence=OneUser(UserState(safety_heard=True, screened=True,
                                                    history=history)))
        return speech(app.handle(Device().start("glute-release")))

    said = [first_turn(k) for k in (0, 1, 2, PHRASING_VARIANTS)]
    assert len(set(said[:3])) == 3  # three sessions in a row, three wordings
    assert said[3] == said[0]  # the variants cycle, so warm processes can reuse turns


def test_cached_phrase_is_the_phrasers_pick() -> None:
    from skill.core.plan import cached_phrase
    from skill.core.variation import Phraser, stable_int

    names = [n for n, options in CONTENT.cues.phrasings.items()
             if not any("{" in o for o in options)]
    assert len(names) >= 5
    for name in names:
        picks = [cached_phrase(CONTENT, name, seed) for seed in range(12)]
        assert picks == [Phraser(CONTENT.cues.phrasings, stable_int(seed, name)).pick(name)[1]
                         for seed in range(12)]
        assert len(set(picks)) > 1 or len(CONTENT.cues.phrasings[name]) == 1


def test_threads_sharing_the_memo_never_trip_over_each_other(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import threading

    monkeypatch.setattr(plan, "CACHE_LIMIT", 4)  # constant eviction
    monkeypatch.setitem(plan._CACHES, id(CONTENT), {})
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(400):
                plan.cached_phrase(CONTENT, "reprompt", (k * 7 + i) % 11)
        except BaseException as exc:
            errors.append(exc)

    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(before)
    assert errors == []
