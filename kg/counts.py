"""Counts over the graph that ``kg stats`` and the dataset description report.

Every count is over the union of the chosen parts, each triple once. An entity is an IRI
that is the subject of an rdf:type triple; a class's entities are the IRIs typed with it
directly (no inference).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import pyoxigraph

from kg.canonical import CanonicalDataset

__all__ = ["GraphCounts", "count_graph"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class GraphCounts:
    """Triples, entities, and the class and property partitions, keyed by IRI."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    triples_per_part: dict[str, int]
    entities_per_part: dict[str, int]
    entities_per_class: dict[str, int]
    triples_per_property: dict[str, int]


def count_graph(dataset: CanonicalDataset) -> GraphCounts:
    """Count the dataset's union graph and each of its parts."""
    triples = dataset.triples()
    typed: dict[str, set[str]] = defaultdict(set)
    for triple in triples:
        if triple.predicate.value == _RDF_TYPE and isinstance(triple.subject, pyoxigraph.NamedNode):
            typed[str(triple.object.value)].add(triple.subject.value)
    per_part: Counter[str] = Counter()
    part_entities: dict[str, set[str]] = defaultdict(set)
    names = {str(part.graph): part.name for part in dataset.parts}
    for quad in dataset.quads():
        part = names[quad.graph_name.value]
        per_part[part] += 1
        if quad.predicate.value == _RDF_TYPE and isinstance(quad.subject, pyoxigraph.NamedNode):
            part_entities[part].add(quad.subject.value)
    return GraphCounts(
        triples=len(triples),
        entities=len(set().union(*typed.values())) if typed else 0,
        distinct_subjects=len({triple.subject for triple in triples}),
        distinct_objects=len({triple.object for triple in triples}),
        triples_per_part={part.name: per_part[part.name] for part in dataset.parts},
        entities_per_part={part.name: len(part_entities[part.name]) for part in dataset.parts},
        entities_per_class={iri: len(typed[iri]) for iri in sorted(typed)},
        triples_per_property=dict(
            sorted(Counter(triple.predicate.value for triple in triples).items())
        ),
    )
