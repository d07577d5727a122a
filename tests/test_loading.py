from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from kg.errors import InputFileError, ParseError
from kg.loading import PARTS, check_turtle, load_dataset, load_files, part_graph
from kg.namespaces import DATA_GRAPH, ID, LINKS_GRAPH, ONTOLOGY_GRAPH, SG

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
VALIDATION = FIXTURES / "validation"


def test_malformed_turtle_reports_file_line_and_column() -> None:
    path = FIXTURES / "malformed.ttl"
    with pytest.raises(ParseError) as caught:
        load_files([path])
    error = caught.value
    assert (error.file, error.line, error.column) == (path, 6, 37)
    assert str(error) == f"{path}:6:37: A dot is expected at the end of statements"
    assert "\n" not in str(error)


def test_unterminated_string_points_at_its_start(tmp_path: Path) -> None:
    path = tmp_path / "unterminated.ttl"
    path.write_text('@prefix id: <https://w3id.org/siege626/id/> .\nid:a id:b "open .\n')
    with pytest.raises(ParseError) as caught:
        check_turtle(path)
    assert (caught.value.line, caught.value.column) == (2, 11)


def test_invalid_utf8_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes('<http://e/a> <http://e/b> "caf\xe9" .\n'.encode("latin-1"))
    with pytest.raises(ParseError) as caught:
        load_files([path])
    assert caught.value.line == 1


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.ttl"
    with pytest.raises(InputFileError) as caught:
        load_files([missing])
    assert str(caught.value) == f"{missing}: no such file"


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not a file"):
        load_files([tmp_path])


def test_graph_binds_known_prefixes_only() -> None:
    graph = load_files([FIXTURES / "graph.ttl"])
    bound = dict(graph.namespaces())
    assert bound["id"] == URIRef(str(ID))
    assert bound["sg"] == URIRef(str(SG))
    # rdflib's default set would add dozens (brick:, schema:, ...) to every output.
    assert "brick" not in bound


def test_dataset_keeps_parts_in_named_graphs() -> None:
    dataset = load_dataset(
        ontology_paths=[VALIDATION / "ontology.ttl"], data_paths=[FIXTURES / "graph.ttl"]
    )
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    data = dataset.graph(DATA_GRAPH)
    assert (SG.Person, None, None) in ontology
    assert (SG.Person, None, None) not in data
    assert (ID.sergius, None, None) in data
    assert (ID.sergius, None, None) not in ontology
    assert len(dataset.graph(LINKS_GRAPH)) == 0  # other data: no shipped links by default
    assert len(dataset) == len(ontology) + len(data)  # the default graph is their union


def test_shipped_dataset_has_every_part_in_its_graph() -> None:
    dataset = load_dataset()
    sizes = {part: len(dataset.graph(part_graph(part))) for part in PARTS}
    assert PARTS == ("ontology", "data", "links", "inferred")
    assert all(size > 0 for size in sizes.values())
    assert (ID.constantinople, SKOS.exactMatch, None) in dataset.graph(LINKS_GRAPH)
    assert (ID.constantinople, SKOS.exactMatch, None) not in dataset.graph(DATA_GRAPH)
