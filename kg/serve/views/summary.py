"""The key facts of the siege, and a few sentences that tell them, read from the graph:
dates in both calendars, the sides with their strengths and hedges, leaders, the victory.
The index and the siege's own page open with them.

Every line is a :class:`~kg.serve.sentences.Sentence` made from the triples it tells, so a
fact the editors read says so, a contested fact names the account that disputes it (and
only that fact does), and a figure keeps its "about" or "presumably".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import ID, SG
from kg.serve.sentences import Sentence, marks_of, say
from kg.serve.site import DateView, Link, SiteGraph, Term
from kg.serve.words import lowered

__all__ = ["SideView", "Summary", "siege_summary", "summary"]

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _sg(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(SG) + name)


@dataclass(frozen=True)
class SideView:
    side: Link
    forces: list[Sentence]


@dataclass(frozen=True)
class Summary:
    """The key facts of the siege, read from the graph, each line a sentence."""

    event: Link
    sentences: list[Sentence]
    dates: list[Sentence]
    sides: list[SideView]
    leaders: list[Sentence]
    victories: list[Sentence]
    claims: list[Link] = field(default_factory=list)  # every other account, for the index

    @property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences)


def siege_summary(site: SiteGraph) -> Summary | None:
    """The summary of the siege the graph is about, for the index."""
    if not site.has_slug("siege-of-constantinople"):
        return None
    return summary(site, str(ID) + "siege-of-constantinople")


def _date_facts(site: SiteGraph, date: Term) -> list[tuple[Term, Term, Term]]:
    """The facts a date in words rests on: its year, month, day, calendar, Gregorian date."""
    names = ("year", "month", "day", "calendar", "gregorianDate")
    return [
        (date, _sg(name), value) for name in names for value in site.objects(date, str(SG) + name)
    ]


def _day_line(
    site: SiteGraph, date: DateView, node: Term, events: list[tuple[str, Term, Term]]
) -> Sentence:
    parts: list[object] = [date.julian, f" (Gregorian {date.gregorian}, computed)"]
    if date.as_given:
        parts.append(f", the text: “{date.as_given}”")
    parts.append(": ")
    triples = _date_facts(site, node)
    for i, (what, event, predicate) in enumerate(events):
        parts.extend(["; " if i else "", what, site.link(event)])
        triples.append((event, predicate, node))
    return say(site, parts, triples)


def _dates(
    site: SiteGraph, within: str
) -> list[tuple[DateView, Term, list[tuple[str, Term, Term]]]]:
    rows = site.select(
        f"SELECT DISTINCT ?e ?p ?d WHERE {{ {within} ?e ?p ?d . ?d a sg:HistoricalDate }}"
    )
    by_day: dict[str, tuple[DateView, Term, list[tuple[str, Term, Term]]]] = {}
    for row in rows:
        date = site.date_view(row["p"], row["d"])
        if date is not None:
            what = {"startDate": "the start of the ", "endDate": "the end of the "}.get(
                row["p"].value[len(str(SG)) :], ""
            )
            by_day.setdefault(date.gregorian_iso, (date, row["d"], []))[2].append(
                (what, row["e"], row["p"])
            )
    for _, _, events in by_day.values():
        # The siege's own start or end first, then the events of the day by name.
        events.sort(key=lambda e: (not e[0], site.label(e[1].value)))
    return sorted(by_day.values(), key=lambda day: day[0].julian_day_number or 0)


def _participation_facts(site: SiteGraph, participation: Term) -> list[tuple[Term, Term, Term]]:
    names = ("agent", "role", "roleIn", "onSide", "inOffice")
    return [
        (participation, _sg(name), value)
        for name in names
        for value in site.objects(participation, str(SG) + name)
    ]


def _best(site: SiteGraph, participations: list[Term]) -> list[tuple[Term, Term, Term]]:
    """The facts behind "X was on this side": of its parts played, the one that calls for
    the fewest marks (read, planned, disputed), which the sentence then carries."""
    facts = [
        [t for t in _participation_facts(site, p) if t[1].value != str(SG) + "role"]
        for p in sorted(participations, key=str)
    ]
    return min(facts, key=lambda f: len(marks_of(site, f)))


def _sides(site: SiteGraph, within: str) -> list[SideView]:
    rows = site.select(
        f"""SELECT DISTINCT ?side ?agent ?p WHERE {{
            {within} ?p sg:roleIn ?e ; sg:agent ?agent ; sg:onSide ?side .
            FILTER NOT EXISTS {{ ?agent a sg:Person }}
        }}"""
    )
    sides: dict[Term, dict[Term, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        sides[row["side"]][row["agent"]].append(row["p"])
    views = []
    for side, agents in sorted(sides.items(), key=lambda pair: site.label(pair[0].value)):
        lines = []
        for agent, participations in agents.items():
            parts: list[object] = [site.link(agent)]
            triples = _best(site, participations)
            strength = site.first(agent, str(SG) + "strength")
            if strength is not None:
                parts.append(f": {site.quantity_phrase(strength)}")
                given = site.text_of(site.first(strength, str(SG) + "asGiven"))
                if given:
                    parts.append(f" (the text: “{given}”)")
                triples.append((agent, _sg("strength"), strength))
            lines.append(
                (strength is None, site.label(agent.value).lower(), say(site, parts, triples))
            )
        views.append(
            SideView(site.link(side), [said for *_, said in sorted(lines, key=lambda row: row[:2])])
        )
    return views


def _leaders(site: SiteGraph, event: str, within: str) -> list[Sentence]:
    rows = site.select(
        f"""SELECT DISTINCT ?person ?p WHERE {{
            ?p sg:agent ?person ; sg:role ?role ; sg:roleIn ?of .
            ?person a sg:Person .
            {{ ?of sg:partOf* {event} }} UNION
            {{ ?q sg:agent ?of ; sg:roleIn ?e . {within} }}
        }}"""
    )
    by_person: dict[Term, list[Term]] = defaultdict(list)
    for row in rows:
        by_person[row["person"]].append(row["p"])
    lines = []
    for person, participations in by_person.items():
        # An office says what the person is; else the part played and in what.
        with_office = [p for p in participations if site.first(p, str(SG) + "inOffice") is not None]
        chosen = sorted(with_office or participations, key=str)[0]
        office = site.first(chosen, str(SG) + "inOffice")
        parts: list[object] = [site.link(person), ", "]
        if office is not None:
            parts.append(site.label(office.value))
        else:
            role, of = site.first(chosen, str(SG) + "role"), site.first(chosen, str(SG) + "roleIn")
            parts.extend(
                [site.label(role.value) if role is not None else "", " of ", site.link(of)]
            )
        lines.append(
            (site.label(person.value), say(site, parts, _participation_facts(site, chosen)))
        )
    return [line for _, line in sorted(lines, key=lambda pair: pair[0])]


def _victories(site: SiteGraph, within: str) -> list[Sentence]:
    """Each victory and its winners: first those the text names, then those read."""
    lines = []
    for row in site.select(f"SELECT DISTINCT ?e WHERE {{ {within} ?e a sg:Victory }}"):
        victory = row["e"]
        winners = sorted(
            site.objects(victory, str(SG) + "winner"),
            key=lambda w: (
                bool(marks_of(site, [(victory, _sg("winner"), w)])),
                site.label(w.value),
            ),
        )
        kind = (victory, _TYPE, _sg("Victory"))
        if not winners:
            lines.append(say(site, [site.link(victory)], [kind]))
        for i, winner in enumerate(winners):
            told = (victory, _sg("winner"), winner)
            if i == 0:
                lines.append(
                    say(site, [site.link(victory), ", won by ", site.link(winner)], [kind, told])
                )
            else:
                lines.append(say(site, ["and by ", site.link(winner)], [told]))
    return lines


def summary(site: SiteGraph, iri: str) -> Summary:
    """The key facts of an event and a few sentences that tell them, from the graph."""
    event = f"<{iri}>"
    within = f"{{ ?e sg:partOf* {event} }}"
    days = _dates(site, within)
    claims = sorted({claim for claims in site.contested().values() for claim in claims}, key=str)
    facts = Summary(
        event=site.link(iri),
        sentences=[],
        dates=[_day_line(site, date, node, events) for date, node, events in days],
        sides=_sides(site, within),
        leaders=_leaders(site, event, within),
        victories=_victories(site, within),
        claims=[site.link(claim) for claim in claims],
    )
    facts.sentences.extend(_summary_sentences(site, iri, days))
    return facts


def _summary_sentences(
    site: SiteGraph, iri: str, days: list[tuple[DateView, Term, list[tuple[str, Term, Term]]]]
) -> list[Sentence]:
    node = ox.NamedNode(iri)
    sentences = []
    war = site.first(node, str(SG) + "partOf")
    place = site.first(node, str(SG) + "location")
    parts: list[object] = ["The ", lowered(site.label(iri))]
    triples = []
    if place is not None and site.label(place.value) not in site.label(iri):
        parts.extend([", at ", site.link(place)])
        triples.append((node, _sg("location"), place))
    if war is not None:
        parts.extend(
            [
                ", was part of the " if place is not None and triples else " was part of the ",
                site.link(war),
            ]
        )
        triples.append((node, _sg("partOf"), war))
    if triples:
        sentences.append(say(site, parts, triples, end="."))
    if days:
        (first, first_node, first_events), (last, last_node, last_events) = days[0], days[-1]
        what_first, event_first, p_first = first_events[0]
        what_last, event_last, p_last = last_events[0]
        # The text names no calendar, and its first date is of an attack, not of the
        # siege's start: it gives none.
        sentences.append(
            say(
                site,
                [
                    f"The text's dates run from {first.julian} ({what_first}",
                    site.link(event_first),
                    f") to {last.julian} ({what_last}",
                    site.link(event_last),
                    f"), read as dates of the Julian calendar ({first.gregorian} to "
                    f"{last.gregorian} in the Gregorian, computed)",
                ],
                [
                    (event_first, p_first, first_node),
                    (event_last, p_last, last_node),
                    *_date_facts(site, first_node),
                    *_date_facts(site, last_node),
                ],
                end=".",
            )
        )
        sentences.append(say(site, ["It gives no date for the start of the siege"], [], end="."))
    within = f"{{ ?e sg:partOf* <{iri}> }}"
    for row in site.select(f"SELECT DISTINCT ?e WHERE {{ {within} ?e a sg:Victory }}"):
        victory = row["e"]
        sentences.append(
            say(
                site,
                [
                    "The text tells of a ",
                    site.link(victory),
                    " and does not call it the outcome of the siege",
                ],
                [(victory, _TYPE, _sg("Victory")), (victory, _sg("partOf"), node)],
                end=".",
            )
        )
    contested = site.contested()
    if contested:
        claims = sorted({c for cs in contested.values() for c in cs}, key=str)
        parts = [
            "The text is disputed by other accounts on "
            + ("one point" if len(claims) == 1 else f"{len(claims)} points")
            + ", each shown beside the facts it contests"
        ]
        sentences.append(say(site, parts, sorted(contested, key=str), end="."))
    return sentences
