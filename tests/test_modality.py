"""Every fact of the shipped graph is stated, read or derived, and the canned queries say which.

kg.modality gives each fact its one modality (stated by the words of a citation, read by the
editors from named words, or derived by a computation). The canned queries that answer "which
words state this fact" answer with exactly the stated facts of kg.modality.stated_facts, never
a read or derived one, over the whole graph; editorial-readings lists every reading, every fact
read and every derived value. The queries run on Oxigraph through the toolkit, as `kg query`
runs them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.catalogue import read_query_file
from kg.loading import load_files, load_store_parts
from kg.modality import (
    Modality,
    derived_predicates,
    fact_triples,
    modalities,
    read_facts,
    stated_facts,
)
from kg.namespaces import KNOWN_PREFIXES, SG
from kg.queries import Result, asserted_dataset_options, run_query

REPO_ROOT = Path(__file__).resolve().parent.parent
QUERIES = REPO_ROOT / "queries"
GRAPH_FILES = [
    REPO_ROOT / "ontology" / "siege626.ttl",
    REPO_ROOT / "ontology" / "alignments.ttl",
    REPO_ROOT / "data" / "siege626.ttl",
    REPO_ROOT / "data" / "links.ttl",
]
LINES = range(1, 18)
_ID = "https://w3id.org/siege626/id/"

Triple = tuple[Node, Node, Node]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_files(GRAPH_FILES)


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    return load_store_parts()


@pytest.fixture(scope="module")
def stated(graph: Graph) -> dict[Triple, set[Node]]:
    """Each stated triple and the quotations of the text that state it."""
    quotations = set(graph.subjects(RDF.type, SG.Quotation))
    found: dict[Triple, set[Node]] = {}
    for triple, citations in stated_facts(graph).items():
        by_quotation = citations & quotations
        if by_quotation:
            found[triple] = by_quotation
    return found


@pytest.fixture(scope="module")
def not_stated(graph: Graph) -> set[Triple]:
    """The facts the editors read and the derived values: never answered as stated."""
    derived = derived_predicates(graph)
    return set(read_facts(graph)) | {t for t in fact_triples(graph) if t[1] in derived}


def _line_of(graph: Graph) -> dict[Node, int]:
    return {
        quotation: int(graph.value(graph.value(quotation, SG.inSentence), SG.lineNumber))
        for quotation in graph.subjects(RDF.type, SG.Quotation)
    }


def _run(store: pyoxigraph.Store, name: str, params: Mapping[str, object] | None = None) -> Result:
    return run_query(store, read_query_file(QUERIES / f"{name}.rq"), params)  # type: ignore[arg-type]


def _records(result: Result) -> list[dict[str, Node | None]]:
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


# --- (a) one modality each ----------------------------------------------------------------


def test_every_fact_has_exactly_one_modality(graph: Graph) -> None:
    found = modalities(graph)
    assert len(found) > 900
    assert {triple: kinds for triple, kinds in found.items() if len(kinds) != 1} == {}
    counts = Counter(next(iter(kinds)) for kinds in found.values())
    assert counts[Modality.READ] == len(read_facts(graph))
    assert counts[Modality.DERIVED] > 0


# --- (b) the quotation queries answer the stated facts, and only them -----------------------


def test_facts_stated_by_line_are_the_stated_facts_of_each_line(
    graph: Graph, store: pyoxigraph.Store, stated: dict[Triple, set[Node]]
) -> None:
    """Over every line, the facts the query gives are exactly the stated facts."""
    line_of = _line_of(graph)
    expected = {
        (quotation, *triple)
        for triple, quotations in stated.items()
        for quotation in quotations
        if triple[1] != SKOS.editorialNote
    }
    answered = set()
    for line in LINES:
        for row in _records(_run(store, "facts-stated-by-line", {"line": line})):
            assert line_of[row["quotation"]] == line
            answered.add((row["quotation"], row["subject"], row["predicate"], row["object"]))
    assert answered == expected


def test_facts_and_quotations_per_line_counts_the_stated_facts(
    graph: Graph, store: pyoxigraph.Store, stated: dict[Triple, set[Node]]
) -> None:
    line_of = _line_of(graph)
    per_line: dict[int, set[Triple]] = {line: set() for line in LINES}
    for triple, quotations in stated.items():
        for quotation in quotations:
            per_line[line_of[quotation]].add(triple)
    answered = {
        int(row["line"]): int(row["facts"])  # type: ignore[arg-type]
        for row in _records(_run(store, "facts-and-quotations-per-line"))
    }
    assert answered == {line: len(triples) for line, triples in per_line.items()}


def test_quotations_stating_fact_answers_stated_facts_and_never_read_or_derived_ones(
    store: pyoxigraph.Store, stated: dict[Triple, set[Node]], not_stated: set[Triple]
) -> None:
    """Every read or derived fact with a resource as object gets no row; every stated
    fact of those subjects gets exactly the quotations that state it."""
    read_with_iri = [t for t in not_stated if isinstance(t[2], URIRef)]
    assert read_with_iri
    subjects = {t[0] for t in read_with_iri}
    stated_with_iri = [t for t in stated if isinstance(t[2], URIRef) and t[0] in subjects]
    assert stated_with_iri
    for triple in read_with_iri + stated_with_iri:
        params = dict(zip(("subject", "predicate", "object"), triple, strict=True))
        rows = _records(_run(store, "quotations-stating-fact", params))
        assert {row["quotation"] for row in rows} == stated.get(triple, set()), triple


def test_quotations_stating_fact_with_literal_value_never_answers_a_read_or_derived_fact(
    store: pyoxigraph.Store, stated: dict[Triple, set[Node]], not_stated: set[Triple]
) -> None:
    literal_facts = [t for t in not_stated if isinstance(t[2], Literal)]
    subjects = {t[0] for t in literal_facts}
    literal_facts += [t for t in stated if isinstance(t[2], Literal) and t[0] in subjects]
    assert literal_facts
    for subject, predicate, value in literal_facts:
        params = {"subject": subject, "predicate": predicate, "value": str(value)}
        rows = _records(_run(store, "quotations-stating-fact-with-literal-value", params))
        expected = {
            quotation
            for (s, p, o), quotations in stated.items()
            if (s, p) == (subject, predicate) and isinstance(o, Literal) and str(o) == str(value)
            for quotation in quotations
        }
        assert {row["quotation"] for row in rows} == expected, (subject, predicate, value)


def test_quotations_about_resource_counts_only_stated_facts(
    store: pyoxigraph.Store, stated: dict[Triple, set[Node]], not_stated: set[Triple]
) -> None:
    """For every resource a read or derived fact is about: its quotations and their counts."""
    resources = {node for t in not_stated for node in (t[0], t[2])}
    resources = {node for node in resources if isinstance(node, URIRef) and node.startswith(_ID)}
    assert resources
    for resource in resources:
        expected: Counter[Node] = Counter()
        for (subject, predicate, obj), quotations in stated.items():
            if predicate != SKOS.editorialNote and resource in (subject, obj):
                expected.update(quotations)
        rows = _records(_run(store, "quotations-about-resource", {"resource": resource}))
        assert {row["quotation"]: int(row["facts"]) for row in rows} == dict(expected), resource  # type: ignore[arg-type]


# The per-fact queries that give the words of each fact: the basis they give a read fact.
PER_FACT_QUERIES = {
    "alliances": ("s", "relation", "o"),
    "characterisations-of-things": ("thing", "property", "words"),
    "commanders-of-forces-and-operations": ("participation", "commandRelation", "command"),
    "family-relations": ("person", "relation", "relative"),
    "languages-of-peoples-and-performances": ("thing", "relation", "language"),
    "offices-held-by-persons": ("person", "relation", "office"),
    "temporal-relations-between-events": ("event", "relation", "other"),
}


@pytest.mark.parametrize("name", sorted(PER_FACT_QUERIES))
def test_per_fact_queries_never_answer_a_read_fact_as_stated(name: str) -> None:
    """Each spells out the whole rule (the readings and the derived properties excepted),
    and gives a read fact the words of its reading, marked as read."""
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    subject, predicate, obj = (f"?{variable}" for variable in PER_FACT_QUERIES[name])
    reads = re.compile(
        rf"rdf:subject \{subject} ; rdf:predicate \{predicate} ; rdf:object \{obj} \.\s*"
        r"\?\w+ sg:reads \?\w+ \."
    )
    assert reads.search(text), "no MINUS for the facts a reading reads"
    assert f"MINUS {{ {predicate} sg:derivedBy ?computation }}" in text
    assert "sg:readFrom" in text and '"read by the editors"' in text


def test_per_fact_queries_mark_every_read_fact_they_list(
    store: pyoxigraph.Store, graph: Graph
) -> None:
    """A row whose fact is read says so, with the line of one of the reading's words."""
    read = read_facts(graph)
    line_of = _line_of(graph)
    # A reading of another reference's record (data/links.ttl) has words with no line.
    read_lines = {
        triple: {
            line_of[q]
            for reading in readings
            for q in graph.objects(reading, SG.readFrom)
            if q in line_of
        }
        for triple, readings in read.items()
    }
    marked = 0
    for name, (subject, predicate, obj) in PER_FACT_QUERIES.items():
        query = read_query_file(QUERIES / f"{name}.rq")
        text = query.text
        for row in _records(_run(store, name)):
            # The fact's subject and property are not always projected: rebuild what is.
            s = row.get(subject)
            p = row.get(predicate) or _constant_property(text, predicate)
            o = row.get(obj)
            if s is None or o is None:
                continue
            triple = (s, p, o)
            if triple in read:
                assert row["basis"] == Literal("read by the editors"), (name, triple)
                assert int(row["line"]) in read_lines[triple], (name, triple)  # type: ignore[arg-type]
                marked += 1
            elif row["basis"] is not None:
                assert row["basis"] != Literal("read by the editors"), (name, triple)
    assert marked > 0


def _words(graph: Graph, citation: Node) -> Literal:
    """A quotation's exact words; a reference citation's reference and locator."""
    exact = graph.value(citation, SG.exact)
    if exact is not None:
        return exact  # type: ignore[return-value]
    reference = graph.value(citation, SG.citesReference)
    label = next(
        label for label in graph.objects(reference, RDFS.label) if label.language == "en"
    )
    return Literal(f"{label}, {graph.value(citation, SG.locator)}")


def _constant_property(text: str, variable: str) -> URIRef | None:
    match = re.search(rf"VALUES {re.escape('?' + variable)} \{{ sg:(\w+) \}}", text)
    return SG[match.group(1)] if match else None


# --- (c) editorial-readings lists every reading, every fact read, every derived value -------


def test_editorial_readings_lists_every_reading_and_every_read_triple(
    store: pyoxigraph.Store, graph: Graph
) -> None:
    rows = _records(_run(store, "editorial-readings"))
    kind = {row["kind"] for row in rows}
    assert kind == {Literal("read by the editors"), Literal("derived"), Literal("editors' remark")}

    read_rows = [row for row in rows if row["kind"] == Literal("read by the editors")]
    listed = {(row["by"], row["subject"], row["predicate"], row["object"]) for row in read_rows}
    expected = {
        (reading, *triple) for triple, readings in read_facts(graph).items() for reading in readings
    }
    assert listed == expected
    assert {row["by"] for row in read_rows} == set(graph.subjects(RDF.type, SG.Reading))
    words = {(row["by"], row["exact"]) for row in read_rows}
    assert words == {
        (reading, _words(graph, citation))
        for reading, citation in graph.subject_objects(SG.readFrom)
    }
    readings = set(graph.subjects(RDF.type, SG.Reading))
    notes = {(row["by"], row["note"]) for row in read_rows}
    assert notes == {
        (reading, note)
        for reading, note in graph.subject_objects(SKOS.editorialNote)
        if reading in readings
    }

    derived = derived_predicates(graph)
    derived_rows = {
        (row["by"], row["subject"], row["predicate"], row["object"])
        for row in rows
        if row["kind"] == Literal("derived")
    }
    assert derived_rows == {
        (derived[p], s, p, o) for s, p, o in fact_triples(graph) if p in derived
    }

    remarks = {
        (row["subject"], row["note"]) for row in rows if row["kind"] == Literal("editors' remark")
    }
    assert remarks == {
        (resource, note)
        for resource, note in graph.subject_objects(SKOS.editorialNote)
        if str(resource).startswith(_ID) and resource not in readings
    }


# --- the README's provenance queries --------------------------------------------------------


def _readme_provenance_queries() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Provenance: which sentence states a fact", 1)[1].split("\n### ")[0]
    return re.findall(r"```sparql\n(.*?)```", section, re.DOTALL)


def _with_facts(query: str, facts: list[Triple]) -> str:
    values = " ".join(f"({s.n3()} {p.n3()} {o.n3()})" for s, p, o in facts)
    written, count = re.subn(
        r"VALUES \(\?s \?p \?o\) \{[^}]*\}", f"VALUES (?s ?p ?o) {{ {values} }}", query
    )
    assert count == 1
    return written


def test_the_readme_rule_answers_stated_facts_and_no_read_or_derived_one(
    store: pyoxigraph.Store, not_stated: set[Triple]
) -> None:
    simple, written_out = _readme_provenance_queries()
    assert "sg:reads" in written_out and "sg:derivedBy" in written_out
    options = asserted_dataset_options(store)
    bonus = [(row["line"].value, row["exact"].value) for row in store.query(written_out, **options)]
    assert bonus == [("7", "Bonus as magister militum")]
    read_or_derived = _with_facts(written_out, sorted(not_stated))
    assert list(store.query(read_or_derived, **options)) == []
    # The simple form, over every part (the generated part states what the rule answers).
    assert [
        row["line"].value
        for row in store.query(simple, prefixes=KNOWN_PREFIXES, use_default_graph_as_union=True)
    ] == ["7"]
