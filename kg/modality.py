"""What each fact of the graph rests on: the words that state it, a reading, a computation.

Every asserted fact is exactly one of three things (data/siege626.ttl, its header):

* **stated** by the words of a citation: a quotation of the text, or a citation of another
  reference, that ``sg:states`` the triple, or that ``sg:describes`` its subject when no other
  citation states it, no reading reads it and its property is not derived;
* **read** by the editors from named words: an ``sg:Reading`` that ``sg:reads`` the triple,
  ``sg:readFrom`` the words and says why in a ``skos:editorialNote``;
* **derived** by a named computation: the property is marked ``sg:derivedBy`` (the Gregorian
  dates and Julian Day Numbers of the Julian dates the text gives).

What a fact says of an event keeps the event's own status: an event with ``sg:status
sg:planned`` is told as planned, intended or hoped for, not as done.

The rule is written once, here, as SPARQL (:data:`STATED_FACTS`); ``kg infer`` writes its
answer into the generated part, and the canned provenance queries spell the same rule out
for a user to read (a test holds them to this module).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

import pyoxigraph
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from kg.engines import to_oxigraph, to_rdflib
from kg.namespaces import SG

__all__ = [
    "FACT_EXCLUDED_CLASSES",
    "STATED_FACTS",
    "Modality",
    "derived_predicates",
    "fact_triples",
    "modalities",
    "planned_events",
    "read_facts",
    "stated_facts",
]

Triple = tuple[Node, Node, Node]

# The provenance rule: which citation states which triple. A citation states the triples
# it reifies with sg:states, and every triple of a resource it sg:describes except one that
# another citation states, one that a reading reads, one of a derived property, and the
# editors' remarks. MINUS, not FILTER NOT EXISTS: one hash join each, linear in the graph.
STATED_FACTS = """
PREFIX sg: <https://w3id.org/siege626/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?quotation ?subject ?predicate ?object WHERE {
  {
    ?quotation sg:states ?st .
    ?st rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
  }
  UNION
  {
    ?quotation sg:describes ?subject .
    ?subject ?predicate ?object .
    MINUS {
      ?st2 rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
      ?q2 sg:states ?st2 .
      ?quotation sg:describes ?subject .
      FILTER(?q2 != ?quotation)
    }
    MINUS {
      ?st3 rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
      ?reading sg:reads ?st3 .
    }
    MINUS { ?predicate sg:derivedBy ?computation }
    FILTER(?predicate != skos:editorialNote)
  }
}
"""

# The records of provenance are not facts of the story: the source, its sentences, the
# citations and readings, and the references.
FACT_EXCLUDED_CLASSES = frozenset(
    {
        SG.SourceDocument,
        SG.Sentence,
        SG.Quotation,
        SG.ReferenceCitation,
        SG.Reference,
        SG.Reading,
    }
)
_ID = "https://w3id.org/siege626/id/"


class Modality(Enum):
    """What a fact rests on."""

    STATED = "stated"
    READ = "read"
    DERIVED = "derived"


def _reified(graph: Graph, statement: Node) -> Triple | None:
    subject = graph.value(statement, RDF.subject)
    predicate = graph.value(statement, RDF.predicate)
    obj = graph.value(statement, RDF.object)
    if subject is None or predicate is None or obj is None:
        return None
    return (subject, predicate, obj)


def stated_facts(graph: Graph) -> dict[Triple, set[Node]]:
    """Each stated triple and the citations that state it (the rule of :data:`STATED_FACTS`)."""
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(*(to_oxigraph(term) for term in triple)) for triple in graph)
    solutions = store.query(STATED_FACTS)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    stated: dict[Triple, set[Node]] = {}
    for solution in solutions:
        citation, subject, predicate, obj = (
            to_rdflib(solution[name]) for name in ("quotation", "subject", "predicate", "object")
        )
        stated.setdefault((subject, predicate, obj), set()).add(citation)  # type: ignore[arg-type]
    return stated


def read_facts(graph: Graph) -> dict[Triple, set[Node]]:
    """Each triple an editorial reading reads, and the readings that read it."""
    read: dict[Triple, set[Node]] = {}
    for reading, statement in graph.subject_objects(SG.reads):
        triple = _reified(graph, statement)
        if triple is not None:
            read.setdefault(triple, set()).add(reading)
    return read


def derived_predicates(graph: Graph) -> dict[Node, Node]:
    """Each derived property and the computation that derives it."""
    return dict(graph.subject_objects(SG.derivedBy))


def fact_triples(graph: Graph) -> Iterator[Triple]:
    """The facts of the story in ``graph``: triples about resources of the id: namespace,
    without the records of provenance and the editors' remarks."""
    records = {
        subject
        for kind in FACT_EXCLUDED_CLASSES
        for subject in graph.subjects(RDF.type, kind)
    }
    for subject, predicate, obj in graph:
        if not (isinstance(subject, URIRef) and str(subject).startswith(_ID)):
            continue
        if subject in records or predicate == SKOS.editorialNote:
            continue
        yield (subject, predicate, obj)


def modalities(graph: Graph) -> dict[Triple, set[Modality]]:
    """Each fact of ``graph`` and the modalities the graph gives it: exactly one each, when
    the graph is sound; none is a fact without a source, two or three a contradiction."""
    stated = stated_facts(graph)
    read = read_facts(graph)
    derived = derived_predicates(graph)
    found: dict[Triple, set[Modality]] = {}
    for triple in fact_triples(graph):
        kinds = found.setdefault(triple, set())
        if triple in stated:
            kinds.add(Modality.STATED)
        if triple in read:
            kinds.add(Modality.READ)
        if triple[1] in derived:
            kinds.add(Modality.DERIVED)
    return found


def planned_events(graph: Graph) -> set[Node]:
    """The events told as planned, intended or hoped for (``sg:status sg:planned``)."""
    return set(graph.subjects(SG.status, SG.planned))
