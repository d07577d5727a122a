"""Local literal checks: what the loader refuses before it sends anything to a store."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from kg.literal_checks import IllTypedLiteralError, check_literals, is_well_typed
from kg.loading import PARTS, load_graph

XSD = "http://www.w3.org/2001/XMLSchema#"


def _literal(text: str, datatype: str) -> Literal:
    iri = datatype if ":" in datatype else XSD + datatype
    return Literal(text, datatype=URIRef(iri), normalize=False)


@pytest.mark.parametrize(
    ("text", "datatype"),
    [
        ("0626-08-03", "date"),
        ("0626-08-10", "date"),
        ("-0044-03-15", "date"),  # 45 BCE: Python's date cannot hold it, XSD can
        ("0000-02-29", "date"),  # year 0 (1 BCE) is a leap year in XSD 1.1
        ("2000-02-29Z", "date"),
        ("0626-08-03+14:00", "date"),
        ("0626-08-03T24:00:00", "dateTime"),
        ("0626-08-03T12:30:59.5-05:00", "dateTime"),
        ("12:00:00", "time"),
        ("0626", "gYear"),
        ("--02-29", "gMonthDay"),
        ("-7", "integer"),
        ("+007", "integer"),
        ("255", "unsignedByte"),
        ("5.70", "decimal"),
        (".5", "decimal"),
        ("1e3", "double"),
        ("-INF", "float"),
        ("1", "boolean"),
        ("P1Y2M3DT4H5M6.7S", "duration"),
        ("PT36H", "dayTimeDuration"),
        ("0FB8", "hexBinary"),
        ("AAAA", "base64Binary"),
        ("anything at all", "string"),
        ("POINT(28.875 41.125)", "http://www.opengis.net/ont/geosparql#wktLiteral"),
        ("no check", "http://example.org/own-datatype"),
    ],
)
def test_well_typed(text: str, datatype: str) -> None:
    assert is_well_typed(_literal(text, datatype))


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
@pytest.mark.parametrize(
    ("text", "datatype"),
    [
        ("notanint", "integer"),
        ("1.5", "integer"),
        ("256", "unsignedByte"),
        ("-1", "nonNegativeInteger"),
        ("0", "positiveInteger"),
        ("1,5", "decimal"),
        ("yes", "boolean"),
        ("626-08-03", "date"),
        ("0626-02-29", "date"),  # 626 is not a leap year
        ("0626-13-01", "date"),
        ("0626-08-03+15:00", "date"),
        ("0626-08-03T24:00:01", "dateTime"),
        ("0626-08-03", "dateTime"),
        ("0626-08-03T10:00:00", "dateTimeStamp"),
        ("P", "duration"),
        ("P1Y", "dayTimeDuration"),
        ("0FB", "hexBinary"),
    ],
)
def test_ill_typed(text: str, datatype: str) -> None:
    assert not is_well_typed(_literal(text, datatype))


# Python converts at most 4300 digits to an int (sys.get_int_max_str_digits); XML Schema
# puts no bound on an xsd:integer or on a year.
LONG = "9" * 5000


@pytest.mark.parametrize(
    ("text", "datatype", "well_typed"),
    [
        (LONG, "integer", True),
        ("-" + LONG, "integer", True),
        (LONG, "nonNegativeInteger", True),
        ("-" + LONG, "nonNegativeInteger", False),
        ("-" + LONG, "negativeInteger", True),
        (LONG, "long", False),
        ("-" + LONG, "unsignedLong", False),
        ("0" * 5000 + "1", "byte", True),  # leading zeros do not make it large
        (LONG + "-01-01", "date", True),
        (LONG + "-02-29", "date", False),  # ...9999 is not a leap year
        (LONG[:-4] + "2000-02-29", "date", True),  # ...2000 is
        ("-" + LONG + "-01-01T00:00:00", "dateTime", True),
        (LONG + "-02", "gYearMonth", True),
    ],
)
def test_literals_longer_than_python_converts(text: str, datatype: str, well_typed: bool) -> None:
    assert is_well_typed(_literal(text, datatype)) is well_typed


def test_check_names_the_triple_and_the_count() -> None:
    graph = Graph()
    graph.add((URIRef("http://e/a"), URIRef("http://e/n"), _literal("notanint", "integer")))
    graph.add((URIRef("http://e/a"), URIRef("http://e/d"), _literal("0626-02-30", "date")))
    with pytest.raises(IllTypedLiteralError) as caught:
        check_literals(graph, "part 'data'")
    message = str(caught.value)
    assert message.startswith("part 'data': 2 ill-typed literals, nothing was sent: ")
    assert '<http://e/a> <http://e/n> "notanint"^^<http://www.w3.org/2001/XMLSchema#integer>' in (
        message
    )
    assert "\n" not in message


@pytest.mark.parametrize("part", PARTS)
def test_the_shipped_parts_are_well_typed(part: str) -> None:
    check_literals(load_graph([part]), part)
