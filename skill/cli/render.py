"""`hipcoach render`: pre-render streaming-mode tracks so the first play starts at once.

Rendering on demand works too (a Play asks `LazyTracks.url_for`, which calls `track_for`), but
rendering ahead keeps synthesis (and Polly calls) out of request time.
"""

from __future__ import annotations

import click

from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences


@click.command("render")
@click.argument("routine_ids", metavar="[ROUTINE]...", nargs=-1)
@click.option("--hold", type=click.Choice([h.value for h in HoldLength]), default="standard")
@click.option("--breath", type=click.Choice([b.value for b in BreathPace]), default="normal")
@click.option("--detail", type=click.Choice([d.value for d in Detail]), default="detailed")
def render_command(routine_ids: tuple[str, ...], hold: str, breath: str, detail: str) -> None:
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
    prefs = Preferences(hold=HoldLength(hold), breath=BreathPace(breath), detail=Detail(detail))
    renderer = build_renderer(settings, content)
    total = RenderSummary()
    count = sum(len(renderer.tracks_of(r, prefs)) for r in ids)
    with click.progressbar(length=count, label="Rendering tracks") as bar:
        def advance(_ref: TrackRef) -> None:
            bar.update(1)

        for routine_id in ids:
            total.add(renderer.render_routine(routine_id, prefs, progress=advance))
    cues = renderer.render_cue_clips()  # dialog mode's <audio> chimes, indexed for Lambda
    where = (f"s3://{settings.audio_bucket}" if settings.audio_store == "s3"
             else str(settings.audio_dir / "tracks"))
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
