"""`hipcoach package`: write (or check) the Alexa skill package, ASK CLI v2 layout.

Without an endpoint it is the committed package (the repository's `skill-package/` and
`ask-resources.json`); the deploy writes one with the stack's function ARN under a folder
of its own (`--out DIR --endpoint-arn ARN`) and runs `ask deploy` there.
"""

from __future__ import annotations

from pathlib import Path

import click

from skill.package.manifest import CERTIFICATE_TYPES, REPOSITORY_URL


@click.command("package")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 naming every file that differs.")
@click.option("--endpoint-arn", metavar="ARN", help="The skill's Lambda function ARN.")
@click.option("--endpoint-url", metavar="URL", help="A self-hosted HTTPS endpoint.")
@click.option("--certificate", type=click.Choice(CERTIFICATE_TYPES),
              help="The certificate type of --endpoint-url.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for skill-package/ and ask-resources.json.")
@click.option("--repository-url", default=REPOSITORY_URL, show_default=True,
              help="Public home of this repository; the privacy notice is docs/privacy.md there.")
def package_command(check: bool, endpoint_arn: str | None, endpoint_url: str | None,
                    certificate: str | None, out: Path, repository_url: str) -> None:
    """Generate skill-package/ (manifest, models, icons) and ask-resources.json."""
    from skill.package.manifest import Endpoint, https_endpoint, lambda_endpoint
    from skill.package.rules import ManifestError
    from skill.package.write import build, differences, write

    if endpoint_arn and endpoint_url:
        raise click.UsageError("give --endpoint-arn or --endpoint-url, not both")
    if bool(endpoint_url) != bool(certificate):
        raise click.UsageError("--endpoint-url and --certificate go together")
    endpoint: Endpoint | None = None
    try:
        if endpoint_arn:
            endpoint = lambda_endpoint(endpoint_arn)
        elif endpoint_url and certificate:
            endpoint = https_endpoint(endpoint_url, certificate)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    try:
        package = build(endpoint, repository_url)
    except (ManifestError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    if check:
        stale = differences(out, package)
        for line in stale:
            click.echo(line)
        if stale:
            raise click.ClickException(f"the skill package in {out} is stale: run "
                                       "`python -m skill.package` (or `hipcoach package`)")
        click.echo(f"skill package in {out} is up to date")
        return
    changed = write(out, package)
    for rel in changed:
        click.echo(f"wrote {out / rel}")
    where = "with endpoint " + endpoint.uri if endpoint else "without an endpoint"
    click.echo(f"skill package in {out} {where}: "
               + (f"{len(changed)} files changed" if changed else "up to date"))
