"""Every JSON-LD processor reads the JSON-LD offline: the release's document (context
written in it, JSON-LD 1.0 as well as 1.1) read by rdflib, pyld and Apache Jena's JSON-LD
1.0 reader gives the triples of the N-Quads export, and each resource's framed document
gives the triples of its N-Triples document.

The JSON-LD export holds the union of the parts in its default graph (like the Turtle and
N-Triples exports); the N-Quads puts each part in a named graph. So the JSON-LD's triples
are compared with the N-Quads' triples with their graph names dropped, and no reader may
find a named graph in it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph

from kg.canonical import CanonicalDataset, canonicalize
from kg.export import export
from kg.jsonld import CONTEXT_IRI, document_loader, shipped_context
from kg.parts import select_parts
from kg.serve import create_app
from kg.stores.jena import JavaMissing, JenaMissing, jena_command, run_jena
from tests.serve.conftest import TEST_SETTINGS, require_tool

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette announces a future change of its client
    from starlette.testclient import TestClient

ID = "https://w3id.org/siege626/id/"
# Resources whose framed documents every reader is given: a person, one with blank nodes
# (reified statements) under it, a place, and the geometry that holds a place's WKT.
RESOURCES = ("sergius-i", "bonus", "blachernae", "geometry-blachernae")
# The keys of a JSON-LD 1.0 expanded term definition (JSON-LD 1.0, section 8.7).
JSONLD_10_TERM_KEYS = {"@id", "@reverse", "@type", "@language", "@container"}
JSONLD_10_CONTAINERS = {"@list", "@set", "@index", "@language"}


@pytest.fixture(scope="module")
def dataset() -> CanonicalDataset:
    return canonicalize(select_parts())


@pytest.fixture(scope="module")
def release_jsonld(dataset: CanonicalDataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JSON-LD as ``kg release`` writes it (the default form of the export)."""
    path = tmp_path_factory.mktemp("jsonld") / "siege626.jsonld"
    path.write_bytes(export(dataset, "jsonld").data)
    return path


@pytest.fixture(scope="module")
def expected(dataset: CanonicalDataset) -> set[str]:
    """The N-Quads export's triples, graph names dropped, canonicalised."""
    nquads = export(dataset, "nquads").data
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    # The N-Quads does name its graphs: the comparison drops them on purpose.
    assert all(isinstance(quad.graph_name, ox.NamedNode) for quad in quads)
    return canonical(quad.triple for quad in quads)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test: reading is offline."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"a network connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def refusing_loader(url: str, options: Any = None) -> dict[str, Any]:
    """A pyld document loader that loads nothing: the document must need no other."""
    raise AssertionError(f"pyld was asked to load {url}")


def canonical(triples: Iterable[ox.Triple]) -> set[str]:
    """The triples as a set of canonical (RDFC-1.0) N-Quads lines of the default graph."""
    graph = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in set(triples))
    graph.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in graph}


def default_graph_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The quads' triples, after checking they are all in the default graph."""
    quads = list(quads)
    named = {
        str(quad.graph_name) for quad in quads if not isinstance(quad.graph_name, ox.DefaultGraph)
    }
    assert not named, f"named graphs in a JSON-LD that holds none: {sorted(named)[:3]}"
    return [quad.triple for quad in quads]


def from_nquads(text: str | bytes) -> list[ox.Triple]:
    return default_graph_triples(ox.parse(text, format=ox.RdfFormat.N_QUADS))


def jena_reads(paths: list[Path]) -> str:
    """What Jena's JSON-LD 1.0 reader makes of ``paths``, as N-Quads, in one JVM."""
    try:
        jena_command("riotcmd.riot", [])
    except (JenaMissing, JavaMissing) as error:
        require_tool(f"Apache Jena cannot run: {error}")
    done = run_jena(
        "riotcmd.riot", ["--syntax=JSONLD10", "--output=nq", *map(str, paths)], timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stderr and "WARN" not in done.stderr, done.stderr
    return done.stdout


# --- the release's JSON-LD --------------------------------------------------------------------


def test_the_release_jsonld_is_json_ld_1_0_with_its_context_written_in_it(
    release_jsonld: Path,
) -> None:
    document = json.loads(release_jsonld.read_bytes())
    context = document["@context"]
    assert isinstance(context, dict), "the context is written in the document"
    assert_json_ld_10_context(context)
    # The notice says what the blank node labels are; the context makes processors drop it.
    assert context["notice"] is None
    assert "whole dataset's RDFC-1.0 canonical form" in document["notice"]


def assert_json_ld_10_context(context: dict[str, Any]) -> None:
    """No "@version" and no term definition beyond JSON-LD 1.0's."""
    assert "@version" not in context
    for term, definition in context.items():
        if term.startswith("@"):
            assert term in {"@vocab", "@base", "@language"}, term
            continue
        if definition is None or isinstance(definition, str):
            continue  # a null or simple term definition (a prefix, say)
        assert isinstance(definition, dict), term
        assert set(definition) <= JSONLD_10_TERM_KEYS, (term, definition)
        assert definition.get("@container", "@set") in JSONLD_10_CONTAINERS, term
        assert definition.get("@type") not in {"@json", "@none"}, term  # 1.1 only


def test_the_published_context_is_json_ld_1_0() -> None:
    assert_json_ld_10_context(shipped_context()["@context"])


@pytest.mark.usefixtures("no_network")
def test_rdflib_reads_the_release_jsonld_offline(release_jsonld: Path, expected: set[str]) -> None:
    graph = Graph().parse(release_jsonld, format="json-ld")
    nquads = graph.serialize(format="nt", encoding="utf-8")
    assert canonical(from_nquads(nquads)) == expected


@pytest.mark.usefixtures("no_network")
def test_pyld_reads_the_release_jsonld_offline(release_jsonld: Path, expected: set[str]) -> None:
    document = json.loads(release_jsonld.read_bytes())
    options = {"format": "application/n-quads", "documentLoader": refusing_loader}
    assert canonical(from_nquads(jsonld.to_rdf(document, options))) == expected


def test_jena_json_ld_10_reads_the_release_jsonld(release_jsonld: Path, expected: set[str]) -> None:
    assert canonical(from_nquads(jena_reads([release_jsonld]))) == expected


@pytest.mark.usefixtures("no_network")
def test_the_remote_context_form_reads_the_same_with_the_context_given_locally(
    dataset: CanonicalDataset, expected: set[str]
) -> None:
    document = json.loads(export(dataset, "jsonld", context="remote").data)
    assert document["@context"][0] == CONTEXT_IRI
    # document_loader answers the context's IRI with the shipped file and nothing else.
    options = {"format": "application/n-quads", "documentLoader": document_loader}
    assert canonical(from_nquads(jsonld.to_rdf(document, options))) == expected


# --- each resource's framed document ----------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(TEST_SETTINGS), follow_redirects=False) as test_client:
        yield test_client


def served(client: TestClient, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content


def served_triples(client: TestClient, slug: str) -> set[str]:
    """The triples of the resource's N-Triples document; its Turtle says the same."""
    nt = list(ox.parse(served(client, f"/data/{slug}.nt"), format=ox.RdfFormat.N_TRIPLES))
    ttl = list(ox.parse(served(client, f"/data/{slug}.ttl"), format=ox.RdfFormat.TURTLE))
    assert canonical(nt) == canonical(ttl)
    return canonical(nt)


def test_every_framed_document_has_the_triples_of_its_n_triples(client: TestClient) -> None:
    slugs = _slugs(client)
    assert len(slugs) > 200
    for slug in slugs:
        body = served(client, f"/data/{slug}.jsonld")
        read = list(ox.parse(body, format=ox.RdfFormat.JSON_LD))
        assert canonical(read) == served_triples(client, slug), slug


def _slugs(client: TestClient) -> list[str]:
    """Every resource of the data part, by slug."""
    body = served(client, "/graph/data.nt")
    return sorted(
        {
            quad.subject.value.removeprefix(ID)
            for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(ID)
        }
    )


@pytest.mark.parametrize("slug", RESOURCES)
def test_a_framed_document_has_the_resource_at_the_top_and_the_rest_nested(
    client: TestClient, slug: str
) -> None:
    document = json.loads(served(client, f"/data/{slug}.jsonld"))
    assert document["@id"] == f"id:{slug}"
    assert "@graph" not in document  # one top node, not a flat list of statements
    assert_json_ld_10_context(document["@context"])
    # What points at the resource is under it, in "@reverse".
    assert document.get("@reverse") or slug == "geometry-blachernae", document


def test_a_framed_document_nests_blank_nodes_and_reified_statements(client: TestClient) -> None:
    document = json.loads(served(client, "/data/sergius-i.jsonld"))
    statements = document["@reverse"]["subject"]
    statements = statements if isinstance(statements, list) else [statements]
    # A reified statement about Sergius, and under it the citation that states it.
    assert any(s["predicate"] == "rdfs:label" and "states" in s["@reverse"] for s in statements)
    assert document["@reverse"]["describes"]["@id"] == "id:quote-07-03"


def test_a_framed_place_geometry_keeps_its_wkt(client: TestClient) -> None:
    document = json.loads(served(client, "/data/geometry-blachernae.jsonld"))
    assert document["asWKT"] == "POINT(28.94271 41.039547)"
    assert document["@context"]["asWKT"]["@type"] == "geo:wktLiteral"


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("slug", RESOURCES)
def test_rdflib_and_pyld_read_a_framed_document_offline(client: TestClient, slug: str) -> None:
    body = served(client, f"/data/{slug}.jsonld")
    expected = served_triples(client, slug)
    by_rdflib = Graph().parse(data=body, format="json-ld").serialize(format="nt", encoding="utf-8")
    assert canonical(from_nquads(by_rdflib)) == expected
    options = {"format": "application/n-quads", "documentLoader": refusing_loader}
    assert canonical(from_nquads(jsonld.to_rdf(json.loads(body), options))) == expected


def test_jena_json_ld_10_reads_the_framed_documents(client: TestClient, tmp_path: Path) -> None:
    paths, expected = [], []
    for slug in RESOURCES:
        path = tmp_path / f"{slug}.jsonld"
        path.write_bytes(served(client, f"/data/{slug}.jsonld"))
        paths.append(path)
        # Jena reads the files into one graph; each file's blank nodes are its own.
        nt = ox.parse(served(client, f"/data/{slug}.nt"), format=ox.RdfFormat.N_TRIPLES)
        expected.extend(_own_blank_nodes(nt, slug))
    assert canonical(from_nquads(jena_reads(paths))) == canonical(expected)


def _own_blank_nodes(triples: Iterable[ox.Triple], prefix: str) -> Iterator[ox.Triple]:
    def term(node: Any) -> Any:
        return ox.BlankNode(f"{prefix}-{node.value}") if isinstance(node, ox.BlankNode) else node

    for triple in triples:
        yield ox.Triple(term(triple.subject), triple.predicate, term(triple.object))


def test_a_framed_document_is_the_same_bytes_in_another_process(client: TestClient) -> None:
    # A graph loaded afresh labels its blank nodes anew; the framed document may not change.
    script = (
        "import sys\n"
        "from kg.jsonld import resource_document\n"
        "from kg.serve.site import SiteGraph\n"
        "from kg.serve.state import shipped_graphs\n"
        f"iri = {ID + 'bonus'!r}\n"
        "site = SiteGraph(shipped_graphs())\n"
        "sys.stdout.buffer.write(resource_document(site.description(iri), iri))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, timeout=300
    )
    assert done.stdout == served(client, "/data/bonus.jsonld")
