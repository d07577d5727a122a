"""The ``kg infer`` command: regenerate the inferred part (``data/inferred.ttl``).

It parses its options and calls :mod:`kg.inference`; KgError becomes one line on stderr
and exit code 2 in ``kg.cli``, where this command is registered.
"""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["infer_command"]


@click.command("infer", short_help="Regenerate the inferred part (data/inferred.ttl).")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Write to FILE (through a temporary file beside it). Default: data/inferred.ttl.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if the file differs from what the parts give now.",
)
@click.pass_context
def infer_command(ctx: click.Context, out: Path | None, check: bool) -> None:
    """Compute the RDFS types and super-properties, the types of plans, the agents of
    events, who carried out each activity and the statement of every fact by its
    quotation, from the stated and derived facts of the ontology, data and links parts.

    Exit status: 0 written (or, with --check, up to date), 1 stale (--check), 2 a file
    that cannot be read or written.
    """
    from kg.inference import infer, inferred_path, render_inferred
    from kg.output import write_atomically

    inference = infer()
    document = render_inferred(inference)
    target = out if out is not None else inferred_path()
    summary = (
        f"{inference.triples} triples: {len(inference.types)} types, "
        f"{len(inference.plans)} types of plans, "
        f"{len(inference.superproperties)} super-property statements, "
        f"{len(inference.agents)} agents of events, "
        f"{len(inference.carried_out_by)} agents who carried out activities, "
        f"{len(inference.statements)} statements of facts"
    )
    if check:
        current = target.read_bytes() if target.is_file() else None
        if current != document:
            click.echo(f"{target}: stale; run: kg infer", err=True)
            ctx.exit(1)
        click.echo(f"{target}: up to date ({summary})")
        return
    write_atomically(target, document)
    click.echo(f"{target}: {summary}")
