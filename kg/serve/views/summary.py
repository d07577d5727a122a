"""The key facts of the siege, and a few sentences that tell them, read from the graph:
dates in both calendars, the sides with their strengths and hedges, leaders, outcome.
The index and the siege's own page open with them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import ID, SG
from kg.serve.site import DateView, Link, SiteGraph, Term
from kg.serve.words import lowered

__all__ = ["Dispute", "SideView", "Summary", "siege_summary", "summary"]


@dataclass(frozen=True)
class SideView:
    side: Link
    forces: list[tuple[Link, str | None, str | None]]  # (agent, strength, words as given)


@dataclass(frozen=True)
class Dispute:
    """Another account that disagrees with the text, and the figures it gives instead."""

    claim: Link
    figures: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    """The key facts of the siege, read from the graph."""

    event: Link
    text: str
    dates: list[tuple[DateView, list[tuple[str, Link]]]]  # (day, [(what of, event)])
    sides: list[SideView]
    leaders: list[tuple[Link, str, Link | None]]  # (person, what they are, of what)
    outcome: list[tuple[Link, list[Link]]]  # (event, winners)
    # Other accounts (sg:Claim) by the IRI of each thing they concern: a key fact that
    # one of them disputes is flagged where it is shown.
    disputes: dict[str, list[Dispute]] = field(default_factory=dict)


def siege_summary(site: SiteGraph) -> Summary | None:
    """The summary of the siege the graph is about, for the index."""
    if not site.has_slug("siege-of-constantinople"):
        return None
    return summary(site, str(ID) + "siege-of-constantinople")


def summary(site: SiteGraph, iri: str) -> Summary:
    """The key facts of an event and a few sentences that tell them, from the graph."""
    event = f"<{iri}>"
    within = f"{{ ?e sg:partOf* {event} }}"
    dated = site.select(
        f"SELECT DISTINCT ?e ?p ?d WHERE {{ {within} ?e ?p ?d . ?d a sg:HistoricalDate }}"
    )
    by_day: dict[str, tuple[DateView, list[tuple[str, Link]]]] = {}
    for row in dated:
        date = site.date_view(row["p"], row["d"])
        if date is not None:
            what = {"startDate": "the start of the ", "endDate": "the end of the "}.get(
                row["p"].value[len(str(SG)) :], ""
            )
            by_day.setdefault(date.gregorian_iso, (date, []))[1].append((what, site.link(row["e"])))
    dates = sorted(
        ((date, sorted(events, key=lambda e: e[1].label)) for date, events in by_day.values()),
        key=lambda pair: pair[0].julian_day_number or 0,
    )
    forces = site.select(
        f"""SELECT DISTINCT ?side ?agent ?strength WHERE {{
            {within} ?p sg:roleIn ?e ; sg:agent ?agent ; sg:onSide ?side .
            FILTER NOT EXISTS {{ ?agent a sg:Person }}
            OPTIONAL {{ ?agent sg:strength ?strength }}
        }}"""
    )
    sides: dict[Term, dict[Term, tuple[Link, str | None, str | None]]] = defaultdict(dict)
    for row in forces:
        strength = row.get("strength")
        phrase = site.quantity_phrase(strength) if strength is not None else None
        given = site.text_of(site.first(strength, str(SG) + "asGiven")) if strength else None
        known = sides[row["side"]].get(row["agent"])
        if known is None or known[1] is None:
            sides[row["side"]][row["agent"]] = (site.link(row["agent"]), phrase, given)
    side_views = [
        SideView(
            site.link(side),
            sorted(agents.values(), key=lambda a: (a[1] is None, a[0].label.lower())),
        )
        for side, agents in sorted(sides.items(), key=lambda pair: site.label(pair[0].value))
    ]
    leaders_rows = site.select(
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
        what = site.label(office.value) if office is not None else site.label(row["role"].value)
        known = leaders.get(row["person"])
        if known is None or (office is not None and known[2] is not None):
            of = None if office is not None else site.link(row["of"])
            leaders[row["person"]] = (site.link(row["person"]), what, of)
    outcome_rows = site.select(
        f"""SELECT DISTINCT ?e ?winner WHERE {{
            {within} ?e a sg:Victory . OPTIONAL {{ ?e sg:winner ?winner }}
        }}"""
    )
    outcome: dict[Term, list[Link]] = defaultdict(list)
    for row in outcome_rows:
        if "winner" in row:
            outcome[row["e"]].append(site.link(row["winner"]))
        else:
            outcome.setdefault(row["e"], [])
    summary = Summary(
        event=site.link(iri),
        text="",
        dates=dates,
        sides=side_views,
        leaders=sorted(leaders.values(), key=lambda leader: leader[0].label),
        outcome=[(site.link(e), sorted(w, key=lambda w: w.label)) for e, w in outcome.items()],
    )
    summary = Summary(**{**summary.__dict__, "disputes": _disputes(site)})
    return Summary(**{**summary.__dict__, "text": _summary_text(site, iri, summary)})


def _disputes(site: SiteGraph) -> dict[str, list[Dispute]]:
    """Every other account, under each thing it concerns."""
    found: dict[str, list[Dispute]] = defaultdict(list)
    rows = site.select("SELECT ?claim ?thing WHERE { ?claim a sg:Claim ; sg:concerns ?thing }")
    for row in sorted(rows, key=lambda r: (r["thing"].value, r["claim"].value)):
        figures = tuple(
            site.quantity_phrase(q) for q in site.objects(row["claim"], str(SG) + "claimedStrength")
        )
        found[row["thing"].value].append(Dispute(site.link(row["claim"]), figures))
    return dict(found)


def _summary_text(site: SiteGraph, iri: str, facts: Summary) -> str:
    node = ox.NamedNode(iri)
    sentences = []
    war = site.first(node, str(SG) + "partOf")
    place = site.first(node, str(SG) + "location")
    opening = "The " + lowered(facts.event.label)
    if place is not None and site.label(place.value) not in opening:
        opening += f", at {site.label(place.value)}"
    if war is not None:
        opening += (
            f"{',' if ',' in opening else ''} was part of the {lowered(site.label(war.value))}"
        )
    sentences.append(opening + ".")
    for side in facts.sides:
        figures = [f"{agent.label} ({phrase})" for agent, phrase, _ in side.forces if phrase]
        names = [agent.label for agent, phrase, _ in side.forces if not phrase]
        who = "; ".join(figures + ([", ".join(names)] if names else []))
        sentences.append(f"On {side.side.label}: {who}.")
    if facts.dates:
        first, last = facts.dates[0], facts.dates[-1]
        # The text's first date is of an attack, not of the siege's start: it gives none.
        sentences.append(
            f"The text's dates run from {first[0].julian} "
            f"({first[1][0][0]}{lowered(first[1][0][1].label)}) to {last[0].julian} "
            f"({last[1][0][0]}{lowered(last[1][0][1].label)}), in the Julian calendar "
            f"({first[0].gregorian} to {last[0].gregorian} in the Gregorian); "
            "it gives no date for the start of the siege."
        )
    for victory, winners in facts.outcome:
        by = f", won by {' and '.join(w.label for w in winners)}" if winners else ""
        sentences.append(f"Outcome: {lowered(victory.label)}{by}.")
    claims = sorted({d.claim.label for ds in facts.disputes.values() for d in ds})
    if claims:
        sentences.append(
            "Other accounts disagree with the text on "
            + ("one point" if len(claims) == 1 else f"{len(claims)} points")
            + ": "
            + "; ".join(lowered(claim) for claim in claims)
            + "."
        )
    return " ".join(sentences)
