"""Streaming mode ends the routine out loud: the last track closes with "done" and a way on.

Responses to AudioPlayer events may not speak, so what a user hears when the routine
is over has to be inside the last track: the content's routine_done phrasing, then
how to go again hands-free. No other track, and no dialog-mode step, says it.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest
from pydub import AudioSegment

from skill.audio.render import TRACK_SEED, build_renderer
from skill.content import Content, Routine, load_content
from skill.content.model import Side
from skill.core import plan
from skill.core.pacing import CLOSING_REST_MS, LINE_GAP_MS
from skill.core.plan import (
    cached_phrase,
    cached_step_timeline,
    closing_lines,
    routine_duration_ms,
    side_timeline,
    step_timeline,
    steps,
    track_order,
)
from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences
from skill.core.timeline import Event, EventKind, Timeline
from skill.settings import Settings
from tests.support.mp3 import duration_ms, write_wav

CONTENT = load_content()
PREF_SETS = [
    Preferences(),
    Preferences(hold=HoldLength.LONG, first_side=Side.RIGHT),
    Preferences(hold=HoldLength.SHORT, breath=BreathPace.SLOWER, detail=Detail.BRIEF),
]
SEEDS = [TRACK_SEED, 1, 7, 15]
DONE = set(CONTENT.cues.get("routine_done"))
HINT = set(CONTENT.cues.get("start_over_hint"))
SWAP = set(CONTENT.cues.get("swap_roles_hint"))
"""After partner work the way to go again is an offer to swap roles."""


def closing_of(tl: Timeline) -> list[Event]:
    return [e for e in tl.events
            if e.kind is EventKind.CLOSING or e.text in DONE | HINT | SWAP]


def tracks(routine: Routine, prefs: Preferences,
           seed: int) -> list[tuple[tuple[int, int], Timeline]]:
    plan_ = steps(CONTENT, routine)
    return [((s, side), side_timeline(CONTENT, plan_[s], side, prefs, seed))
            for s, side in track_order(CONTENT, routine, prefs)]


def test_the_hint_says_how_to_start_over_hands_free() -> None:
    for text in HINT | SWAP:
        assert "Alexa, ask hip coach to start over" in text, text
    for text in SWAP:
        assert "swap roles" in text.lower(), text


def test_only_the_last_track_of_every_routine_ends_with_the_closing() -> None:
    checked = 0
    for routine, prefs, seed in itertools.product(CONTENT.routines.values(), PREF_SETS, SEEDS):
        where = f"{routine.id} {prefs} seed {seed}"
        played = tracks(routine, prefs, seed)
        *others, (_, last) = played
        done, hint = last.events[-2:]
        assert [e.kind for e in (done, hint)] == [EventKind.CLOSING] * 2, where
        assert done.text == cached_phrase(CONTENT, "routine_done", seed), where  # dialog's pick
        partner = routine.kind == "partner"
        assert hint.text in (SWAP if partner else HINT), where
        assert ((done.line_id, done.text), (hint.line_id, hint.text)) == closing_lines(
            CONTENT, seed, partner)
        assert done.line_id.startswith("cue.routine_done.")
        assert hint.line_id.startswith("cue.swap_roles_hint." if partner
                                       else "cue.start_over_hint.")
        for e in (done, hint):  # spoken in full, so the renderer gives each a clip
            assert e.speech_ms > 0 and e.speech_ms <= e.duration_ms, (where, e)
            assert e.side == last.events[0].side
        assert last.events[-3].kind is EventKind.RELEASE, where  # right after the release
        assert len(closing_of(last)) == 2, where
        for key, tl in others:
            assert not closing_of(tl), f"{where}: track {key} has the closing"
        checked += 1
    assert checked == len(CONTENT.routines) * len(PREF_SETS) * len(SEEDS)


def test_the_closing_only_lengthens_the_last_track(monkeypatch: pytest.MonkeyPatch) -> None:
    prefs = Preferences()
    routine = CONTENT.routines["glute-release"]
    with_closing = tracks(routine, prefs, TRACK_SEED)
    monkeypatch.setattr(plan, "closing_lines", lambda content, seed, partner=False: ())
    without = tracks(routine, prefs, TRACK_SEED)
    assert with_closing[:-1] == without[:-1]  # same events, so the same track names
    (_, last), (_, before) = with_closing[-1], without[-1]
    assert last.events[:len(before.events)] == before.events
    spoken = sum(e.speech_ms for e in last.events[len(before.events):])
    assert last.duration_ms - before.duration_ms == spoken + LINE_GAP_MS + CLOSING_REST_MS


def test_dialog_mode_steps_never_say_the_closing() -> None:
    for routine, prefs, seed in itertools.product(CONTENT.routines.values(), PREF_SETS, SEEDS):
        for planned in steps(CONTENT, routine):
            for tl in (step_timeline(CONTENT, planned, prefs, seed),
                       cached_step_timeline(CONTENT, planned, prefs, seed)):
                assert not closing_of(tl), f"{routine.id} step {planned.index + 1}"


def test_routine_duration_is_dialog_modes_and_unchanged_by_the_closing() -> None:
    routine = CONTENT.routines["quick-release"]
    total = sum(step_timeline(CONTENT, p, Preferences(), 0).duration_ms
                for p in steps(CONTENT, routine))
    assert routine_duration_ms(CONTENT, routine, Preferences()) == total


# --------------------------------------------------------------------------- real audio

def _shortest(content: Content, prefs: Preferences) -> Routine:
    return min(content.routines.values(),
               key=lambda r: routine_duration_ms(content, r, prefs))


def _source(folder: Path, clips: dict[str, object]) -> Path:
    (folder / "clips").mkdir(parents=True)
    (folder / "clips" / "manifest.json").write_text(json.dumps({"format": 1, "clips": clips}))
    return folder


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None,
                    reason="espeak-ng and ffmpeg render the tracks")
def test_the_rendered_last_track_speaks_the_closing(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    prefs = Preferences(hold=HoldLength.SHORT)
    routine = _shortest(CONTENT, prefs)
    step_index, side_index = track_order(CONTENT, routine, prefs)[-1]
    planned = steps(CONTENT, routine)[step_index]
    settings = Settings(data_dir=tmp_path / "data")
    (done_id, done_text), (hint_id, hint_text) = closing_lines(CONTENT, TRACK_SEED)

    # The hint is recorded (found by its line id), routine_done is synthesized.
    recorded = _source(tmp_path / "recorded", {hint_id: {"file": "hint.wav", "text": hint_text}})
    write_wav(recorded / "clips" / "hint.wav", 2000)
    renderer = build_renderer(settings, CONTENT, audio_source=recorded)
    closed = renderer.track_for(routine.id, step_index, side_index, prefs)
    assert renderer.chain.counts["from_recordings"] == 1
    clip = renderer.chain.resolve(done_text, (done_id,))
    assert clip is not None
    closing_ms = clip.duration_ms + 2000 + LINE_GAP_MS + CLOSING_REST_MS

    monkeypatch.setattr(plan, "closing_lines", lambda content, seed, partner=False: ())
    bare_renderer = build_renderer(settings, CONTENT, audio_source=_source(tmp_path / "bare", {}))
    bare = bare_renderer.track_for(routine.id, step_index, side_index, prefs)
    monkeypatch.undo()

    assert closed.name != bare.name  # a new content hash: no cache serves the silent ending
    assert closed.duration_ms - bare.duration_ms == closing_ms
    closed_path = renderer.store.open_path(closed.name)
    bare_path = bare_renderer.store.open_path(bare.name)
    assert closed_path is not None and bare_path is not None
    assert abs(duration_ms(closed_path) - closed.duration_ms) <= 100
    assert abs((duration_ms(closed_path) - duration_ms(bare_path)) - closing_ms) <= 150

    def measured(text: str) -> int:
        if text == hint_text:
            return 2000
        found = renderer.chain.resolve(text)
        assert found is not None, text
        return found.duration_ms

    timeline = side_timeline(CONTENT, planned, side_index, prefs, TRACK_SEED, timer=measured)
    assert timeline.duration_ms == closed.duration_ms
    done, hint = timeline.events[-2:]
    audio = AudioSegment.from_file(str(closed_path))
    assert audio[done.start_ms + 100:done.start_ms + done.speech_ms - 100].dBFS > -35
    assert audio[hint.start_ms + 100:hint.start_ms + hint.speech_ms - 100].dBFS > -35
