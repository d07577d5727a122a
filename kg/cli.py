"""The ``kg`` command line: parse options, call one library function, print.

Library errors (KgError) become ``kg: <message>`` on stderr and exit code 2 here and
nowhere else (3 for a store that fails, kg.stores.presets.StoreError; 4 for a query stopped by
``--timeout``); a validation that finds violations exits 1. Nothing the user can cause
prints a traceback: Ctrl-C exits 130 (also while the command starts), standard output
that cannot be written (a full disk) is one line and exit code 2, and a reader that
closed the pipe (``kg query --all | head -1``) ends the command quietly with 141, the
status of a Unix tool that SIGPIPE stopped.

Commands other than ``query`` live in their own modules and are imported only when they
run (or when help lists them): a ``kg query`` should not pay for the HTTP client, the
SHACL engine or the exporters.
"""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as the shell reports a command Ctrl-C stopped

try:
    import signal

    # Ctrl-C is held back while this module loads (its imports, then the commands'
    # definitions) and taken at its end (_take_held_interrupt), so that it stops the
    # command with EXIT_INTERRUPTED whenever it comes.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    import errno
    import importlib
    import os
    from collections.abc import Callable, Sequence
    from contextlib import AbstractContextManager, nullcontext
    from functools import partial
    from pathlib import Path
    from typing import TYPE_CHECKING, Any

    import click
    import pyoxigraph
    from rdflib import Graph

    from kg import __version__
    from kg.cli_types import Seconds
    from kg.errors import KgError, ParameterError
    from kg.interruptible import call_interruptibly
    from kg.literal_positions import silence_literal_conversion_warnings
    from kg.queries import (
        DEFAULT_ENGINE,
        ENGINES,
        QueryFile,
        Result,
        get_query,
        list_queries,
        load_query_file,
        run_query,
    )
    from kg.results import FORMATS, format_result
    from kg.stores.cli import store_options, store_query_runner
except KeyboardInterrupt:
    # Ctrl-C while these imports run (a good part of a second) stops the command like
    # Ctrl-C at any later moment, rather than with a traceback of the import.
    raise SystemExit(EXIT_INTERRUPTED) from None

if TYPE_CHECKING:
    from kg.stores.presets import StoreTarget

__all__ = ["main"]

# Command name → "module:attribute" of the click command, imported on first use.
_LAZY_COMMANDS = {
    "export": "kg.cli_release:export_command",
    "stats": "kg.cli_release:stats_command",
    "release": "kg.cli_release:release_command",
    "context": "kg.cli_release:context_command",
    "infer": "kg.cli_infer:infer_command",
    "load": "kg.stores.cli:load_command",
    "serve": "kg.cli_serve:serve_command",
    "site": "kg.cli_site:site_command",
}

EXIT_VIOLATIONS = 1
# kg validate --timeout's default: the shipped graph takes about a second, a thousand copies
# of it under a minute; what is still running after ten minutes is taken to be stuck.
VALIDATE_TIMEOUT = 600.0
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a Unix tool stopped by a closed pipe reports
# errno values of a write that failed for want of room or of a working device.
_WRITE_FAILURES = {errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT}


class _Group(click.Group):
    """Turns the library's errors into one line on stderr and exit code 2.

    Also finds the commands of ``_LAZY_COMMANDS`` when they are asked for.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # --help and --version of the group itself are written while its options are
        # parsed, before invoke(): an output that cannot take them is reported here.
        try:
            return super().main(*args, **kwargs)
        except OSError as error:
            sys.exit(_report_output_error(error))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY_COMMANDS and cmd_name not in self.commands:
            module_name, attribute = _LAZY_COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module_name), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                # Flushed here, so that a full disk or a closed pipe is reported below
                # and not by the interpreter on its way out.
                sys.stdout.flush()
        except KgError as error:
            click.echo(f"kg: {_one_line(str(error))}", err=True)
            ctx.exit(getattr(error, "exit_code", EXIT_USAGE))
        except KeyboardInterrupt:
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as error:
            ctx.exit(_report_output_error(error))


def _one_line(message: str) -> str:
    """``message`` with each unprintable character escaped, as ``repr`` writes it.

    A file name or value typed by the user may hold a newline or a terminal escape; the
    error contract is one line, and the terminal should not interpret what it shows.
    """
    if message.isprintable():
        return message
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in message)


def _report_output_error(error: OSError) -> int:
    """Say why the output could not be written (a closed pipe needs no word); the exit code."""
    _discard_stdout()
    if isinstance(error, BrokenPipeError):
        return EXIT_BROKEN_PIPE
    click.echo(f"kg: {_one_line(_describe_os_error(error))}", err=True)
    return EXIT_USAGE


def _discard_stdout() -> None:
    """Point standard output at /dev/null: what is still buffered can never be written.

    Without this the interpreter tries again when it exits and prints "Exception ignored".
    """
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (click's test runner): nothing is flushed at exit


def _describe_os_error(error: OSError) -> str:
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is not None:
        return f"{error.filename}: {reason}"
    if error.errno in _WRITE_FAILURES:
        return f"cannot write the output: {reason}"
    return reason


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kg")
def main() -> None:
    """Validate and query the siege626 knowledge graph (the siege of Constantinople, 626)."""
    # rdflib logs a traceback for each ill-typed literal it meets (many times over for
    # one literal); kg validate reports each one once, with its position, instead.
    silence_literal_conversion_warnings()


@main.command("validate", short_help="Check the data against the shapes and quality checks.")
@click.argument("data_files", nargs=-1, type=click.Path(path_type=Path), metavar="[DATA_FILE]...")
@click.option(
    "--ontology",
    "ontology_files",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Ontology file, repeatable. Default: ontology/siege626.ttl and ontology/alignments.ttl.",
)
@click.option(
    "--shapes",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="SHACL shapes file. Default: ontology/shapes.ttl.",
)
@click.option(
    "--links",
    "links_files",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Links-layer file, repeatable. Default: data/links.ttl when no DATA_FILE is given, "
    "otherwise none.",
)
@click.option(
    "--checks",
    "checks_dir",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Directory of *-violation.rq quality checks. Default: queries/qc/.",
)
@click.option(
    "--engine",
    "shacl_engine",
    type=click.Choice(["oxigraph", "pyshacl"]),
    default="oxigraph",
    show_default=True,
    help="SHACL engine: oxigraph runs each constraint once over all its focus nodes on the "
    "embedded store; pyshacl is the reference. Both give the same results.",
)
@click.option(
    "--timeout",
    type=Seconds(0, min_open=True),
    default=VALIDATE_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a validation that runs longer than this (exit status 4).",
)
@click.option(
    "--allow-warnings",
    is_flag=True,
    help="Exit 0 when the only results are of severity sh:Warning or sh:Info; the report "
    "says the warnings were allowed (the data does not conform in SHACL's sense). "
    "Default: any result fails.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "turtle", "json-ld"]),
    default="text",
    show_default=True,
    metavar="FORMAT",
    help="text: the report for people; turtle or json-ld: the SHACL validation report graph "
    "(sh:ValidationReport, sh:conforms, an sh:result for each result).",
)
@click.pass_context
def validate_command(
    ctx: click.Context,
    data_files: tuple[Path, ...],
    ontology_files: tuple[Path, ...],
    shapes: Path | None,
    links_files: tuple[Path, ...],
    checks_dir: Path | None,
    shacl_engine: str,
    timeout: float,
    allow_warnings: bool,
    output_format: str,
) -> None:
    """Check DATA_FILEs (default: data/siege626.ttl) against the shapes and quality checks.

    The quality checks (*-violation.rq) run over ontology + data + links; any row one
    returns is a violation.

    The data conforms only when there is no result at all, of any severity (SHACL 3.6.1);
    --allow-warnings accepts results of severity sh:Warning and sh:Info.

    \b
    Exit status:
      0    the data conforms (or has only warnings and infos, with --allow-warnings)
      1    it does not conform; the report says why
      2    the validation could not be done: a file missing or malformed, shapes that
           are ill-formed or that the engine refuses, a quality check that fails;
           one line on standard error, never exit 1
      4    the validation ran past --timeout
      130  interrupted (Ctrl-C)
    """
    from kg.errors import QueryTimeoutError, ValidationSetupError, ValidationTimeoutError
    from kg.reporting import render_report, summary_line
    from kg.validation import validate

    try:
        # In a thread of its own, like kg query: Oxigraph evaluates a constraint or a
        # check without coming back to Python, and only the main thread's wait can stop it.
        report = call_interruptibly(
            validate,
            data_paths=list(data_files) or None,
            ontology_paths=list(ontology_files) or None,
            shapes_path=shapes,
            qc_dir=checks_dir,
            links_paths=list(links_files) or None,
            engine=shacl_engine,
            timeout=timeout,
            allow_warnings=allow_warnings,
        )
    except QueryTimeoutError:
        raise ValidationTimeoutError(timeout) from None
    except (KgError, KeyboardInterrupt, OSError):
        raise
    except Exception as error:  # noqa: BLE001 - a fault must not read as "does not conform"
        # Left to click, it would print a traceback and exit 1, the status of a graph that
        # does not conform; the exit status of a validation never done is 2.
        reason = (str(error).strip().splitlines() or [""])[0][:200]
        raise ValidationSetupError(
            f"the validation failed ({type(error).__name__}: {reason}); this is a fault of kg"
        ) from None
    if report.engine_note is not None:
        click.echo(f"kg validate: SHACL by pyshacl, because {report.engine_note}", err=True)
    if output_format != "text":
        from kg.report_graph import serialize_report

        click.echo(serialize_report(report, output_format), nl=False)
    else:
        text = render_report(report) if report.violations else summary_line(report) + "\n"
        click.echo(text, nl=False)
    ctx.exit(0 if report.accepted else EXIT_VIOLATIONS)


@main.command("query", short_help="Run a canned or ad hoc SPARQL query.")
@click.argument("name", required=False)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Value of a query parameter, repeatable. Default: the value the query's header gives.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format; csv, tsv and json are the SPARQL 1.1 results formats.",
)
@click.option("--list", "list_only", is_flag=True, help="List the canned queries, then exit.")
@click.option("--all", "run_all", is_flag=True, help="Run every canned query with its defaults.")
@click.option(
    "--file",
    "query_file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Run the SPARQL query in FILE instead of a canned one.",
)
@click.option(
    "--data",
    "data_files",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Turtle file to query, repeatable. Default: the ontology and data files.",
)
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Directory of canned queries. Default: queries/.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=DEFAULT_ENGINE,
    show_default=True,
    help="The embedded SPARQL engine: Oxigraph, or rdflib's own. Both give the canned "
    "queries the same answers; Oxigraph is much faster (bench/RESULTS.md).",
)
@click.option(
    "--timeout",
    type=Seconds(0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Stop a query that runs longer than this (exit status 4); with --endpoint, also "
    "how long to wait for the store's answer. Each query of --all has its own. "
    "Default: no limit.",
)
@click.option(
    "--prefixes",
    "list_prefixes",
    is_flag=True,
    help="List the prefixes a query may use without a PREFIX line, then exit.",
)
@store_options(required=False)
def query_command(
    name: str | None,
    params: tuple[str, ...],
    output_format: str,
    list_only: bool,
    run_all: bool,
    query_file: Path | None,
    data_files: tuple[Path, ...],
    queries_dir: Path | None,
    engine: str,
    timeout: float | None,
    list_prefixes: bool,
    store: StoreTarget | None,
) -> None:
    """Run the canned query NAME (see --list), every canned query (--all) or a file (--file).

    With --endpoint the query runs on a triple store that `kg load` filled, over the
    graphs of every part, and answers as it does here.

    Exit status: 0 with an answer, 2 for a bad query, parameter or file, 3 when the
    store fails, 4 when a query runs past --timeout, 130 when interrupted (Ctrl-C).
    """
    chosen = [name is not None, list_only, run_all, query_file is not None, list_prefixes]
    if sum(chosen) != 1:
        raise click.UsageError("give exactly one of NAME, --list, --all, --file or --prefixes")
    if list_prefixes:
        click.echo(render_prefixes(), nl=False)
        return
    if list_only:
        click.echo(render_listing(list_queries(queries_dir)), nl=False)
        return
    runner: AbstractContextManager[Callable[..., Result]]
    if store is not None:
        if data_files:
            raise click.UsageError("give --data or --endpoint, not both")
        runner = store_query_runner(store, timeout=timeout)
    else:
        # Parsing a large --data file happens in Oxigraph too: Ctrl-C must reach it.
        source = call_interruptibly(_embedded_source, engine, data_files, query_file is not None)
        runner = nullcontext(partial(run_query, source))
    with runner as unbounded_run:
        # Each query runs in a thread of its own, so that Ctrl-C and --timeout stop
        # even one that Oxigraph evaluates without coming back to Python.
        run = partial(call_interruptibly, unbounded_run, timeout=timeout)
        if run_all:
            click.echo(run_every_query(run, list_queries(queries_dir), output_format), nl=False)
            return
        query = load_query_file(query_file) if query_file else get_query(str(name), queries_dir)
        result = run(query, parse_param_options(params))
    click.echo(format_result(result, output_format), nl=False)


def _embedded_source(
    engine: str, data_files: Sequence[Path], ad_hoc: bool = False
) -> Graph | pyoxigraph.Store:
    """What the query runs on: an Oxigraph store or an rdflib graph of the files.

    Without --data, the shipped parts, each in its named graph of the store (a canned
    query leaves out the generated part inferred: kg.queries.dataset_options). rdflib's
    graph has no named graphs to choose from: it holds the asserted parts for a canned
    query, and every part for an ad hoc one (``ad_hoc``).
    """
    from kg import loading
    from kg.engines import load_store

    if engine == "rdflib":
        if data_files:
            return loading.load_files(data_files)
        return loading.load_graph() if ad_hoc else loading.load_graph(loading.ASSERTED_PARTS)
    return load_store(data_files) if data_files else loading.load_store_parts()


def render_prefixes() -> str:
    """Each known prefix and its namespace, one a line (``kg query --prefixes``)."""
    from kg.namespaces import KNOWN_PREFIXES

    width = max(len(prefix) for prefix in KNOWN_PREFIXES) + 1
    return "".join(
        f"{prefix + ':':<{width}} {namespace}\n" for prefix, namespace in KNOWN_PREFIXES.items()
    )


def parse_param_options(options: Sequence[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings to a mapping; a name given twice is an error."""
    params: dict[str, str] = {}
    for option in options:
        key, separator, value = option.partition("=")
        key = key.strip()
        if not separator or not key:
            raise ParameterError(f"--param expects NAME=VALUE, got {option!r}")
        if key in params:
            raise ParameterError(f"parameter '{key}' given twice")
        params[key] = value
    return params


def render_listing(queries: Sequence[QueryFile]) -> str:
    """Each query's name and question, then one line per parameter with its default."""
    if not queries:
        return "(no canned queries)\n"
    width = max(len(query.name) for query in queries)
    lines = []
    for query in queries:
        lines.append(f"{query.name:<{width}}  {query.question}")
        for parameter in query.parameters:
            default = parameter.default_text if parameter.default_text is not None else "required"
            lines.append(
                f"{'':<{width}}    --param {parameter.name}=… ({parameter.kind}, default "
                f"{default}) {parameter.description}".rstrip()
            )
    return "\n".join(lines) + "\n"


def run_every_query(
    run: Callable[..., Result] | Graph | pyoxigraph.Store,
    queries: Sequence[QueryFile],
    output_format: str,
) -> str:
    """Each query's name and question, then its result with default parameters.

    ``run(query)`` answers one query; a Graph or a Store is queried with
    kg.queries.run_query.
    """
    if isinstance(run, Graph | pyoxigraph.Store):
        run = partial(run_query, run)
    blocks = []
    for query in queries:
        heading = f"{query.name}: {query.question}"
        required = [p.name for p in query.parameters if p.default is None]
        if required:
            body = f"(not run: needs --param {', '.join(required)})\n"
        else:
            body = format_result(run(query), output_format)
        blocks.append(f"{heading}\n{body}")
    return "\n".join(blocks)


def _take_held_interrupt() -> None:
    """Let Ctrl-C in again; one pressed while the module loaded stops the command here."""
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    except KeyboardInterrupt:
        raise SystemExit(EXIT_INTERRUPTED) from None


_take_held_interrupt()
