"""Everything the page of one resource shows: plain words first (names, figures with
their hedges, dates in both calendars, parts played, offices, the text's own words, other
accounts), the plumbing (IRI, types, matches) in its "Data details"."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import ID, SG
from kg.serve.site import (
    DATE_PROPERTIES,
    GEO,
    RDF,
    RDFS,
    SKOS,
    DateView,
    Link,
    Modality,
    Place,
    SiteGraph,
    Source,
    Statement,
    Term,
    iri_of,
)
from kg.serve.views.summary import Summary, summary
from kg.serve.words import capitalised

__all__ = ["EntityView", "resource_view", "text_segments"]

_TYPE = ox.NamedNode(RDF + "type")
_NAME_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
_HUB_PROPERTIES = (SKOS + "exactMatch", SKOS + "closeMatch")
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


@dataclass(frozen=True)
class Participation:
    agent: Link
    role: Link | None
    within: Link | None
    office: Link | None
    side: Link | None


@dataclass(frozen=True)
class SentenceView:
    """One line of the source text, cut at its quotations."""

    line: int
    link: Link
    segments: list[tuple[str, Link | None, bool]]


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
    text_segments: list[tuple[str, Link | None, bool]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    details: list[Statement] = field(default_factory=list)  # plumbing: IRIs, types, matches
    related: list[tuple[str, list[Link]]] = field(default_factory=list)
    sentences: list[SentenceView] = field(default_factory=list)
    previous: Link | None = None
    next: Link | None = None
    offices: list[OfficeView] = field(default_factory=list)
    claims: list[ClaimView] = field(default_factory=list)
    summary: Summary | None = None


def resource_view(site: SiteGraph, slug: str) -> EntityView | None:
    if not site.has_slug(slug):
        return None
    iri = str(ID) + slug
    node = ox.NamedNode(iri)
    pairs = site.outgoing.get(node, [])
    types = [site.link(o) for p, o in pairs if p == _TYPE]
    names = [
        (site.label(p.value), o.value, o.language or None)
        for p, o in pairs
        if p.value in _NAME_PROPERTIES and isinstance(o, ox.Literal)
    ]
    statements = []
    for predicate, obj in pairs:
        triple = (node, predicate, obj)
        sources = site.sources(triple)
        modality = site.modality(triple)
        note = None
        if predicate.value == SKOS + "editorialNote":
            note, modality, sources = "the editors' remark, not a fact", None, ()
        elif modality is None and site.is_source_structure(node):
            note = "the source itself"
        statements.append(
            Statement(
                site.link(predicate),
                site.value(obj),
                sources,
                note,
                triple=triple,
                modality=modality,
                readings=site.readings(triple),
                computation=site.computation(predicate) if modality is Modality.DERIVED else None,
                disputes=tuple(site.link(claim) for claim in site.contesting(triple)),
            )
        )
    provenance = {str(SG) + "describes", RDF + "subject", RDF + "object"}
    incoming = sorted(
        {
            (site.link(s), site.link(p))
            for s, p in site.incoming.get(node, [])
            if isinstance(s, ox.NamedNode) and p.value not in provenance
        },
        key=lambda pair: (pair[1].label.lower(), pair[0].label.lower()),
    )
    speaking = set(site.describing(node))
    for statement in site.reifications(node):
        speaking.update(site.subjects(statement, str(SG) + "states"))
    quotations = sorted(
        (site.source(q) for q in speaking),
        key=lambda s: (s.kind, s.line or 0, s.link.iri),
    )
    view = EntityView(
        iri=iri,
        slug=slug,
        title=capitalised(site.label(iri)),
        types=types,
        names=names,
        statements=statements,
        incoming=incoming,
        quotations=quotations,
    )
    view.participants = _participants(site, node)
    view.roles = [_participation(site, p) for p in site.subjects(node, str(SG) + "agent")]
    view.hubs = [site.hub(o) for p, o in pairs if p.value in _HUB_PROPERTIES and iri_of(o)]
    view.dates = [
        date
        for p, o in pairs
        if p.value in DATE_PROPERTIES
        if (date := site.date_view(p, o)) is not None
    ]
    view.place = site.place_view(node)
    view.text_segments = text_segments(site, node)
    _reading(site, node, view)
    return view


def _reading(site: SiteGraph, node: Term, view: EntityView) -> None:
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
        (label, sorted(set(links), key=lambda link: site.sort_key(link.iri)))
        for label, links in sorted(grouped.items())
    ]
    if site.is_a(node, "SourceDocument"):
        view.sentences = [
            SentenceView(line, site.link(sentence), text_segments(site, sentence))
            for line, sentence in _lines(site, node)
        ]
    if site.is_a(node, "Sentence"):
        document = site.first(node, str(SG) + "inDocument")
        lines = _lines(site, document) if document is not None else []
        here = [i for i, (_, sentence) in enumerate(lines) if sentence == node]
        if here:
            i = here[0]
            view.previous = site.link(lines[i - 1][1]) if i > 0 else None
            view.next = site.link(lines[i + 1][1]) if i + 1 < len(lines) else None
    view.offices = _offices(site, node)
    # A quotation's or a sentence's page shows the accounts that contest its words.
    own_words = [node.value] + [q.value for q in site.subjects(node, str(SG) + "inSentence")]
    view.claims = _claims(site, node, own_words)
    if site.is_a(node, "Siege"):
        view.summary = summary(site, node.value)
        view.claims = _claims(site, None, [])


def _lines(site: SiteGraph, document: Term) -> list[tuple[int, Term]]:
    found = []
    for sentence in site.subjects(document, str(SG) + "inDocument"):
        line = site.first(sentence, str(SG) + "lineNumber")
        if line is not None and site.is_a(sentence, "Sentence"):
            found.append((int(line.value), sentence))
    return sorted(found, key=lambda pair: pair[0])


def _date_words(site: SiteGraph, term: Term | None, year: Term | None) -> str | None:
    if term is not None:
        date = site.date_view(ox.NamedNode(str(SG) + "date"), term)
        if date is not None:
            return f"{date.julian} (Gregorian {date.gregorian})"
    return year.value if year is not None else None


def _offices(site: SiteGraph, node: Term) -> list[OfficeView]:
    offices: dict[Term, OfficeView] = {}
    for tenure in site.subjects(node, str(SG) + "holder"):
        office = site.first(tenure, str(SG) + "ofOffice")
        if office is None:
            continue

        def one(name: str, tenure: Term = tenure) -> Term | None:
            return site.first(tenure, str(SG) + name)

        offices[tenure] = OfficeView(
            office=site.link(office),
            tenure=site.link(tenure),
            start=_date_words(site, one("startDate"), one("startYear")),
            end=_date_words(site, one("endDate"), one("endYear")),
            as_given=site.text_of(one("asGiven")),
            sources=site.sources((tenure, ox.NamedNode(str(SG) + "ofOffice"), office)),
        )
    held = {view.office.iri for view in offices.values()}
    for office in site.objects(node, str(SG) + "holdsOffice"):
        if office.value not in held:
            sources = site.sources((node, ox.NamedNode(str(SG) + "holdsOffice"), office))
            offices[office] = OfficeView(site.link(office), None, None, None, None, sources)
    return sorted(offices.values(), key=lambda o: (o.start is None, o.office.label))


def _claims(site: SiteGraph, node: Term | None, quotations: list[str]) -> list[ClaimView]:
    """Other accounts that contest facts of ``node`` (as subject, or as the agent of a part
    played) or its words, and a claim's own page; every claim if node is None."""
    claims = []
    disputing: set[Term] = set()
    if node is not None:
        agent = ox.NamedNode(str(SG) + "agent")
        for triple, contesting in site.contested().items():
            subject = triple[0]
            if subject == node or (node, agent) in [
                (o, p) for p, o in site.outgoing.get(subject, []) if p == agent
            ]:
                disputing.update(contesting)
    for claim in site.subjects(ox.NamedNode(str(SG) + "Claim"), RDF + "type"):
        contested = site.objects(claim, str(SG) + "contests")
        if node is not None and node != claim and claim not in disputing:
            if not any(q.value in quotations for q in contested):
                continue
        claims.append(
            ClaimView(
                link=site.link(claim),
                text=site.text_of(site.first(claim, str(SG) + "claimText")),
                contests=site.source(contested[0]) if contested else None,
                figures=tuple(
                    site.quantity_phrase(q)
                    for q in site.objects(claim, str(SG) + "claimedStrength")
                ),
                sources=tuple(site.source(c) for c in site.describing(claim)),
            )
        )
    return sorted(claims, key=lambda c: (c.contests.line if c.contests else 0) or 0)


def _participation(site: SiteGraph, node: Term) -> Participation:
    def one(predicate: str) -> Link | None:
        term = site.first(node, str(SG) + predicate)
        return site.link(term) if isinstance(term, ox.NamedNode) else None

    agent = one("agent")
    return Participation(
        agent=agent or Link("?", "#", ""),
        role=one("role"),
        within=one("roleIn"),
        office=one("inOffice"),
        side=one("onSide"),
    )


def _participants(site: SiteGraph, node: Term) -> list[Participation]:
    """Who took part in ``node`` or in any of its parts (``sg:partOf``, transitively)."""
    seen: set[Term] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(site.subjects(current, str(SG) + "partOf"))
    found = [
        _participation(site, p) for event in seen for p in site.subjects(event, str(SG) + "roleIn")
    ]
    return sorted(found, key=lambda p: (p.within.label if p.within else "", p.agent.label))


def text_segments(site: SiteGraph, node: Term) -> list[tuple[str, Link | None, bool]]:
    """A sentence's text cut at its quotations, each quotation's words linked to it, and
    whether those are words the editors only read facts from (no fact stated by them).

    Quotations may overlap (line 12's "is to transport …, but the Avars withdraw …"
    spans two others): the text is cut at every quotation's start and end, and each piece
    leads to the shortest quotation it lies in, so that every quotation is marked.
    """
    text = site.first(node, str(SG) + "text")
    start = site.first(node, str(SG) + "startOffset")
    if text is None or start is None:
        quote_sentence = site.first(node, str(SG) + "inSentence")
        if quote_sentence is None:
            return []
        return text_segments(site, quote_sentence)
    base = int(start.value)
    spans = []
    for quotation in site.subjects(node, str(SG) + "inSentence"):
        q_start = site.first(quotation, str(SG) + "startOffset")
        q_end = site.first(quotation, str(SG) + "endOffset")
        if q_start is not None and q_end is not None:
            spans.append((int(q_start.value) - base, int(q_end.value) - base, quotation))
    cuts = sorted({0, len(text.value), *(b for b, _, _ in spans), *(e for _, e, _ in spans)})
    segments: list[tuple[str, Link | None, bool]] = []
    for begin, end in zip(cuts, cuts[1:], strict=False):
        covering = [span for span in spans if span[0] <= begin and end <= span[1]]
        words = text.value[begin:end]
        if not covering:
            segments.append((words, None, False))
            continue
        quotation = min(covering, key=lambda span: (span[1] - span[0], span[0]))[2]
        segments.append((words, site.link(quotation), not site.states_anything(quotation)))
    # Neighbouring pieces of one quotation are one mark.
    merged: list[tuple[str, Link | None, bool]] = []
    for words, link, read in segments:
        if merged and link is not None and merged[-1][1] == link:
            merged[-1] = (merged[-1][0] + words, link, read)
        else:
            merged.append((words, link, read))
    return [segment for segment in merged if segment[0]]
