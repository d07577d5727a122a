"""Apache Jena, the third engine: TDB2 filled by the bulk loader, RIOT reading every export.

Jena comes from Debian (``libapache-jena-java``); the tests are skipped where it is
missing, and fail under SIEGE626_REQUIRE_TOOLS=1. Each JVM runs many jobs (every query
in one, every export but JSON-LD in one), so that the file starts about ten JVMs.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from cli_helpers import assert_one_line_error, invoke, run_killed
from rdflib import Graph, Literal, URIRef

from kg import loading
from kg.catalogue import QueryFile, read_query_file
from kg.export import FORMATS
from kg.literal_checks import IllTypedLiteralError
from kg.queries import Result, list_queries, run_query
from kg.stores.jena import run_jena
from kg.stores.loading import LocalPart
from kg.stores.tdb2 import (
    Tdb2Error,
    Tdb2Query,
    is_tdb2_database,
    load_tdb2,
    run_queries_on_tdb2,
    tdb2_foreign,
)

from .test_store_queries import _assert_same

QUERIES = list_queries()
# Ad hoc queries: booleans bound by expressions, CONSTRUCT, and the dataset itself.
AD_HOC = {
    "boolean-columns": "SELECT ?line ?quoted (?line < 9 AS ?early) (BOUND(?nothing) AS ?bound)\n"
    "WHERE { ?s a sg:Sentence ; sg:lineNumber ?line\n"
    "        BIND(EXISTS { ?q sg:inSentence ?s } AS ?quoted) } ORDER BY ?line",
    "construct": "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a sg:City ; rdfs:label ?l }",
    "ask-false": "ASK WHERE { ?s <https://example.org/no-such-property> ?o }",
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
}
# Canned queries with parameters, bound by the same VALUES block as locally.
PARAMETERS = [
    ("defence-leaders-of-place", {"place": "constantinople"}),
    (
        "quotations-stating-fact",
        {"subject": "bonus", "predicate": "sg:holdsOffice", "object": "magister-militum"},
    ),
    ("events-on-date", {"date": "0626-08-10"}),
    ("facts-stated-by-line", {"line": "9"}),
]
# The formats kg export writes as RDF; lpf is GeoJSON for gazetteers, with the Linked
# Places context by reference, and holds only the places: no triple count to compare.
RDF_FORMATS = [name for name in FORMATS if name != "lpf"]


@dataclasses.dataclass(frozen=True)
class Loaded:
    location: Path
    stale: tuple[Path, ...]  # the staging directory the killed load left
    users: Path
    output: str
    errors: str


@pytest.fixture(scope="module")
def loaded(jena: None, tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """The shipped graph, every part, bulk-loaded once by ``kg load --store jena-tdb2``.

    Beside the location lie what a load killed before the bulk loader leaves (its staging
    directory), and a user's directory with the name older versions staged in.
    """
    directory = tmp_path_factory.mktemp("tdb2")
    location = directory / "siege626"
    users = directory / ".siege626.loading"
    users.mkdir()
    (users / "parts.nq").write_text("the user's own", encoding="utf-8")
    _killed_load(location, "kg.stores.tdb2.run_jena")
    stale = [
        path
        for path in directory.iterdir()
        if path.name.startswith(".siege626.") and path != users
    ]
    code, out, err = invoke("load", "--store", "jena-tdb2", "--location", str(location))
    assert code == 0, err
    return Loaded(location, tuple(stale), users, out, err)


def _killed_load(location: Path, kill_in: str, *args: str) -> None:
    """Run kg load into ``location`` in a child process that is killed (SIGKILL) when it
    calls ``kill_in``: a function's dotted name, or "rename" for the first rename of the
    location itself (the swap's first step)."""
    argv = ["load", "--store", "jena-tdb2", "--location", str(location), *args]
    if kill_in == "rename":
        run_killed(argv, "os.rename", renamed=str(location))
    else:
        run_killed(argv, kill_in)


@pytest.fixture(scope="module")
def database(loaded: Loaded) -> Path:
    return loaded.location


@pytest.fixture(scope="module")
def answers(database: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Every canned and ad hoc query of this file, run on the database in one JVM."""
    directory = tmp_path_factory.mktemp("ad-hoc")
    queries = [Tdb2Query(query) for query in QUERIES]
    names = [query.name for query in QUERIES]
    for name, text in AD_HOC.items():
        queries.append(Tdb2Query(_ad_hoc(directory, name, text)))
        names.append(f"ad-hoc:{name}")
    for number, (name, params) in enumerate(PARAMETERS):
        queries.append(Tdb2Query(name, params))
        names.append(f"params:{number}")
    canned_count = _ad_hoc(directory, "canned-count", AD_HOC["count"], ad_hoc=False)
    queries.append(Tdb2Query(canned_count))
    names.append("canned:count")
    return dict(zip(names, run_queries_on_tdb2(database, queries), strict=True))


def _ad_hoc(directory: Path, name: str, text: str, *, ad_hoc: bool = True) -> QueryFile:
    path = directory / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return dataclasses.replace(read_query_file(path, require_question=False), ad_hoc=ad_hoc)


@pytest.fixture(scope="module")
def asserted() -> Graph:
    return loading.load_graph(loading.ASSERTED_PARTS)


@pytest.mark.parametrize("query", QUERIES, ids=[query.name for query in QUERIES])
def test_canned_query_answers_as_embedded(
    answers: dict[str, Result], asserted: Graph, query: QueryFile
) -> None:
    _assert_same(run_query(asserted, query), answers[query.name])


@pytest.mark.parametrize("name", ["boolean-columns", "construct", "ask-false"])
def test_ad_hoc_queries_answer_as_embedded(
    answers: dict[str, Result], tmp_path: Path, name: str
) -> None:
    local = run_query(loading.load_store_parts(), _ad_hoc(tmp_path, name, AD_HOC[name]))
    _assert_same(local, answers[f"ad-hoc:{name}"])


@pytest.mark.parametrize("number", range(len(PARAMETERS)), ids=[name for name, _ in PARAMETERS])
def test_parameters_are_bound_as_locally(
    answers: dict[str, Result], asserted: Graph, number: int
) -> None:
    name, params = PARAMETERS[number]
    local = run_query(asserted, name, params)
    assert local.rows, "the example should have an answer"
    _assert_same(local, answers[f"params:{number}"])


def test_the_dataset_is_the_asserted_parts_or_every_part(
    answers: dict[str, Result], asserted: Graph
) -> None:
    """A canned query leaves the inferred part out, an ad hoc one sees every part."""
    everything = loading.load_graph()
    assert len(everything) > len(asserted)
    assert int(str(answers["canned:count"].rows[0][0])) == len(asserted)
    assert int(str(answers["ad-hoc:count"].rows[0][0])) == len(everything)


def test_a_query_jena_cannot_run_is_one_line(database: Path, tmp_path: Path) -> None:
    # Valid SPARQL; the service it calls is a closed loopback port, so Jena fails at run time.
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    query = _ad_hoc(tmp_path, "bad", text)
    with pytest.raises(Tdb2Error, match="^Jena TDB2 failed on bad: ") as raised:
        run_queries_on_tdb2(database, [Tdb2Query(query)])
    assert "\n" not in str(raised.value)


def test_no_database_is_created_where_there_was_none(jena: None, tmp_path: Path) -> None:
    with pytest.raises(Tdb2Error, match="holds no TDB2 database"):
        run_queries_on_tdb2(tmp_path / "nothing", [Tdb2Query(QUERIES[0])])
    assert not (tmp_path / "nothing").exists()


def test_kg_load_jena_tdb2_end_to_end(loaded: Loaded) -> None:
    assert is_tdb2_database(loaded.location)
    # The user's directory named like older versions' staging is nobody's to delete.
    assert (loaded.users / "parts.nq").read_text(encoding="utf-8") == "the user's own"
    (stale,) = loaded.stale
    assert not stale.exists()
    assert loaded.errors == (
        f"kg load: removed the staging directory an interrupted run left: {stale}\n"
    )
    lines = loaded.output.splitlines()
    for part, line in zip(loading.PARTS, lines, strict=False):
        triples = len(loading.load_graph([part]))
        assert line.split() == [part, str(triples), "triples", f"<{loading.part_graph(part)}>"]
    total = len(loading.load_graph())
    assert lines[-1].startswith(
        f"loaded {total} triples into 4 graphs of the TDB2 database {loaded.location} "
    )
    assert lines[-1].endswith("every count verified")
    assert sorted(path.name for path in loaded.location.parent.iterdir()) == [
        ".siege626.loading",
        "siege626",
    ]


def test_a_database_is_recognised_by_tdb2s_own_files(database: Path, tmp_path: Path) -> None:
    assert tdb2_foreign(database) == []
    copy = tmp_path / "db"
    subprocess.run(["cp", "-a", str(database), str(copy)], check=True)
    (copy / "Backups").mkdir()
    (copy / "Data-0001" / "notes.txt").write_text("mine", encoding="utf-8")
    assert is_tdb2_database(copy)
    assert tdb2_foreign(copy) == ["Backups/", "Data-0001/notes.txt"]
    code, _, err = invoke("load", "--store", "jena-tdb2", "--location", str(copy), "--replace")
    assert code == 2
    assert_one_line_error(
        err,
        f"{copy}: cannot write (holds 2 entries that are not TDB2's own files: "
        "Backups/, Data-0001/notes.txt; nothing was deleted)",
    )
    assert (copy / "Data-0001" / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("generation", ["Data-photos", "Data-0001"])
def test_a_folder_with_a_data_child_is_no_database(tmp_path: Path, generation: str) -> None:
    """A Data-… child alone is not TDB2's: --replace deletes nothing of such a folder."""
    folder = tmp_path / "folder"
    (folder / generation).mkdir(parents=True)
    (folder / generation / "holiday.jpg").write_bytes(b"\xff\xd8")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert not is_tdb2_database(folder)
    before = sorted(str(path) for path in tmp_path.rglob("*"))
    code, _, err = invoke("load", "--store", "jena-tdb2", "--location", str(folder), "--replace")
    assert code == 2
    assert_one_line_error(err, f"--location {folder} is not empty and holds no TDB2 database")
    assert sorted(str(path) for path in tmp_path.rglob("*")) == before
    assert (folder / generation / "holiday.jpg").read_bytes() == b"\xff\xd8"


def test_a_load_killed_between_the_renames_gives_the_previous_database_back(
    database: Path, tmp_path: Path
) -> None:
    """Killed after the previous database moved aside and before the new one took its
    place: the next load puts the previous one back, whole, before anything else."""
    location = tmp_path / "db"
    subprocess.run(["cp", "-a", str(database), str(location)], check=True)
    before = _files(location)
    _killed_load(location, "rename", "--replace", "--parts", "data")
    assert not location.exists()
    code, out, err = invoke("load", "--store", "jena-tdb2", "--location", str(location))
    assert code == 2
    note, error = err.splitlines(keepends=True)
    assert note.startswith(f"kg load: put back {location}, which an interrupted run had left in ")
    assert_one_line_error(error, f"--location {location} already holds a TDB2 database")
    assert _files(location) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["db"]
    # The database answers as before: every part is there.
    answers = run_queries_on_tdb2(location, [Tdb2Query(_count_query(tmp_path))])
    assert answers[0].rows[0][0].toPython() == len(loading.load_graph())


def _files(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != "tdb.lock"
    }


def _count_query(directory: Path) -> QueryFile:
    return _ad_hoc(directory, "count-all", AD_HOC["count"])


def test_a_database_is_replaced_only_when_asked(database: Path, tmp_path: Path) -> None:
    location = tmp_path / "db"
    subprocess.run(["cp", "-a", str(database), str(location)], check=True)
    code, _, err = invoke("load", "--store", "jena-tdb2", "--location", str(location))
    assert code == 2
    assert_one_line_error(err, f"--location {location} already holds a TDB2 database")

    code, out, err = invoke(
        "load", "--store", "jena-tdb2", "--location", str(location), "--replace", "--parts", "data"
    )
    assert code == 0, err
    data = len(loading.load_graph(["data"]))
    # The new database's graphs are counted by Jena after the load: data's, and no other.
    assert out.splitlines()[-1].startswith(
        f"loaded {data} triples into 1 graph of the TDB2 database {location}, "
        "which replaced the previous one"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["db"]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: tmp / "missing" / "db", "--location: the directory"),
        (lambda tmp: _with_file(tmp / "db"), "--location {} is not empty and holds no TDB2"),
        (lambda tmp: _with_file(tmp / "file.txt", directory=False), "--location {} is a file"),
    ],
    ids=["no-parent", "not-a-database", "a-file"],
)
def test_a_bad_location_is_one_line_and_touches_nothing(
    tmp_path: Path, make: object, expected: str
) -> None:
    location = make(tmp_path)  # type: ignore[operator]
    before = sorted(str(path) for path in tmp_path.rglob("*"))
    code, _, err = invoke("load", "--store", "jena-tdb2", "--location", str(location))
    assert code == 2
    assert_one_line_error(err, expected.format(location))
    assert sorted(str(path) for path in tmp_path.rglob("*")) == before


def _with_file(path: Path, *, directory: bool = True) -> Path:
    if directory:
        path.mkdir()
        (path / "notes.txt").write_text("mine", encoding="utf-8")
    else:
        path.write_text("mine", encoding="utf-8")
    return path


def test_a_database_open_in_another_process_is_not_replaced(database: Path, tmp_path: Path) -> None:
    """TDB2's own lock on tdb.lock (a Fuseki server's) stops --replace; nothing changes."""
    copy = tmp_path / "db"
    subprocess.run(["cp", "-a", str(database), str(copy)], check=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys\n"
            f"handle = open({str(copy / 'tdb.lock')!r}, 'rb+')\n"
            "fcntl.lockf(handle, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        before = sorted(str(path) for path in copy.rglob("*"))
        code, _, err = invoke("load", "--store", "jena-tdb2", "--location", str(copy), "--replace")
        assert code == 3
        assert_one_line_error(err, f"the TDB2 database {copy} is open in process")
        assert sorted(str(path) for path in copy.rglob("*")) == before
    finally:
        holder.communicate(input="", timeout=30)  # closing stdin ends the holder


def test_an_ill_typed_literal_stops_the_load_before_jena_runs(tmp_path: Path) -> None:
    integer = URIRef("http://www.w3.org/2001/XMLSchema#integer")
    graph = Graph()
    graph.add((URIRef("urn:x"), URIRef("urn:p"), Literal("notanint", datatype=integer)))
    with pytest.raises(IllTypedLiteralError):
        load_tdb2(tmp_path / "db", [LocalPart("data", graph)])
    assert list(tmp_path.iterdir()) == []


def test_every_export_parses_with_riot_with_its_own_count(jena: None, tmp_path: Path) -> None:
    """RIOT reads each RDF export kg export writes, with as many triples (quads) as it holds.

    JSON-LD is read as JSON-LD 1.0 (Debian's Jena lacks the provider its 1.1 reader
    needs), offline: the export's context must be embedded, not a URL.
    """
    files = {}
    for name in RDF_FORMATS:
        path = tmp_path / FORMATS[name].filename
        code, _, err = invoke("export", "--format", name, "--out", str(path))
        assert code == 0, err
        files[name] = path
    dataset = pyoxigraph.Dataset(
        pyoxigraph.parse(path=str(files["nquads"]), format=pyoxigraph.RdfFormat.N_QUADS)
    )
    quads = len(dataset)
    triples = len({(quad.subject, quad.predicate, quad.object) for quad in dataset})
    expected = {name: quads if FORMATS[name].named_graphs else triples for name in RDF_FORMATS}

    others = [str(files[name]) for name in RDF_FORMATS if name != "jsonld"]
    counted = _riot_counts(["--count", *others])
    counted |= _riot_counts(["--count", "--syntax=JSONLD10", str(files["jsonld"])])
    assert counted == {files[name].name: expected[name] for name in RDF_FORMATS}


def _riot_counts(arguments: list[str]) -> dict[str, int]:
    finished = run_jena("riotcmd.riot", arguments)
    assert finished.returncode == 0, finished.stderr
    assert " ERROR " not in finished.stderr and " WARN " not in finished.stderr, finished.stderr
    # RIOT writes "file:///…/NAME : Triples = 7,713" to stderr, its log beside it.
    output = finished.stdout + finished.stderr
    found = re.findall(r"^\S*/([^/\s]+) : (?:Triples|Quads) = ([\d,]+)$", output, re.M)
    return {name: int(count.replace(",", "")) for name, count in found}
