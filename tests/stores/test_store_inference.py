"""After `kg load`, a real store answers the obvious queries with no reasoner.

The inferred part (kg infer) is loaded like every part, into its own named graph; an ad
hoc query (`kg query --file … --endpoint …`) sees it, a canned query keeps to the
asserted parts, as on the embedded store.
"""

from __future__ import annotations

from pathlib import Path

from kg import loading
from kg.queries import load_query_file, run_query
from kg.stores.loading import LocalPart, load_into_store, shipped_parts
from kg.stores.protocols import StoreClient
from kg.stores.queries import run_query_on_store

from .conftest import StoreUnderTest

ID = "https://w3id.org/siege626/id/"
OBVIOUS = [
    ("crm:E5_Event", "attack-of-31-july"),
    ("sem:Event", "siege-of-constantinople"),
    ("schema:Person", "sergius-i"),
    ("sg:MilitaryForce", "avar-horde"),
]


def test_the_obvious_queries_answer_on_the_store_after_kg_load(
    store: StoreUnderTest, graph_base: str, tmp_path: Path
) -> None:
    target = store.target(graph_base)
    parts = shipped_parts()  # every part: the links' WKT and coordinates included
    report = load_into_store(target, parts)
    loaded = {graph.part: graph.triples for graph in report.graphs}
    inferred = next(part for part in parts if part.name == "inferred")
    assert loaded["inferred"] == len(inferred.graph) > 1000
    local = loading.load_store_parts(loading.ASSERTED_PARTS)
    local.extend(_quads(inferred))
    with StoreClient(target) as client:
        for asked, expected in OBVIOUS:
            path = tmp_path / "obvious.rq"
            path.write_text(f"SELECT DISTINCT ?x WHERE {{ ?x a {asked} }}\n", encoding="utf-8")
            query = load_query_file(path)  # no PREFIX line: the known prefixes are added
            remote = {str(row[0]) for row in run_query_on_store(client, query).rows}
            assert ID + expected in remote, asked
            assert remote == {str(row[0]) for row in run_query(local, query).rows}, asked
        path = tmp_path / "agents.rq"
        path.write_text(
            "SELECT DISTINCT ?a WHERE { id:siege-of-constantinople sg:involvedAgent ?a }\n",
            encoding="utf-8",
        )
        query = load_query_file(path)
        agents = {str(row[0]) for row in run_query_on_store(client, query).rows}
        assert ID + "avars" in agents
        assert agents == {str(row[0]) for row in run_query(local, query).rows}


def _quads(part: LocalPart):
    import pyoxigraph

    graph = pyoxigraph.NamedNode(str(loading.part_graph(part.name)))
    data = part.graph.serialize(format="nt", encoding="utf-8")
    for triple in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES):
        yield pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, graph)
