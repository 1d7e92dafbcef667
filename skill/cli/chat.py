"""`hipcoach chat`: type what you would say to Alexa; read (or hear) what Hip Coach answers.

Thin on purpose: it only wires the console's parts (matcher, envelopes, local
directive API, transport, player) from the command-line options.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click

from skill.console.directives import DirectiveInbox
from skill.console.envelopes import DEFAULT_SKILL_ID, EnvelopeFactory
from skill.console.matcher import Matcher
from skill.console.player_sim import SimPlayer
from skill.console.render import Player, Screen
from skill.console.session import ChatSession
from skill.console.speech import Espeak, Silent, Speaker
from skill.console.tracks import TrackLengths
from skill.console.transport import Http, InProcess, Transport, TransportError
from skill.content import load_content
from skill.interaction.committed import LOCALES, model_path
from skill.settings import Settings


def _lines(interactive: bool) -> Iterator[str]:
    """Lines from stdin; with a prompt on a terminal, plain when piped."""
    if not interactive:
        yield from sys.stdin
        return
    while True:
        try:
            yield input("you> ")
        except EOFError:
            click.echo()
            return


def _transport(url: str | None) -> Transport:
    if url:
        return Http(url)
    transport = InProcess()
    try:
        transport.load()
    except TransportError as exc:
        raise click.ClickException(str(exc)) from exc
    return transport


@click.command("chat")
@click.option("--url", metavar="URL",
              help="Talk to a running `hipcoach serve --no-verify` (e.g. "
                   "http://127.0.0.1:5000/alexa) instead of the skill in this process. The "
                   "server must run with --no-verify: the console cannot sign requests. It must "
                   "also reach this machine's loopback for progressive responses.")
@click.option("--fast", is_flag=True,
              help="Show pauses (and simulated tracks) without waiting them out.")
@click.option("--speak", is_flag=True, help="Speak each sentence with espeak-ng.")
@click.option("--user-id", default="amzn1.ask.account.console-user", show_default=True,
              help="The userId in every request; change it to be a new user.")
@click.option("--audio-player", is_flag=True,
              help="Pretend to be a device with AudioPlayer (hands-free streaming mode): "
                   "tracks the skill plays are simulated and the playback events sent.")
@click.option("--no-launch", is_flag=True,
              help="Do not open with a LaunchRequest; the first line is a one-shot request.")
@click.option("--locale", type=click.Choice(LOCALES), default="en-US", show_default=True,
              help="The device's locale: its interaction model (spelling, regional words "
                   "such as 'bum' in en-GB) and the locale in every request.")
def chat_command(url: str | None, fast: bool, speak: bool, user_id: str, audio_player: bool,
                 no_launch: bool, locale: str) -> None:
    """Chat with Hip Coach as if talking to Alexa.

    Starts like "Alexa, open hip coach", then each line you type is one
    utterance, matched against the interaction model and sent as a real
    request envelope (in process by default, the same path Lambda uses).
    Silences in the answer count down at real length unless --fast.
    "exit" ends the session, an empty line is silence, Ctrl-D quits.

    With --audio-player the console plays the skill's tracks on a simulated
    player and sends its events (PlaybackStarted, NearlyFinished, Finished,
    Stopped) as a device would. Piped or with --fast the whole queue plays
    before the next line; on a terminal one track plays at a time: say pause,
    next, previous or resume, "press next" for a device button, press enter
    to keep listening, or Ctrl-C while a track plays to get the prompt back.

    Works with a pipe: printf 'start glute release\\nnext\\nstop\\n' | hipcoach chat --fast
    """
    interactive = sys.stdin.isatty()
    screen = Screen()
    speaker: Speaker = Espeak.find(lambda msg: click.echo(msg, err=True)) if speak else Silent()
    transport = _transport(url)
    content = load_content()
    player = Player(screen, speaker, fast=fast)
    tracks_dir = Settings.from_env().audio_dir / "tracks"  # measured there, not estimated
    audio = SimPlayer(screen, TrackLengths.find(content, tracks_dir), fast=fast,
                      clock=player.clock) if audio_player else None
    with DirectiveInbox() as inbox:
        factory = EnvelopeFactory(api_endpoint=inbox.url, api_access_token=inbox.token,
                                  user_id=user_id, audio_player=audio_player, locale=locale,
                                  application_id=Settings.from_env().skill_id or DEFAULT_SKILL_ID)
        session = ChatSession(transport=transport,
                              matcher=Matcher.from_file(model_path(factory.locale)),
                              factory=factory, player=player, inbox=inbox,
                              echo=not interactive, audio=audio,
                              playthrough=fast or not interactive)
        try:
            session.run(_lines(interactive), launch=not no_launch)
        except KeyboardInterrupt:
            click.echo()
            session.close()
