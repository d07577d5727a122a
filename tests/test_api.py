"""The notebook API (``import kg``) over a small project tree laid out like the real one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

import kg
from kg import resources
from kg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from kg.notebook import default_graph, default_store

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
ID = "https://w3id.org/siege626/id/"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A resource root holding the fixtures where the real files would be."""
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    shutil.copy(FIXTURES / "validation" / "ontology.ttl", tmp_path / "ontology" / "siege626.ttl")
    (tmp_path / "ontology" / "alignments.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://w3id.org/siege626/ontology#Place> owl:equivalentClass "
        "<http://www.cidoc-crm.org/cidoc-crm/E53_Place> .\n"
    )
    shutil.copy(FIXTURES / "validation" / "shapes.ttl", tmp_path / "ontology" / "shapes.ttl")
    shutil.copy(FIXTURES / "graph.ttl", tmp_path / "data" / "siege626.ttl")
    (tmp_path / "data" / "links.ttl").write_text("# No links in this fixture.\n")
    (tmp_path / "data" / "inferred.ttl").write_text("# Nothing inferred in this fixture.\n")
    shutil.copytree(FIXTURES / "queries", tmp_path / "queries")
    shutil.copytree(FIXTURES / "validation" / "qc", tmp_path / "queries" / "qc")
    monkeypatch.setattr(resources, "resource_root", lambda: tmp_path)
    default_graph.cache_clear()
    default_store.cache_clear()
    yield tmp_path
    default_graph.cache_clear()
    default_store.cache_clear()


def test_public_names() -> None:
    assert set(kg.__all__) == {
        "__version__",
        "list_queries",
        "load_dataset",
        "load_graph",
        "run_query",
        "validate",
    }


def test_checkout_is_the_resource_root_when_no_wheel_resources() -> None:
    package = Path(kg.__file__).resolve().parent
    if (package / "_resources").is_dir():
        pytest.fail("kg/_resources must exist only inside a built wheel")
    assert resources.resource_root() == package.parent
    assert resources.queries_dir() == package.parent / "queries"


def test_run_query_returns_dicts_of_terms(project: Path) -> None:
    rows = kg.run_query("defenders-of-place")
    assert rows == [
        {"person": URIRef(ID + "bonus"), "label": Literal("Bonus")},
        {"person": URIRef(ID + "sergius"), "label": Literal("Sergius I", lang="en")},
    ]
    assert kg.run_query("defenders-of-place", place="chalcedon") == []
    assert kg.run_query("forces-of-at-least", minimum=20000)[0]["person"] == URIRef(ID + "shahin")


def test_graph_is_loaded_once(project: Path) -> None:
    kg.run_query("defenders-of-place")
    first = default_store()
    kg.run_query("events-on-date")
    assert default_store() is first
    assert default_graph() is default_graph()


def test_run_query_answers_as_rdflib_does(project: Path) -> None:
    """kg.run_query runs on Oxigraph; rdflib's engine over kg.load_graph() agrees."""
    from kg.queries import list_queries, run_query

    for query in list_queries():
        if all(parameter.default is not None for parameter in query.parameters):
            on_rdflib = run_query(kg.load_graph(), query)
            expected = [dict(zip(on_rdflib.columns, row, strict=True)) for row in on_rdflib.rows]
            assert kg.run_query(query.name) == expected, query.name


def test_list_load_and_validate_use_the_shipped_layout(project: Path) -> None:
    assert [query.name for query in kg.list_queries()][0] == "defenders-of-place"
    graph = kg.load_graph()
    assert (URIRef(ID + "sergius"), None, None) in graph
    assert len(kg.load_graph(parts=("ontology",))) == 9
    dataset = kg.load_dataset()
    assert len(dataset.graph(ONTOLOGY_GRAPH)) == 9
    assert len(dataset.graph(DATA_GRAPH)) == len(kg.load_graph(parts=("data",)))
    report = kg.validate()
    assert report.checks == ("sentence-line-range",)
    # graph.ttl has places without rdfs:comment (warnings) and nothing worse: by SHACL a
    # warning is a result, so it does not conform; with warnings allowed it is accepted.
    assert not report.conforms
    assert {v.severity for v in report.violations} == {"Warning"}
    assert kg.validate(allow_warnings=True).accepted
