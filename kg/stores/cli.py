"""The store side of the command line: ``kg load`` and the store options of ``kg query``.

Store failures (:class:`~kg.stores.presets.StoreError`) exit with status 3, input errors such as
an ill-typed literal with status 2, both as one line on stderr (kg.cli does that).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg import loading
from kg.catalogue import QueryFile
from kg.cli_types import Seconds
from kg.queries import ParameterValue, Result
from kg.stores.presets import (
    DEFAULT_GRAPH_BASE,
    DEFAULT_MAX_ANSWER_MB,
    DEFAULT_READ_TIMEOUT,
    PASSWORD_ENV_DEFAULT,
    PRESETS,
    PROTOCOLS,
    TDB2_STORE,
    StoreOptionError,
    StoreTarget,
    preset,
)

if TYPE_CHECKING:
    from kg.stores.loading import LoadReport, StaleGraph
    from kg.stores.tdb2 import Tdb2Load

__all__ = [
    "LocalStore",
    "load_command",
    "render_load_report",
    "render_tdb2_load",
    "render_removed_staging",
    "store_options",
    "store_query_runner",
    "store_target",
]

QueryRunner = Callable[..., Result]

_PROTOCOL_NAMES = {"gsp": "the Graph Store Protocol", "update": "SPARQL Update"}


@dataclass(frozen=True)
class LocalStore:
    """A store that is a database in a directory (``--store jena-tdb2``), not a server."""

    name: str
    graph_base: str | None = None


def store_target(
    endpoint: str,
    store: str = "generic",
    graph_base: str | None = None,
    user: str | None = None,
    password_env: str = PASSWORD_ENV_DEFAULT,
    environ: Mapping[str, str] | None = None,
    max_answer_mb: int = DEFAULT_MAX_ANSWER_MB,
) -> StoreTarget:
    """The store named by the command-line options; the password comes from the environment."""
    password = None
    if user is not None:
        password = (environ if environ is not None else os.environ).get(password_env)
        if not password:
            raise StoreOptionError(
                f"--user needs a password in the environment variable {password_env} "
                "(--password-env), which is not set"
            )
    return StoreTarget(endpoint, preset(store), graph_base, user, password, max_answer_mb)


def store_options(
    *, required: bool, local_stores: Sequence[str] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add --endpoint, --store, --graph-base, --user, --password-env, --max-answer.

    The command receives them as one argument, ``store``: a StoreTarget, or None when
    --endpoint is optional and not given. A store of ``local_stores`` (a database in a
    directory, no server) is chosen by --store alone: the command then receives
    ``store=None`` and ``local_store`` (its name and the graph base).
    """

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            endpoint = kwargs.pop("endpoint")
            store_name = kwargs.pop("store_name")
            max_answer = kwargs.pop("max_answer_mb")
            options = {
                "store": store_name or "generic",
                "graph_base": kwargs.pop("graph_base"),
                "user": kwargs.pop("user"),
                "password_env": kwargs.pop("password_env"),
            }
            if local_stores:
                local = None
                if store_name in local_stores:
                    if endpoint is not None or options["user"] is not None or max_answer:
                        raise click.UsageError(
                            f"--store {store_name} is a directory (--location), "
                            "it takes no --endpoint, --user or --max-answer"
                        )
                    local = LocalStore(store_name, options["graph_base"])
                kwargs["local_store"] = local
                if local is not None:
                    return command(*args, store=None, **kwargs)
            target = None
            if endpoint is not None:
                target = store_target(
                    endpoint, **options, max_answer_mb=max_answer or DEFAULT_MAX_ANSWER_MB
                )
            elif required:
                raise click.UsageError("Missing option '--endpoint'.")
            elif store_name is not None or options["graph_base"] or options["user"]:
                raise click.UsageError("--store, --graph-base and --user need --endpoint")
            elif max_answer is not None:
                raise click.UsageError("--max-answer needs --endpoint")
            return command(*args, store=target, **kwargs)

        decorators = [
            click.option(
                "--endpoint",
                # A local store needs none; the wrapper then says when one is missing.
                required=required and not local_stores,
                metavar="URL",
                help="The store: its base URL for the oxigraph and virtuoso presets "
                "(http://host:7878, http://host:8890), the dataset URL for fuseki "
                "(http://host:3030/ds), the SPARQL endpoint itself for generic.",
            ),
            click.option(
                "--store",
                "store_name",
                type=click.Choice([*PRESETS, *local_stores]),
                default=None,
                metavar="PRESET",
                help=f"The store's endpoint paths and quirks: {', '.join(PRESETS)}. "
                + "".join(
                    f"{name}: a database in a directory (--location), no server. "
                    for name in local_stores
                )
                + "Default: generic.",
            ),
            click.option(
                "--graph-base",
                metavar="IRI",
                default=None,
                help="Graph of each part is IRI + part name. "
                f"Default: the registry's graphs ({DEFAULT_GRAPH_BASE}PART).",
            ),
            click.option("--user", metavar="U", default=None, help="User name. Default: none."),
            click.option(
                "--password-env",
                metavar="VAR",
                default=PASSWORD_ENV_DEFAULT,
                show_default=True,
                help="Environment variable holding the password for --user.",
            ),
            click.option(
                "--max-answer",
                "max_answer_mb",
                type=click.IntRange(min=1),
                default=None,
                metavar="MB",
                help="The largest answer read from the store, in megabytes once decoded; a "
                f"larger one stops the command (exit status 3). Default: {DEFAULT_MAX_ANSWER_MB}.",
            ),
        ]
        for decorator in reversed(decorators):
            wrapper = decorator(wrapper)
        return wrapper

    return decorate


@click.command("load", short_help="Load the graph into a triple store, a named graph per part.")
@store_options(required=True, local_stores=(TDB2_STORE,))
@click.option(
    "--parts",
    "part_names",
    metavar="LIST",
    default=None,
    help=f"Comma-separated parts to load. Default: every part ({','.join(loading.PARTS)}).",
)
@click.option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    default=None,
    metavar="PROTOCOL",
    help="gsp: Graph Store Protocol PUT; update: chunked SPARQL Update. "
    "Default: gsp, or update for the generic preset.",
)
@click.option(
    "--clean",
    is_flag=True,
    help="Only remove the staging graphs (<graph>-staging of every part) that an "
    "interrupted load left behind; load nothing.",
)
@click.option(
    "--read-timeout",
    type=Seconds(min=0, min_open=True),
    default=DEFAULT_READ_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long each request may take, from connecting to the last byte of the "
    "store's answer, before the load fails.",
)
@click.option(
    "--location",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help=f"With --store {TDB2_STORE}: the directory of the TDB2 database to write with "
    "Jena's bulk loader (new or empty; see --replace).",
)
@click.option(
    "--replace",
    is_flag=True,
    help=f"With --store {TDB2_STORE}: replace the TDB2 database at --location (refused "
    "while a process, such as a Fuseki server, has it open).",
)
def load_command(
    store: StoreTarget | None,
    local_store: LocalStore | None,
    part_names: str | None,
    protocol: str | None,
    clean: bool,
    read_timeout: float,
    location: Path | None,
    replace: bool,
) -> None:
    """Load every part of the graph into its own named graph of a triple store.

    Staging graphs left by an interrupted load are removed first. Each part goes
    into a staging graph, whose triple count and literals are checked; then one
    SPARQL Update replaces all target graphs at once, and every target's count is
    checked against the local count. A failed load leaves the previous graphs in place.

    With --store jena-tdb2 --location DIR, Jena's bulk loader (tdb2.tdbloader) writes a
    TDB2 database (Fuseki's) into a staging directory beside DIR; the database takes
    DIR's place once every graph's count is verified.

    Exit status: 0 when loaded and verified, 2 for bad options or an ill-typed
    literal (nothing is sent), 3 when the store fails, refuses or does not answer.
    """
    names = None
    if part_names is not None:
        names = [name.strip() for name in part_names.split(",") if name.strip()]
    if local_store is not None:
        _load_local(local_store, names, location, replace, protocol, clean)
        return
    if location is not None or replace:
        raise click.UsageError(f"--location and --replace need --store {TDB2_STORE}")
    assert store is not None  # the options wrapper asks for --endpoint otherwise
    # The HTTP client and the progress bar are imported here, not by every kg command.
    from kg.progress import load_progress
    from kg.stores.loading import load_into_store, remove_staging_graphs, shipped_parts

    if clean:
        if part_names is not None or protocol is not None:
            # --clean always removes the staging graphs of every part: a load of any
            # part may have left them, and none of them is ever a part's graph.
            raise click.UsageError("--clean takes no --parts or --protocol")
        removed = remove_staging_graphs(store, read_timeout)
        click.echo(render_removed_staging(removed, store.endpoint))
        return
    parts = shipped_parts(names)
    with load_progress() as progress:
        report = load_into_store(
            store, parts, protocol=protocol, progress=progress, read_timeout=read_timeout
        )
    click.echo(render_load_report(report, store), nl=False)


def _load_local(
    local: LocalStore,
    names: list[str] | None,
    location: Path | None,
    replace: bool,
    protocol: str | None,
    clean: bool,
) -> None:
    """``kg load --store jena-tdb2``: the bulk loader into a TDB2 directory."""
    from kg.stores.loading import shipped_parts
    from kg.stores.tdb2 import load_tdb2

    context = click.get_current_context()
    timed = context.get_parameter_source("read_timeout") is not click.core.ParameterSource.DEFAULT
    if protocol is not None or clean or timed:
        raise click.UsageError(
            f"--store {local.name} takes no --protocol, --clean or --read-timeout"
        )
    if location is None:
        raise click.UsageError(f"--store {local.name} needs --location DIR")
    report = load_tdb2(
        location,
        shipped_parts(names),
        graph_base=local.graph_base,
        replace=replace,
        notify=lambda note: click.echo(f"kg load: {note}", err=True),
    )
    click.echo(render_tdb2_load(report), nl=False)


def render_tdb2_load(report: Tdb2Load) -> str:
    """One line per graph and the total, as for a server; what was replaced or removed."""
    width = max((len(graph.part) for graph in report.graphs), default=4)
    lines = []
    lines += [
        f"{graph.part:<{width}}  {graph.triples:>8} triples  <{graph.graph}>"
        for graph in report.graphs
    ]
    count = len(report.graphs)
    replaced = ", which replaced the previous one" if report.replaced else ""
    lines.append(
        f"loaded {report.triples} triples into {count} graph{'' if count == 1 else 's'} of "
        f"the TDB2 database {report.location}{replaced} ({TDB2_STORE}, Jena's bulk loader) "
        f"in {report.seconds:.2f} s; every count verified"
    )
    return "\n".join(lines) + "\n"


def render_removed_staging(removed: Sequence[StaleGraph], endpoint: str) -> str:
    """One line: the stale staging graphs removed from ``endpoint``, or that there were none."""
    if not removed:
        return f"no staging graphs in {endpoint}"
    count = len(removed)
    shown = ", ".join(f"<{stale.graph}> ({stale.triples} triples)" for stale in removed)
    plural = "" if count == 1 else "s"
    return f"removed {count} stale staging graph{plural} from {endpoint}: {shown}"


def render_load_report(report: LoadReport, target: StoreTarget) -> str:
    """The stale staging graphs removed first, if any; one line per graph; the total.

    Never the credentials.
    """
    width = max((len(graph.part) for graph in report.graphs), default=4)
    lines = [render_removed_staging(report.removed, target.endpoint)] if report.removed else []
    lines += [
        f"{graph.part:<{width}}  {graph.triples:>8} triples  <{graph.graph}>"
        for graph in report.graphs
    ]
    count = len(report.graphs)
    lines.append(
        f"loaded {report.triples} triples into {count} graph{'' if count == 1 else 's'} of "
        f"{target.endpoint} ({report.store}) over {_PROTOCOL_NAMES[report.protocol]} in "
        f"{report.seconds:.2f} s; every count verified"
    )
    return "\n".join(lines) + "\n"


@contextmanager
def store_query_runner(target: StoreTarget, timeout: float | None = None) -> Iterator[QueryRunner]:
    """``run(query, params)`` on the store, like ``kg.queries.run_query`` on a graph.

    ``timeout`` (``kg query --timeout``) also bounds each request to the store, a second
    later than the command's own deadline so that the command reports the time-out,
    not a store failure. No time limit is sent to the store: Oxigraph's server takes
    none per request, and Virtuoso's ``timeout`` parameter answers what it found so far
    as if it were all (its "anytime" queries); closing the connection is what makes
    Virtuoso drop the query.
    """
    from kg.stores.protocols import DEFAULT_READ_TIMEOUT, StoreClient
    from kg.stores.queries import run_query_on_store

    read_timeout = DEFAULT_READ_TIMEOUT if timeout is None else timeout + 1.0
    with StoreClient(target, read_timeout=read_timeout) as client:

        def run(query: QueryFile, params: Mapping[str, ParameterValue] | None = None) -> Result:
            return run_query_on_store(client, query, params)

        yield run
