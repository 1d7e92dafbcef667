"""`hipcoach routines` and `hipcoach script`: read the content and pacing without a speaker."""

from __future__ import annotations

import click

from skill.content import load_content
from skill.core.limits import ALEXA
from skill.core.packing import pack_all
from skill.core.plan import format_clock, routine_duration_ms, step_timeline, steps
from skill.core.preferences import BreathPace, Detail, HoldLength, Preferences
from skill.core.variation import Phraser


@click.command("routines")
def routines_command() -> None:
    """List the routines with their total time at standard settings."""
    content = load_content()
    prefs = Preferences()
    width = max(len(r) for r in content.routines)
    for rid, routine in content.routines.items():
        total = format_clock(routine_duration_ms(content, routine, prefs))
        count = len(steps(content, routine))
        about = routine.summary
        if routine.variant_of:
            about = (f"(stands in for {routine.variant_of} once the user says they have a "
                     f"{routine.uses.replace('-', ' ')})")
        click.echo(f"{rid:<{width}}  {total:>6}  {count} step{'s' * (count != 1)}  "
                   f"{routine.kind:<7}  {about}")


def _seconds(ms: int) -> str:
    return f"{ms / 1000:6.1f}s"


@click.command("script")
@click.argument("routine_id", metavar="ROUTINE")
@click.option("--hold", type=click.Choice([h.value for h in HoldLength]), default="standard")
@click.option("--breath", type=click.Choice([b.value for b in BreathPace]), default="normal")
@click.option("--detail", type=click.Choice([d.value for d in Detail]), default="detailed")
@click.option("--ssml", is_flag=True, help="Print the packed dialog-mode turns as SSML.")
@click.option("--no-progressive", is_flag=True, help="Pack without progressive responses.")
@click.option("--seed", type=int, default=0, help="Variation seed for cue phrasings.")
def script_command(routine_id: str, hold: str, breath: str, detail: str, ssml: bool,
                   no_progressive: bool, seed: int) -> None:
    """Print a routine's timeline with timestamps, or its turns as SSML.

    Partner routines read as a script for two: every spoken line is labelled GIVER,
    RECEIVER or BOTH, and position changes (rolling over, lying face down again) are
    lines of their own.
    """
    content = load_content()
    routine = content.routines.get(routine_id)
    if routine is None:
        raise click.BadParameter(f"unknown routine; choose from {', '.join(content.routines)}",
                                 param_hint="ROUTINE")
    prefs = Preferences(hold=HoldLength(hold), breath=BreathPace(breath), detail=Detail(detail))
    profile = ALEXA.without_progressive() if no_progressive else ALEXA
    plan = steps(content, routine)
    partner = routine.kind == "partner"
    click.echo(f"{routine.name} ({routine.id}): {len(plan)} steps, "
               f"{format_clock(routine_duration_ms(content, routine, prefs, seed))}")
    if partner and not ssml:
        click.echo("A script for two: each line says who it is for (GIVER, RECEIVER or BOTH).")
    for planned in plan:
        tl = step_timeline(content, planned, prefs, seed)
        holds = ", ".join(f"{(b - a) / 1000:.1f}s" for a, b in tl.holds())
        click.echo(f"\n== Step {planned.index + 1}: {planned.step.title} "
                   f"[{planned.technique.name}] holds {holds}")
        if not ssml:
            for e in tl.events:
                who = f"{e.to.upper():<8} " if partner else ""
                click.echo(f"  {format_clock(e.start_ms):>6} {_seconds(e.duration_ms)}  "
                           f"{e.kind.value:<12} {e.side:<5} {who}{e.text}")
            continue
        last = planned.index == len(plan) - 1
        ask = Phraser(content.cues.phrasings, seed).pick(
            "routine_done" if last else "next_question")[1]
        for n, turn in enumerate(pack_all(tl.events, content.cues, seed, question=ask,
                                          profile=profile), start=1):
            for k, piece in enumerate(turn.pieces, start=1):
                label = "final" if piece is turn.final else f"progressive {k}"
                click.echo(f"-- turn {n}, {label}: plays {_seconds(piece.play_ms)}, "
                           f"{len(piece.ssml)} chars")
                click.echo(piece.ssml)
