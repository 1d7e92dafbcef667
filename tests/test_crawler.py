"""The device rules, checked over every state the conversation can reach.

A breadth-first crawl drives the pure core (`skill.conversation.step`) from a new user
with every event the skill handles, on a speaker without AudioPlayer and on an Echo
whose player follows the directives as a device would (Play starts a track, Stop stops
it, ENQUEUE queues the next, playback events report what the player did). Every
transition is checked against the rules of issue 9, each written here from the
platform's point of view (what the device receives), not from how the core decides.

Nodes are (state, convo, session open, player); two nodes that differ only in
counters (sessions, minutes, the phrasing seed), in which conditions were told (only
whether any were matters to the moves), in equipment (which chooses variants of routines
not crawled) or in when an offset was reported (the clock stands still) are the same
node, which keeps the crawl finite. The counts are printed so a run shows how much was checked.

Two crawls: the main one from a user who has answered the deep-pressure question, with
every move, and questions that move nothing checked as leaves; and a safety crawl from a
new user with the moves that stop a step or hold deep pressure back (sharp pain, nerve
symptoms, a condition told), which multiply the states (muscles resting today,
conditions told) and so run over fewer routines and moves.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from skill.content import Content, load_content
from skill.conversation import events as ev
from skill.conversation import step
from skill.conversation.convo import Asked, Convo
from skill.conversation.device import Device, World
from skill.conversation.outcome import Outcome, Play, StopAudio
from skill.core.plan import track_order
from skill.core.preferences import Preferences
from skill.core.record import replace
from skill.state import History, UserState

ROUTINES = ("glute-release", "piriformis-release", "partner-stretch")
"""Crawled routines: per-side self-massage (two steps), one step, and partner work. The
others have the same shapes with more steps; `test_every_routine_walks_to_its_end` walks
each of them."""
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ACTIVE = {"PLAYING", "PAUSED", "BUFFER_UNDERRUN"}
STOPPING = (ev.Pause, ev.Stop, ev.Pain, ev.StepByStep, ev.ForgetMe, ev.Condition)
MAX_NODES = 80_000


def spoken_events() -> list[ev.Event]:
    """The main crawl: every move but the safety stops (crawled on their own, below)."""
    return [
        ev.Launch(), *[ev.StartRoutine(r, r.replace("-", " ")) for r in ROUTINES],
        ev.StartRoutine(None, "tap dancing"), ev.ListRoutines(), ev.Next(), ev.Previous(),
        ev.Repeat(), ev.StartOver(), ev.Pause(), ev.Resume(), ev.Yes(), ev.No(), ev.Stop(),
        ev.Help(), ev.Fallback(), ev.LoopShuffle(), ev.Pain("ache", "it hurts"), ev.Safety(),
        ev.Explain("piriformis", "piriformis"), ev.Equipment(), ev.Preference("longer-holds"),
        ev.Progress(), ev.StepByStep(),
    ]


SAFETY_ROUTINES = ("glute-release", "partner-stretch")
"""The safety crawl: deep pressure with every step on the glutes, and partner work that
is not deep but rests the same muscles."""


def safety_events() -> list[ev.Event]:
    """The moves that stop a step or hold deep pressure back, with the moves around them:
    they add what the main crawl leaves out (muscles resting today, conditions told, the
    deep-pressure question unanswered), so they are crawled from a new user on their own."""
    return [
        ev.Launch(), *[ev.StartRoutine(r, r.replace("-", " ")) for r in SAFETY_ROUTINES],
        ev.Next(), ev.Resume(), ev.Yes(), ev.No(), ev.Stop(), ev.Pain("sharp", "sharp"),
        ev.Pain("nerve", "numb"), ev.Condition("pregnancy", "pregnant"),
    ]


def answer_events() -> list[ev.Event]:
    """Questions that move nothing: each is checked from every state reached, as a leaf
    (what it leads to differs from a crawled state only in the question just asked)."""
    return [ev.Pain(None, "fine"), ev.AboutRoutine("glute-release", "glute release"),
            ev.Suggest("lower-back"), ev.Suggest(None), ev.ShortOnTime(5), ev.TimeLeft(),
            ev.WhatNext(), ev.WhereAmI(), ev.SwitchSides(),
            ev.Kit("massage-ball", "ball", has=False)]


class Player:
    """What context.AudioPlayer reports, following our directives like a device."""

    def __init__(self, activity: str = "IDLE", token: str | None = None, offset: int = 0,
                 queued: str | None = None) -> None:
        self.activity, self.token, self.offset, self.queued = activity, token, offset, queued

    def key(self) -> tuple[str, str | None, int, str | None]:
        return self.activity, self.token, self.offset, self.queued

    def after(self, outcome: Outcome) -> Player:
        p = Player(*self.key())
        for d in outcome.plan.audio:
            if isinstance(d, StopAudio):
                p.activity = "STOPPED" if p.token else "IDLE"
            elif d.behavior == "ENQUEUE":
                p.queued = d.token
            else:
                p.activity, p.token, p.offset, p.queued = ("PLAYING", d.token,
                                                           d.pos.track_offset_ms, None)
        return p

    def device_events(self) -> Iterator[tuple[ev.Event, Player]]:
        """What the player may report next, and how it is afterwards."""
        if self.token is None:
            return
        t = self.token
        if self.activity == "PLAYING":
            yield ev.PlaybackStarted(t, self.offset), self
            yield ev.PlaybackNearlyFinished(t, 60_000), self
            nxt = (Player("PLAYING", self.queued, 0) if self.queued
                   else Player("FINISHED", t, 0))
            yield ev.PlaybackFinished(t, 90_000), nxt
            yield ev.PlaybackStopped(t, 5_000), Player("STOPPED", t, 5_000, self.queued)
            yield ev.PlaybackFailed(t, "MEDIA_ERROR_UNKNOWN"), Player("STOPPED", t, 0)
        for button in (ev.PlayCommand(), ev.PauseCommand(), ev.NextCommand(),
                       ev.PreviousCommand()):
            yield button, self

    def context(self, speaker: bool, can_speak: bool) -> Device:
        if not speaker:
            return Device(can_speak=can_speak, progressive=can_speak)
        return Device(audio_player=True, activity=self.activity, token=self.token,
                      offset_ms=self.offset, can_speak=can_speak, progressive=can_speak)


def node_key(state: UserState, convo: Convo, session: bool, player: Player,
             speaker: bool) -> tuple[object, ...]:
    """Counters, preferences and the phrasing seed change how long and how worded a turn
    is, not which moves and directives may follow: they are left out of the key."""
    pos = state.position
    h = state.history
    norm = replace(state, history=History(), prefs=Preferences(), detail_chosen=False,
                   position=replace(pos, seed=0, prefs={}, offset_at=0) if pos else None,
                   zone_checked="", kit={}, conditions=("told",) if state.conditions else ())
    finished = replace(convo.finished, seed=0) if convo.finished else None
    talk = replace(convo, finished=finished, said="", said_reprompt="") if session else None
    return (speaker, json.dumps(norm.to_dict(), sort_keys=True),
            json.dumps(talk.to_session(), sort_keys=True) if talk else None, h.sessions > 0,
            player.key())


class Failures(list[str]):
    def check(self, ok: bool, what: str, path: list[str], outcome: Outcome) -> None:
        if not ok and len(self) < 20:
            self.append(f"{what}\n  after: {' > '.join(path[-8:])}\n  plan: {outcome.plan!r}"[:900])


def ours(content: Content, token: str | None) -> bool:
    return isinstance(token, str) and token.startswith("hc1:")


def check(fails: Failures, path: list[str], event: ev.Event, device: Device, before: UserState,
          out: Outcome, content: Content, failed: tuple[str, int] | None) -> None:
    """`failed` is the routine run (routine, seed) whose playback failed, if any."""
    plan = out.plan
    plays = [d for d in plan.audio if isinstance(d, Play)]
    speaks = bool(plan.speech) or plan.turn is not None
    if not device.can_speak:
        fails.check(not speaks and not plan.reprompt and plan.end is None,
                    "an AudioPlayer/PlaybackController response speaks or sets the session",
                    path, out)
        fails.check(plan.turn is None, "progressive pieces planned for a playback request",
                    path, out)
    else:
        if plays:
            fails.check(plan.end is True, "a Play without ending the session", path, out)
            fails.check(len(plays) == 1, "more than one Play in a response", path, out)
        if plan.end is False:
            question = plan.turn.turn.question if plan.turn else plan.speech
            fails.check("?" in question, "an open session without a question", path, out)
            fails.check(bool(plan.reprompt.strip()), "an open session without a reprompt",
                        path, out)
        active = device.audio_player and device.activity in ACTIVE and ours(content,
                                                                           device.token)
        pos = out.state.position
        fine = isinstance(event, ev.Pain) and event.quality is None and event.heard == "fine"
        leaves = ((isinstance(event, STOPPING) and not fine) or pos is None or pos.dialog
                  or out.state.dialog_only or plan.end is False)
        if active and speaks and leaves:
            fails.check(any(isinstance(d, StopAudio) for d in plan.audio)
                        or any(p.behavior == "REPLACE_ALL" for p in plays),
                        "our track keeps playing under an answer that stops, pauses, ends, "
                        "answers pain or opens the mic", path, out)
    for p in plays:
        fails.check((p.behavior == "ENQUEUE") == (p.previous is not None),
                    "expectedPreviousToken with ENQUEUE, and only then", path, out)
        fails.check(failed is None or failed != (p.pos.routine, p.pos.seed),
                    "a routine whose playback failed streams again", path, out)
    done = sum(out.state.history.completed.values()) - sum(before.history.completed.values())
    fails.check(done <= 1 and (done >= 0 or plan.forget),
                "a routine counted twice, or a count lost", path, out)
    if isinstance(event, ev.PlaybackStarted | ev.PlaybackStopped) and before.position \
            and out.state.position and out.state.position != before.position:
        fails.check(out.state.position.track_offset_ms == event.offset_ms,
                    "the offset a playback event reported was not kept", path, out)


def crawl(content: Content, spoken: list[ev.Event], leaves: list[ev.Event],
          start: UserState) -> tuple[int, int, Failures]:
    """Breadth-first from `start` with `spoken` (and the player's events); `leaves` are
    checked from every node reached but not followed."""
    world = World(content=content, now=NOW, streaming=True)
    fails = Failures()
    seen: set[tuple[object, ...]] = set()
    queue: deque[tuple[UserState, Convo, bool, Player, bool, list[str],
                       tuple[str, int] | None]] = deque()
    for speaker in (False, True):
        queue.append((start, Convo(), False, Player(), speaker, [], None))
    transitions = 0
    while queue and len(seen) < MAX_NODES:
        state, convo, session, player, speaker, path, failed = queue.popleft()
        key = (*node_key(state, convo, session, player, speaker), failed is not None)
        if key in seen:
            continue
        seen.add(key)
        for event in leaves:
            fresh = convo if session else Convo()
            try:
                out = step(state, fresh, event, player.context(speaker, True), world)
            except Exception as exc:  # the core is total: every event has an answer
                fails.append(f"{type(exc).__name__}: {exc} on {event!r} after {path[-8:]}")
                continue
            transitions += 1
            check(fails, [*path, type(event).__name__], event, player.context(speaker, True),
                  state, out, content, failed)
        moves: list[tuple[ev.Event, Device, Player | None]] = [
            (e, player.context(speaker, True), None) for e in spoken]
        if speaker:
            moves += [(e, nxt.context(True, False) if isinstance(e, ev.PlaybackStopped)
                       else player.context(True, False), nxt)
                      for e, nxt in player.device_events()]
        for event, device, reported in moves:
            if isinstance(event, ev.SessionEnded) and not session:
                continue
            fresh = convo if session and device.can_speak else Convo()
            try:
                out = step(state, fresh, event, device, world)
            except Exception as exc:  # the core is total: every event has an answer
                fails.append(f"{type(exc).__name__}: {exc} on {event!r} after {path[-8:]}")
                continue
            transitions += 1
            label = type(event).__name__
            check(fails, [*path, label], event, device, state, out, content, failed)
            after = (reported or player).after(out)
            open_session = session if not device.can_speak else out.plan.end is False
            pos = out.state.position
            run = (pos.routine, pos.seed) if pos else None
            now_failed = (run if isinstance(event, ev.PlaybackFailed) and state.position
                          else failed if run == failed else None)
            queue.append((out.state, out.convo if open_session else Convo(), open_session,
                          after, speaker, [*path, label], now_failed))
    return len(seen), transitions, fails


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def test_no_device_rule_fails_in_any_reachable_state(content: Content,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """From a user who has answered the deep-pressure question (the safety crawl below
    starts before it)."""
    nodes, transitions, fails = crawl(content, spoken_events(), answer_events(),
                                      UserState(screened=True))
    with capsys.disabled():
        print(f"\ncrawler: {nodes} states, {transitions} transitions checked "
              f"({', '.join(ROUTINES)}; speaker with and without AudioPlayer)")
    assert nodes < MAX_NODES, "the crawl did not finish: the state space is not finite"
    assert not fails, "\n".join(fails)


def test_no_device_rule_fails_around_pain_and_conditions(
        content: Content, capsys: pytest.CaptureFixture[str]) -> None:
    """Sharp pain, nerve symptoms and conditions, from a new user: every device rule still
    holds, with muscles resting, conditions told and the deep-pressure question asked."""
    nodes, transitions, fails = crawl(content, safety_events(), [], UserState())
    with capsys.disabled():
        print(f"\nsafety crawler: {nodes} states, {transitions} transitions checked "
              f"({', '.join(SAFETY_ROUTINES)})")
    assert nodes < MAX_NODES, "the crawl did not finish: the state space is not finite"
    assert not fails, "\n".join(fails)


def test_help_stop_and_a_way_forward_from_every_state(content: Content) -> None:
    """No dead end: wherever the user is, help answers with a question, stop ends, and
    something moves them on (a turn, a track, or a question about what to do)."""
    world = World(content=content, now=NOW, streaming=True)
    states = sample_states(content, world)
    assert len(states) > 50
    for state, convo, device in states:
        helped = step(state, convo, ev.Help(), device, world).plan
        assert helped.end is False and "?" in helped.speech
        assert step(state, convo, ev.Stop(), device, world).plan.end is True
        forward = [step(state, convo, e, device, world).plan
                   for e in (ev.Resume(), ev.Next(), ev.Yes(), ev.StartOver())]
        assert any(p.turn is not None or any(isinstance(d, Play) for d in p.audio)
                   or (p.end is False and "?" in p.speech) for p in forward), state


def sample_states(content: Content, world: World) -> list[tuple[UserState, Convo, Device]]:
    """States along a walk through each crawled routine on both kinds of speaker."""
    found: list[tuple[UserState, Convo, Device]] = []
    for routine in ROUTINES:
        for device in (Device(progressive=True), Device(audio_player=True)):
            state, convo = UserState(safety_heard=True, screened=True), Convo()
            for e in [ev.StartRoutine(routine), *[ev.Next()] * 12, ev.Pain("ache"), ev.No(),
                      ev.Pain("sharp"), ev.Yes(), ev.Next()]:
                out = step(state, convo, e, device, world)
                state, convo = out.state, out.convo
                found.append((state, convo, device))
    return found


def test_pause_then_resume_continues_where_no_would(content: Content) -> None:
    world = World(content=content, now=NOW, streaming=True)
    device = Device(progressive=True)
    checked = 0
    for routine in content.routines:
        state, convo = UserState(safety_heard=True, screened=True), Convo()
        out = step(state, convo, ev.StartRoutine(routine), device, world)
        while out.convo.asked is Asked.CONTINUE:
            state, convo = out.state, out.convo
            paused = step(state, convo, ev.Pause(), device, world).state
            declined = step(state, convo, ev.No(), device, world).state
            a = step(paused, Convo(), ev.Resume(), device, world).plan
            b = step(declined, Convo(), ev.Resume(), device, world).plan
            assert a.turn is not None and b.turn is not None
            assert a.turn.turn.final.body == b.turn.turn.final.body
            checked += 1
            out = step(state, convo, ev.Next(), device, world)
    assert checked >= len(content.routines)


def test_every_routine_walks_to_its_end_in_both_modes(content: Content) -> None:
    """The end is spoken (a closing question in dialog mode, the last track's closing when
    streamed), counted once, and "start over" then restarts the routine just finished."""
    world = World(content=content, now=NOW, streaming=True)
    for routine in content.routines:
        # dialog mode
        device = Device()
        out = step(UserState(safety_heard=True, screened=True), Convo(),
                   ev.StartRoutine(routine), device, world)
        while out.state.position is not None:
            out = step(out.state, out.convo, ev.Next(), device, world)
        assert out.plan.turn is not None and "?" in out.plan.turn.turn.question
        assert out.state.history.completed == {routine: 1}
        again = step(out.state, Convo(), ev.StartOver(), device, world)
        assert again.plan.turn is not None  # a one-turn routine may finish again at once
        assert again.plan.turn.pos.routine == routine and again.plan.turn.pos.step == 0
        # streaming: the player reports each track finished
        speaker = Device(audio_player=True)
        out = step(UserState(safety_heard=True, screened=True), Convo(),
                   ev.StartRoutine(routine), speaker, world)
        order = track_order(content, content.routines[routine],
                            out.state.effective_prefs(routine))
        token = ""
        for _ in order:
            play = next((d for d in out.plan.audio if isinstance(d, Play)), None)
            token = play.token if play else token
            out = step(out.state, out.convo, ev.PlaybackNearlyFinished(token, 1), replace(
                speaker, can_speak=False, activity="PLAYING", token=token), world)
            finished = step(out.state, out.convo, ev.PlaybackFinished(token, 2), replace(
                speaker, can_speak=False, activity="PLAYING", token=token), world)
            nxt = next((d for d in out.plan.audio if isinstance(d, Play)), None)
            out = finished if nxt is None else replace(finished, plan=replace(
                finished.plan, audio=(nxt,)))
        assert out.state.position is None and out.state.history.completed == {routine: 1}
        again = step(out.state, Convo(), ev.StartOver(), speaker, world)
        plays = [d for d in again.plan.audio if isinstance(d, Play)]
        assert plays and plays[0].pos.routine == routine and plays[0].pos.step == 0
        resumed = step(out.state, Convo(), ev.Resume(), speaker, world)
        assert "not in a routine" not in resumed.plan.speech


@pytest.mark.parametrize("speaker", [Device(), Device(audio_player=True)], ids=["voice", "echo"])
def test_sharp_pain_rests_the_area_today_and_never_returns_to_that_step(
        content: Content, speaker: Device) -> None:
    """Sharp pain in glute release (whose every step works the glutes) ends the session;
    that day nothing resumes on the glutes; the next day the routine goes on after the
    step that hurt, and after the last step there is nothing to go on to."""
    world = World(content=content, now=NOW, streaming=True)
    first = step(UserState(safety_heard=True, screened=True), Convo(),
                 ev.StartRoutine("glute-release"), speaker, world)
    hurt = step(first.state, first.convo if first.plan.end is False else Convo(),
                ev.Pain("sharp", "sharp"), speaker, world)
    assert hurt.plan.end is True and not any(isinstance(d, Play) for d in hurt.plan.audio)
    today = step(hurt.state, Convo(), ev.Resume(), speaker, world).plan
    assert today.turn is None and not any(isinstance(d, Play) for d in today.audio)
    tomorrow = replace(world, now=NOW + timedelta(days=1))
    back = step(hurt.state, Convo(), ev.Resume(), speaker, tomorrow)
    starts = back.plan.turn.pos if back.plan.turn else next(
        d.pos for d in back.plan.audio if isinstance(d, Play))
    assert starts.step == 1  # step 2, not the step that hurt
    # the same on the last step: the routine is over, and nothing pretends otherwise
    on_last = replace(back.state, position=replace(starts, step_done=False))
    hurt = step(on_last, Convo(), ev.Pain("sharp", "sharp"), speaker, tomorrow)
    assert hurt.plan.end is True and hurt.state.position is None
    assert "next time" not in hurt.plan.speech
