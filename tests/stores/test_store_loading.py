"""Loading into real stores: counts, idempotence, atomicity under SIGKILL, literal safety,
staging graphs left by a killed load, and the read time-out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from kg import loading
from kg.literal_checks import IllTypedLiteralError
from kg.namespaces import ID, SG
from kg.stores.loading import (
    SWAP,
    LoadError,
    LocalPart,
    count_triples,
    load_into_store,
    shipped_parts,
    staging_graph,
    staging_graphs,
)
from kg.stores.presets import StoreTarget, preset
from kg.stores.protocols import StoreClient
from kg.stores.virtuoso import WKT_STAND_IN, read_json_results, term_from_json

from .conftest import WKT_LITERAL, StoreUnderTest

# Copies of the data part with fresh IRIs for the SIGKILL test: enough triples that the
# store needs seconds (measured: Oxigraph about 3 s, Virtuoso about 1.5 s) to apply the
# replacement that the test interrupts after KILL_AFTER_SECONDS.
COPIES = {"oxigraph": 16, "virtuoso": 60}
KILL_AFTER_SECONDS = 0.3

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD_VARIABLE = "SIEGE626_TEST_STORE_SECRET"
BASIC_GEO_LAT = URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#lat")


def _typed(text: str, datatype: str) -> Literal:
    return Literal(text, datatype=ns.XSD[datatype], normalize=False)


def _part(
    name: str, *triples: tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]
) -> LocalPart:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return LocalPart(name, graph)


def _stored(target: StoreTarget, graph: URIRef) -> Graph:
    """Every triple of one named graph of the store, as an rdflib graph."""
    with StoreClient(target) as client:
        document = client.select_json(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    result = Graph()
    for binding in document["results"]["bindings"]:
        result.add(
            tuple(  # type: ignore[arg-type]
                term_from_json(binding[name], target.store.quirks) for name in ("s", "p", "o")
            )
        )
    return result


def _count(target: StoreTarget, graph: URIRef) -> int:
    with StoreClient(target) as client:
        return count_triples(client, graph)


def _copies(graph: Graph, copies: int) -> Graph:
    """``graph`` repeated with fresh IRIs and blank nodes for each copy."""

    def fresh(term: object, copy: int) -> object:
        if isinstance(term, URIRef) and str(term).startswith(str(ID)):
            return URIRef(f"{term}-copy-{copy}")
        if isinstance(term, BNode):
            return BNode(f"{term}c{copy}")
        return term

    big = Graph()
    for copy in range(copies):
        for subject, predicate, obj in graph:
            big.add((fresh(subject, copy), predicate, fresh(obj, copy)))  # type: ignore[arg-type]
    return big


# --- loading and verifying -------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_every_part_is_loaded_into_its_own_graph_and_counted(
    store: StoreUnderTest, graph_base: str, protocol: str
) -> None:
    target = store.target(graph_base)
    parts = shipped_parts(store.parts)
    report = load_into_store(target, parts, protocol=protocol)
    assert [graph.part for graph in report.graphs] == list(store.parts)
    for part, loaded in zip(parts, report.graphs, strict=True):
        assert loaded.graph == URIRef(graph_base + part.name)
        assert loaded.triples == len(part.graph) > 0
        assert _count(target, loaded.graph) == len(part.graph)
        assert _count(target, staging_graph(loaded.graph)) == 0


def test_update_requests_are_chunked_and_keep_blank_nodes_whole(
    store: StoreUnderTest, graph_base: str
) -> None:
    # Small requests force many chunks; the reified statements are blank nodes.
    target = store.target(graph_base, update_triples=40, update_bytes=6_000)
    data = shipped_parts(["data"])[0]
    assert any(isinstance(term, BNode) for triple in data.graph for term in triple)
    load_into_store(target, [data], protocol="update")
    assert isomorphic(_stored(target, URIRef(graph_base + "data")), data.graph)


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_loading_twice_gives_the_same_triples(
    store: StoreUnderTest, graph_base: str, protocol: str
) -> None:
    target = store.target(graph_base)
    data = shipped_parts(["data"])[0]
    graph = URIRef(graph_base + "data")
    load_into_store(target, [data], protocol=protocol)
    first = _stored(target, graph)
    load_into_store(target, [data], protocol=protocol)
    second = _stored(target, graph)
    assert len(second) == len(first) == len(data.graph)
    assert isomorphic(second, first) and isomorphic(second, data.graph)


def test_a_new_load_replaces_the_previous_contents(store: StoreUnderTest, graph_base: str) -> None:
    target = store.target(graph_base)
    old = _part("data", (ID.old, ns.RDF.type, SG.Person), (ID.old, SG.note, Literal("old")))
    new = _part("data", (ID.new, ns.RDF.type, SG.Person))
    load_into_store(target, [old])
    load_into_store(target, [new])
    assert isomorphic(_stored(target, URIRef(graph_base + "data")), new.graph)


def test_an_empty_part_empties_its_graph(store: StoreUnderTest, graph_base: str) -> None:
    target = store.target(graph_base)
    load_into_store(target, [_part("links", (ID.a, ns.RDF.type, SG.Person))])
    report = load_into_store(target, [_part("links")])
    assert report.triples == 0
    assert _count(target, URIRef(graph_base + "links")) == 0


# --- atomicity -------------------------------------------------------------------------


class _KillAtSwap:
    """A progress reporter that SIGKILLs the server shortly after the replacement starts."""

    def __init__(self, store: StoreUnderTest) -> None:
        self.store = store
        self.timer: threading.Timer | None = None

    def begin(self, part: str, triples: int) -> None:
        pass

    def advance(self, part: str, triples: int) -> None:
        pass

    def step(self, part: str, step: str) -> None:
        if step == SWAP and self.timer is None:
            self.timer = threading.Timer(KILL_AFTER_SECONDS, self.store.server.kill)
            self.timer.start()


@pytest.fixture
def restarts_server(store: StoreUnderTest) -> Iterator[None]:
    """Make sure the session's server runs again after a test that kills it."""
    yield
    if not store.server.running:
        store.server.start()


def test_sigkill_during_the_replacement_leaves_the_previous_graphs(
    store: StoreUnderTest, graph_base: str, restarts_server: None
) -> None:
    """Killed while replacing two graphs, the store holds both previous graphs.

    The small part comes first: were each MOVE its own transaction, the small graph would
    already be new while the big one is still being moved when the server dies.
    """
    target = store.target(graph_base)
    data = shipped_parts(["data"])[0]
    previous = [_part("ontology", (ID.old, ns.RDF.type, SG.Person)), data]
    load_into_store(target, previous)
    replacement = [
        _part("ontology", (ID.new, ns.RDF.type, SG.Person)),
        LocalPart("data", _copies(data.graph, COPIES[store.name])),
    ]

    killer = _KillAtSwap(store)
    with pytest.raises(LoadError) as caught:
        load_into_store(target, replacement, progress=killer)
    assert killer.timer is not None, "the load never reached the replacement"
    killer.timer.join()
    message = str(caught.value)
    assert "replacing the graphs" in message
    assert "either its previous or its new triples" in message

    store.server.restart()
    for part in previous:
        assert isomorphic(_stored(target, URIRef(graph_base + part.name)), part.graph)
    # The next load works and clears what the killed one left behind.
    load_into_store(target, previous)
    for part in previous:
        graph = URIRef(graph_base + part.name)
        assert _count(target, staging_graph(graph)) == 0
        assert _count(target, graph) == len(part.graph)


def test_a_server_that_is_down_fails_the_load_clearly(store: StoreUnderTest) -> None:
    from .conftest import _free_port

    target = StoreTarget(f"http://127.0.0.1:{_free_port()}", store.target("http://x/").store)
    with pytest.raises(LoadError) as caught:
        load_into_store(target, shipped_parts(["data"]))
    assert "cannot reach the store at http://127.0.0.1:" in str(caught.value)
    assert str(caught.value).endswith("; no graph was changed")


# --- literals --------------------------------------------------------------------------


def test_an_ill_typed_literal_is_refused_before_anything_is_sent(
    store: StoreUnderTest, graph_base: str
) -> None:
    target = store.target(graph_base)
    previous = _part("data", (ID.a, SG.lineNumber, _typed("7", "integer")))
    load_into_store(target, [previous])
    bad = _part("data", (ID.a, SG.lineNumber, _typed("notanint", "integer")))
    with pytest.raises(IllTypedLiteralError) as caught:
        load_into_store(target, [bad])
    assert '"notanint"^^<http://www.w3.org/2001/XMLSchema#integer>' in str(caught.value)
    graph = URIRef(graph_base + "data")
    assert isomorphic(_stored(target, graph), previous.graph)
    assert _count(target, staging_graph(graph)) == 0


def test_what_a_store_does_with_an_unchecked_ill_typed_literal(
    store: StoreUnderTest, graph_base: str
) -> None:
    """Why the loader checks first: sent straight over the Graph Store, Virtuoso keeps 0."""
    target = store.target(graph_base)
    graph = URIRef(graph_base + "unchecked")
    with StoreClient(target) as client:
        client.put_graph(
            str(graph), f'<{ID.a}> <{SG.lineNumber}> "notanint"^^<{ns.XSD.integer}> .\n'.encode()
        )
    stored = next(iter(_stored(target, graph).objects()))
    kept = {"oxigraph": "notanint", "virtuoso": "0"}[store.name]
    assert (str(stored), stored.datatype) == (kept, ns.XSD.integer)  # type: ignore[union-attr]


def test_pre_1582_dates_come_back_unchanged(store: StoreUnderTest, graph_base: str) -> None:
    target = store.target(graph_base)
    data = shipped_parts(["data"])[0]
    load_into_store(target, [data])
    sent = {(s, o) for s, o in data.graph.subject_objects(SG.gregorianDate)}
    stored = set(_stored(target, URIRef(graph_base + "data")).subject_objects(SG.gregorianDate))
    dates = {str(o) for _, o in sent}
    assert {"0626-08-03", "0626-08-10"} <= dates
    assert all(isinstance(o, Literal) and o.datatype == ns.XSD.date for _, o in sent)
    assert {(str(s), str(o), o.datatype) for s, o in stored} == {
        (str(s), str(o), o.datatype) for s, o in sent
    }


@pytest.mark.parametrize(
    ("text", "datatype"),
    [
        ("0626-08-03", "date"),
        ("-0044-03-15", "date"),
        ("5.70", "decimal"),
        ("007", "integer"),
        ("POINT(28.9425 41.0383)", WKT_LITERAL),
    ],
)
def test_a_literal_the_store_would_change_is_refused(
    store: StoreUnderTest, graph_base: str, text: str, datatype: str
) -> None:
    """Sent as is, or the load fails with the previous graph intact: never changed silently."""
    target = store.target(graph_base)
    previous = _part("data", (ID.a, SG.note, Literal("previous")))
    load_into_store(target, [previous])
    value = Literal(
        text, datatype=URIRef(datatype) if ":" in datatype else ns.XSD[datatype], normalize=False
    )
    sent = _part("data", (ID.a, SG.value, value))
    graph = URIRef(graph_base + "data")
    try:
        load_into_store(target, [sent])
    except LoadError as error:
        assert "the store changed 1 literal of part 'data'" in str(error)
        assert isomorphic(_stored(target, graph), previous.graph)
        assert _count(target, staging_graph(graph)) == 0
        changed = True
    else:
        stored = next(iter(_stored(target, graph).objects()))
        assert (str(stored), stored.datatype) == (text, value.datatype)  # type: ignore[union-attr]
        changed = False
    expected = {
        # Both write numbers in canonical form; Virtuoso also breaks BCE years. WKT, which
        # Virtuoso would round, is sent to it under a datatype it keeps (next test).
        "oxigraph": {"5.70", "007"},
        "virtuoso": {"-0044-03-15", "5.70", "007"},
    }[store.name]
    assert changed == (text in expected)


def test_wkt_comes_back_as_sent_though_virtuoso_rounds_a_wkt_literal(
    store: StoreUnderTest, graph_base: str
) -> None:
    """Sent as geo:wktLiteral, Virtuoso rounds the point; the loader's stand-in keeps it."""
    target = store.target(graph_base)
    point = Literal("POINT(28.9425 41.0383)", datatype=URIRef(WKT_LITERAL))
    raw = URIRef(graph_base + "raw")
    with StoreClient(target) as client:
        client.put_graph(str(raw), f"<{ID.a}> <{SG.value}> {point.n3()} .\n".encode())
        document = client.select_json(f"SELECT ?o WHERE {{ GRAPH <{raw}> {{ ?s ?p ?o }} }}")
    [binding] = [row["o"] for row in document["results"]["bindings"]]
    rounded = {
        "oxigraph": "POINT(28.9425 41.0383)",
        "virtuoso": "POINT(28.942499160767 41.038299560547)",
    }
    assert binding["value"] == rounded[store.name]

    load_into_store(target, [_part("links", (ID.a, SG.value, point))])
    graph = URIRef(graph_base + "links")
    with StoreClient(target) as client:
        document = client.select_json(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    [binding] = [row["o"] for row in document["results"]["bindings"]]
    stored_as = {"oxigraph": WKT_LITERAL, "virtuoso": WKT_STAND_IN}[store.name]
    assert (binding["value"], binding["datatype"]) == (str(point), stored_as)
    assert set(_stored(target, graph).objects()) == {point}  # read back as geo:wktLiteral


def test_every_shipped_part_comes_back_as_sent_coordinates_included(
    store: StoreUnderTest, graph_base: str
) -> None:
    target = store.target(graph_base)
    parts = shipped_parts()
    assert load_into_store(target, parts).triples == sum(len(part.graph) for part in parts)
    links = next(part for part in parts if part.name == "links")
    stored = _stored(target, URIRef(graph_base + "links"))
    assert len(stored) == len(links.graph)
    assert _named_facts(stored) == _named_facts(links.graph)
    wkt = {str(o) for o in stored.objects() if getattr(o, "datatype", None) == URIRef(WKT_LITERAL)}
    assert "POINT(28.9425 41.0383)" in wkt and len(wkt) == 8
    latitudes = {str(o) for o in stored.objects(predicate=BASIC_GEO_LAT)}
    assert {"41.0383", "41.114863"} <= latitudes and len(latitudes) == 8


# --- staging graphs left behind by a killed load -------------------------------------------

# A load that SIGKILLs its own process once every part is staged and verified, just before
# the replacement: what a load killed there (out-of-memory killer, a closed terminal)
# leaves in the store. Run by a fresh interpreter, as `kg load` runs.
_LOAD_KILLED_BEFORE_THE_REPLACEMENT = f"""
import os, signal, sys
from kg.stores.loading import load_into_store, shipped_parts
from kg.stores.presets import StoreTarget, preset

class KillItself:
    def begin(self, part, triples): pass
    def advance(self, part, triples): pass
    def step(self, part, step):
        if step == {SWAP!r}:
            os.kill(os.getpid(), signal.SIGKILL)

endpoint, store, base, parts, user = sys.argv[1:]
target = StoreTarget(
    endpoint, preset(store), base, user or None, os.environ.get({PASSWORD_VARIABLE!r})
)
load_into_store(target, shipped_parts(parts.split(",")), progress=KillItself())
"""


def _environment(store: StoreUnderTest) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop(PASSWORD_VARIABLE, None)
    if store.password is not None:
        env[PASSWORD_VARIABLE] = store.password
    return env


def _kill_a_load_before_the_replacement(store: StoreUnderTest, graph_base: str, parts: str) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", _LOAD_KILLED_BEFORE_THE_REPLACEMENT, store.server.url, store.name]
        + [graph_base, parts, store.user or ""],
        cwd=REPO_ROOT,
        env=_environment(store),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr


def _kg_load(
    store: StoreUnderTest, graph_base: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """``kg load ARGS`` on the store, in a fresh interpreter, its output a pipe."""
    options = ["--endpoint", store.server.url, "--store", store.name, "--graph-base", graph_base]
    if store.user is not None:
        options += ["--user", store.user, "--password-env", PASSWORD_VARIABLE]
    return subprocess.run(
        [sys.executable, "-m", "kg", "load", *options, *args],
        cwd=REPO_ROOT,
        env=_environment(store),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _graphs_under(target: StoreTarget, prefix: str) -> dict[str, int]:
    """Every non-empty named graph of the store whose IRI starts with ``prefix``, counted."""
    with StoreClient(target) as client:
        document = client.select_json(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }} GROUP BY ?g'
        )
    rows = read_json_results(document, "SELECT", target.store.quirks).rows
    return {str(graph): int(str(count)) for graph, count in rows}


def _foreign_graphs(target: StoreTarget, graph_base: str) -> dict[str, int]:
    """Graphs named like staging graphs that are not the toolkit's: never to be removed."""
    foreign = [
        graph_base + "notes-staging",  # not a registered part
        graph_base + "data-staging-copy",  # only starts like a staging graph
        graph_base + "other/data-staging",  # the staging graph of another graph base
    ]
    with StoreClient(target) as client:
        for graph in foreign:
            client.put_graph(graph, f'<{ID.kept}> <{SG.note}> "{graph}" .\n'.encode())
    return dict.fromkeys(foreign, 1)


def test_the_staging_graphs_are_named_from_the_registry_never_a_part_graph() -> None:
    base = "http://test.example/staging/"
    target = StoreTarget("http://127.0.0.1:1", preset("oxigraph"), base)
    # A part called data-staging has the graph that would be data's staging graph.
    assert staging_graphs(target, ["data-staging", "data"]) == (
        *(URIRef(f"{base}{part}-staging") for part in loading.PARTS if part != "data"),
        URIRef(f"{base}data-staging-staging"),
    )


def test_a_killed_load_leaves_staging_graphs_that_the_next_load_removes(
    store: StoreUnderTest, graph_base: str
) -> None:
    """The next load removes the staging graphs of every part, not only of its own parts."""
    target = store.target(graph_base)
    previous = [
        _part("ontology", (ID.old, ns.RDF.type, SG.Person)),
        _part("data", (ID.old, ns.RDF.type, SG.Person), (ID.old, SG.note, Literal("old"))),
    ]
    load_into_store(target, previous)
    foreign = _foreign_graphs(target, graph_base)
    shipped = {part.name: len(part.graph) for part in shipped_parts(["ontology", "data"])}

    _kill_a_load_before_the_replacement(store, graph_base, "ontology,data")
    assert _graphs_under(target, graph_base) == {
        graph_base + "ontology": 1,
        graph_base + "data": 2,
        graph_base + "ontology-staging": shipped["ontology"],
        graph_base + "data-staging": shipped["data"],
        **foreign,
    }

    loaded = _kg_load(store, graph_base, "--parts", "data")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines()[0] == (
        f"removed 2 stale staging graphs from {store.server.url}: "
        f"<{graph_base}ontology-staging> ({shipped['ontology']} triples), "
        f"<{graph_base}data-staging> ({shipped['data']} triples)"
    )
    assert loaded.stdout.splitlines()[-1].endswith("every count verified")
    assert _graphs_under(target, graph_base) == {
        graph_base + "ontology": 1,
        graph_base + "data": shipped["data"],
        **foreign,
    }
    assert isomorphic(_stored(target, URIRef(graph_base + "ontology")), previous[0].graph)


def test_kg_load_clean_removes_the_staging_graphs_alone(
    store: StoreUnderTest, graph_base: str
) -> None:
    target = store.target(graph_base)
    previous = [_part("ontology", (ID.old, ns.RDF.type, SG.Person)), shipped_parts(["data"])[0]]
    load_into_store(target, previous)
    foreign = _foreign_graphs(target, graph_base)
    shipped = {part.name: len(part.graph) for part in shipped_parts(["ontology", "data"])}
    _kill_a_load_before_the_replacement(store, graph_base, "ontology,data")

    cleaned = _kg_load(store, graph_base, "--clean")
    assert (cleaned.returncode, cleaned.stderr) == (0, "")
    assert cleaned.stdout == (
        f"removed 2 stale staging graphs from {store.server.url}: "
        f"<{graph_base}ontology-staging> ({shipped['ontology']} triples), "
        f"<{graph_base}data-staging> ({shipped['data']} triples)\n"
    )
    assert _graphs_under(target, graph_base) == {
        graph_base + "ontology": 1,
        graph_base + "data": len(previous[1].graph),
        **foreign,
    }
    for part in previous:
        assert isomorphic(_stored(target, URIRef(graph_base + part.name)), part.graph)

    again = _kg_load(store, graph_base, "--clean")
    assert (again.returncode, again.stdout) == (0, f"no staging graphs in {store.server.url}\n")


# --- the read time-out ---------------------------------------------------------------------


@pytest.fixture
def pause_server(store: StoreUnderTest) -> Iterator[Callable[[], None]]:
    """``pause()`` stops the session's server with SIGSTOP; it goes on after the test.

    Only the very process paused is continued, and only while it runs: a server that the
    test restarted is another process, and a PID that was reaped may belong to anyone.
    """
    paused: list[int] = []

    def pause() -> None:
        os.kill(store.server.pid, signal.SIGSTOP)
        paused.append(store.server.pid)

    yield pause
    if paused and store.server.running and store.server.pid == paused[-1]:
        os.kill(store.server.pid, signal.SIGCONT)


@pytest.mark.parametrize(
    ("option", "state"),
    [("--parts=data", "no graph was changed"), ("--clean", "the part graphs are untouched")],
)
def test_a_store_that_does_not_answer_within_the_read_timeout_fails_in_one_line(
    store: StoreUnderTest,
    graph_base: str,
    pause_server: Callable[[], None],
    option: str,
    state: str,
) -> None:
    target = store.target(graph_base)
    previous = _part("data", (ID.old, ns.RDF.type, SG.Person))
    load_into_store(target, [previous])

    pause_server()
    result = _kg_load(store, graph_base, option, "--read-timeout", "0.5")
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.startswith("kg: ")
    assert result.stderr.endswith(f"did not answer within 0.5 s; {state}\n")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr

    os.kill(store.server.pid, signal.SIGCONT)
    assert isomorphic(_stored(target, URIRef(graph_base + "data")), previous.graph)


class _PauseAtSwap:
    """A progress reporter that stops the server with SIGSTOP as the replacement starts."""

    def __init__(self, pause: Callable[[], None]) -> None:
        self.pause = pause
        self.paused = False

    def begin(self, part: str, triples: int) -> None:
        pass

    def advance(self, part: str, triples: int) -> None:
        pass

    def step(self, part: str, step: str) -> None:
        if step == SWAP and not self.paused:
            self.pause()
            self.paused = True


def test_the_read_timeout_holds_for_the_replacement_request_too(
    store: StoreUnderTest,
    graph_base: str,
    pause_server: Callable[[], None],
    restarts_server: None,
) -> None:
    target = store.target(graph_base)
    previous = [_part("ontology", (ID.old, ns.RDF.type, SG.Person)), shipped_parts(["data"])[0]]
    new = [_part("ontology", (ID.new, ns.RDF.type, SG.Person)), _part("data")]
    load_into_store(target, previous)

    pauser = _PauseAtSwap(pause_server)
    with pytest.raises(LoadError) as caught:
        load_into_store(target, new, progress=pauser, read_timeout=1.0)
    assert pauser.paused, "the load never reached the replacement"
    message = str(caught.value)
    assert message.startswith(f"replacing the graphs: {target.update_url()} did not answer")
    assert "within 1 s; each graph holds either its previous or its new triples" in message

    # The server may still apply the replacement it was sent; a restart lets it settle.
    os.kill(store.server.pid, signal.SIGCONT)
    store.server.restart()
    held = [
        isomorphic(_stored(target, URIRef(graph_base + part.name)), part.graph) for part in previous
    ]
    assert held in ([True, True], [False, False]), "the graphs were mixed"
    report = load_into_store(target, previous)
    assert {stale.graph for stale in report.removed} <= set(staging_graphs(target))
    assert _graphs_under(target, graph_base) == {
        graph_base + part.name: len(part.graph) for part in previous
    }


def _named_facts(graph: Graph) -> set[tuple[str, str, str]]:
    """The triples without blank nodes, literals by lexical form, datatype and language tag.

    Tags compare without case (RDF 1.1 lets a store lower-case them); nothing else may change.
    """

    def key(term: object) -> str:
        if isinstance(term, Literal):
            return f"{term}|{term.datatype}|{(term.language or '').lower()}"
        return str(term)

    return {
        (str(s), str(p), key(o))
        for s, p, o in graph
        if not isinstance(s, BNode) and not isinstance(o, BNode)
    }
