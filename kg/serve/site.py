"""The served graph held in memory, and what the pages and documents show of it.

The graph is small (a few thousand triples), so it is indexed once at start-up in plain
dictionaries: every page is then a few lookups. The provenance rule of
data/siege626.ttl decides which words state a triple:

* a quotation (or a reference citation) with ``sg:states [rdf:subject S; rdf:predicate P;
  rdf:object O]`` states that one triple;
* one with ``sg:describes S`` states every triple whose subject is S, except a triple that
  another quotation claims with ``sg:states``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from kg.namespaces import ID, INFERRED_GRAPH, KNOWN_PREFIXES, SG

__all__ = [
    "DISPLAY_PREFIXES",
    "Link",
    "Place",
    "SiteGraph",
    "Source",
    "TimelineEntry",
    "Value",
]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GEO = "http://www.opengis.net/ont/geosparql#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ONTOLOGY_DOCUMENT = str(SG).rstrip("#")
GRAPH_BASE = "https://w3id.org/siege626/graph/"

# Prefixes for Turtle output and for shortening IRIs on the pages.
DISPLAY_PREFIXES: dict[str, str] = {
    **KNOWN_PREFIXES,
    "dcterms": "http://purl.org/dc/terms/",
    "geo": GEO,
    "sf": "http://www.opengis.net/ont/sf#",
    "pleiades": "https://pleiades.stoa.org/places/",
    "wd": "http://www.wikidata.org/entity/",
    "vann": "http://purl.org/vocab/vann/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "time": "http://www.w3.org/2006/time#",
    "oa": "http://www.w3.org/ns/oa#",
    "unit": "http://qudt.org/vocab/unit/",
}

_LABEL = ox.NamedNode(RDFS + "label")
_TYPE = ox.NamedNode(RDF + "type")
_NAME_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
_HUB_PROPERTIES = (SKOS + "exactMatch", SKOS + "closeMatch")
_DATE_PROPERTIES = (str(SG) + "date", str(SG) + "startDate", str(SG) + "endDate")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
# Words for the terms of other vocabularies that pages show as property names.
_READABLE = {
    RDF + "type": "kind",
    RDFS + "label": "name",
    RDFS + "comment": "comment",
    RDFS + "seeAlso": "see also",
    SKOS + "prefLabel": "name",
    SKOS + "altLabel": "also called",
    SKOS + "exactMatch": "same as",
    SKOS + "closeMatch": "close to",
    SKOS + "editorialNote": "editors' note",
    SKOS + "definition": "definition",
    GEO + "hasGeometry": "geometry",
    GEO + "asWKT": "coordinates",
    "http://purl.org/dc/terms/source": "source",
    "http://purl.org/dc/terms/license": "licence",
    "http://purl.org/dc/terms/bibliographicCitation": "cited as",
    "http://purl.org/dc/terms/isReplacedBy": "replaced by",
    "http://www.w3.org/2002/07/owl#deprecated": "deprecated",
    "http://www.w3.org/2002/07/owl#sameAs": "same as",
}
# Properties a reader does not need: shown only in a page's "Data details".
_PLUMBING = {
    RDF + "type",
    SKOS + "exactMatch",
    SKOS + "closeMatch",
    "http://www.w3.org/2002/07/owl#sameAs",
    GEO + "hasGeometry",
    GEO + "asWKT",
    str(SG) + "sha256",
    str(SG) + "characterCount",
    str(SG) + "startOffset",
    str(SG) + "endOffset",
    str(SG) + "julianDayNumber",
    str(SG) + "gregorianDate",
    str(SG) + "calendar",
    str(SG) + "inDocument",
    str(SG) + "pleiadesPlace",
    str(SG) + "pointPrecision",
}
# Headings of a page's "Related" groups, by the property that points at the resource.
_RELATED = {
    str(SG) + "partOf": "its parts",
    str(SG) + "agent": "parts played",
    str(SG) + "roleIn": "parts played in it",
    str(SG) + "holder": "offices held and life",
    str(SG) + "concerns": "other accounts about it",
    str(SG) + "citesReference": "citations of it",
    str(SG) + "onSide": "on this side",
}
_WIKIPEDIA_REFERENCE = str(ID) + "reference-english-wikipedia"
_WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_POINT = re.compile(r"\s*POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*", re.IGNORECASE)

Term = Any  # a pyoxigraph NamedNode, BlankNode or Literal
Triple = tuple[Any, Any, Any]


@dataclass(frozen=True)
class Link:
    """An IRI as a page shows it: its label, where it leads, and the IRI itself."""

    label: str
    href: str | None  # None: an IRI that no page may link to (not http(s), not ours)
    iri: str
    external: bool = False


@dataclass(frozen=True)
class Value:
    """The object of a statement: a link, a literal (with language or datatype) or a node."""

    text: str
    link: Link | None = None
    language: str | None = None
    datatype: str | None = None
    nested: tuple[tuple[Link, Value], ...] = ()


@dataclass(frozen=True)
class Source:
    """Words of the text, or a reference, that state a triple."""

    kind: str  # "quotation" or "citation"
    link: Link
    exact: str | None = None
    line: int | None = None
    sentence: Link | None = None
    reference: Link | None = None
    locator: str | None = None
    record: Link | None = None
    article: Link | None = None  # the Wikipedia article or Wikidata item cited


@dataclass(frozen=True)
class Statement:
    predicate: Link
    value: Value
    sources: tuple[Source, ...]
    note: str | None = None  # why a statement has no source


@dataclass(frozen=True)
class Participation:
    agent: Link
    role: Link | None
    within: Link | None
    office: Link | None
    side: Link | None


@dataclass(frozen=True)
class DateView:
    property: Link
    julian: str
    as_given: str | None
    gregorian: str
    gregorian_iso: str
    julian_day_number: int | None


@dataclass(frozen=True)
class Place:
    link: Link
    slug: str
    longitude: float
    latitude: float
    precision: str | None
    record: Link | None


@dataclass(frozen=True)
class TimelineEntry:
    event: Link
    event_slug: str
    date: DateView
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class SentenceView:
    """One line of the source text, cut at its quotations."""

    line: int
    link: Link
    segments: list[tuple[str, Link | None]]


@dataclass(frozen=True)
class OfficeView:
    """An office a person holds, with the tenure's dates where a reference gives them."""

    office: Link
    tenure: Link | None
    start: str | None
    end: str | None
    as_given: str | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ClaimView:
    """Another account that disagrees with words of the text."""

    link: Link
    text: str | None
    contests: Source | None
    figures: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class SideView:
    side: Link
    forces: list[tuple[Link, str | None, str | None]]  # (agent, strength, words as given)


@dataclass(frozen=True)
class Summary:
    """The key facts of the siege, read from the graph."""

    event: Link
    text: str
    dates: list[tuple[DateView, list[tuple[str, Link]]]]  # (day, [(what of, event)])
    sides: list[SideView]
    leaders: list[tuple[Link, str, Link | None]]  # (person, what they are, of what)
    outcome: list[tuple[Link, list[Link]]]  # (event, winners)


@dataclass
class EntityView:
    """Everything the page of one resource shows."""

    iri: str
    slug: str
    title: str
    types: list[Link]
    names: list[tuple[str, str, str | None]]  # (property label, text, language)
    statements: list[Statement]
    incoming: list[tuple[Link, Link]]
    quotations: list[Source]
    participants: list[Participation] = field(default_factory=list)
    roles: list[Participation] = field(default_factory=list)
    hubs: list[Link] = field(default_factory=list)
    dates: list[DateView] = field(default_factory=list)
    place: Place | None = None
    text_segments: list[tuple[str, Link | None]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    details: list[Statement] = field(default_factory=list)  # plumbing: IRIs, types, matches
    related: list[tuple[str, list[Link]]] = field(default_factory=list)
    sentences: list[SentenceView] = field(default_factory=list)
    previous: Link | None = None
    next: Link | None = None
    offices: list[OfficeView] = field(default_factory=list)
    claims: list[ClaimView] = field(default_factory=list)
    summary: Summary | None = None


def _iri(term: Term) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def slug_of(iri: str) -> str | None:
    """The slug of a data IRI (``…/id/<slug>``), or None for any other IRI."""
    if iri.startswith(str(ID)):
        slug = iri[len(str(ID)) :]
        if _SLUG.fullmatch(slug):
            return slug
    return None


def external_href(iri: str) -> str | None:
    """``iri`` as a link target, if it is an http(s) IRI; None for any other scheme.

    An IRI in a query result can be anything a query builds (``javascript:…``,
    ``data:…``); only the web's own schemes become links, decided on the parsed IRI.
    """
    parts = urlsplit(iri)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return iri
    return None


def shorten(iri: str) -> str:
    """``prefix:local`` for a known namespace, else the IRI itself."""
    for prefix, namespace in DISPLAY_PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and re.fullmatch(r"[\w.-]*[\w-]", local):
                return f"{prefix}:{local}"
    return iri


class SiteGraph:
    """The parts of the graph, each ``(named graph IRI, Turtle file)``, indexed for pages."""

    def __init__(self, graphs: Sequence[tuple[str, Path]]) -> None:
        self.graphs = [(iri, Path(path)) for iri, path in graphs]
        self.store = ox.Store()
        for graph_iri, path in self.graphs:
            self.store.load(
                path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph_iri)
            )
        self.graph_triples: dict[str, set[Triple]] = defaultdict(set)
        self.outgoing: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
        self.incoming: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
        triples: set[Triple] = set()
        for quad in self.store:
            triple = (quad.subject, quad.predicate, quad.object)
            self.graph_triples[quad.graph_name.value].add(triple)
            # Pages show what the sources say: the generated part (inferred) is served
            # as its graph and answers /sparql, but adds nothing to a resource's page.
            if quad.graph_name.value == str(INFERRED_GRAPH):
                continue
            if triple not in triples:
                triples.add(triple)
                self.outgoing[quad.subject].append((quad.predicate, quad.object))
                self.incoming[quad.object].append((quad.subject, quad.predicate))
        self.triples = triples
        for pairs in self.outgoing.values():
            pairs.sort(key=lambda pair: (pair[0].value, self._stable_key(pair[1])))
        self._index_labels()
        self._index_provenance()
        self.slugs = sorted(
            {slug for term in self.outgoing if (iri := _iri(term)) and (slug := slug_of(iri))}
        )
        self._slug_set = set(self.slugs)
        self._siege_summary: Summary | None = None

    # -- indexes ---------------------------------------------------------------

    def _index_labels(self) -> None:
        self._labels: dict[str, str] = {}
        ranked: dict[str, tuple[int, str]] = {}
        for subject, predicate, obj in self.triples:
            if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.Literal):
                continue
            if predicate.value not in (RDFS + "label", SKOS + "prefLabel"):
                continue
            rank = 0 if obj.language == "en" else 1 if not obj.language else 2
            if predicate.value != RDFS + "label":
                rank += 3
            current = ranked.get(subject.value)
            if current is None or (rank, obj.value) < current:
                ranked[subject.value] = (rank, obj.value)
        self._labels = {iri: text for iri, (_, text) in ranked.items()}
        # Sentences and quotations have no label: they are named by their line and words.
        line_number, exact = str(SG) + "lineNumber", str(SG) + "exact"
        for subject, predicate, obj in self.triples:
            if not isinstance(subject, ox.NamedNode) or subject.value in self._labels:
                continue
            if predicate.value == line_number and self._is_a(subject, "Sentence"):
                self._labels[subject.value] = f"line {obj.value}"
            elif predicate.value == exact and self._is_a(subject, "Quotation"):
                self._labels[subject.value] = f"“{obj.value}”"
        # Figures, parts played, citations and geometries are named by what they say.
        unnamed = {
            s
            for (s, _, _) in self.triples
            if isinstance(s, ox.NamedNode) and s.value not in self._labels
        }
        for subject in sorted(unnamed, key=str):
            if self._is_a(subject, "Quantity"):
                self._labels[subject.value] = self.quantity_phrase(subject)
            elif self._is_a(subject, "ReferenceCitation"):
                reference = self.first(subject, str(SG) + "citesReference")
                locator = self.first(subject, str(SG) + "locator")
                name = self.label(reference.value) if reference is not None else "a reference"
                self._labels[subject.value] = (
                    f"{name}, “{locator.value}”" if locator is not None else name
                )
        for subject in sorted(unnamed, key=str):
            if self._is_a(subject, "Participation"):
                parts = [self.first(subject, str(SG) + n) for n in ("agent", "role", "roleIn")]
                agent, role, within = (self.label(t.value) if t is not None else "" for t in parts)
                self._labels[subject.value] = f"{agent}: {role} in {_lowered(within)}".strip()
            elif subject.value not in self._labels:
                places = self.subjects(subject, GEO + "hasGeometry")
                if places:
                    self._labels[subject.value] = f"point of {self.label(places[0].value)}"

    def _is_source_structure(self, subject: Term) -> bool:
        """Whether ``subject`` is part of how the sources are recorded, not a claim of theirs."""
        kinds = ("SourceDocument", "Sentence", "Quotation", "ReferenceCitation", "Reference")
        return any(self._is_a(subject, kind) for kind in kinds)

    def _is_a(self, subject: Term, local_class: str) -> bool:
        return (subject, _TYPE, ox.NamedNode(str(SG) + local_class)) in self.triples

    def _index_provenance(self) -> None:
        states = str(SG) + "states"
        describes = str(SG) + "describes"
        self._stated_by: dict[Triple, list[Term]] = defaultdict(list)
        self._described_by: dict[Term, list[Term]] = defaultdict(list)
        self._reifications: dict[Term, list[Term]] = defaultdict(list)  # subject -> nodes
        for subject, predicate, obj in self.triples:
            if predicate.value == describes:
                self._described_by[obj].append(subject)
            elif predicate.value == states:
                spo = self._reified(obj)
                if spo is not None:
                    self._stated_by[spo].append(subject)
                    self._reifications[spo[0]].append(obj)
        for sources in (*self._stated_by.values(), *self._described_by.values()):
            sources.sort(key=lambda term: str(term))
        for statements in self._reifications.values():
            statements.sort(key=self._stable_key)

    def _stable_key(self, term: Term, depth: int = 0) -> str:
        """A sort key for ``term`` that is the same in every process.

        A blank node's label changes each time the graph is loaded, so a blank node is
        known by what it says (its predicates and objects), not by its label.
        """
        if not isinstance(term, ox.BlankNode) or depth > 3:
            return f"{type(term).__name__}:{term}"
        parts = sorted(
            f"{p.value} {self._stable_key(o, depth + 1)}" for p, o in self.outgoing.get(term, [])
        )
        return "_:[" + "; ".join(parts) + "]"

    def _reified(self, node: Term) -> Triple | None:
        parts = {p.value: o for p, o in self.outgoing.get(node, [])}
        try:
            return (parts[RDF + "subject"], parts[RDF + "predicate"], parts[RDF + "object"])
        except KeyError:
            return None

    # -- terms as the pages show them -------------------------------------------

    def has_slug(self, slug: str) -> bool:
        return slug in self._slug_set

    def label(self, iri: str) -> str:
        if iri in self._labels:
            return self._labels[iri]
        if iri in _READABLE:
            return _READABLE[iri]
        short = shorten(iri)
        return short.split(":", 1)[1] if short != iri and ":" in short else short

    def href(self, iri: str) -> tuple[str | None, bool]:
        """Where a link to ``iri`` leads on this server, and whether it leaves it."""
        slug = slug_of(iri)
        if slug is not None and slug in self._slug_set:
            return f"/page/{slug}", False
        if iri.startswith(str(SG)):
            return f"/ontology#{iri[len(str(SG)) :]}", False
        if iri == ONTOLOGY_DOCUMENT or iri.startswith(ONTOLOGY_DOCUMENT + "/"):
            return "/ontology", False
        if iri.startswith(GRAPH_BASE) and iri[len(GRAPH_BASE) :] in self.part_names():
            return f"/graph/{iri[len(GRAPH_BASE) :]}", False
        return external_href(iri), True

    def link(self, term: Term | str) -> Link:
        iri = term if isinstance(term, str) else term.value
        href, external = self.href(iri)
        return Link(self.label(iri), href, iri, external)

    def part_names(self) -> list[str]:
        return [iri[len(GRAPH_BASE) :] for iri, _ in self.graphs if iri.startswith(GRAPH_BASE)]

    def value(self, term: Term, depth: int = 0) -> Value:
        if isinstance(term, ox.NamedNode):
            link = self.link(term)
            return Value(link.label, link)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            shown = None if datatype in (XSD + "string", RDF + "langString") else shorten(datatype)
            return Value(term.value, language=term.language, datatype=shown)
        nested: tuple[tuple[Link, Value], ...] = ()
        if depth < 2:
            nested = tuple(
                (self.link(p), self.value(o, depth + 1)) for p, o in self.outgoing.get(term, [])
            )
        return Value("(a node without a name)", nested=nested)

    def quantity_phrase(self, node: Term) -> str:
        """A figure in words with its hedges: "about 80,000 men", "12,000 men, as stated"."""
        qualifiers = {q.value[len(str(SG)) :] for q in self.objects(node, str(SG) + "qualifier")}
        unit = self.first(node, str(SG) + "unit")
        unit_text = f" {self.label(unit.value)}" if unit is not None else ""
        if unit_text == " kilometre":
            unit_text = " km"
        figure = ""
        for name, words in (("numericValue", ""), ("moreThan", "more than "), ("lessThan", "")):
            term = self.first(node, str(SG) + name)
            if term is None:
                continue
            if name == "lessThan":
                words = "fewer than " if unit_text == " men" else "less than "
            number = float(term.value)
            shown = f"{int(number):,}" if number.is_integer() else f"{number:,}"
            figure = f"{words}{shown}{unit_text}"
            break
        if not figure:
            return "a figure the text does not give"
        if "presumed" in qualifiers:
            figure = f"presumably {figure}"
        if "approximate" in qualifiers:
            figure = f"about {figure}"
        if "unknownSize" in qualifiers:
            figure = f"of unknown size, {figure}"
        if "asStated" in qualifiers:
            figure = f"{figure}, as stated"
        return figure

    @staticmethod
    def _article(reference: Term | None, locator: str | None, record: Term | None) -> Link | None:
        """The Wikipedia article or the Wikidata item a citation names, as a link."""
        if isinstance(record, ox.NamedNode) and record.value.startswith(_WIKIDATA_ENTITY):
            item = record.value[len(_WIKIDATA_ENTITY) :]
            return Link(
                f"Wikidata item {item}", f"https://www.wikidata.org/wiki/{item}", record.value, True
            )
        if reference is not None and reference.value == _WIKIPEDIA_REFERENCE and locator:
            href = "https://en.wikipedia.org/wiki/" + quote(locator.replace(" ", "_"))
            return Link(f"Wikipedia: {locator}", href, href, True)
        return None

    # -- provenance ------------------------------------------------------------

    def source_terms(self, triple: Triple) -> list[Term]:
        """The quotations and citations that state ``triple``, by the provenance rule."""
        stated = self._stated_by.get(triple, [])
        described = [
            q
            for q in self._described_by.get(triple[0], [])
            if not any(other != q for other in stated)
        ]
        return sorted(set(stated) | set(described), key=str)

    def sources(self, triple: Triple) -> tuple[Source, ...]:
        return tuple(self.source(term) for term in self.source_terms(triple))

    def source(self, term: Term) -> Source:
        properties = {p.value: o for p, o in self.outgoing.get(term, [])}
        link = self.link(term)
        sentence = properties.get(str(SG) + "inSentence")
        if sentence is not None:
            line = self.first(sentence, str(SG) + "lineNumber")
            return Source(
                "quotation",
                link,
                exact=self.text_of(properties.get(str(SG) + "exact")),
                line=int(line.value) if line is not None else None,
                sentence=self.link(sentence),
            )
        reference = properties.get(str(SG) + "citesReference")
        record = properties.get(str(SG) + "record")
        locator = self.text_of(properties.get(str(SG) + "locator"))
        article = self._article(reference, locator, record)
        return Source(
            "citation",
            link,
            reference=self.link(reference) if reference is not None else None,
            locator=locator,
            record=self._hub(record)
            if isinstance(record, ox.NamedNode) and article is None
            else None,
            article=article,
        )

    def first(self, subject: Term, predicate: str) -> Term | None:
        for p, o in self.outgoing.get(subject, []):
            if p.value == predicate:
                return o
        return None

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        return [o for p, o in self.outgoing.get(subject, []) if p.value == predicate]

    def subjects(self, obj: Term, predicate: str) -> list[Term]:
        return [s for s, p in self.incoming.get(obj, []) if p.value == predicate]

    @staticmethod
    def text_of(term: Term | None) -> str | None:
        return term.value if term is not None else None

    # -- documents -------------------------------------------------------------

    def description(self, iri: str) -> list[ox.Triple]:
        """The triples served as the document about ``iri``.

        Its own triples and, through blank nodes, what they lead to (a concise bounded
        description); the triples that point at it; and the reified statements about it
        with the quotations that state them, so its provenance travels with it.
        """
        node = ox.NamedNode(iri)
        chosen: set[Triple] = set()
        self._bounded(node, chosen)
        for subject, predicate in self.incoming.get(node, []):
            if isinstance(subject, ox.NamedNode):
                chosen.add((subject, predicate, node))
        for statement in self._reifications.get(node, []):
            self._bounded(statement, chosen)
            for subject, predicate in self.incoming.get(statement, []):
                chosen.add((subject, predicate, statement))
        return [ox.Triple(*triple) for triple in sorted(chosen, key=_triple_key)]

    def _bounded(self, subject: Term, chosen: set[Triple]) -> None:
        for predicate, obj in self.outgoing.get(subject, []):
            triple = (subject, predicate, obj)
            if triple in chosen:
                continue
            chosen.add(triple)
            if isinstance(obj, ox.BlankNode):
                self._bounded(obj, chosen)

    def ontology_triples(self) -> list[ox.Triple]:
        triples = self.graph_triples.get(GRAPH_BASE + "ontology", set())
        return [ox.Triple(*triple) for triple in sorted(triples, key=_triple_key)]

    def part_triples(self, part: str) -> list[ox.Triple]:
        triples = self.graph_triples.get(GRAPH_BASE + part, set())
        return [ox.Triple(*triple) for triple in sorted(triples, key=_triple_key)]

    # -- pages -----------------------------------------------------------------

    def entity(self, slug: str) -> EntityView | None:
        if slug not in self._slug_set:
            return None
        iri = str(ID) + slug
        node = ox.NamedNode(iri)
        pairs = self.outgoing.get(node, [])
        types = [self.link(o) for p, o in pairs if p == _TYPE]
        names = [
            (self.label(p.value), o.value, o.language or None)
            for p, o in pairs
            if p.value in _NAME_PROPERTIES and isinstance(o, ox.Literal)
        ]
        statements = []
        for predicate, obj in pairs:
            sources = self.sources((node, predicate, obj))
            note = None
            if not sources and predicate.value == SKOS + "editorialNote":
                note = "an editors' note"
            elif not sources and self._is_source_structure(node):
                note = "the source itself"
            statements.append(Statement(self.link(predicate), self.value(obj), sources, note))
        provenance = {str(SG) + "describes", RDF + "subject", RDF + "object"}
        incoming = sorted(
            {
                (self.link(s), self.link(p))
                for s, p in self.incoming.get(node, [])
                if isinstance(s, ox.NamedNode) and p.value not in provenance
            },
            key=lambda pair: (pair[1].label.lower(), pair[0].label.lower()),
        )
        speaking = set(self._described_by.get(node, []))
        for statement in self._reifications.get(node, []):
            speaking.update(self.subjects(statement, str(SG) + "states"))
        quotations = sorted(
            (self.source(q) for q in speaking),
            key=lambda s: (s.kind, s.line or 0, s.link.iri),
        )
        view = EntityView(
            iri=iri,
            slug=slug,
            title=_capitalised(self.label(iri)),
            types=types,
            names=names,
            statements=statements,
            incoming=incoming,
            quotations=quotations,
        )
        view.participants = self._participants(node)
        view.roles = [self._participation(p) for p in self.subjects(node, str(SG) + "agent")]
        view.hubs = [self._hub(o) for p, o in pairs if p.value in _HUB_PROPERTIES and _iri(o)]
        view.dates = [
            date
            for p, o in pairs
            if p.value in _DATE_PROPERTIES
            if (date := self.date_view(p, o)) is not None
        ]
        view.place = self.place_view(node)
        view.text_segments = self._text_segments(node)
        self._reading(node, view)
        return view

    # -- the reading parts of a page -------------------------------------------

    def _reading(self, node: Term, view: EntityView) -> None:
        """What a reader sees first: plain words, the text, offices, other accounts."""
        view.kinds = [t.label for t in view.types if t.iri.startswith(str(SG))] or [
            t.label for t in view.types
        ]
        view.details = [s for s in view.statements if s.predicate.iri in _PLUMBING]
        view.statements = [s for s in view.statements if s.predicate.iri not in _PLUMBING]
        grouped: dict[str, list[Link]] = defaultdict(list)
        for subject, predicate in view.incoming:
            if predicate.iri in _PLUMBING or predicate.iri == str(SG) + "inSentence":
                continue
            heading = _RELATED.get(predicate.iri, f"{predicate.label} this")
            grouped[heading].append(subject)
        view.related = [
            (label, sorted(set(links), key=lambda link: self.sort_key(link.iri)))
            for label, links in sorted(grouped.items())
        ]
        if self._is_a(node, "SourceDocument"):
            view.sentences = [
                SentenceView(line, self.link(sentence), self._text_segments(sentence))
                for line, sentence in self._lines(node)
            ]
        if self._is_a(node, "Sentence"):
            document = self.first(node, str(SG) + "inDocument")
            lines = self._lines(document) if document is not None else []
            here = [i for i, (_, sentence) in enumerate(lines) if sentence == node]
            if here:
                i = here[0]
                view.previous = self.link(lines[i - 1][1]) if i > 0 else None
                view.next = self.link(lines[i + 1][1]) if i + 1 < len(lines) else None
        view.offices = self._offices(node)
        own_words = [q.link.iri for q in view.quotations] + [node.value]
        own_words += [q.value for q in self.subjects(node, str(SG) + "inSentence")]
        view.claims = self._claims(node, own_words)
        if self._is_a(node, "Siege"):
            view.summary = self.summary(node.value)
            view.claims = self._claims(None, [])

    def _lines(self, document: Term) -> list[tuple[int, Term]]:
        found = []
        for sentence in self.subjects(document, str(SG) + "inDocument"):
            line = self.first(sentence, str(SG) + "lineNumber")
            if line is not None and self._is_a(sentence, "Sentence"):
                found.append((int(line.value), sentence))
        return sorted(found, key=lambda pair: pair[0])

    def _date_words(self, term: Term | None, year: Term | None) -> str | None:
        if term is not None:
            date = self.date_view(ox.NamedNode(str(SG) + "date"), term)
            if date is not None:
                return f"{date.julian} (Gregorian {date.gregorian})"
        return year.value if year is not None else None

    def _offices(self, node: Term) -> list[OfficeView]:
        offices: dict[Term, OfficeView] = {}
        for tenure in self.subjects(node, str(SG) + "holder"):
            office = self.first(tenure, str(SG) + "ofOffice")
            if office is None:
                continue

            def one(name: str, tenure: Term = tenure) -> Term | None:
                return self.first(tenure, str(SG) + name)

            offices[tenure] = OfficeView(
                office=self.link(office),
                tenure=self.link(tenure),
                start=self._date_words(one("startDate"), one("startYear")),
                end=self._date_words(one("endDate"), one("endYear")),
                as_given=self.text_of(one("asGiven")),
                sources=self.sources((tenure, ox.NamedNode(str(SG) + "ofOffice"), office)),
            )
        held = {view.office.iri for view in offices.values()}
        for office in self.objects(node, str(SG) + "holdsOffice"):
            if office.value not in held:
                sources = self.sources((node, ox.NamedNode(str(SG) + "holdsOffice"), office))
                offices[office] = OfficeView(self.link(office), None, None, None, None, sources)
        return sorted(offices.values(), key=lambda o: (o.start is None, o.office.label))

    def _claims(self, node: Term | None, quotations: list[str]) -> list[ClaimView]:
        """Other accounts about ``node`` or against its words; every claim if node is None."""
        claims = []
        for claim in self.subjects(ox.NamedNode(str(SG) + "Claim"), RDF + "type"):
            contested = self.objects(claim, str(SG) + "contests")
            concerns = self.objects(claim, str(SG) + "concerns")
            if node is not None and node not in concerns and node != claim:
                if not any(q.value in quotations for q in contested):
                    continue
            claims.append(
                ClaimView(
                    link=self.link(claim),
                    text=self.text_of(self.first(claim, str(SG) + "claimText")),
                    contests=self.source(contested[0]) if contested else None,
                    figures=tuple(
                        self.quantity_phrase(q)
                        for q in self.objects(claim, str(SG) + "claimedStrength")
                    ),
                    sources=tuple(self.source(c) for c in self._described_by.get(claim, [])),
                )
            )
        return sorted(claims, key=lambda c: (c.contests.line if c.contests else 0) or 0)

    def sort_key(self, iri: str) -> tuple[Any, ...]:
        """Lines by number, dates by day, quotations by place in the text, others by name."""
        node = ox.NamedNode(iri)
        # The IRI last: two things of one name keep one order from process to process.
        line = self.first(node, str(SG) + "lineNumber")
        if line is not None:
            return (0, int(line.value), "", iri)
        day = self.first(node, str(SG) + "julianDayNumber")
        if day is not None:
            return (1, int(day.value), "", iri)
        start = self.first(node, str(SG) + "startOffset")
        if start is not None:
            return (2, int(start.value), "", iri)
        words = re.split(r"(\d+)", self.label(iri).lower())
        return (3, 0, tuple((0, int(w), "") if w.isdigit() else (1, 0, w) for w in words), iri)

    # -- the summary of the siege ------------------------------------------------

    def select(self, query: str) -> list[dict[str, Term]]:
        graphs = [ox.NamedNode(GRAPH_BASE + part) for part in ("data", "links", "ontology")]
        prefixes = f"PREFIX sg: <{SG}>\nPREFIX rdf: <{RDF}>\n"
        results = self.store.query(prefixes + query, default_graph=graphs)
        variables = [v.value for v in results.variables]
        return [{name: row[name] for name in variables if row[name] is not None} for row in results]

    def siege_summary(self) -> Summary | None:
        """The summary of the siege the graph is about, for the index."""
        if not self.has_slug("siege-of-constantinople"):
            return None
        if self._siege_summary is None:
            self._siege_summary = self.summary(str(ID) + "siege-of-constantinople")
        return self._siege_summary

    def summary(self, iri: str) -> Summary:
        """The key facts of an event and a few sentences that tell them, from the graph."""
        event = f"<{iri}>"
        within = f"{{ ?e sg:partOf* {event} }}"
        dated = self.select(
            f"SELECT DISTINCT ?e ?p ?d WHERE {{ {within} ?e ?p ?d . ?d a sg:HistoricalDate }}"
        )
        by_day: dict[str, tuple[DateView, list[tuple[str, Link]]]] = {}
        for row in dated:
            date = self.date_view(row["p"], row["d"])
            if date is not None:
                what = {"startDate": "start of ", "endDate": "end of "}.get(
                    row["p"].value[len(str(SG)) :], ""
                )
                by_day.setdefault(date.gregorian_iso, (date, []))[1].append(
                    (what, self.link(row["e"]))
                )
        dates = sorted(
            ((date, sorted(events, key=lambda e: e[1].label)) for date, events in by_day.values()),
            key=lambda pair: pair[0].julian_day_number or 0,
        )
        forces = self.select(
            f"""SELECT DISTINCT ?side ?agent ?strength WHERE {{
                {within} ?p sg:roleIn ?e ; sg:agent ?agent ; sg:onSide ?side .
                FILTER NOT EXISTS {{ ?agent a sg:Person }}
                OPTIONAL {{ ?agent sg:strength ?strength }}
            }}"""
        )
        sides: dict[Term, dict[Term, tuple[Link, str | None, str | None]]] = defaultdict(dict)
        for row in forces:
            strength = row.get("strength")
            phrase = self.quantity_phrase(strength) if strength is not None else None
            given = self.text_of(self.first(strength, str(SG) + "asGiven")) if strength else None
            known = sides[row["side"]].get(row["agent"])
            if known is None or known[1] is None:
                sides[row["side"]][row["agent"]] = (self.link(row["agent"]), phrase, given)
        side_views = [
            SideView(
                self.link(side),
                sorted(agents.values(), key=lambda a: (a[1] is None, a[0].label.lower())),
            )
            for side, agents in sorted(sides.items(), key=lambda pair: self.label(pair[0].value))
        ]
        leaders_rows = self.select(
            f"""SELECT DISTINCT ?person ?role ?office ?of WHERE {{
                ?p sg:agent ?person ; sg:role ?role ; sg:roleIn ?of .
                ?person a sg:Person .
                OPTIONAL {{ ?p sg:inOffice ?office }}
                {{ ?of sg:partOf* {event} }} UNION
                {{ ?q sg:agent ?of ; sg:roleIn ?e . {within} }}
            }}"""
        )
        leaders: dict[Term, tuple[Link, str, Link | None]] = {}
        for row in leaders_rows:
            office = row.get("office")
            what = self.label(office.value) if office is not None else self.label(row["role"].value)
            known = leaders.get(row["person"])
            if known is None or (office is not None and known[2] is not None):
                of = None if office is not None else self.link(row["of"])
                leaders[row["person"]] = (self.link(row["person"]), what, of)
        outcome_rows = self.select(
            f"""SELECT DISTINCT ?e ?winner WHERE {{
                {within} ?e a sg:Victory . OPTIONAL {{ ?e sg:winner ?winner }}
            }}"""
        )
        outcome: dict[Term, list[Link]] = defaultdict(list)
        for row in outcome_rows:
            if "winner" in row:
                outcome[row["e"]].append(self.link(row["winner"]))
            else:
                outcome.setdefault(row["e"], [])
        summary = Summary(
            event=self.link(iri),
            text="",
            dates=dates,
            sides=side_views,
            leaders=sorted(leaders.values(), key=lambda leader: leader[0].label),
            outcome=[(self.link(e), sorted(w, key=lambda w: w.label)) for e, w in outcome.items()],
        )
        return Summary(**{**summary.__dict__, "text": self._summary_text(iri, summary)})

    def _summary_text(self, iri: str, summary: Summary) -> str:
        node = ox.NamedNode(iri)
        sentences = []
        war = self.first(node, str(SG) + "partOf")
        place = self.first(node, str(SG) + "location")
        opening = "The " + _lowered(summary.event.label)
        if place is not None and self.label(place.value) not in opening:
            opening += f", at {self.label(place.value)}"
        if war is not None:
            opening += (
                f"{',' if ',' in opening else ''} was part of the {_lowered(self.label(war.value))}"
            )
        sentences.append(opening + ".")
        for side in summary.sides:
            figures = [f"{agent.label} ({phrase})" for agent, phrase, _ in side.forces if phrase]
            names = [agent.label for agent, phrase, _ in side.forces if not phrase]
            who = "; ".join(figures + ([", ".join(names)] if names else []))
            sentences.append(f"On {side.side.label}: {who}.")
        if summary.dates:
            first, last = summary.dates[0], summary.dates[-1]
            sentences.append(
                f"The text dates it from {first[0].julian} "
                f"({_lowered(first[1][0][0] + first[1][0][1].label)}) to {last[0].julian} "
                f"(Julian calendar; {first[0].gregorian} to {last[0].gregorian} in the Gregorian)."
            )
        for victory, winners in summary.outcome:
            by = f", won by {' and '.join(w.label for w in winners)}" if winners else ""
            sentences.append(f"Outcome: {_lowered(victory.label)}{by}.")
        return " ".join(sentences)

    def _participation(self, node: Term) -> Participation:
        def one(predicate: str) -> Link | None:
            term = self.first(node, str(SG) + predicate)
            return self.link(term) if isinstance(term, ox.NamedNode) else None

        agent = one("agent")
        return Participation(
            agent=agent or Link("?", "#", ""),
            role=one("role"),
            within=one("roleIn"),
            office=one("inOffice"),
            side=one("onSide"),
        )

    def _participants(self, node: Term) -> list[Participation]:
        """Who took part in ``node`` or in any of its parts (``sg:partOf``, transitively)."""
        seen: set[Term] = set()
        todo = [node]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self.subjects(current, str(SG) + "partOf"))
        found = [
            self._participation(p)
            for event in seen
            for p in self.subjects(event, str(SG) + "roleIn")
        ]
        return sorted(found, key=lambda p: (p.within.label if p.within else "", p.agent.label))

    def _hub(self, term: Term) -> Link:
        iri = term.value
        if iri.startswith(DISPLAY_PREFIXES["wd"]):
            label = f"Wikidata {iri.rsplit('/', 1)[-1]}"
        elif iri.startswith(DISPLAY_PREFIXES["pleiades"]):
            label = f"Pleiades {iri.rsplit('/', 1)[-1]}"
        else:
            label = shorten(iri)
        return Link(label, external_href(iri), iri, external=True)

    def date_view(self, predicate: Term, date: Term) -> DateView | None:
        gregorian = self.first(date, str(SG) + "gregorianDate")
        if gregorian is None:
            return None
        year, month, day = (self.first(date, str(SG) + name) for name in ("year", "month", "day"))
        if year is not None and month is not None and day is not None:
            julian = f"{int(day.value)} {_MONTHS[int(month.value) - 1]} {int(year.value)}"
        else:
            julian = self.text_of(self.first(date, str(SG) + "asGiven")) or ""
        as_given = self.text_of(self.first(date, str(SG) + "asGiven"))
        jdn = self.first(date, str(SG) + "julianDayNumber")
        iso = gregorian.value
        g_year, g_month, g_day = (int(part) for part in iso.split("-"))
        return DateView(
            property=self.link(predicate),
            julian=julian,
            as_given=as_given,
            gregorian=f"{g_day} {_MONTHS[g_month - 1]} {g_year}",
            gregorian_iso=iso,
            julian_day_number=int(jdn.value) if jdn is not None else None,
        )

    def place_view(self, node: Term) -> Place | None:
        geometry = self.first(node, GEO + "hasGeometry")
        if geometry is None:
            return None
        wkt = self.first(geometry, GEO + "asWKT")
        match = _POINT.fullmatch(wkt.value) if isinstance(wkt, ox.Literal) else None
        if match is None:
            return None
        precision = self.first(geometry, str(SG) + "pointPrecision")
        record = self.first(geometry, str(SG) + "pleiadesPlace")
        return Place(
            link=self.link(node),
            slug=slug_of(node.value) or "",
            longitude=float(match.group(1)),
            latitude=float(match.group(2)),
            precision=self.label(precision.value) if precision is not None else None,
            record=self._hub(record) if isinstance(record, ox.NamedNode) else None,
        )

    def _text_segments(self, node: Term) -> list[tuple[str, Link | None]]:
        """A sentence's text cut at its quotations, each quotation's words linked to it."""
        text = self.first(node, str(SG) + "text")
        start = self.first(node, str(SG) + "startOffset")
        if text is None or start is None:
            quote_sentence = self.first(node, str(SG) + "inSentence")
            if quote_sentence is None:
                return []
            return self._text_segments(quote_sentence)
        base = int(start.value)
        spans = []
        for quotation in self.subjects(node, str(SG) + "inSentence"):
            q_start = self.first(quotation, str(SG) + "startOffset")
            q_end = self.first(quotation, str(SG) + "endOffset")
            if q_start is not None and q_end is not None:
                spans.append((int(q_start.value) - base, int(q_end.value) - base, quotation))
        segments: list[tuple[str, Link | None]] = []
        position = 0
        for begin, end, quotation in sorted(spans, key=lambda span: (span[0], -span[1])):
            if begin < position:
                continue  # overlapping quotations: the first one is marked
            segments.append((text.value[position:begin], None))
            segments.append((text.value[begin:end], self.link(quotation)))
            position = end
        segments.append((text.value[position:], None))
        return [segment for segment in segments if segment[0]]

    def timeline(self) -> list[TimelineEntry]:
        """Every dated event, by its Julian Day Number."""
        entries = []
        for prop in _DATE_PROPERTIES:
            predicate = ox.NamedNode(prop)
            for subject, p, obj in self.triples:
                if p != predicate or not isinstance(subject, ox.NamedNode):
                    continue
                date = self.date_view(p, obj)
                if date is None:
                    continue
                entries.append(
                    TimelineEntry(
                        event=self.link(subject),
                        event_slug=slug_of(subject.value) or "",
                        date=date,
                        sources=self.sources((subject, p, obj)),
                    )
                )
        return sorted(
            entries,
            key=lambda e: (e.date.gregorian_iso, e.event.label, e.date.property.label),
        )

    def places(self) -> list[Place]:
        found = [
            place
            for subject in {s for (s, p, _) in self.triples if p.value == GEO + "hasGeometry"}
            if (place := self.place_view(subject)) is not None
        ]
        return sorted(found, key=lambda place: place.link.label)

    def places_without_points(self) -> list[tuple[Link, Link | None]]:
        """The places (sg:Place or a subclass) with no point, each with what it is part of."""
        query = f"""SELECT DISTINCT ?place ?whole WHERE {{
            ?place a/<{RDFS}subClassOf>* <{SG}Place> .
            FILTER NOT EXISTS {{ ?place <{GEO}hasGeometry> ?geometry }}
            OPTIONAL {{ ?place <{SG}partOf> ?whole }} }}"""
        rows = self.store.query(query, use_default_graph_as_union=True)
        found: dict[str, tuple[Link, Link | None]] = {}
        for row in rows:  # type: ignore[union-attr]
            place, whole = row["place"], row["whole"]
            if isinstance(place, ox.NamedNode) and slug_of(place.value) in self._slug_set:
                found.setdefault(
                    place.value, (self.link(place), self.link(whole) if whole else None)
                )
        return sorted(found.values(), key=lambda pair: pair[0].label.lower())

    def index(self) -> list[tuple[Link, list[Link]]]:
        """The resources of the data and links, grouped by their classes in the ontology."""
        groups: dict[str, list[Link]] = defaultdict(list)
        for slug in self.slugs:
            node = ox.NamedNode(str(ID) + slug)
            classes = [o.value for p, o in self.outgoing.get(node, []) if p == _TYPE]
            own = [c for c in classes if c.startswith(str(SG))] or classes or [RDFS + "Resource"]
            for class_iri in own:
                groups[class_iri].append(self.link(node))
        return sorted(
            (
                (self.link(c), sorted(links, key=lambda link: self.sort_key(link.iri)))
                for c, links in groups.items()
            ),
            key=lambda group: group[0].label.lower(),
        )

    def ontology_terms(self) -> list[tuple[str, Link, list[tuple[Link, Value]]]]:
        """Each ``sg:`` term of the ontology: its local name, link and statements."""
        terms = sorted(
            {
                s
                for (s, _, _) in self.graph_triples.get(GRAPH_BASE + "ontology", set())
                if isinstance(s, ox.NamedNode) and s.value.startswith(str(SG))
            },
            key=lambda term: term.value,
        )
        return [
            (
                term.value[len(str(SG)) :],
                self.link(term),
                [(self.link(p), self.value(o)) for p, o in self.outgoing.get(term, [])],
            )
            for term in terms
        ]

    def counts_by_graph(self) -> dict[str, int]:
        return {iri: len(self.graph_triples.get(iri, ())) for iri, _ in self.graphs}

    def counts(self) -> dict[str, int]:
        return {
            part: len(self.graph_triples.get(GRAPH_BASE + part, ())) for part in self.part_names()
        }


def _lowered(text: str) -> str:
    """A label inside a sentence: "the Siege …" stays, "Defence of …" becomes "defence of …"."""
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first in _COMMON_WORDS:
        return text[:1].lower() + text[1:]
    return text


_COMMON_WORDS = {
    "Siege",
    "War",
    "Attack",
    "Defence",
    "Decisive",
    "Death",
    "Reign",
    "First",
    "Second",
    "The",
}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _triple_key(triple: Iterable[Term]) -> tuple[str, ...]:
    return tuple(f"{type(term).__name__}:{term}" for term in triple)
