"""Violations planted in copies of the shipped graph, each of a kind that a shape reports.

A copy of the graph is a list of quads: the data part in DATA_GRAPH, the links part in
LINKS_GRAPH (the parts ``kg validate`` loads). A plant names the copy, the kind of
violation and the resource it breaks; :func:`plant` returns the quads with it applied.
Each kind lists the shapes (sh:sourceShape) that must report it, so a test can tell a
plant that works from one that no shape sees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import pyoxigraph

from bench.scale import copy_triples
from kg import resources
from kg.namespaces import DATA_GRAPH, ID, LINKS_GRAPH

__all__ = [
    "DATA",
    "KINDS",
    "LINKS",
    "Kind",
    "Plant",
    "base_quads",
    "candidates",
    "plant",
    "planted_quads",
    "turtle",
]

SG = "https://w3id.org/siege626/ontology#"
SHP = "https://w3id.org/siege626/shapes#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GEO = "http://www.opengis.net/ont/geosparql#"

Quads = list[pyoxigraph.Quad]
Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal


def _iri(value: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(value)


def sg(name: str) -> pyoxigraph.NamedNode:
    return _iri(SG + name)


TYPE = _iri(RDF + "type")
LABEL = _iri(RDFS + "label")
INTEGER = _iri(XSD + "integer")
DATA = pyoxigraph.NamedNode(str(DATA_GRAPH))
LINKS = pyoxigraph.NamedNode(str(LINKS_GRAPH))


def _read(path: object) -> list[pyoxigraph.Triple]:
    return list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))


@cache
def _shipped() -> tuple[list[pyoxigraph.Triple], list[pyoxigraph.Triple]]:
    return _read(resources.data_path()), _read(resources.links_path())


def base_quads(copies: int) -> Quads:
    """``copies`` copies of the shipped data and links, renamed as bench/scale.py renames them."""
    data, links = _shipped()
    quads: Quads = []
    for copy in range(1, copies + 1):
        for triples, graph in ((data, DATA), (links, LINKS)):
            quads += [
                pyoxigraph.Quad(t.subject, t.predicate, t.object, graph)
                for t in copy_triples(triples, copy)
            ]
    return quads


def _objects(quads: Sequence[pyoxigraph.Quad], subject: Term, predicate: pyoxigraph.NamedNode):
    return [q.object for q in quads if q.subject == subject and q.predicate == predicate]


def _replace_objects(
    quads: Quads, subject: Term, predicate: pyoxigraph.NamedNode, new: Callable[[Term], Term]
) -> Quads:
    """Each (subject predicate o) becomes (subject predicate new(o)), in its own graph."""
    return [
        pyoxigraph.Quad(q.subject, q.predicate, new(q.object), q.graph_name)
        if q.subject == subject and q.predicate == predicate
        else q
        for q in quads
    ]


def _without(quads: Quads, subject: Term, predicate: pyoxigraph.NamedNode) -> Quads:
    return [q for q in quads if not (q.subject == subject and q.predicate == predicate)]


def _with(quads: Quads, subject: Term, predicate: pyoxigraph.NamedNode, obj: Term) -> Quads:
    return [*quads, pyoxigraph.Quad(subject, predicate, obj, DATA)]


def _integer(term: Term, change: Callable[[int], int]) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(str(change(int(term.value))), datatype=INTEGER)


def _text(term: Term, change: Callable[[str], str], **kind: object) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(change(term.value), **kind)  # type: ignore[arg-type]


# Candidates: which resources of one copy a kind can break, found by a predicate they have.
Candidates = Callable[[Sequence[pyoxigraph.Quad]], list[Term]]


def subjects_of(predicate: pyoxigraph.NamedNode) -> Candidates:
    def found(quads: Sequence[pyoxigraph.Quad]) -> list[Term]:
        return _distinct(q.subject for q in quads if q.predicate == predicate)

    return found


def objects_of(predicate: pyoxigraph.NamedNode) -> Candidates:
    def found(quads: Sequence[pyoxigraph.Quad]) -> list[Term]:
        return _distinct(q.object for q in quads if q.predicate == predicate)

    return found


def of_class(cls: pyoxigraph.NamedNode) -> Candidates:
    def found(quads: Sequence[pyoxigraph.Quad]) -> list[Term]:
        return _distinct(q.subject for q in quads if q.predicate == TYPE and q.object == cls)

    return found


def _distinct(terms) -> list[Term]:
    # Only IRIs: a blank node of a copy has no name a plant could keep across copies.
    return sorted({t for t in terms if isinstance(t, pyoxigraph.NamedNode)}, key=str)


@dataclass(frozen=True)
class Kind:
    """A kind of violation: the resources it applies to, how, and the shapes that see it."""

    name: str
    candidates: Candidates
    apply: Callable[[Quads, Term], Quads]
    shapes: tuple[str, ...]  # local names under shp:, each must report the plant


def _other_line(quads: Quads, sentence: Term) -> Quads:
    """The sentence takes the line number of another sentence of its document."""
    (line,) = _objects(quads, sentence, sg("lineNumber"))
    (document,) = _objects(quads, sentence, sg("inDocument"))
    lines = {
        q.object
        for q in quads
        if q.predicate == sg("lineNumber")
        and _objects(quads, q.subject, sg("inDocument")) == [document]
        and q.object != line
    }
    taken = min(lines, key=lambda literal: int(literal.value))
    return _replace_objects(quads, sentence, sg("lineNumber"), lambda _: taken)


def _role_is_agent(quads: Quads, participation: Term) -> Quads:
    (agent,) = _objects(quads, participation, sg("agent"))
    return _replace_objects(quads, participation, sg("role"), lambda _: agent)


def _second_agent(quads: Quads, participation: Term) -> Quads:
    (agent,) = _objects(quads, participation, sg("agent"))
    others = sorted({q.object for q in quads if q.predicate == sg("agent")} - {agent}, key=str)
    return _with(quads, participation, sg("agent"), others[0])


def _swapped_point(term: Term) -> pyoxigraph.Literal:
    longitude, latitude = term.value.removeprefix("POINT(").removesuffix(")").split(" ")
    return pyoxigraph.Literal(f"POINT({latitude} {longitude})", datatype=_iri(GEO + "wktLiteral"))


KINDS: tuple[Kind, ...] = (
    # Cardinality
    Kind(
        "participation without its agent (minCount)",
        subjects_of(sg("agent")),
        lambda q, s: _without(q, s, sg("agent")),
        ("S02-Participation-agent",),
    ),
    Kind(
        "participation with a second agent (maxCount)",
        subjects_of(sg("agent")),
        _second_agent,
        ("S02-Participation-agent",),
    ),
    Kind(
        "agent without a name (minCount, qualifiedMinCount)",
        objects_of(sg("agent")),
        lambda q, s: _without(q, s, LABEL),
        ("S01-Named-label", "S01-Named-english-label"),
    ),
    Kind(
        "date with a second month (maxCount)",
        subjects_of(sg("julianDayNumber")),
        lambda q, s: _with(q, s, sg("month"), pyoxigraph.Literal("5", datatype=INTEGER)),
        ("S04-HistoricalDate-month",),
    ),
    # Datatypes, ill-typed literals, node kinds
    Kind(
        "date with an ill-typed year (datatype)",
        subjects_of(sg("julianDayNumber")),
        lambda q, s: _replace_objects(
            q, s, sg("year"), lambda _: pyoxigraph.Literal("62x", datatype=INTEGER)
        ),
        ("S04-HistoricalDate-year",),
    ),
    Kind(
        "figure's own words with a language tag (datatype)",
        of_class(sg("Quantity")),
        lambda q, s: _replace_objects(q, s, sg("asGiven"), lambda o: _text(o, str, language="en")),
        ("S03-Quantity-asGiven", "S17-Verbatim-plain-string"),
    ),
    Kind(
        "point's Pleiades record as a string (nodeKind)",
        subjects_of(sg("pleiadesPlace")),
        lambda q, s: _replace_objects(
            q, s, sg("pleiadesPlace"), lambda o: pyoxigraph.Literal(o.value)
        ),
        ("S19-Geometry-pleiades",),
    ),
    # Classes, values, ranges
    Kind(
        "participation whose role is its agent (class)",
        subjects_of(sg("role")),
        _role_is_agent,
        ("S02-Participation-role",),
    ),
    Kind(
        "date in another calendar (hasValue)",
        subjects_of(sg("calendar")),
        lambda q, s: _replace_objects(q, s, sg("calendar"), lambda _: sg("gregorianCalendar")),
        ("S04-HistoricalDate-calendar",),
    ),
    Kind(
        "date in month 13 (maxInclusive)",
        subjects_of(sg("month")),
        lambda q, s: _replace_objects(q, s, sg("month"), lambda o: _integer(o, lambda _: 13)),
        ("S04-HistoricalDate-month",),
    ),
    Kind(
        "event status outside its list (in)",
        subjects_of(sg("status")),
        lambda q, s: _replace_objects(q, s, sg("status"), lambda _: sg("coarsePoint")),
        ("S05-Event-status",),
    ),
    Kind(
        "point precision outside its list (in)",
        subjects_of(sg("pointPrecision")),
        lambda q, s: _replace_objects(q, s, sg("pointPrecision"), lambda _: sg("planned")),
        ("S19-Geometry-precision",),
    ),
    Kind(
        "claim in French (languageIn)",
        subjects_of(sg("claimText")),
        lambda q, s: _replace_objects(
            q, s, sg("claimText"), lambda o: _text(o, str, language="fr")
        ),
        ("S20-Claim-text",),
    ),
    # Patterns
    Kind(
        "name ending in a space (pattern)",
        objects_of(sg("agent")),
        lambda q, s: _replace_objects(
            q, s, LABEL, lambda o: _text(o, lambda v: v + " ", language=o.language)
        ),
        ("S01-Named-label-trimmed",),
    ),
    Kind(
        "digest in capitals (pattern)",
        subjects_of(sg("sha256")),
        lambda q, s: _replace_objects(q, s, sg("sha256"), lambda o: _text(o, str.upper)),
        ("S10-SourceDocument-sha256",),
    ),
    Kind(
        "link to a Wikidata page, not its item (pattern)",
        subjects_of(_iri(SKOS + "exactMatch")),
        lambda q, s: _replace_objects(
            q,
            s,
            _iri(SKOS + "exactMatch"),
            lambda o: _iri(o.value.replace("/entity/", "/wiki/").replace("/places/", "/place/")),
        ),
        ("S18-Link-hub",),
    ),
    # Arithmetic and cross-node rules (SHACL-SPARQL)
    Kind(
        "Julian Day Number one day off",
        subjects_of(sg("julianDayNumber")),
        lambda q, s: _replace_objects(
            q, s, sg("julianDayNumber"), lambda o: _integer(o, lambda n: n + 1)
        ),
        ("S04-HistoricalDate-julian-day", "S04-HistoricalDate-gregorian-day"),
    ),
    Kind(
        "quotation one character off",
        of_class(sg("Quotation")),
        lambda q, s: _replace_objects(
            q, s, sg("startOffset"), lambda o: _integer(o, lambda n: n + 1)
        ),
        ("S08-Quotation-at-offsets",),
    ),
    Kind(
        "sentence text longer than its offsets",
        subjects_of(sg("text")),
        lambda q, s: _replace_objects(q, s, sg("text"), lambda o: _text(o, lambda v: v + "x")),
        ("S09-Sentence-span",),
    ),
    Kind(
        "point with longitude and latitude swapped",
        subjects_of(_iri(GEO + "asWKT")),
        lambda q, s: _replace_objects(q, s, _iri(GEO + "asWKT"), _swapped_point),
        ("S19-Geometry", "S22-Geometry-basic-geo"),
    ),
    # Self-loops and duplicates
    Kind(
        "place part of itself",
        objects_of(sg("location")),
        lambda q, s: _with(q, s, sg("partOf"), s),
        ("S07-Place-no-loop",),
    ),
    Kind(
        "agent allied with itself",
        objects_of(sg("agent")),
        lambda q, s: _with(q, s, sg("alliedWith"), s),
        ("S16-Agent",),
    ),
    Kind(
        "sentence with another sentence's line number",
        subjects_of(sg("lineNumber")),
        _other_line,
        ("S09-Sentence-line-once",),
    ),
)


@dataclass(frozen=True, repr=False)
class Plant:
    """One violation: in copy ``copy`` (from 1), of kind ``kind``, on ``resource``."""

    copy: int
    kind: Kind
    resource: Term

    @property
    def shapes(self) -> tuple[str, ...]:
        return tuple(SHP + name for name in self.kind.shapes)

    def __str__(self) -> str:
        return f"copy {self.copy}: {self.kind.name} on {self.resource}"

    # Hypothesis shows a failing example by its repr: the kind's name, not its functions.
    __repr__ = __str__


def _in_copy(quads: Sequence[pyoxigraph.Quad], copy: int) -> list[pyoxigraph.Quad]:
    """The quads whose subject belongs to copy ``copy`` (copy 1 keeps the plain ``id:``)."""
    prefix = str(ID) + "copy-"
    if copy == 1:
        return [
            q
            for q in quads
            if isinstance(q.subject, pyoxigraph.NamedNode)
            and not q.subject.value.startswith(prefix)
        ]
    return [
        q
        for q in quads
        if isinstance(q.subject, pyoxigraph.NamedNode)
        and q.subject.value.startswith(f"{prefix}{copy}/")
    ]


def candidates(kind: Kind, quads: Sequence[pyoxigraph.Quad], copy: int) -> list[Term]:
    """The resources of copy ``copy`` that ``kind`` can break."""
    return kind.candidates(_in_copy(quads, copy))


def plant(quads: Quads, planted: Plant) -> Quads:
    return planted.kind.apply(quads, planted.resource)


def planted_quads(quads: Quads, plants: Sequence[Plant]) -> Quads:
    for planted in plants:
        quads = plant(quads, planted)
    return quads


def turtle(quads: Sequence[pyoxigraph.Quad], graph: pyoxigraph.NamedNode) -> bytes:
    """The triples of ``quads`` in ``graph``, as Turtle."""
    triples = [
        pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name == graph
    ]
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE)
