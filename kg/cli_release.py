"""The ``kg export``, ``kg stats``, ``kg release`` and ``kg context`` commands.

Each parses its options and calls one library function; KgError becomes one line on
stderr and exit code 2 in ``kg.cli``, where these commands are registered.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.canonical import CanonicalDataset, canonicalize
from kg.export import FORMATS, Export, UnknownFormatError, export, get_format, save_export
from kg.jsonld import CONTEXT_IRI, EMBEDDED, build_context, context_bytes, context_path
from kg.jsonld import FORMS as JSONLD_CONTEXTS
from kg.loading import PARTS
from kg.parts import parse_part_list, select_parts
from kg.release import build_release
from kg.stats import STATS_FORMATS, compute_stats, render_stats

__all__ = ["context_command", "export_command", "release_command", "stats_command"]

_PART_HELP = f"Comma-separated parts of the graph ({', '.join(PARTS)}). Default: all of them."


def _dataset(part_list: str | None) -> CanonicalDataset:
    names = None if part_list is None else parse_part_list(part_list)
    return canonicalize(select_parts(names))


def _emit_export(result: Export, out: Path | None) -> None:
    # Streamed, so that a large graph's export is never held whole in memory.
    if out is None:
        stdout = sys.stdout.buffer
        result.write_to(stdout)
        stdout.flush()
    else:
        save_export(result, out)


@click.command("export", short_help="Write the graph as RDF, JSON-LD or Linked Places GeoJSON.")
@click.option(
    "--format",
    "format_name",
    default="turtle",
    show_default=True,
    metavar="FORMAT",
    help=f"One of: {', '.join(FORMATS)}. nquads and trig keep each part in its named graph.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Write to FILE (through a temporary file beside it). Default: standard output.",
)
@click.option("--part", "part_list", default=None, metavar="PART,...", help=_PART_HELP)
@click.option(
    "--fingerprint",
    is_flag=True,
    help="Print the SHA-256 of the canonical N-Quads of the chosen parts instead.",
)
@click.option(
    "--context",
    "context",
    type=click.Choice(JSONLD_CONTEXTS),
    default=EMBEDDED,
    show_default=True,
    help="jsonld: write the context in the document (read offline, by JSON-LD 1.0 and 1.1 "
    f"processors) or refer to {CONTEXT_IRI}.",
)
def export_command(
    format_name: str, out: Path | None, part_list: str | None, fingerprint: bool, context: str
) -> None:
    """Write the graph in FORMAT, byte-identical from run to run.

    Blank nodes are labelled by RDF Dataset Canonicalization (RDFC-1.0). lpf writes the
    places that have coordinates as a Linked Places FeatureCollection and says on
    stderr how many it left out.
    """
    get_format(format_name)  # an unknown format fails before the graph is read
    dataset = _dataset(part_list)
    if fingerprint:
        click.echo(dataset.fingerprint())
        return
    result = export(dataset, format_name, context=context)
    _emit_export(result, out)
    for note in result.notes:
        click.echo(note, err=True)


@click.command("stats", short_help="Count triples per part, entities per class, facts per line.")
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    metavar="FORMAT",
    help=f"One of: {', '.join(STATS_FORMATS)}.",
)
@click.option("--part", "part_list", default=None, metavar="PART,...", help=_PART_HELP)
def stats_command(output_format: str, part_list: str | None) -> None:
    """Triples per part, entities per class, and quotations and facts per source line."""
    if output_format not in STATS_FORMATS:
        shown = output_format if output_format.isprintable() else repr(output_format)
        raise UnknownFormatError(
            f"unknown format '{shown}'; expected one of {', '.join(STATS_FORMATS)}"
        )
    dataset = _dataset(part_list)
    click.echo(render_stats(compute_stats(dataset), output_format, dataset.prefixes), nl=False)


@click.command("release", short_help="Build the publishable release directory.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    metavar="DIR",
    help="The release directory; replaced whole if it is empty or a previous release "
    "(every file as kg release wrote it).",
)
@click.option(
    "--no-docs",
    is_flag=True,
    help="Skip the HTML pages and the class diagram (which need pyLODE and Graphviz).",
)
def release_command(out: Path, no_docs: bool) -> None:
    """Every export, the VoID/DCAT description, FINGERPRINT, docs and SHA256SUMS in DIR."""
    result = build_release(
        out, docs=not no_docs, notify=lambda note: click.echo(f"kg release: {note}", err=True)
    )
    for name in result.files:
        click.echo(f"{(result.directory / name).stat().st_size:>10}  {result.directory / name}")
    click.echo(f"fingerprint {result.fingerprint}")
    for note in result.notes:
        click.echo(note, err=True)


@click.command("context", short_help="Write the JSON-LD context generated from the ontology.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help=f"Write to FILE. Default: standard output. The shipped one is {context_path().name} "
    "in ontology/.",
)
def context_command(out: Path | None) -> None:
    """Generate the JSON-LD context from the ontology part (see kg.jsonld.build_context)."""
    ontology = canonicalize(select_parts(["ontology"]))
    context = context_bytes(build_context(ontology.triples(), ontology.prefixes))
    _emit_export(Export(write_to=lambda stream: stream.write(context)), out)
