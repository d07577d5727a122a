"""The sentences the site writes, each made from named triples of the graph.

A :class:`Sentence` is the words a page writes (plain text and links) and the triples it
tells. It is made by :func:`say`, which looks up what the graph says of each triple and
adds the words the triple's modality calls for, so that a sentence cannot drop them:

* a fact the editors read (``sg:Reading``) is said to be read, with a link to the reading;
* a fact that another account contests (``sg:Claim``) is said to be disputed, naming it;
* a fact about an event told as planned, intended or hoped for is said to be planned;
* an approximate or presumed figure or date keeps its "about" or "presumably".

The pages render sentences with the ``say`` macro (templates/macros.html), which also
hands each one to :func:`heard`: a test can thus collect every sentence of every page it
renders, with its triples (:func:`collecting`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.modality import Modality
from kg.namespaces import SG

if TYPE_CHECKING:
    from kg.serve.site import Link, SiteGraph

__all__ = [
    "MARK_WORDS",
    "Mark",
    "Sentence",
    "collecting",
    "heard",
    "marks_of",
    "say",
]

Triple = tuple[Any, Any, Any]


class Mark(Enum):
    """What a sentence must carry over from the facts it tells."""

    APPROXIMATE = "approximate"
    PRESUMED = "presumed"
    PLANNED = "planned"
    READ = "read"
    DISPUTED = "disputed"


# The words that show each mark to a reader; a sentence with the mark has one of them.
MARK_WORDS: dict[Mark, tuple[str, ...]] = {
    Mark.APPROXIMATE: ("about", "c.", "approximate"),
    Mark.PRESUMED: ("presumably", "presumed"),
    Mark.PLANNED: ("planned", "hoped for", "intended"),
    Mark.READ: ("read by the editors", "a reading"),
    Mark.DISPUTED: ("disputed", "dispute"),
}


@dataclass(frozen=True)
class Sentence:
    """Words the site writes, and the triples of the graph they tell."""

    parts: tuple[Any, ...]  # plain text (str) and links (kg.serve.site.Link)
    triples: tuple[Triple, ...]
    marks: frozenset[Mark]
    readings: tuple[Link, ...] = ()
    disputes: tuple[Link, ...] = ()

    @property
    def text(self) -> str:
        return "".join(part if isinstance(part, str) else part.label for part in self.parts)

    def __str__(self) -> str:
        return self.text


def _qualifiers(site: SiteGraph, term: Any) -> set[str]:
    return {
        q.value[len(str(SG)) :]
        for name in ("qualifier", "dateQualifier")
        for q in site.objects(term, str(SG) + name)
    }


def _planned(site: SiteGraph, term: Any) -> bool:
    """An event told as planned, or the part played in one."""
    planned = ox.NamedNode(str(SG) + "planned")
    if planned in site.objects(term, str(SG) + "status"):
        return True
    return any(
        planned in site.objects(e, str(SG) + "status")
        for e in site.objects(term, str(SG) + "roleIn")
    )


def marks_of(site: SiteGraph, triples: Iterable[Triple]) -> set[Mark]:
    """The marks that the facts ``triples`` call for."""
    marks: set[Mark] = set()
    for triple in triples:
        subject, _, obj = triple
        if site.modality(triple) is Modality.READ:
            marks.add(Mark.READ)
        if site.contesting(triple):
            marks.add(Mark.DISPUTED)
        if _planned(site, subject) or _planned(site, obj):
            marks.add(Mark.PLANNED)
        qualifiers = _qualifiers(site, obj) | (
            _qualifiers(site, subject) if triple[1].value.endswith("dateQualifier") else set()
        )
        if "approximate" in qualifiers:
            marks.add(Mark.APPROXIMATE)
        if "presumed" in qualifiers:
            marks.add(Mark.PRESUMED)
    return marks


def say(
    site: SiteGraph, parts: Sequence[Any], triples: Iterable[Triple], end: str = ""
) -> Sentence:
    """A sentence of ``parts`` that tells ``triples``, with the words their marks call for.

    A mark whose words the parts already have (a figure's "about", a planned event's
    "(planned)" in its name) is not said twice; the others are added at the end, before
    ``end`` (the sentence's closing punctuation).
    """
    from kg.serve.site import Link
    from kg.serve.words import lowered

    told = tuple(dict.fromkeys(triples))
    marks = marks_of(site, told)
    # A name inside a sentence: "the siege …", not "the Siege …" (kg.serve.words).
    words = [
        Link(lowered(p.label), p.href, p.iri, p.external) if i and isinstance(p, Link) else p
        for i, p in enumerate(parts)
    ]
    text = "".join(p if isinstance(p, str) else p.label for p in words).lower()
    readings: dict[str, Link] = {}
    disputes: dict[str, Link] = {}
    for triple in told:
        for reading in site.readings(triple):
            readings.setdefault(reading.link.iri, reading.link)
        for claim in site.contesting(triple):
            disputes.setdefault(claim.value, site.link(claim))
    if Mark.PLANNED in marks and not any(w in text for w in MARK_WORDS[Mark.PLANNED]):
        # An event named here is planned; an agent named here only plays a part in one.
        planned_named = any(
            isinstance(p, Link) and _planned(site, ox.NamedNode(p.iri))
            for p in words
            if getattr(p, "iri", None)
        )
        words.append(
            " (planned, not done)" if planned_named else " (its part only planned, not done)"
        )
    if Mark.READ in marks:
        words.append(" — read by the editors, not stated by the text (")
        for i, link in enumerate(readings.values()):
            label = "why" if len(readings) == 1 else f"why {i + 1}"
            words.extend([", " if i else "", Link(label, link.href, link.iri)])
        words.append(")")
    if Mark.DISPUTED in marks:
        # A sentence that already speaks of the other accounts names them; another says so.
        words.append(": " if "other account" in text else " — disputed by another account: ")
        for i, (iri, link) in enumerate(disputes.items()):
            words.extend(["; " if i else "", link])
            figures = [
                site.quantity_phrase(q)
                for q in site.objects(ox.NamedNode(iri), str(SG) + "claimedStrength")
            ]
            if figures:
                words.append(f" ({'; '.join(sorted(figures))})")
    for mark, hedge in ((Mark.APPROXIMATE, " (approximate)"), (Mark.PRESUMED, " (presumed)")):
        if mark in marks and not any(w in text for w in MARK_WORDS[mark]):
            words.append(hedge)
    words.append(end)
    return Sentence(
        tuple(w for w in words if w != ""),
        told,
        frozenset(marks),
        tuple(readings.values()),
        tuple(disputes.values()),
    )


# -- collecting what the pages write, for the tests ----------------------------------------

_lock = threading.Lock()
_listeners: list[list[Sentence]] = []


def heard(sentence: Sentence) -> str:
    """Hand ``sentence`` to whoever is collecting (the ``say`` macro calls this)."""
    with _lock:
        for listener in _listeners:
            listener.append(sentence)
    return ""


@contextmanager
def collecting() -> Iterator[list[Sentence]]:
    """Every sentence the pages render while the block runs, in any thread."""
    found: list[Sentence] = []
    with _lock:
        _listeners.append(found)
    try:
        yield found
    finally:
        with _lock:
            _listeners.remove(found)
