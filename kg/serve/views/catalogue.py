"""Lists of the whole graph: its resources grouped by class (the index), the terms of the
ontology (the ontology page)."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from kg.namespaces import ID, SG
from kg.serve.site import GRAPH_BASE, RDF, RDFS, Link, SiteGraph, Value

__all__ = ["index_groups", "ontology_terms"]

_TYPE = ox.NamedNode(RDF + "type")


def index_groups(site: SiteGraph) -> list[tuple[Link, list[Link]]]:
    """The resources of the data and links, grouped by their classes in the ontology."""
    groups: dict[str, list[Link]] = defaultdict(list)
    for slug in site.slugs:
        node = ox.NamedNode(str(ID) + slug)
        classes = [o.value for p, o in site.outgoing.get(node, []) if p == _TYPE]
        own = [c for c in classes if c.startswith(str(SG))] or classes or [RDFS + "Resource"]
        for class_iri in own:
            groups[class_iri].append(site.link(node))
    return sorted(
        (
            (site.link(c), sorted(links, key=lambda link: site.sort_key(link.iri)))
            for c, links in groups.items()
        ),
        key=lambda group: group[0].label.lower(),
    )


def ontology_terms(site: SiteGraph) -> list[tuple[str, Link, list[tuple[Link, Value]]]]:
    """Each ``sg:`` term of the ontology: its local name, link and statements."""
    terms = sorted(
        {
            s
            for (s, _, _) in site.graph_triples.get(GRAPH_BASE + "ontology", set())
            if isinstance(s, ox.NamedNode) and s.value.startswith(str(SG))
        },
        key=lambda term: term.value,
    )
    return [
        (
            term.value[len(str(SG)) :],
            site.link(term),
            [(site.link(p), site.value(o)) for p, o in site.outgoing.get(term, [])],
        )
        for term in terms
    ]
