"""Apache Jena TDB2 (the database behind Fuseki): bulk-load the parts, query the directory.

``kg load --store jena-tdb2 --location DIR`` writes the chosen parts as one N-Quads file,
each part in its own named graph (the same graphs as on a server), and loads it with
Jena's bulk loader, ``tdb2.tdbloader``. The load is never seen half done:

1. every literal is checked locally first (an ill-typed one stops the load, exit 2);
2. the bulk loader fills a staging database in a marked, locked directory beside DIR
   (:class:`kg.owned_output.Staging`); what a killed load left there is recovered first
   (:func:`kg.owned_output.recover`: a database it had moved aside is put back, its
   staging directory removed — only directories that its marker proves are ours);
3. each named graph of the staging database must hold as many triples as its part;
4. only then does the staging database take DIR's place, by two renames. DIR must not
   exist, be empty, or (``replace=True``, ``--replace``) hold a TDB2 database that no
   process has open and nothing else: a database is recognised by TDB2's own files
   (``tdb.lock``, ``Data-NNNN/`` holding its indexes, node table and journal), and any
   other entry is named in the refusal, so no user file is ever deleted.

Queries run in one JVM for many queries (:file:`Tdb2Queries.java`, run from source): a
canned query over the graphs of the asserted parts, an ad hoc one over every part, named
as the query's dataset like the SPARQL Protocol's ``default-graph-uri`` on a server.
"""

from __future__ import annotations

import fcntl
import json
import re
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg import loading
from kg.catalogue import QueryFile
from kg.literal_checks import check_literals
from kg.owned_output import Owner, Staging, recover, refuse_foreign
from kg.parameters import bind_values
from kg.queries import ParameterValue, Result, bind_parameters, get_query, prepare
from kg.stores.jena import run_jena
from kg.stores.loading import LoadedGraph, LocalPart
from kg.stores.presets import TDB2_STORE, StoreError, StoreOptionError, is_graph_base
from kg.stores.queries import boolean_columns, query_form, with_known_prefixes
from kg.stores.virtuoso import read_json_results

__all__ = [
    "TDB2_OWNER",
    "TDB2_STORE",
    "Tdb2Error",
    "Tdb2Load",
    "Tdb2Query",
    "is_tdb2_database",
    "load_tdb2",
    "run_queries_on_tdb2",
    "tdb2_foreign",
    "tdb2_graph",
]

_QUERIES_PROGRAM = Path(__file__).with_name("Tdb2Queries.java")
# TDB2's layout (Jena 4): DIR/tdb.lock and generations DIR/Data-NNNN, each holding the
# B+tree indexes (.bpt, .dat, .idn) of the quad and triple orders, the node table and
# prefix table, their data files, the journal and a tdb.lock of its own.
_GENERATION = re.compile(r"Data-[0-9]{4}")
_INDEXES = "SPO POS OSP GSPO GPOS GOSP SPOG POSG OSPG GPU nodes prefixes".split()
_GENERATION_FILES = frozenset(
    [f"{index}.{suffix}" for index in _INDEXES for suffix in ("bpt", "dat", "idn")]
    + ["nodes-data.bdf", "nodes-data.obj", "prefixes-data.bdf", "prefixes-data.obj"]
    + ["journal.jrnl", "tdb.lock"]
)
# The files without which a generation is no database.
_GENERATION_CORE = frozenset({"nodes.dat", "nodes.idn", "journal.jrnl"})
_COUNT_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class Tdb2Error(StoreError):
    """The bulk loader or a query on a TDB2 database failed; exit status 3 like a store."""


@dataclass(frozen=True)
class Tdb2Load:
    location: Path
    graphs: tuple[LoadedGraph, ...]
    seconds: float
    # A TDB2 database that was at the location before and is replaced by this one.
    replaced: bool = False

    @property
    def triples(self) -> int:
        return sum(graph.triples for graph in self.graphs)


@dataclass(frozen=True)
class Tdb2Query:
    """One query to run: a canned one by name or a QueryFile, with its parameters."""

    query: str | QueryFile
    params: Mapping[str, ParameterValue] | None = None


def tdb2_graph(part: str, graph_base: str | None = None) -> URIRef:
    """The named graph of ``part``: the registry's IRI, or ``graph_base`` + part."""
    if graph_base is None:
        return loading.part_graph(part)
    return URIRef(graph_base + part)


def is_tdb2_database(location: Path) -> bool:
    """Whether ``location`` holds a TDB2 database: a generation ``Data-NNNN`` holding
    TDB2's node table and journal (other files may lie beside it)."""
    if location.is_symlink() or not location.is_dir():
        return False
    return any(
        _GENERATION.fullmatch(child.name)
        and child.is_dir()
        and not child.is_symlink()
        and _GENERATION_CORE <= {file.name for file in child.iterdir() if file.is_file()}
        for child in location.iterdir()
    )


def tdb2_foreign(location: Path) -> list[str]:
    """The entries of ``location`` that are not TDB2's own files (all of them if it holds
    no TDB2 database): what replacing it would delete that TDB2 did not write."""
    entries = sorted(location.iterdir())
    if not is_tdb2_database(location):
        return [entry.name + ("/" if entry.is_dir() else "") for entry in entries]
    foreign = []
    for entry in entries:
        if entry.is_symlink():
            foreign.append(entry.name)
        elif entry.name == "tdb.lock" and entry.is_file():
            continue
        elif _GENERATION.fullmatch(entry.name) and entry.is_dir():
            foreign += [
                f"{entry.name}/{file.name}"
                for file in sorted(entry.iterdir())
                if file.name not in _GENERATION_FILES or file.is_symlink() or not file.is_file()
            ]
        else:
            foreign.append(entry.name + ("/" if entry.is_dir() else ""))
    return foreign


# Staging directories beside the location are marked with this command; a database is
# proven by TDB2's layout (its files change as a server uses it: no manifest holds).
TDB2_OWNER = Owner("kg load --store jena-tdb2", tdb2_foreign, "that are not TDB2's own files")


def load_tdb2(
    location: Path | str,
    parts: Sequence[LocalPart],
    *,
    graph_base: str | None = None,
    replace: bool = False,
    notify: Callable[[str], None] = lambda note: None,
) -> Tdb2Load:
    """Bulk-load ``parts`` into a new TDB2 database at ``location``, each in its named graph.

    ``notify`` is told at once what was recovered from a killed load (even if this one
    then stops)."""
    started = time.monotonic()
    location = Path(location).absolute()
    if graph_base is not None and not is_graph_base(graph_base):
        raise StoreOptionError(f"--graph-base is not an absolute IRI: {graph_base!r}")
    if not location.parent.is_dir():
        raise StoreOptionError(f"--location: the directory {location.parent} does not exist")
    for note in recover(location, TDB2_OWNER).notes(location):
        notify(note)
    replaced = _check_location(location, replace)
    for part in parts:
        check_literals(part.graph, f"part '{part.name}'")
    graphs = tuple(
        LoadedGraph(part.name, tdb2_graph(part.name, graph_base), len(part.graph)) for part in parts
    )
    with Staging(location, TDB2_OWNER) as staging:
        database = staging.output
        quads = staging.scratch / "parts.nq"
        _write_nquads(parts, graphs, quads)
        loaded = run_jena("tdb2.tdbloader", ["--loc", str(database), str(quads)])
        if loaded.returncode != 0:
            raise Tdb2Error(f"the bulk loader failed: {_last_error(loaded.stderr)}")
        _verify(database, graphs, staging.scratch)
        if replaced:
            _refuse_if_open(location)  # a server may have opened it while the loader ran
        staging.swap()
    return Tdb2Load(location, graphs, time.monotonic() - started, replaced)


def _check_location(location: Path, replace: bool) -> bool:
    """Refuse a location that is not ours to fill; True when a database will be replaced."""
    if not location.exists() and not location.is_symlink():
        return False
    if location.is_symlink() or not location.is_dir():
        raise StoreOptionError(f"--location {location} is a file, not a directory")
    if not any(location.iterdir()):
        return False
    if not is_tdb2_database(location):
        raise StoreOptionError(
            f"--location {location} is not empty and holds no TDB2 database; "
            "give a new or empty directory"
        )
    if not replace:
        raise StoreOptionError(
            f"--location {location} already holds a TDB2 database; add --replace to replace it"
        )
    refuse_foreign(location, TDB2_OWNER)
    _refuse_if_open(location)
    return True


def _refuse_if_open(location: Path) -> None:
    """Refuse a database that a process (a Fuseki server, a query) holds open.

    TDB2 holds a POSIX record lock on ``tdb.lock`` while a process has the database open;
    taking the same lock here, and letting it go at once, tells whether one does.
    """
    lock = location / "tdb.lock"
    if not lock.is_file():
        return
    with lock.open("rb+") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = lock.read_text(encoding="utf-8", errors="replace").strip() or "another"
            raise Tdb2Error(
                f"the TDB2 database {location} is open in process {holder} (a Fuseki server?); "
                "stop it before replacing the database"
            ) from None
        fcntl.lockf(handle, fcntl.LOCK_UN)


def _write_nquads(parts: Sequence[LocalPart], graphs: Sequence[LoadedGraph], path: Path) -> None:
    """One N-Quads file: each part's triples in its named graph.

    Blank node labels are rdflib's, unique across parts, so no two parts share a node.
    """
    dataset = Dataset()
    for part, loaded in zip(parts, graphs, strict=True):
        named = dataset.graph(loaded.graph)
        for triple in part.graph:
            named.add(triple)
    dataset.serialize(destination=str(path), format="nquads", encoding="utf-8")


def _verify(database: Path, graphs: Sequence[LoadedGraph], scratch: Path) -> None:
    """Each graph of the new database must hold as many triples as its part, and no other."""
    # Jena's own query command: one query needs no batch program (nor its compilation).
    query = scratch / "count-graphs.rq"
    query.write_text(_COUNT_GRAPHS, encoding="utf-8")
    counted = run_jena(
        "tdb2.tdbquery", ["--loc", str(database), "--query", str(query), "--results=JSON"]
    )
    if counted.returncode != 0:
        raise Tdb2Error(f"Jena could not count the new database: {_last_error(counted.stderr)}")
    try:
        document = json.loads(counted.stdout)
    except ValueError:
        raise Tdb2Error("Jena answered the count of each graph with malformed JSON") from None
    counts = {str(row[0]): int(str(row[1])) for row in read_json_results(document, "SELECT").rows}
    expected = {str(graph.graph): graph.triples for graph in graphs if graph.triples}
    if counts != expected:
        wrong = sorted(
            set(counts) ^ set(expected) | {g for g in expected if counts.get(g) != expected[g]}
        )
        shown = ", ".join(
            f"<{graph}> holds {counts.get(graph, 0)} of {expected.get(graph, 0)}" for graph in wrong
        )
        raise Tdb2Error(
            f"the bulk loader's database does not hold the parts ({shown}); nothing replaced"
        )


def run_queries_on_tdb2(
    location: Path | str,
    queries: Sequence[Tdb2Query],
    *,
    graph_base: str | None = None,
    parts: Sequence[str] = loading.PARTS,
) -> list[Result]:
    """Run every query on the TDB2 database at ``location`` in one JVM; answers in order.

    A canned query answers over the graphs of the asserted parts among ``parts``, an ad
    hoc one over those of every part in ``parts``: the same datasets as on a server.
    """
    location = Path(location).absolute()
    if not is_tdb2_database(location):
        # Jena would create an empty database there and answer nothing.
        raise Tdb2Error(f"--location {location} holds no TDB2 database (load it with kg load)")
    prepared = []
    jobs = []
    for item in queries:
        query_file = item.query if isinstance(item.query, QueryFile) else get_query(item.query)
        # Parsed once (rdflib's parser is the slow part of a batch): the VALUES block that
        # binds the parameters changes neither the form nor the boolean columns.
        parsed = prepare(query_file.text, query_file.path)
        text = bind_values(query_file.text, bind_parameters(query_file, item.params))
        chosen = parts if query_file.ad_hoc else [p for p in parts if p in loading.ASSERTED_PARTS]
        graphs = tuple(str(tdb2_graph(part, graph_base)) for part in chosen)
        jobs.append((with_known_prefixes(text), graphs))
        prepared.append((query_file, query_form(parsed), boolean_columns(parsed)))
    with tempfile.TemporaryDirectory(prefix="kg-tdb2-") as scratch:
        answers = _run_program(location, jobs, Path(scratch), [q.name for q, _, _ in prepared])
    results = []
    for (query_file, form, booleans), answer in zip(prepared, answers, strict=True):
        if form in ("SELECT", "ASK"):
            results.append(read_json_results(json.loads(answer), form, (), booleans))
        else:
            results.append(_read_ntriples(answer, form, query_file.name))
    return results


def _run_program(
    database: Path,
    jobs: Sequence[tuple[str, Sequence[str]]],
    scratch: Path,
    names: Sequence[str],
) -> list[str]:
    """The answer of each (query text, graphs) job, run by Tdb2Queries.java in one JVM."""
    lines = []
    outputs = []
    for number, (text, graphs) in enumerate(jobs):
        query_path = scratch / f"query-{number}.rq"
        query_path.write_text(text, encoding="utf-8")
        output = scratch / f"answer-{number}"
        outputs.append(output)
        lines.append("\t".join([str(query_path), str(output), *graphs]))
    job_file = scratch / "jobs.tsv"
    job_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    finished = run_jena(str(_QUERIES_PROGRAM), [str(database), str(job_file)])
    if finished.returncode != 0:
        raise Tdb2Error(f"Jena could not query {database}: {_last_error(finished.stderr)}")
    answers = []
    for number, output in enumerate(outputs):
        name = names[number]
        error = output.with_name(output.name + ".error")
        if error.is_file():
            message = error.read_text(encoding="utf-8").strip()
            raise Tdb2Error(f"Jena TDB2 failed on {name}: {message}")
        if not output.is_file():
            raise Tdb2Error(f"Jena TDB2 gave no answer to {name}")
        answers.append(output.read_text(encoding="utf-8"))
    return answers


def _read_ntriples(text: str, form: str, name: str) -> Result:
    built = Graph()
    try:
        built.parse(data=text, format="nt")
    except Exception as error:  # rdflib raises several unrelated types for bad N-Triples
        raise Tdb2Error(f"Jena answered {form} {name} with malformed N-Triples: {error}") from None
    triples = tuple(sorted(built, key=lambda triple: tuple(t.n3() for t in triple)))
    return Result(form, ("subject", "predicate", "object"), triples)


def _last_error(stderr: str) -> str:
    """The one line of Jena's output that says what went wrong (its log says much else)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("error: ") or "Exception" in line or "ERROR" in line:
            return line.removeprefix("error: ")
    return lines[-1] if lines else "no message"
