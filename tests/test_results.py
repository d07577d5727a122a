"""Output formats: the SPARQL 1.1 CSV, TSV and JSON results formats, and the table."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rdflib.query import Result as SparqlResult

from kg.queries import Result
from kg.results import format_result, rows_as_csv_records, to_csv, to_json, to_table, to_tsv

ID = "https://w3id.org/siege626/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"

RESULT = Result(
    "SELECT",
    ("person", "label", "troops", "day", "note"),
    (
        (
            URIRef(ID + "sergius"),
            Literal("Sergius I", lang="en"),
            Literal(12000),
            Literal("0626-08-10", datatype=URIRef(XSD + "date")),
            None,
        ),
        (
            URIRef(ID + "shahin"),
            Literal('Shahin, "the falcon"\nof Persia\twith a tab'),
            None,
            None,
            BNode("b0"),
        ),
    ),
)


def test_csv_records_are_full_iris_and_lexical_forms() -> None:
    assert rows_as_csv_records(RESULT) == [
        [ID + "sergius", "Sergius I", "12000", "0626-08-10", ""],
        [ID + "shahin", 'Shahin, "the falcon"\nof Persia\twith a tab', "", "", "_:b0"],
    ]


def test_csv_reads_back_to_the_same_records() -> None:
    text = to_csv(RESULT)
    assert text.startswith("person,label,troops,day,note\r\n")
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records[0] == list(RESULT.columns)
    assert records[1:] == rows_as_csv_records(RESULT)


def test_csv_is_parsed_by_rdflib_as_sparql_results() -> None:
    parsed = SparqlResult.parse(io.BytesIO(to_csv(RESULT).encode()), format="csv")
    assert [str(v) for v in parsed.vars] == list(RESULT.columns)
    assert len(parsed) == 2


def test_tsv_keeps_terms_and_one_line_per_row() -> None:
    lines = to_tsv(RESULT).splitlines()
    assert lines[0] == "?person\t?label\t?troops\t?day\t?note"
    assert len(lines) == 3
    sergius = lines[1].split("\t")
    assert sergius == [
        f"<{ID}sergius>",
        '"Sergius I"@en',
        f'"12000"^^<{XSD}integer>',
        f'"0626-08-10"^^<{XSD}date>',
        "",
    ]
    shahin = lines[2].split("\t")
    assert shahin[1] == '"Shahin, \\"the falcon\\"\\nof Persia\\twith a tab"'
    assert shahin[4] == "_:b0"


def test_tsv_is_parsed_by_rdflib_as_sparql_results() -> None:
    parsed = SparqlResult.parse(io.StringIO(to_tsv(RESULT)), format="tsv")
    rows = list(parsed)
    assert rows[0][0] == URIRef(ID + "sergius")
    assert rows[0][1] == Literal("Sergius I", lang="en")
    assert rows[1][1] == RESULT.rows[1][1]


def test_json_follows_the_sparql_results_format() -> None:
    document = json.loads(to_json(RESULT))
    assert document["head"] == {"vars": list(RESULT.columns)}
    first, second = document["results"]["bindings"]
    assert first == {
        "person": {"type": "uri", "value": ID + "sergius"},
        "label": {"type": "literal", "value": "Sergius I", "xml:lang": "en"},
        "troops": {"type": "literal", "value": "12000", "datatype": XSD + "integer"},
        "day": {"type": "literal", "value": "0626-08-10", "datatype": XSD + "date"},
    }
    assert "troops" not in second  # unbound variables are left out
    assert second["note"] == {"type": "bnode", "value": "b0"}
    assert second["label"] == {"type": "literal", "value": str(RESULT.rows[1][1])}


def test_json_is_parsed_by_rdflib_as_sparql_results() -> None:
    parsed = SparqlResult.parse(io.StringIO(to_json(RESULT)), format="json")
    assert list(parsed)[0][2] == Literal(12000)


def test_ask_result_in_json_csv_and_table() -> None:
    ask = Result("ASK", ("boolean",), ((Literal(True),),), boolean=True)
    assert json.loads(to_json(ask)) == {"head": {}, "boolean": True}
    assert to_csv(ask) == "boolean\r\ntrue\r\n"
    assert "true" in to_table(ask)


def test_table_shortens_iris_and_counts_rows() -> None:
    lines = to_table(RESULT).splitlines()
    assert lines[0].split() == ["person", "label", "troops", "day", "note"]
    assert lines[2].startswith("id:sergius")
    assert "Sergius I" in lines[2]
    assert lines[-1] == "(2 rows)"
    assert all(line == line.rstrip() for line in lines)


def test_table_does_not_read_brackets_as_markup() -> None:
    result = Result("SELECT", ("note",), ((Literal("[bold]sows[/bold]"),),))
    assert "[bold]sows[/bold]" in to_table(result)


def test_table_keeps_long_values_whole() -> None:
    long_iri = URIRef("https://example.org/" + "x" * 300)
    assert f"<{long_iri}>" in to_table(Result("SELECT", ("iri",), ((long_iri,),)))


def test_format_result_dispatches() -> None:
    assert format_result(RESULT, "csv") == to_csv(RESULT)
    assert format_result(RESULT, "json") == to_json(RESULT)
