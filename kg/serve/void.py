"""``/void``: the dataset description that ``kg release`` writes, plus where to query it.

The description is :func:`kg.description.describe` over the served parts, with the
distributions a release of them would have (each export made in memory, so sizes and
checksums are those of ``make release``'s files), and ``void:sparqlEndpoint`` added for
this server's endpoint when it has one.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.canonical import canonicalize
from kg.description import DATASET, Distribution, describe, render_description
from kg.export import FORMATS, export
from kg.parts import select_parts
from kg.release import release_date

__all__ = ["dataset_description"]

_SPARQL_ENDPOINT = ox.NamedNode("http://rdfs.org/ns/void#sparqlEndpoint")


def dataset_description(endpoint: str | None) -> bytes:
    """The VoID/DCAT description as Turtle, naming ``endpoint`` as its SPARQL endpoint
    (none for a static copy, where no server answers SPARQL)."""
    dataset = canonicalize(select_parts())
    distributions = [
        Distribution.of(fmt, export(dataset, fmt.name).data) for fmt in FORMATS.values()
    ]
    triples = describe(dataset, distributions, release_date())
    if endpoint is not None:
        triples.append(ox.Triple(ox.NamedNode(DATASET), _SPARQL_ENDPOINT, ox.NamedNode(endpoint)))
    return render_description(triples, dataset.prefixes)
