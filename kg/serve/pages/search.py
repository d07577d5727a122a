"""``/search?q=``: any resource by any of its names, in any language.

Every name of every resource (its labels and other names, in English, Greek, Persian or
Middle Persian) is compared in a normal form: Unicode NFKD, combining marks (accents,
breathings) removed, case folded (Greek final sigma included), spaces collapsed; so
"σεργιος" and "ΣΕΡΓΙΟΣ" find Σέργιος. A name equal to the
search text ranks first, then a name that begins with it, then one that holds it.

A static copy cannot search: ``kg site`` writes no file for this page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.namespaces import SG
from kg.serve.render import render
from kg.serve.responses import CopiedFile, html
from kg.serve.site import Link, SiteGraph
from kg.serve.state import Server, server_of

__all__ = ["MAX_QUERY_CHARS", "ROUTES", "Hit", "copied_files", "normalise", "search"]

# The properties that name a resource (what the data uses, and the usual others).
NAME_PROPERTIES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#hiddenLabel",
    "http://purl.org/dc/terms/title",
    "http://xmlns.com/foaf/0.1/name",
    "https://schema.org/name",
)
LANGUAGES = {
    "en": "English",
    "grc": "Ancient Greek",
    "el": "Greek",
    "la": "Latin",
    "fa": "Persian",
    "pal": "Middle Persian",
    "pal-latn": "Middle Persian, in Latin letters",
    "ar": "Arabic",
    "hy": "Armenian",
    "syc": "Syriac",
}
MAX_QUERY_CHARS = 200
MAX_HITS = 100
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_EXACT, _PREFIX, _SUBSTRING = 0, 1, 2


@dataclass(frozen=True)
class Name:
    """One name of one resource, as given and in its normal form."""

    iri: str
    text: str
    language: str | None
    normal: str


@dataclass(frozen=True)
class Hit:
    """A resource found: its link, its class in words, the name that matched and how."""

    link: Link
    kind: str
    name: str
    language: str | None
    rank: int  # 0 exact, 1 the name begins with the text, 2 the name holds it


def normalise(text: str) -> str:
    """``text`` without accents, case or extra spaces: the form names are compared in."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def without_direction_controls(text: str) -> str:
    """``text`` without the invisible characters that steer the direction of text.

    An echoed right-to-left override (U+202E) would turn the words after it around on
    the page: every format character (Unicode category Cf) whose bidirectional class is
    not "boundary neutral" goes, which keeps the joiners Persian and Syriac names need.
    """
    return "".join(
        char
        for char in text
        if unicodedata.category(char) != "Cf" or unicodedata.bidirectional(char) == "BN"
    )


_NAMES: WeakKeyDictionary[SiteGraph, list[Name]] = WeakKeyDictionary()


def names(site: SiteGraph) -> list[Name]:
    """Every name of every resource of the graph, read once."""
    if site not in _NAMES:
        found = {
            Name(subject.value, obj.value, obj.language, normalise(obj.value))
            for subject, predicate, obj in site.triples
            if predicate.value in NAME_PROPERTIES
            and isinstance(subject, ox.NamedNode)
            and isinstance(obj, ox.Literal)
        }
        _NAMES[site] = sorted(found, key=lambda n: (n.iri, n.text))
    return _NAMES[site]


def search(site: SiteGraph, text: str) -> list[Hit]:
    """The resources one of whose names holds ``text``, best match first."""
    wanted = normalise(text)
    if not wanted:
        return []
    best: dict[str, tuple[int, Name]] = {}
    for name in names(site):
        if wanted not in name.normal:
            continue
        rank = (
            _EXACT
            if name.normal == wanted
            else _PREFIX
            if name.normal.startswith(wanted)
            else _SUBSTRING
        )
        current = best.get(name.iri)
        if current is None or (rank, name.language != "en") < (
            current[0],
            current[1].language != "en",
        ):
            best[name.iri] = (rank, name)
    hits = [
        Hit(_named_link(site, iri, name.text), _kind(site, iri), name.text, name.language, rank)
        for iri, (rank, name) in best.items()
    ]
    return sorted(hits, key=lambda hit: (hit.rank, hit.link.label.casefold(), hit.link.iri))


def _named_link(site: SiteGraph, iri: str, name: str) -> Link:
    """The resource's link, named by the name found when the site knows it by its IRI only
    (a document such as the ontology has a title but no label)."""
    link = site.link(iri)
    if link.label.startswith(("http://", "https://")):
        return Link(name, link.href, link.iri, link.external)
    return link


def _kind(site: SiteGraph, iri: str) -> str:
    """What the resource is, in words: the name of its class in the ontology."""
    classes = [term.value for term in site.objects(ox.NamedNode(iri), _TYPE)]
    own = sorted(c for c in classes if c.startswith(str(SG))) or sorted(classes)
    if not own:
        return ""
    label = site.label(own[0])
    return label[:1].upper() + label[1:]


def language_name(code: str | None) -> str | None:
    if not code:
        return None
    return LANGUAGES.get(code.lower(), f"language “{code}”")


async def search_page(request: Request) -> Response:
    """The search form and, for a text, the resources it names."""
    server = server_of(request)
    raw = request.query_params.get("q", "")
    context = {"title": "Search", "section": "search", "q": "", "hits": None, "message": None}
    status = 200
    if len(raw) > MAX_QUERY_CHARS:
        context["message"] = (
            f"The search text is {len(raw):,} characters long; a search takes at most "
            f"{MAX_QUERY_CHARS}. Search for a name, or part of one."
        )
        status = 400
    else:
        text = " ".join(without_direction_controls(_CONTROL.sub(" ", raw)).split())
        context["q"] = text
        if normalise(text):
            hits = search(server.site, text)
            context.update(hits=hits[:MAX_HITS], total=len(hits), max_hits=MAX_HITS)
    body = render("search.html", language_name=language_name, **context)
    return html(body, status)


ROUTES = [Route("/search", search_page)]


def copied_files(server: Server) -> list[CopiedFile]:
    """None: a static host cannot search (its menu's link to /search finds no page)."""
    return []
