"""JSON-LD: the graph compacted with the project's context, and the context itself.

The context (``ontology/context.jsonld``, published at :data:`CONTEXT_IRI`) makes the
ontology's namespace the vocabulary, so keys and types read ``exact``, ``Quotation``;
resources read ``id:bonus``; properties whose values are resources or typed literals
are coerced, so values read ``"inSentence": "id:sentence-01"``. Blank nodes keep their
canonical ``_:c14nN`` ids. :func:`build_context` derives the context from the ontology;
the shipped file is what exports use, so a published context changes only on purpose.

An exported document carries the context in itself by default (``embedded``), so that
it reads offline, or names it by its IRI (``remote``); the context declares no
``@version`` and uses only JSON-LD 1.0 term definitions, so 1.0 processors read it as
well as 1.1 ones. :func:`resource_document` frames one resource's description around it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph
from pyld import jsonld

from kg import resources
from kg.canonical import CanonicalDataset
from kg.errors import KgError
from kg.namespaces import KNOWN_PREFIXES, SG

__all__ = [
    "CONTEXT_IRI",
    "EMBEDDED",
    "FORMS",
    "NOTICE_TERM",
    "REMOTE",
    "ContextError",
    "build_context",
    "context_bytes",
    "context_path",
    "document_context",
    "document_loader",
    "expanded_nodes",
    "render_jsonld",
    "resource_document",
    "shipped_context",
    "to_jsonld",
    "write_jsonld",
]

CONTEXT_IRI = "https://w3id.org/siege626/context.jsonld"
# The forms of an exported document's context: written in it, or named by its IRI.
EMBEDDED = "embedded"
REMOTE = "remote"
FORMS = (EMBEDDED, REMOTE)
# The top-level key of an exported document that holds its notice. JSON-LD has no
# comments; the document's context maps this key to null, so every processor (1.0 and
# 1.1) ignores it and the notice adds no triple to the data.
NOTICE_TERM = "notice"

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = f"{_RDF}type"
_PLAIN = {f"{_XSD}string", f"{_RDF}langString"}
# Nodes compacted by one call of pyld: enough to share the context's processing.
_BATCH = 5000

# Terms of other vocabularies that the graph uses, as (CURIE, coercion): "@id" for
# resources, "@en" for English text, a datatype CURIE, or None for no coercion.
_FOREIGN_TERMS: tuple[tuple[str, str | None], ...] = (
    ("rdfs:label", "@en"),
    ("rdfs:comment", "@en"),
    ("rdfs:subClassOf", "@id"),
    ("rdfs:subPropertyOf", "@id"),
    ("rdfs:domain", "@id"),
    ("rdfs:range", "@id"),
    ("rdfs:seeAlso", "@id"),
    ("owl:equivalentClass", "@id"),
    ("owl:disjointWith", "@id"),
    ("owl:inverseOf", "@id"),
    ("owl:sameAs", "@id"),
    ("owl:versionIRI", "@id"),
    ("owl:versionInfo", None),
    ("skos:prefLabel", "@en"),
    ("skos:altLabel", "@en"),
    ("skos:definition", "@en"),
    ("skos:editorialNote", "@en"),
    ("skos:scopeNote", "@en"),
    ("skos:exactMatch", "@id"),
    ("skos:closeMatch", "@id"),
    ("dcterms:title", "@en"),
    ("dcterms:description", "@en"),
    ("dcterms:license", "@id"),
    ("dcterms:source", "@id"),
    ("dcterms:creator", None),
    ("dcterms:bibliographicCitation", "@en"),
    ("rdf:subject", "@id"),
    ("rdf:predicate", "@id"),
    ("rdf:object", None),
    ("geo:hasGeometry", "@id"),
    ("geo:asWKT", "geo:wktLiteral"),
)
_EXTRA_PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.opengis.net/ont/geosparql#",
}


class ContextError(KgError):
    """The shipped JSON-LD context is missing or is not a JSON-LD context."""


def context_path() -> Path:
    """Where the shipped context lives: ``ontology/context.jsonld``."""
    return resources.resource_root() / "ontology" / "context.jsonld"


@cache
def shipped_context() -> dict[str, Any]:
    """The shipped context document (``{"@context": {...}}``), read once."""
    path = context_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ContextError(f"{path}: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("@context"), dict):
        raise ContextError(f"{path}: not a JSON-LD context document")
    return document


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves the project's context without the network."""
    if url != CONTEXT_IRI:
        raise jsonld.JsonLdError(
            f"no network: cannot load {url}",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    return {"contextUrl": None, "documentUrl": url, "document": shipped_context()}


def build_context(
    triples: Iterable[pyoxigraph.Triple], prefixes: Mapping[str, str]
) -> dict[str, Any]:
    """The context document for an ontology given as ``triples``.

    Each property of the ``sg:`` namespace declared as an object property, or with a
    class as its range, takes resources (``"@type": "@id"``); one with a datatype range
    other than xsd:string gets that datatype. Other ``sg:`` terms need no entry: the
    namespace is the context's ``@vocab``.
    """
    kinds: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for triple in triples:
        subject = triple.subject
        if not isinstance(subject, pyoxigraph.NamedNode) or not subject.value.startswith(str(SG)):
            continue
        if triple.predicate.value == _TYPE:
            kinds.setdefault(subject.value, set()).add(str(triple.object.value))
        elif triple.predicate.value == f"{_RDFS}range":
            ranges.setdefault(subject.value, set()).add(str(triple.object.value))
    all_prefixes = {**_EXTRA_PREFIXES, **dict(prefixes), **KNOWN_PREFIXES}
    # No "@version": the context uses only JSON-LD 1.0 term definitions, so that 1.0
    # processors (which refuse "@version") read it as well as 1.1 ones.
    context: dict[str, Any] = {"@vocab": str(SG)}
    context.update(sorted(all_prefixes.items()))
    sg_names = {iri[len(str(SG)) :] for iri in kinds}
    for iri in sorted(kinds):
        coercion = _sg_coercion(kinds[iri], ranges.get(iri, set()))
        if coercion is not None:
            local = iri[len(str(SG)) :]
            context[local] = {"@id": f"sg:{local}", "@type": _shorten(coercion, all_prefixes)}
    for curie, coercion in _FOREIGN_TERMS:
        prefix, local = curie.split(":")
        if local in sg_names or local in context or prefix not in all_prefixes:
            continue  # a clash with an sg: name: the CURIE stays the key
        definition: dict[str, str] = {"@id": curie}
        if coercion == "@en":
            definition["@language"] = "en"
        elif coercion is not None:
            definition["@type"] = coercion
        context[local] = definition
    return {"@context": context}


def _sg_coercion(kinds: set[str], ranges: set[str]) -> str | None:
    if f"{_OWL}ObjectProperty" in kinds:
        return "@id"
    if not kinds & {f"{_OWL}DatatypeProperty", f"{_OWL}AnnotationProperty"} or len(ranges) != 1:
        return None
    (declared,) = ranges
    if declared in _PLAIN or declared == f"{_RDFS}Literal":
        return None
    if declared.startswith(_XSD):
        return declared
    return "@id"  # a class: the values are resources


def _shorten(iri: str, prefixes: Mapping[str, str]) -> str:
    for prefix, namespace in sorted(prefixes.items()):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def context_bytes(document: Mapping[str, Any]) -> bytes:
    """A context document as the file is written: sorted keys, two-space indent."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def expanded_nodes(triples: Iterable[pyoxigraph.Triple]) -> list[dict[str, Any]]:
    """Triples as expanded, flattened JSON-LD: one node object per subject, in order."""
    nodes: dict[str, dict[str, Any]] = {}
    for triple in triples:
        subject = _node_id(triple.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        _add_statement(node, triple)
    return list(nodes.values())


def _expanded_subjects(triples: Iterable[pyoxigraph.Triple]) -> Iterator[dict[str, Any]]:
    """:func:`expanded_nodes` for triples whose subjects come together (canonical order),
    one node at a time."""
    for subject, same_subject in groupby(triples, key=_subject):
        node: dict[str, Any] = {"@id": _node_id(subject)}
        for triple in same_subject:
            _add_statement(node, triple)
        yield node


def _subject(triple: pyoxigraph.Triple) -> Any:
    return triple.subject


def _add_statement(node: dict[str, Any], triple: pyoxigraph.Triple) -> None:
    value = triple.object
    if triple.predicate.value == _TYPE and not isinstance(value, pyoxigraph.Literal):
        node.setdefault("@type", []).append(_node_id(value))
    else:
        node.setdefault(triple.predicate.value, []).append(_value(value))


def _node_id(term: Any) -> str:
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


def _value(term: Any) -> dict[str, str]:
    if not isinstance(term, pyoxigraph.Literal):
        return {"@id": _node_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value in _PLAIN:
        return {"@value": term.value}
    return {"@value": term.value, "@type": term.datatype.value}


def _compacted_nodes(
    dataset: CanonicalDataset, context: Mapping[str, Any] | None
) -> Iterator[dict[str, Any]]:
    """The dataset's nodes compacted with ``context``, in canonical order.

    Flattened nodes compact each on its own, so pyld is given a batch at a time (which
    bounds memory and shares the context's processing within the batch), and is told
    the nodes are already expanded, which they are.
    """
    document = dict(context if context is not None else shipped_context())
    options = {"documentLoader": document_loader, "graph": True, "skipExpansion": True}
    nodes = _expanded_subjects(dataset.iter_triples())
    while batch := list(islice(nodes, _BATCH)):
        yield from jsonld.compact(batch, document["@context"], options).get("@graph", [])


def _by_id(nodes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(nodes, key=lambda node: str(node.get("@id", "")))


def document_context(form: str = EMBEDDED) -> Any:
    """The ``"@context"`` of an exported document: the shipped context's terms written
    in the document (``embedded``), or its published IRI (``remote``).

    Either way the key :data:`NOTICE_TERM` is mapped to null, so processors drop the
    notice instead of reading it as a statement (the context's ``@vocab`` would
    otherwise make it one). Both forms are JSON-LD 1.0 as well as 1.1.
    """
    if form == EMBEDDED:
        return {**shipped_context()["@context"], NOTICE_TERM: None}
    if form == REMOTE:
        return [CONTEXT_IRI, {NOTICE_TERM: None}]
    raise ContextError(f"unknown JSON-LD context form '{form}'; expected one of {', '.join(FORMS)}")


def to_jsonld(
    dataset: CanonicalDataset,
    context: Mapping[str, Any] | None = None,
    *,
    form: str = EMBEDDED,
    notice: str | None = None,
) -> dict:
    """The union of the dataset's parts, compacted with ``context`` (the shipped one).

    The keys come in the order they are written: the notice, ``@context``, ``@graph``.
    """
    document: dict[str, Any] = {} if notice is None else {NOTICE_TERM: notice}
    document["@context"] = document_context(form)
    document["@graph"] = _by_id(_compacted_nodes(dataset, context))
    return document


def render_jsonld(
    dataset: CanonicalDataset, *, form: str = EMBEDDED, notice: str | None = None
) -> bytes:
    """The JSON-LD document as written (see :func:`write_jsonld`)."""
    buffer = io.BytesIO()
    write_jsonld(dataset, buffer, form=form, notice=notice)
    return buffer.getvalue()


def write_jsonld(
    dataset: CanonicalDataset,
    stream: BinaryIO,
    *,
    form: str = EMBEDDED,
    notice: str | None = None,
) -> None:
    """Write :func:`to_jsonld`'s document to ``stream``: two-space indent, UTF-8, the
    top-level keys in that order (the notice first, where a reader looks), every object
    below them with sorted keys.

    Only the nodes' text is held in memory, not their objects: each node is dumped as
    soon as it is compacted, indented as an item of the "@graph" array, and the items
    are then sorted and written.
    """
    head = document_context(form)  # an unknown form fails before anything is written
    items = [
        (str(node.get("@id", "")), _graph_item(node)) for node in _compacted_nodes(dataset, None)
    ]
    items.sort(key=itemgetter(0))  # stable, like to_jsonld's sort
    stream.write(b"{\n")
    if notice is not None:
        stream.write(f"  {_dumps(NOTICE_TERM)}: {_dumps(notice)},\n".encode())
    stream.write(f'  "@context": {_indented(_dumps(head), 2)},\n'.encode())
    if not items:
        stream.write(b'  "@graph": []\n}\n')
        return
    stream.write(b'  "@graph": [\n')
    separator = ""  # json.dumps's item separator, with indent
    for _, text in items:
        stream.write(f"{separator}{text}".encode())
        separator = ",\n"
    stream.write(b"\n  ]\n}\n")


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _indented(text: str, spaces: int) -> str:
    # A JSON string holds no raw newline, so every newline starts a line to indent.
    return text.replace("\n", "\n" + " " * spaces)


def _graph_item(node: Mapping[str, Any]) -> str:
    return "    " + _indented(_dumps(node), 4)


def resource_document(triples: Sequence[pyoxigraph.Triple], iri: str) -> bytes:
    """The JSON-LD document about the resource ``iri``, framed around it.

    ``triples`` are the resource's description (its own statements and its blank nodes,
    the statements that point at it, the reified statements about it). The document has
    the resource as its one top node, as Linked Art documents do: its blank nodes nested
    under it, and what points at it under ``@reverse`` (JSON-LD 1.0 and 1.1), so the
    reified statements and the quotations that state them are nested too. The context
    is written in it, so it reads offline; its triples are ``triples``, no more, no less.
    """
    # Blank nodes relabelled canonically (RDFC-1.0) and the triples put in order first,
    # so that every process frames them alike: a graph loaded afresh has other labels.
    canonical = pyoxigraph.Dataset(pyoxigraph.Quad(*triple) for triple in triples)
    canonical.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    ordered = sorted((quad.triple for quad in canonical), key=str)
    nodes = expanded_nodes(ordered)
    frame = {
        "@context": shipped_context()["@context"],
        "@id": iri,
        **_reverse_frame(ordered, {iri}, {iri}),
    }
    options = {
        "documentLoader": document_loader,
        "embed": "@once",
        "omitGraph": True,
        "processingMode": "json-ld-1.1",
    }
    framed = jsonld.frame(nodes, frame, options)
    return (_dumps(framed) + "\n").encode()


def _reverse_frame(
    triples: Sequence[pyoxigraph.Triple], targets: set[str], seen: set[str]
) -> dict[str, Any]:
    """The ``@reverse`` part of a frame that embeds, under the nodes ``targets``, the
    nodes that point at them, and under those the nodes that point at them in turn.

    Framing follows statements forward only: a statement that points at a node reached
    backwards (the quotation that states a reified statement about the resource) is
    in the document only if the frame asks for it. ``seen`` holds the nodes already
    placed, so a cycle ends.
    """
    pointing: dict[str, set[str]] = {}
    for triple in triples:
        target = _node_id(triple.object)
        subject = _node_id(triple.subject)
        if (
            target in targets
            and subject not in seen
            and not isinstance(triple.object, pyoxigraph.Literal)
        ):
            pointing.setdefault(triple.predicate.value, set()).add(subject)
    if not pointing:
        return {}
    placed = seen | set().union(*pointing.values())
    return {
        "@reverse": {
            predicate: _reverse_frame(triples, subjects, placed)
            for predicate, subjects in sorted(pointing.items())
        }
    }
