"""Media types and the small responses every kind of page shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from starlette.responses import PlainTextResponse, Response

from kg.serve.site import DISPLAY_PREFIXES
from kg.serve.sparql.protocol import RESULTS_TYPES

__all__ = [
    "EXTENSIONS",
    "HTML",
    "HTML_FIRST",
    "RDF_FIRST",
    "RDF_FORMATS",
    "RDF_TYPES",
    "RESULTS_FORMATS",
    "RESULTS_SUFFIXES",
    "CopiedFile",
    "html",
    "not_acceptable",
    "rdf_prefixes",
]

HTML = "text/html"
RDF_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
EXTENSIONS = {media_type: ext for ext, media_type in RDF_TYPES.items()}
# The formats of a negotiated URL, in the server's order of preference (which decides
# between formats the client accepts equally): the page first for a resource, the
# ontology and a part; the data first for the dataset description. The static copy's
# type maps list them in the same order (kg.site_rules).
HTML_FIRST = (HTML, *RDF_FORMATS)
RDF_FIRST = (*RDF_FORMATS, HTML)
RESULTS_SUFFIXES = dict(zip(("json", "xml", "csv", "tsv"), RESULTS_TYPES, strict=True))
RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


@dataclass(frozen=True)
class CopiedFile:
    """One file of the static copy (``kg site``): the URL the application answers, the
    file it is written to (relative to the copy), and the Accept header to ask with."""

    url: str
    path: str
    accept: str | None = None


def html(body: str, status: int = 200) -> Response:
    return Response(body, status, media_type="text/html; charset=utf-8")


def not_acceptable(offered: Sequence[str]) -> Response:
    return PlainTextResponse(
        f"not acceptable: this resource is available as {', '.join(offered)}\n",
        406,
        headers={"Vary": "Accept"},
    )


def rdf_prefixes(media_type: str, triples: Sequence[ox.Triple]) -> dict[str, str] | None:
    """The display prefixes that the triples use, for Turtle; none for the other formats."""
    if media_type != "text/turtle":
        return None
    iris = {
        term.value
        for triple in triples
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, ox.NamedNode)
    }
    iris |= {
        triple.object.datatype.value for triple in triples if isinstance(triple.object, ox.Literal)
    }
    return {
        prefix: namespace
        for prefix, namespace in DISPLAY_PREFIXES.items()
        if any(iri.startswith(namespace) for iri in iris)
    }
