"""The header grammar of canned queries, and the shipped catalogue against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg import resources
from kg.catalogue import THEMES, Catalogue, read_query_file
from kg.errors import CatalogueError, InputFileError
from kg.loading import load_graph
from kg.queries import run_query

HEADER = """\
# Question: Who led the defence of a place, and in what office?
# Parameter: place iri default=id:constantinople  The place that was defended.
# Parameter: title string default="magister militum" The office, as the source words it.
# Parameter: minimum integer The smallest force.
# Columns: person, personLabel, ?office
# Sentences: 7, 9-11
# Free comment: anything else a reader needs to know.
SELECT ?person ?personLabel ?office WHERE { ?person ?p ?place }
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_fields(tmp_path: Path) -> None:
    query = read_query_file(write(tmp_path, "leaders-of-place.rq", HEADER))
    assert query.name == "leaders-of-place"
    assert query.question == "Who led the defence of a place, and in what office?"
    assert query.columns == ("person", "personLabel", "office")
    assert query.sentences == (7, 9, 10, 11)
    place, title, minimum = query.parameters
    assert (place.name, place.kind, place.default_text) == ("place", "iri", "id:constantinople")
    assert place.default == URIRef("https://w3id.org/siege626/id/constantinople")
    assert place.description == "The place that was defended."
    assert title.default == Literal("magister militum")
    assert (minimum.kind, minimum.default, minimum.description) == (
        "integer",
        None,
        "The smallest force.",
    )


@pytest.mark.parametrize(
    "line, message",
    [
        ("# Parameter: place place", "kind 'place' is not one of iri, string, integer, date"),
        ("# Parameter: my-place iri", "'my-place' is not a SPARQL variable name"),
        ("# Parameter: n integer default=many", "bad default: parameter 'n': not an integer"),
        ("# Parameter: p iri default=x>y", "bad default: parameter 'p': not a valid IRI"),
        ("# Sentences: seven", "sentence 'seven' is not a number or a range"),
        ("# Theme: weather", "theme 'weather' is not one of people, events, places"),
    ],
)
def test_bad_header_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, "q.rq", f"# Question: Q?\n{line}\nASK {{ }}\n")
    with pytest.raises(CatalogueError) as caught:
        read_query_file(path)
    assert str(caught.value).startswith(f"{path}:2: ")
    assert message in str(caught.value)


def test_the_theme_groups_a_question(tmp_path: Path) -> None:
    themed = read_query_file(write(tmp_path, "a.rq", "# Question: Q?\n# Theme: Places\nASK { }\n"))
    assert themed.theme == "places"
    assert read_query_file(write(tmp_path, "b.rq", "# Question: Q?\nASK { }\n")).theme == ""


def test_parameter_declared_twice(tmp_path: Path) -> None:
    text = "# Question: Q?\n# Parameter: a iri\n# Parameter: a string\nASK { }\n"
    with pytest.raises(CatalogueError, match="declared twice"):
        read_query_file(write(tmp_path, "q.rq", text))


def test_canned_query_needs_a_question(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="no '# Question:' line"):
        read_query_file(write(tmp_path, "q.rq", "# Columns: a\nSELECT ?a WHERE { }\n"))


def test_header_ends_at_the_first_line_that_is_not_a_comment(tmp_path: Path) -> None:
    text = "# Question: Q?\nPREFIX ex: <http://e/>\n# Columns: late\nSELECT ?a WHERE { }\n"
    assert read_query_file(write(tmp_path, "q.rq", text)).columns == ()


def test_catalogue_lists_only_rq_files_of_its_own_directory(tmp_path: Path) -> None:
    write(tmp_path, "b-query.rq", "# Question: B?\nASK { }\n")
    write(tmp_path, "a-query.rq", "# Question: A?\nASK { }\n")
    write(tmp_path, "a-query.csv", "boolean\r\ntrue\r\n")
    (tmp_path / "qc").mkdir()
    write(tmp_path / "qc", "c-violation.rq", "# Question: C?\nASK { }\n")
    catalogue = Catalogue(tmp_path)
    assert catalogue.names() == ["a-query", "b-query"]
    assert len(catalogue) == 2


def test_missing_catalogue_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such query directory"):
        Catalogue(tmp_path / "nowhere").names()


# --- the shipped catalogue, whatever it holds when the tests run -------------------------

SHIPPED = sorted(resources.queries_dir().glob("*.rq")) + sorted(resources.qc_dir().glob("*.rq"))


@pytest.mark.parametrize("path", SHIPPED, ids=[path.name for path in SHIPPED])
def test_shipped_query_header_parses(path: Path) -> None:
    query = read_query_file(path)
    assert query.question.strip()
    for parameter in query.parameters:
        # A declared parameter the query never mentions would silently do nothing.
        assert f"?{parameter.name}" in query.text or f"${parameter.name}" in query.text


CANNED = sorted(resources.queries_dir().glob("*.rq"))


def test_every_shipped_question_has_a_theme() -> None:
    themes = {path.stem: read_query_file(path).theme for path in CANNED}
    assert [name for name, theme in themes.items() if theme not in THEMES] == []
    # Each theme of the list of questions has questions under it.
    assert set(themes.values()) == set(THEMES)


@pytest.fixture(scope="module")
def shipped_graph() -> Graph:
    return load_graph()


@pytest.mark.parametrize("path", CANNED, ids=[path.name for path in CANNED])
def test_shipped_query_runs_and_returns_its_columns(path: Path, shipped_graph: Graph) -> None:
    query = read_query_file(path)
    # `kg query --all` runs every canned query with its defaults, so each needs one.
    assert all(parameter.default is not None for parameter in query.parameters)
    result = run_query(shipped_graph, query)
    if query.columns:
        assert result.columns == query.columns
