"""The data and its source text agree, and every fact of the data is attributed to it.

These tests read the source file and the data with plain Python and rdflib, independently of
the SPARQL quality checks, so that a fault in one is caught by the other.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FILE = ROOT / "data" / "source" / "siege626.txt"
SOURCE_README = ROOT / "data" / "source" / "README.md"
SHARED_SOURCE_FILE = Path("/work/shared/source/siege626.txt")
DATA_FILE = ROOT / "data" / "siege626.ttl"

SG = Namespace("https://w3id.org/siege626/ontology#")
ID = Namespace("https://w3id.org/siege626/id/")
SOURCE_DOCUMENT = ID["source-text"]
LINE_COUNT = 17

Triple = tuple[Node, Node, Node]


@cache
def data() -> Graph:
    return Graph().parse(DATA_FILE, format="turtle")


@cache
def document() -> str:
    # newline="" keeps the file's own line breaks, so offsets count them as they are.
    with SOURCE_FILE.open(encoding="utf-8", newline="") as file:
        return file.read()


def lines() -> list[str]:
    return document().split("\n")


def integer(graph: Graph, subject: Node, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), f"{subject} has no {predicate}"
    number = value.toPython()
    assert isinstance(number, int) and not isinstance(number, bool), f"{subject} {predicate}"
    return number


def text(graph: Graph, subject: Node, predicate: URIRef) -> str:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), f"{subject} has no {predicate}"
    return str(value)


def sentences() -> dict[int, Node]:
    """Sentence resources by line number."""
    graph = data()
    found: dict[int, Node] = {}
    for sentence in graph.subjects(RDF.type, SG.Sentence):
        line = integer(graph, sentence, SG.lineNumber)
        assert line not in found, f"line {line} has two sentences"
        found[line] = sentence
    return found


def quotations() -> list[Node]:
    return sorted(data().subjects(RDF.type, SG.Quotation))


# ---------------------------------------------------------------------------------------------
#  The source file
# ---------------------------------------------------------------------------------------------


def test_source_file_has_the_recorded_sha256() -> None:
    recorded = text(data(), SOURCE_DOCUMENT, SG.sha256)
    assert hashlib.sha256(SOURCE_FILE.read_bytes()).hexdigest() == recorded


def test_source_file_has_the_recorded_character_count() -> None:
    assert len(document()) == integer(data(), SOURCE_DOCUMENT, SG.characterCount)


def test_source_file_is_utf8_lines_without_trailing_newline() -> None:
    raw = SOURCE_FILE.read_bytes()
    raw.decode("utf-8")  # raises if the file is not UTF-8
    assert b"\r" not in raw
    assert not raw.endswith(b"\n")
    assert len(lines()) == LINE_COUNT


@pytest.mark.skipif(
    not SHARED_SOURCE_FILE.exists(),
    reason=f"the reference copy {SHARED_SOURCE_FILE} is not on this machine",
)
def test_source_file_is_byte_identical_to_the_reference_copy() -> None:
    assert SOURCE_FILE.read_bytes() == SHARED_SOURCE_FILE.read_bytes()


# ---------------------------------------------------------------------------------------------
#  Sentences and quotations against the file
# ---------------------------------------------------------------------------------------------


def test_one_sentence_resource_per_line() -> None:
    assert sorted(sentences()) == list(range(1, LINE_COUNT + 1))
    graph = data()
    assert all(
        graph.value(sentence, SG.inDocument) == SOURCE_DOCUMENT for sentence in sentences().values()
    )


@pytest.mark.parametrize("line", range(1, LINE_COUNT + 1))
def test_sentence_text_is_its_line_and_its_offsets_slice_it(line: int) -> None:
    graph = data()
    sentence = sentences()[line]
    sentence_text = text(graph, sentence, SG.text)
    assert sentence_text == lines()[line - 1]
    start = integer(graph, sentence, SG.startOffset)
    end = integer(graph, sentence, SG.endOffset)
    assert document()[start:end] == sentence_text


@pytest.mark.parametrize("quotation", quotations(), ids=lambda q: str(q).rsplit("/", 1)[-1])
def test_quotation_words_are_at_its_offsets_inside_its_sentence(quotation: Node) -> None:
    graph = data()
    exact = text(graph, quotation, SG.exact)
    start = integer(graph, quotation, SG.startOffset)
    end = integer(graph, quotation, SG.endOffset)
    assert 0 <= start < end <= len(document())
    assert document()[start:end] == exact

    sentence = graph.value(quotation, SG.inSentence)
    assert sentence is not None, f"{quotation} cites no sentence"
    sentence_start = integer(graph, sentence, SG.startOffset)
    sentence_end = integer(graph, sentence, SG.endOffset)
    assert sentence_start <= start and end <= sentence_end, "quotation runs outside its sentence"


# ---------------------------------------------------------------------------------------------
#  Provenance: which quotation states which fact
# ---------------------------------------------------------------------------------------------

PROVENANCE_CLASSES = {SG.SourceDocument, SG.Sentence, SG.Quotation, SG.Reading}


def facts() -> set[Triple]:
    """Triples about id: resources, without the provenance records and the editors' notes."""
    graph = data()
    records = {s for cls in PROVENANCE_CLASSES for s in graph.subjects(RDF.type, cls)}
    return {
        (s, p, o)
        for s, p, o in graph
        if isinstance(s, URIRef)
        and str(s).startswith(str(ID))
        and s not in records
        and p != SKOS.editorialNote
    }


def _reified(graph: Graph, statement: Node) -> Triple:
    return (
        graph.value(statement, RDF.subject),
        graph.value(statement, RDF.predicate),
        graph.value(statement, RDF.object),
    )  # type: ignore[return-value]


def sources() -> dict[Triple, set[Node]]:
    """For each fact, the quotations of the text it rests on.

    A quotation states a triple when one of its rdf:Statements (sg:states) is that triple, or
    when it describes the triple's subject (sg:describes) and no quotation's sg:states claims
    that triple. A triple that an editorial reading reads rests on the words the reading is
    read from (sg:readFrom). A derived value (its property sg:derivedBy a computation) rests on
    the quotations that describe its subject, whose stated values it is computed from.
    """
    graph = data()
    claimed: dict[Triple, set[Node]] = defaultdict(set)
    for quotation, statement in graph.subject_objects(SG.states):
        claimed[_reified(graph, statement)].add(quotation)
    read_from: dict[Triple, set[Node]] = defaultdict(set)
    for reading, statement in graph.subject_objects(SG.reads):
        read_from[_reified(graph, statement)] |= set(graph.objects(reading, SG.readFrom))
    describers: dict[Node, set[Node]] = defaultdict(set)
    for quotation, resource in graph.subject_objects(SG.describes):
        describers[resource].add(quotation)
    return {
        fact: set(claimed.get(fact) or read_from.get(fact) or describers.get(fact[0], ()))
        for fact in facts()
    }


def test_the_data_has_facts() -> None:
    assert len(facts()) > 100


def test_every_fact_has_a_source() -> None:
    unsourced = sorted(
        f"{s.n3(data().namespace_manager)} {p.n3(data().namespace_manager)} {o.n3()}"
        for (s, p, o), quotes in sources().items()
        if not quotes
    )
    assert unsourced == []


def test_every_claimed_statement_is_a_fact_of_the_data() -> None:
    graph = data()
    dangling = []
    for quotation, statement in graph.subject_objects(SG.states):
        triple = (
            graph.value(statement, RDF.subject),
            graph.value(statement, RDF.predicate),
            graph.value(statement, RDF.object),
        )
        if None in triple or triple not in graph:
            dangling.append((quotation, triple))
    assert dangling == []


def test_every_source_of_a_fact_is_a_quotation_in_a_numbered_sentence() -> None:
    graph = data()
    quotes = {quote for found in sources().values() for quote in found}
    for quote in quotes:
        assert (quote, RDF.type, SG.Quotation) in graph, quote
        sentence = graph.value(quote, SG.inSentence)
        assert sentence is not None and 1 <= integer(graph, sentence, SG.lineNumber) <= LINE_COUNT


def test_every_line_is_cited_by_a_quotation_that_states_a_fact() -> None:
    graph = data()
    stating = {quote for found in sources().values() for quote in found}
    cited_lines = {
        integer(graph, graph.value(quote, SG.inSentence), SG.lineNumber) for quote in stating
    }
    assert sorted(set(range(1, LINE_COUNT + 1)) - cited_lines) == []


def test_every_quotation_states_a_fact() -> None:
    """Every quotation states a fact, or is words an editorial reading reads facts from."""
    stating = {quote for found in sources().values() for quote in found}
    assert sorted(set(quotations()) - stating) == []


# ---------------------------------------------------------------------------------------------
#  Credit and licence
# ---------------------------------------------------------------------------------------------


def test_source_readme_credits_the_source() -> None:
    assert SOURCE_README.exists(), "data/source/README.md is missing"
    readme = SOURCE_README.read_text(encoding="utf-8")
    squashed = re.sub(r"\s+", " ", readme)
    for needed in (
        "English Wikipedia",
        '"626"',
        "https://en.wikipedia.org/wiki/626",
        "events section",
        "older revision",
        "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "an decisive victory",
        "The Persian led by Shahin Vahmanzadegan, advance",
        hashlib.sha256(SOURCE_FILE.read_bytes()).hexdigest(),
        "0-based",
        "Unicode code points",
        "end exclusive",
    ):
        assert needed in squashed, f"README does not say {needed!r}"


def test_source_readme_quotes_the_slips_as_they_stand_in_the_text() -> None:
    readme = SOURCE_README.read_text(encoding="utf-8")
    for quoted in re.findall(r'"([^"]*(?:an decisive|Persian led)[^"]*)"', readme):
        assert quoted.replace(" …", "") in document(), quoted


def test_data_credits_the_source_with_its_licence() -> None:
    graph = data()
    license_ = URIRef("http://purl.org/dc/terms/license")
    assert (
        SOURCE_DOCUMENT,
        license_,
        URIRef("https://creativecommons.org/licenses/by-sa/4.0/"),
    ) in graph
