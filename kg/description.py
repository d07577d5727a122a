"""The dataset's description in VoID and DCAT, generated from the graph and the release.

It says what the dataset is (title, description, licence and where it derives from,
creator, version, issue date), how big it is (triples, entities, the classes and
properties used, each part), and how to get it: one DCAT distribution per export file
with its media type, byte size and SHA-256. Resources of the description have hash IRIs
under :data:`DATASET`, so the Turtle has no blank nodes and reads the same every run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pyoxigraph
from pyoxigraph import Literal, NamedNode, Triple

from kg import __version__
from kg.canonical import CanonicalDataset
from kg.counts import count_graph
from kg.export import Format, generated_notice
from kg.namespaces import ID, SG

__all__ = ["DATASET", "Distribution", "describe", "render_description"]

DATASET = "https://w3id.org/siege626/dataset"
RELEASES = "https://w3id.org/siege626/release"

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "formats": "http://www.w3.org/ns/formats/",
}
_LICENCE = "https://creativecommons.org/licenses/by-sa/4.0/"
_SOURCE = "https://en.wikipedia.org/wiki/626"
_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
# W3C's IRIs for the RDF formats, for void:feature.
_FORMAT_FEATURES = {
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "nquads": "N-Quads",
    "trig": "TriG",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}
_TITLE = "The Siege of Constantinople (626) knowledge graph"
_DESCRIPTION = (
    "An open knowledge graph of the Avar–Persian siege of Constantinople in 626, built "
    "from one short English account in 17 sentences: persons, peoples, armies, places, "
    "events, roles, hedged figures and Julian dates, every fact attributed to the exact "
    "words of the sentence that states it; with its OWL ontology and links to gazetteers."
)
_RIGHTS = (
    "Derived from the events section of an older revision of the English Wikipedia "
    'article "626" (Wikipedia contributors), used under the Creative Commons '
    "Attribution-ShareAlike 4.0 International licence (CC BY-SA 4.0); the dataset is "
    "released under the same licence."
)
_FINGERPRINT_NOTE = (
    "SHA-256 of the dataset's canonical N-Quads (W3C RDF Dataset Canonicalization, "
    "RDFC-1.0): the lines of siege626.nq after its first, comment, line."
)


@dataclass(frozen=True)
class Distribution:
    """One export file of the release: its format, bytes' size and SHA-256."""

    format: Format
    byte_size: int
    sha256: str

    @classmethod
    def of(cls, fmt: Format, data: bytes) -> Distribution:
        return cls(fmt, len(data), hashlib.sha256(data).hexdigest())


def _iri(curie_or_iri: str) -> NamedNode:
    prefix, _, local = curie_or_iri.partition(":")
    if prefix in _NS:
        return NamedNode(_NS[prefix] + local)
    return NamedNode(curie_or_iri)


def _typed(value: object, datatype: str) -> Literal:
    return Literal(str(value), datatype=_iri(datatype))


def _en(text: str) -> Literal:
    return Literal(text, language="en")


def _fragment(kind: str, iri: str, prefixes: Mapping[str, str]) -> NamedNode:
    for prefix, namespace in sorted(prefixes.items()):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_.-]+", local or "-"):
            return NamedNode(f"{DATASET}#{kind}-{prefix}-{local}")
    return NamedNode(f"{DATASET}#{kind}-{hashlib.sha256(iri.encode()).hexdigest()[:16]}")


def describe(
    dataset: CanonicalDataset,
    distributions: Sequence[Distribution],
    issued: date,
    version: str = __version__,
    creator: str = "The siege626 project",
) -> list[Triple]:
    """The VoID + DCAT description of ``dataset`` and of the release's ``distributions``."""
    counts = count_graph(dataset)
    prefixes = {**_NS, **dataset.prefixes}
    this = NamedNode(DATASET)
    triples: list[Triple] = []

    def add(subject: NamedNode, predicate: str, obj: NamedNode | Literal) -> None:
        triples.append(Triple(subject, _iri(predicate), obj))

    add(this, "rdf:type", _iri("void:Dataset"))
    add(this, "rdf:type", _iri("dcat:Dataset"))
    add(this, "dcterms:title", _en(_TITLE))
    add(this, "dcterms:description", _en(_DESCRIPTION))
    add(this, "dcterms:license", NamedNode(_LICENCE))
    add(this, "dcterms:rights", _en(_RIGHTS))
    add(this, "dcterms:source", NamedNode(_SOURCE))
    creator_node = NamedNode(f"{DATASET}#creator")
    add(this, "dcterms:creator", creator_node)
    add(creator_node, "rdf:type", _iri("foaf:Agent"))
    add(creator_node, "foaf:name", Literal(creator))
    add(this, "dcat:version", Literal(version))
    add(this, "owl:versionInfo", Literal(version))
    add(this, "dcterms:issued", _typed(issued.isoformat(), "xsd:date"))
    add(this, "void:uriSpace", Literal(str(ID)))
    add(this, "void:vocabulary", NamedNode(str(SG).rstrip("#")))
    add(this, "void:exampleResource", NamedNode(f"{ID}siege-of-constantinople"))
    add(this, "void:triples", _typed(counts.triples, "xsd:integer"))
    add(this, "void:entities", _typed(counts.entities, "xsd:integer"))
    add(this, "void:classes", _typed(len(counts.entities_per_class), "xsd:integer"))
    add(this, "void:properties", _typed(len(counts.triples_per_property), "xsd:integer"))
    add(this, "void:distinctSubjects", _typed(counts.distinct_subjects, "xsd:integer"))
    add(this, "void:distinctObjects", _typed(counts.distinct_objects, "xsd:integer"))

    fingerprint = NamedNode(f"{DATASET}#fingerprint")
    add(this, "spdx:checksum", fingerprint)
    add(fingerprint, "rdf:type", _iri("spdx:Checksum"))
    add(fingerprint, "spdx:algorithm", _iri("spdx:checksumAlgorithm_sha256"))
    add(fingerprint, "spdx:checksumValue", _typed(dataset.fingerprint(), "xsd:hexBinary"))
    add(fingerprint, "rdfs:comment", _en(_FINGERPRINT_NOTE))

    for part in dataset.parts:
        subset = NamedNode(str(part.graph))
        add(this, "void:subset", subset)
        add(subset, "rdf:type", _iri("void:Dataset"))
        add(subset, "dcterms:title", _en(f"The {part.name} part (named graph {part.graph})"))
        add(subset, "void:triples", _typed(counts.triples_per_part[part.name], "xsd:integer"))
        add(subset, "void:entities", _typed(counts.entities_per_part[part.name], "xsd:integer"))

    for class_iri, entities in counts.entities_per_class.items():
        partition = _fragment("class", class_iri, prefixes)
        add(this, "void:classPartition", partition)
        add(partition, "void:class", NamedNode(class_iri))
        add(partition, "void:entities", _typed(entities, "xsd:integer"))
    for property_iri, count in counts.triples_per_property.items():
        partition = _fragment("property", property_iri, prefixes)
        add(this, "void:propertyPartition", partition)
        add(partition, "void:property", NamedNode(property_iri))
        add(partition, "void:triples", _typed(count, "xsd:integer"))

    for item in distributions:
        _add_distribution(add, this, item, version)
    return triples


def _add_distribution(add, this: NamedNode, item: Distribution, version: str) -> None:  # type: ignore[no-untyped-def]
    fmt = item.format
    node = NamedNode(f"{DATASET}#distribution-{fmt.name}")
    checksum = NamedNode(f"{DATASET}#checksum-{fmt.name}")
    url = NamedNode(f"{RELEASES}/{version}/{fmt.filename}")
    add(this, "dcat:distribution", node)
    add(node, "rdf:type", _iri("dcat:Distribution"))
    add(node, "dcterms:title", _en(fmt.title))
    add(node, "dcat:downloadURL", url)
    add(node, "dcat:mediaType", NamedNode(_MEDIA_TYPES + fmt.media_type))
    add(node, "dcat:byteSize", _typed(item.byte_size, "xsd:nonNegativeInteger"))
    add(node, "dcterms:license", NamedNode(_LICENCE))
    add(node, "spdx:checksum", checksum)
    add(checksum, "rdf:type", _iri("spdx:Checksum"))
    add(checksum, "spdx:algorithm", _iri("spdx:checksumAlgorithm_sha256"))
    add(checksum, "spdx:checksumValue", _typed(item.sha256, "xsd:hexBinary"))
    if fmt.conforms_to:
        add(node, "dcterms:conformsTo", NamedNode(fmt.conforms_to))
    if fmt.name in _FORMAT_FEATURES:
        add(this, "void:dataDump", url)
        add(this, "void:feature", _iri(f"formats:{_FORMAT_FEATURES[fmt.name]}"))


def render_description(triples: Sequence[Triple], prefixes: Mapping[str, str]) -> bytes:
    """The description as Turtle: a generated-file notice, then one block per resource."""
    ordered = sorted(
        set(triples),
        key=lambda t: (
            t.subject.value != DATASET,
            str(t.subject),
            t.predicate.value != _NS["rdf"] + "type",
            str(t.predicate),
            str(t.object),
        ),
    )
    names = dict(sorted({**prefixes, **_NS, "dataset": f"{DATASET}#"}.items()))
    body = pyoxigraph.serialize(ordered, format=pyoxigraph.RdfFormat.TURTLE, prefixes=names)
    return f"# {generated_notice('kg release')}\n".encode() + body
