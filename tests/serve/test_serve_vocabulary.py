"""kg serve carries the inferred part and knows every prefix without a PREFIX line."""

from __future__ import annotations

import csv
import io

from kg import loading
from kg.namespaces import KNOWN_PREFIXES
from kg.queries import run_query

CSV = {"accept": "text/csv"}


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_sparql_answers_superclass_queries_with_no_reasoner_and_no_prefix_lines(client) -> None:
    for asked, expected in (
        ("crm:E5_Event", "attack-of-31-july"),
        ("sem:Event", "siege-of-constantinople"),
        ("schema:Person", "sergius-i"),
        ("sg:MilitaryForce", "avar-horde"),
    ):
        response = client.get(
            "/sparql", params={"query": f"SELECT ?x WHERE {{ ?x a {asked} }}"}, headers=CSV
        )
        assert response.status_code == 200, response.text
        found = {row["x"] for row in _rows(response.text)}
        assert f"https://w3id.org/siege626/id/{expected}" in found, asked


def test_sparql_and_the_query_page_know_every_prefix(client) -> None:
    tests = " && ".join(
        f'STR({prefix}:x) = "{namespace}x"' for prefix, namespace in KNOWN_PREFIXES.items()
    )
    query = f"SELECT ?ok WHERE {{ BIND(({tests}) AS ?ok) }}"
    response = client.get("/sparql", params={"query": query}, headers=CSV)
    assert response.status_code == 200, response.text
    assert _rows(response.text) == [{"ok": "true"}]
    page = client.get("/query", params={"query": "SELECT ?x WHERE { ?x a crm:E21_Person }"})
    assert page.status_code == 200 and "sergius-i" in page.text


def test_the_service_guard_still_refuses_service_with_undeclared_prefixes(client) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s crm:P4 ?o } }"
    response = client.get("/sparql", params={"query": query}, headers=CSV)
    assert response.status_code == 400 and "SERVICE" in response.text


def test_the_inferred_part_is_served_as_its_named_graph(client) -> None:
    response = client.get("/graph/inferred.nt")
    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) == len(loading.load_graph(["inferred"]))
    count = client.get(
        "/sparql",
        params={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/siege626/graph/"
            "inferred> { ?s ?p ?o } }"
        },
        headers=CSV,
    )
    assert int(_rows(count.text)[0]["n"]) == len(loading.load_graph(["inferred"]))


def test_canned_queries_answer_over_the_asserted_parts(client) -> None:
    name = "military-forces-and-whose-they-are"
    response = client.get(f"/queries/{name}.csv")
    assert response.status_code == 200
    expected = run_query(loading.load_store_parts(loading.ASSERTED_PARTS), name)
    assert len(_rows(response.text)) == len(expected.rows)
