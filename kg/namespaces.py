"""Namespaces and prefixes the toolkit knows by name."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

__all__ = [
    "DATA_GRAPH",
    "ID",
    "INFERRED_GRAPH",
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

INFERRED_GRAPH = URIRef("https://w3id.org/siege626/graph/inferred")

# Every prefix the shipped files (ontology, shapes, data, links, the release's void.ttl)
# and the README use, one table: a query (kg query --file, /query, /sparql) needs no
# PREFIX line for them, a parameter value may use them, output is shortened with them,
# and `kg query --prefixes` lists them. A query's own PREFIX line overrides one.
KNOWN_PREFIXES: dict[str, str] = {
    "id": str(ID),
    "sg": str(SG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "sf": "http://www.opengis.net/ont/sf#",
    # W3C Basic Geo: latitude and longitude beside each GeoSPARQL point.
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "prov": "http://www.w3.org/ns/prov#",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "oa": "http://www.w3.org/ns/oa#",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "shp": "https://w3id.org/siege626/shapes#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "formats": "http://www.w3.org/ns/formats/",
    "wd": "http://www.wikidata.org/entity/",
    "pleiades": "https://pleiades.stoa.org/places/",
    "virtrdf": "http://www.openlinksw.com/schemas/virtrdf#",
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
