"""Namespaces and prefixes the toolkit knows by name."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

__all__ = [
    "DATA_GRAPH",
    "ID",
    "LINKS_GRAPH",
    "KNOWN_PREFIXES",
    "ONTOLOGY_GRAPH",
    "SG",
    "bind_known_prefixes",
    "curie",
]

SG = Namespace("https://w3id.org/siege626/ontology#")
ID = Namespace("https://w3id.org/siege626/id/")

ONTOLOGY_GRAPH = URIRef("https://w3id.org/siege626/graph/ontology")
DATA_GRAPH = URIRef("https://w3id.org/siege626/graph/data")
LINKS_GRAPH = URIRef("https://w3id.org/siege626/graph/links")

# The prefixes a user may write in a parameter value and that output is shortened with.
KNOWN_PREFIXES: dict[str, str] = {
    "id": str(ID),
    "sg": str(SG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
}


def bind_known_prefixes(graph: Graph) -> Graph:
    """Bind the known prefixes on ``graph`` (replacing clashing bindings) and return it."""
    for prefix, namespace in KNOWN_PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def curie(iri: str, prefixes: Mapping[str, str] = KNOWN_PREFIXES) -> str:
    """Shorten ``iri`` with one of ``prefixes``, or return it in angle brackets."""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and _is_simple_local_name(local):
                return f"{prefix}:{local}"
    return f"<{iri}>"


def _is_simple_local_name(local: str) -> bool:
    # A local name with '/', '#' or '?' would read as a different IRI once shortened.
    return not any(char in local for char in "/#?<> ") and not local.endswith(".")
