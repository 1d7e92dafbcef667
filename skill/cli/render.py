"""`hipcoach render`: pre-render streaming-mode tracks so the first play starts at once.

Rendering on demand works too (a Play asks `LazyTracks.url_for`, which calls `track_for`), but
rendering ahead keeps synthesis (and Polly calls) out of request time, and on Lambda (no
ffmpeg) a track that was not rendered ahead means dialog mode for that user.

`--all-preferences` renders every combination a user can reach (hold x breath x detail x
first side; a flag given with it fixes that axis). It plans every track first, which
synthesizes the lines not yet cached; names are content hashes, so combinations that sound
the same share one track and are counted once. It says how many tracks are stored, renders
the first missing one to measure this machine's rate, prints the estimated size and time,
then renders the rest under a progress bar. Stored tracks are skipped: an interrupted run
resumes where it stopped, and a second run renders nothing.

Both also draw the now-playing images (skill.audio.art) of the routines, once: they do not
depend on preferences, and stored ones are skipped like tracks.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

from skill.content.model import Side
from skill.core.limits import STREAM_MIN_BITRATE_KBPS
from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences

if TYPE_CHECKING:
    from skill.audio.render import TrackPlan, TrackRenderer

INDEX_FLUSH_EVERY = 25
"""Rendered tracks between writes of the track index (on S3 each write PUTs the whole file).
A run killed outright loses at most these entries; their tracks are stored, so the next run
skips them and records them."""
FLOOR_BYTES_PER_S = STREAM_MIN_BITRATE_KBPS * 1000 / 8
"""What a second of silence costs in a track: every frame sits at the floor."""


def preference_grid(hold: str | None = None, breath: str | None = None,
                    detail: str | None = None, first_side: str | None = None
                    ) -> list[Preferences]:
    """Every combination of preferences a user can reach; an axis given is fixed."""
    holds = [HoldLength(hold)] if hold else list(HoldLength)
    breaths = [BreathPace(breath)] if breath else list(BreathPace)
    details = [Detail(detail)] if detail else list(Detail)
    sides = [Side(first_side)] if first_side else list(Side)
    return [Preferences(hold=h, breath=b, detail=d, first_side=s)
            for h, b, d, s in itertools.product(holds, breaths, details, sides)]


@dataclass
class Job:
    """One distinct track and every (routine, step, side, preferences) it plays for."""

    plan: TrackPlan
    keys: list[str] = field(default_factory=list)
    """Track-index keys (skill.audio.index.track_key) that this track answers."""


def plan_all(renderer: TrackRenderer, routine_ids: Sequence[str],
             grid: Sequence[Preferences]) -> tuple[dict[str, Job], int]:
    """Plan every track slot; the distinct tracks by name, and how many slots there were."""
    from skill.audio.index import track_key

    slots = [(r, step, side, prefs) for r in routine_ids for prefs in grid
             for step, side in renderer.tracks_of(r, prefs)]
    jobs: dict[str, Job] = {}
    with click.progressbar(slots, label="Planning tracks (speech synthesized once)") as bar:
        for routine_id, step, side, prefs in bar:
            plan = renderer.plan(routine_id, step, side, prefs)
            jobs.setdefault(plan.name, Job(plan)).keys.append(
                track_key(routine_id, step, side, prefs))
    return jobs, len(slots)


@dataclass(frozen=True)
class Estimate:
    """Size and time of what is left, scaled from one track rendered on this machine."""

    spoken_bytes_per_s: float
    seconds_per_audio_s: float

    @classmethod
    def from_probe(cls, plan: TrackPlan, size: int, seconds: float) -> Estimate:
        total_s, spoken_s = plan.timeline.duration_ms / 1000, plan.spoken_ms / 1000
        spoken = (size - (total_s - spoken_s) * FLOOR_BYTES_PER_S) / spoken_s if spoken_s else 0
        return cls(max(spoken, FLOOR_BYTES_PER_S), seconds / total_s if total_s else 0.0)

    def size(self, plan: TrackPlan) -> float:
        total_s, spoken_s = plan.timeline.duration_ms / 1000, plan.spoken_ms / 1000
        return spoken_s * self.spoken_bytes_per_s + (total_s - spoken_s) * FLOOR_BYTES_PER_S

    def seconds(self, plan: TrackPlan) -> float:
        return plan.timeline.duration_ms / 1000 * self.seconds_per_audio_s


def _mb(size: float) -> str:
    return f"{size / 1e6:.1f} MB"


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def render_all(renderer: TrackRenderer, routine_ids: Sequence[str],
               grid: Sequence[Preferences], clock: Callable[[], float] = time.perf_counter
               ) -> None:
    """`--all-preferences`: plan, report, probe, estimate, then render what is missing."""
    start = clock()
    jobs, slots = plan_all(renderer, routine_ids, grid)
    stored = {name for name in jobs if renderer.store.exists(name)}
    todo = [job for name, job in jobs.items() if name not in stored]
    index = renderer.index
    if index is not None:  # stored tracks a previous (perhaps interrupted) run did not record
        index.record_many((k, name) for name in stored for k in jobs[name].keys)
    axes = {a: len({getattr(p, a) for p in grid}) for a in ("hold", "breath", "detail",
                                                             "first_side")}
    click.echo(f"preference combinations: {len(grid)} (hold {axes['hold']} x breath "
               f"{axes['breath']} x detail {axes['detail']} x first side {axes['first_side']})")
    click.echo(f"routines: {len(routine_ids)}")
    click.echo(f"track slots: {slots} (routine x step x side x preferences)")
    click.echo(f"distinct tracks: {len(jobs)} (combinations that sound the same share one)")
    click.echo(f"already stored: {len(stored)}")
    click.echo(f"to render: {len(todo)}")
    click.echo(f"planning took: {_clock(clock() - start)}")
    if not todo:
        click.echo(f"nothing to render: all {len(jobs)} tracks are already stored")
        return
    audio_s = sum(job.plan.timeline.duration_ms for job in todo) / 1000
    click.echo(f"audio to render: {audio_s / 3600:.2f} h")
    written, done = 0, 0
    pending: list[tuple[str, str]] = []

    def store(job: Job) -> float:
        """Render and store one track, record it in the index every so often; seconds taken."""
        nonlocal written, done
        t0 = clock()
        written += renderer.store_plan(job.plan)
        done += 1
        pending.extend((key, job.plan.name) for key in job.keys)
        if index is not None and done % INDEX_FLUSH_EVERY == 0:
            index.record_many(pending)
            pending.clear()
        return clock() - t0

    began = clock()
    try:
        seconds = store(todo[0])  # the probe: a real track, measured
        est = Estimate.from_probe(todo[0].plan, written, seconds)
        size = written + sum(est.size(job.plan) for job in todo[1:])
        click.echo(f"estimated size: {_mb(size)} (measured on the first track: silence "
                   f"{STREAM_MIN_BITRATE_KBPS} kbps, speech "
                   f"{est.spoken_bytes_per_s * 8 / 1000:.0f} kbps)")
        eta = sum(est.seconds(job.plan) for job in todo[1:])
        speed = 1 / est.seconds_per_audio_s if est.seconds_per_audio_s else 0.0
        click.echo(f"estimated time: {_clock(eta)} (the first track rendered at "
                   f"{speed:.0f}x real time)")
        with click.progressbar(length=len(todo), label="Rendering tracks") as bar:
            bar.update(1)
            for job in todo[1:]:
                store(job)
                bar.update(1)
    finally:
        if index is not None and pending:
            index.record_many(pending)
        if done < len(todo):
            click.echo(f"interrupted after {done} of {len(todo)} tracks: run the same "
                       "command again to resume (stored tracks are skipped)", err=True)
    taken = clock() - began
    click.echo(f"rendered: {done} tracks, {_mb(written)}")
    click.echo(f"rendering took: {_clock(taken)} ({audio_s / taken if taken else 0:.0f}x "
               "real time)")


@click.command("render")
@click.argument("routine_ids", metavar="[ROUTINE]...", nargs=-1)
@click.option("--all-preferences", "all_prefs", is_flag=True,
              help="Every hold x breath x detail x first side a user can reach; a flag "
                   "below fixes its axis.")
@click.option("--hold", type=click.Choice([h.value for h in HoldLength]), default=None,
              help="Default standard; with --all-preferences, only this value.")
@click.option("--breath", type=click.Choice([b.value for b in BreathPace]), default=None,
              help="Default normal; with --all-preferences, only this value.")
@click.option("--detail", type=click.Choice([d.value for d in Detail]), default=None,
              help="Default detailed; with --all-preferences, only this value.")
@click.option("--first-side", type=click.Choice([s.value for s in Side]), default=None,
              help="Default left; with --all-preferences, only this value.")
def render_command(routine_ids: tuple[str, ...], all_prefs: bool, hold: str | None,
                   breath: str | None, detail: str | None, first_side: str | None) -> None:
    """Render routines (all when none is named) to MP3 tracks; upload them when the store is S3."""
    from skill.audio.render import RenderSummary, TrackRef, build_renderer
    from skill.content import load_content
    from skill.settings import Settings

    settings = Settings.from_env()
    content = load_content()
    unknown = [r for r in routine_ids if r not in content.routines]
    if unknown:
        raise click.BadParameter(f"unknown routine {', '.join(unknown)}; choose from "
                                 f"{', '.join(content.routines)}", param_hint="ROUTINE")
    ids = list(routine_ids) or list(content.routines)
    renderer = build_renderer(settings, content)
    where = (f"s3://{settings.audio_bucket}" if settings.audio_store == "s3"
             else str(settings.audio_dir / "tracks"))
    if all_prefs:
        render_all(renderer, ids, preference_grid(hold, breath, detail, first_side))
        click.echo(f"stored in: {where}")
        click.echo(f"cue clips: {len(renderer.render_cue_clips())}")
        render_art(renderer, ids)
        return
    prefs = preference_grid(hold or HoldLength.STANDARD.value, breath or BreathPace.NORMAL.value,
                            detail or Detail.DETAILED.value, first_side or Side.LEFT.value)[0]
    total = RenderSummary()
    count = sum(len(renderer.tracks_of(r, prefs)) for r in ids)
    with click.progressbar(length=count, label="Rendering tracks") as bar:
        def advance(_ref: TrackRef) -> None:
            bar.update(1)

        for routine_id in ids:
            total.add(renderer.render_routine(routine_id, prefs, progress=advance))
    cues = renderer.render_cue_clips()  # dialog mode's <audio> chimes, indexed for Lambda
    speed = total.audio_seconds / total.seconds_taken if total.seconds_taken > 0 else 0.0
    click.echo(f"stored in: {where}")
    click.echo(f"tracks: {total.tracks}")
    click.echo(f"audio seconds: {total.audio_seconds:.1f}")
    click.echo(f"seconds taken: {total.seconds_taken:.2f} ({speed:.0f}x real time)")
    click.echo(f"clips from cache: {total.from_cache}")
    click.echo(f"clips from recordings: {total.from_recordings}")
    click.echo(f"clips synthesized: {total.synthesized}")
    click.echo(f"tracks reused: {total.tracks_reused}")
    click.echo(f"cue clips: {len(cues)}")
    render_art(renderer, ids)


def render_art(renderer: TrackRenderer, routine_ids: Sequence[str]) -> None:
    """The routines' now-playing images, drawn once whatever the preferences; needs Pillow."""
    from skill.audio.art import can_draw, render_images, slots

    if not can_draw():
        click.echo("now-playing images: skipped (drawing them needs Pillow, in the "
                   "project's `local` extra); Plays go without art")
        return
    count = len(slots(renderer.content, routine_ids))
    with click.progressbar(length=count, label="Drawing now-playing images") as bar:
        done = render_images(renderer.content, renderer.store, renderer.index, routine_ids,
                             renderer.work_dir, progress=lambda: bar.update(1))
    click.echo(f"now-playing images: {done.images} for {done.steps} steps and sides "
               f"({done.drawn} drawn, {done.images - done.drawn} already stored)")
