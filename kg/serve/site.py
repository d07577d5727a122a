"""The served graph held in memory, and the readers every page uses (labels, links,
values, sources, dates, points); what each kind of page shows is in :mod:`kg.serve.views`.

The graph is small (a few thousand triples), so it is indexed once at start-up in plain
dictionaries: every page is then a few lookups. What each fact rests on is the rule of
:mod:`kg.modality`, asked of the served store with its own query
(:data:`kg.modality.STATED_FACTS`):

* **stated** by the words of a quotation or a reference citation (``sg:states``, or
  ``sg:describes`` its subject when nothing else claims the triple);
* **read** by the editors: an ``sg:Reading`` that ``sg:reads`` it, from named words, with
  its ``skos:editorialNote``;
* **derived** by a named computation (a property marked ``sg:derivedBy``);
* an editors' remark (``skos:editorialNote`` on a resource), which is no fact at all.

Other accounts (``sg:Claim``) contest the facts that the words they contest state, of the
things they concern: a page shows a dispute beside those facts, nowhere else.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from kg.julian import MONTHS
from kg.modality import STATED_FACTS, Modality
from kg.namespaces import ID, INFERRED_GRAPH, KNOWN_PREFIXES, SG
from kg.serve.words import lowered

__all__ = [
    "DATE_PROPERTIES",
    "DISPLAY_PREFIXES",
    "DateView",
    "Link",
    "Modality",
    "Place",
    "ReadingView",
    "SiteGraph",
    "Source",
    "Statement",
    "Value",
    "external_href",
    "iri_of",
    "shorten",
    "slug_of",
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
_NAMES = frozenset({RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel"})
_TYPE = ox.NamedNode(RDF + "type")
DATE_PROPERTIES = (str(SG) + "date", str(SG) + "startDate", str(SG) + "endDate")
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
class ReadingView:
    """An editorial reading: the words it reads from, and why (its note)."""

    link: Link
    words: tuple[Source, ...]
    note: str | None


@dataclass(frozen=True)
class Statement:
    predicate: Link
    value: Value
    sources: tuple[Source, ...]
    note: str | None = None  # why a statement has no source
    triple: Triple | None = None
    # What the fact rests on (kg.modality): stated, read, derived; None for an editors'
    # remark or the record of a source.
    modality: Modality | None = None
    readings: tuple[ReadingView, ...] = ()
    computation: Link | None = None
    disputes: tuple[Link, ...] = ()  # other accounts that contest this very fact


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


def iri_of(term: Term) -> str | None:
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
            {slug for term in self.outgoing if (iri := iri_of(term)) and (slug := slug_of(iri))}
        )
        self._slug_set = set(self.slugs)

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
            if predicate.value == line_number and self.is_a(subject, "Sentence"):
                self._labels[subject.value] = f"line {obj.value}"
            elif predicate.value == exact and self.is_a(subject, "Quotation"):
                self._labels[subject.value] = f"“{obj.value}”"
        # Figures, parts played, citations and geometries are named by what they say.
        unnamed = {
            s
            for (s, _, _) in self.triples
            if isinstance(s, ox.NamedNode) and s.value not in self._labels
        }
        for subject in sorted(unnamed, key=str):
            if self.is_a(subject, "Quantity"):
                self._labels[subject.value] = self.quantity_phrase(subject)
            elif self.is_a(subject, "ReferenceCitation"):
                reference = self.first(subject, str(SG) + "citesReference")
                locator = self.first(subject, str(SG) + "locator")
                name = self.label(reference.value) if reference is not None else "a reference"
                self._labels[subject.value] = (
                    f"{name}, “{locator.value}”" if locator is not None else name
                )
        for subject in sorted(unnamed, key=str):
            note = self.first(subject, SKOS + "editorialNote")
            if self.is_a(subject, "Reading") and note is not None:
                # A reading is named by the start of its note.
                words = note.value.split()
                short = " ".join(words[:9]) + (" …" if len(words) > 9 else "")
                self._labels[subject.value] = f"the editors' reading: {short}"
        for subject in sorted(unnamed, key=str):
            if self.is_a(subject, "Participation"):
                parts = [self.first(subject, str(SG) + n) for n in ("agent", "role", "roleIn")]
                agent, role, within = (self.label(t.value) if t is not None else "" for t in parts)
                self._labels[subject.value] = f"{agent}: {role} in {lowered(within)}".strip()
            elif subject.value not in self._labels:
                places = self.subjects(subject, GEO + "hasGeometry")
                if places:
                    self._labels[subject.value] = f"point of {self.label(places[0].value)}"

    def is_source_structure(self, subject: Term) -> bool:
        """Whether ``subject`` is part of how the sources are recorded, not a claim of theirs."""
        kinds = ("SourceDocument", "Sentence", "Quotation", "ReferenceCitation", "Reference")
        return any(self.is_a(subject, kind) for kind in kinds)

    def is_a(self, subject: Term, local_class: str) -> bool:
        return (subject, _TYPE, ox.NamedNode(str(SG) + local_class)) in self.triples

    def _index_provenance(self) -> None:
        """Which citations state which triple, which readings read it, which properties are
        derived, and which facts each other account contests (see the module's description)."""
        describes = str(SG) + "describes"
        self._stated_by: dict[Triple, list[Term]] = defaultdict(list)
        self._read_by: dict[Triple, list[Term]] = defaultdict(list)
        self._described_by: dict[Term, list[Term]] = defaultdict(list)
        self._reifications: dict[Term, list[Term]] = defaultdict(list)  # subject -> nodes
        for subject, predicate, obj in self.triples:
            if predicate.value == describes:
                self._described_by[obj].append(subject)
            elif predicate.value == str(SG) + "states":
                spo = self._reified(obj)
                if spo is not None:
                    self._reifications[spo[0]].append(obj)
            elif predicate.value == str(SG) + "reads":
                spo = self._reified(obj)
                if spo is not None:
                    self._read_by[spo].append(subject)
        asserted = [ox.NamedNode(GRAPH_BASE + part) for part in ("data", "links", "ontology")]
        for row in self.store.query(STATED_FACTS, default_graph=asserted):
            triple = (row["subject"], row["predicate"], row["object"])
            self._stated_by[triple].append(row["quotation"])
        self._derived_by = {
            s.value: o for s, p, o in self.triples if p.value == str(SG) + "derivedBy"
        }
        for sources in (*self._stated_by.values(), *self._described_by.values()):
            sources.sort(key=lambda term: str(term))
        for readings in self._read_by.values():
            readings.sort(key=str)
        for statements in self._reifications.values():
            statements.sort(key=self._stable_key)
        self._contested: dict[Triple, list[Term]] = defaultdict(list)
        claim_class = ox.NamedNode(str(SG) + "Claim")
        by_citation: dict[Term, list[Triple]] = defaultdict(list)
        for triple, citations in self._stated_by.items():
            for citation in citations:
                by_citation[citation].append(triple)
        for claim in sorted(self.subjects(claim_class, RDF + "type"), key=str):
            for triple in self._contested_by(claim, by_citation):
                self._contested[triple].append(claim)

    def _contested_by(self, claim: Term, by_citation: dict[Term, list[Triple]]) -> list[Triple]:
        """The facts a claim contests: of what the words it contests state about the things
        it concerns (names aside: what the words tell, not what they call things), the parts
        played, if it concerns one; else the figures, if it gives others; else all."""
        concerns = set(self.objects(claim, str(SG) + "concerns"))
        told = [
            triple
            for words in self.objects(claim, str(SG) + "contests")
            for triple in by_citation.get(words, [])
            if triple[0] in concerns and triple[1].value not in _NAMES
        ]
        parts = [t for t in told if self.is_a(t[0], "Participation")]
        figures = [t for t in told if t[1].value == str(SG) + "strength"]
        if parts:
            return parts
        if figures and self.objects(claim, str(SG) + "claimedStrength"):
            return figures
        return told

    def describing(self, subject: Term) -> list[Term]:
        """The quotations and citations that describe ``subject`` (``sg:describes``)."""
        return self._described_by.get(subject, [])

    def reifications(self, subject: Term) -> list[Term]:
        """The reified statements (``rdf:subject subject``) a quotation states."""
        return self._reifications.get(subject, [])

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
        """The quotations and citations that state ``triple`` (none for a reading's fact,
        a derived value or an editors' remark)."""
        return self._stated_by.get(triple, [])

    def states_anything(self, citation: Term) -> bool:
        """Whether words state a fact; words the editors only read facts from do not."""
        if not hasattr(self, "_stating"):
            self._stating = {c for cs in self._stated_by.values() for c in cs}
        return citation in self._stating

    def modality(self, triple: Triple) -> Modality | None:
        """What ``triple`` rests on; None for an editors' remark or a record of a source."""
        if triple in self._read_by:
            return Modality.READ
        if triple[1].value in self._derived_by:
            return Modality.DERIVED
        if triple in self._stated_by:
            return Modality.STATED
        return None

    def readings(self, triple: Triple) -> tuple[ReadingView, ...]:
        """The editorial readings that read ``triple``: their words and their notes."""
        return tuple(
            ReadingView(
                Link("the editors' reading", self.href(reading.value)[0], reading.value),
                tuple(
                    self.source(words)
                    for words in sorted(self.objects(reading, str(SG) + "readFrom"), key=str)
                ),
                self.text_of(self.first(reading, SKOS + "editorialNote")),
            )
            for reading in self._read_by.get(triple, [])
        )

    def computation(self, predicate: Term) -> Link | None:
        """The computation a derived property is derived by."""
        found = self._derived_by.get(predicate.value)
        return self.link(found) if found is not None else None

    def contesting(self, triple: Triple) -> list[Term]:
        """The other accounts that contest ``triple``: a claim contests the facts that the
        words it contests state of the things it concerns."""
        return self._contested.get(triple, [])

    def contested(self) -> dict[Triple, list[Term]]:
        return self._contested

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
            record=self.hub(record)
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

    def select(self, query: str) -> list[dict[str, Term]]:
        """Rows of a SELECT over what is asserted (data, links, ontology); ``sg:`` and
        ``rdf:`` are known prefixes."""
        graphs = [ox.NamedNode(GRAPH_BASE + part) for part in ("data", "links", "ontology")]
        prefixes = f"PREFIX sg: <{SG}>\nPREFIX rdf: <{RDF}>\n"
        results = self.store.query(prefixes + query, default_graph=graphs)
        variables = [v.value for v in results.variables]
        return [{name: row[name] for name in variables if row[name] is not None} for row in results]

    def hub(self, term: Term) -> Link:
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
            julian = f"{int(day.value)} {MONTHS[int(month.value) - 1]} {int(year.value)}"
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
            gregorian=f"{g_day} {MONTHS[g_month - 1]} {g_year}",
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
            record=self.hub(record) if isinstance(record, ox.NamedNode) else None,
        )

    def counts_by_graph(self) -> dict[str, int]:
        return {iri: len(self.graph_triples.get(iri, ())) for iri, _ in self.graphs}

    def counts(self) -> dict[str, int]:
        return {
            part: len(self.graph_triples.get(GRAPH_BASE + part, ())) for part in self.part_names()
        }


def _triple_key(triple: Iterable[Term]) -> tuple[str, ...]:
    return tuple(f"{type(term).__name__}:{term}" for term in triple)
