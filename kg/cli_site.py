"""The ``kg site`` command: the whole site as static files, for any static host."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli_types import dist_option

__all__ = ["site_command"]


@click.command("site", short_help="Write the whole site as static files (and w3id.org rules).")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Directory to write the copy to (built beside it, then renamed into place).",
)
@click.option(
    "--base-url",
    required=True,
    metavar="URL",
    help="Where the copy is published: the root of a host, e.g. https://siege626.example.org/.",
)
@dist_option("copied under /dist/")
@click.option(
    "--force",
    is_flag=True,
    help="Replace DIR if it is empty or a previous copy (every file as kg site wrote it).",
)
def site_command(out: Path, base_url: str, dist_dir: Path, force: bool) -> None:
    """Write every page, every resource's data documents, the ontology, the parts, the
    canned questions with their answers and the release files to DIR, as kg serve
    --base-url URL serves them; DIR/.htaccess serves them on Apache, and
    DIR/w3id/.htaccess sends https://w3id.org/siege626/... there.
    """
    from kg.progress import count_progress
    from kg.publish import build_site, publication_url

    url = publication_url(base_url)
    result = build_site(
        out,
        base_url=url,
        dist_dir=dist_dir,
        force=force,
        progress=lambda total: count_progress("kg site", total, "files"),
        notify=lambda note: click.echo(f"kg site: {note}", err=True),
    )
    click.echo(f"kg site: {len(result.files)} files, {result.size} bytes in {result.directory}")
