"""The story of the siege for the timeline: every event the text tells, in order, and
the reigns and offices around it.

The story holds every event the text tells (everything typed as an event that is not
a person's reign, office, life or death). Days the text gives are merged into one step
each; an undated event stands where the text tells it, unless a relation of the graph
(``sg:after``, ``sg:triggeredBy`` …) moves it, and says which (see timeline_order).
The people's reigns, offices, lives and deaths, from the references, are a lane of
spans on an axis of years (drawn by :mod:`kg.serve.drawings.lane`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.julian import gregorian_to_julian
from kg.namespaces import SG
from kg.serve.sentences import Sentence, say
from kg.serve.site import DateView, Link, SiteGraph, Source, Term, slug_of
from kg.serve.views.timeline_order import Constraint, Item, Reason, order_story

__all__ = ["LaneSpan", "Story", "marked_years", "read_story"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

# The graph's relations between two events that order them: (property, the subject is
# the later one, words for "placed after <the other>", says that one follows the other).
ORDER_RELATIONS = (
    ("after", True, "begins after the end of", True),
    ("triggeredBy", True, "prompted by", True),
    ("celebrates", True, "celebrates", True),
    ("ends", True, "brings to an end", True),
    ("prepares", False, "prepared by", True),
    ("during", True, "happens during", False),
    ("partOf", True, "part of", False),
)


@dataclass
class StoryEntry:
    event: Link
    slug: str
    kind: str
    status: Link | None
    sources: tuple[Source, ...]
    reasons: list[Sentence] = field(default_factory=list)  # why it stands here
    day_of: Link | None = None  # the dated whole whose day an undated part shares
    span: Sentence | None = None  # the year and end the text gives an event of many days
    silence: str | None = None  # what the text does not say of its start
    who: Sentence | None = None  # who takes part, and who leads them


@dataclass
class StoryStep:
    day: DateView | None
    entries: list[StoryEntry]
    days_since: int | None = None  # days after the previous dated day
    previous: DateView | None = None  # that day
    ending: list[Link] = field(default_factory=list)  # events of many days that end here


@dataclass
class LaneSpan:
    """A reign, an office, a life or a death, from the references."""

    event: Link
    slug: str
    kind: str
    holder: Link | None
    start: float | None  # in years (Julian reckoning), for drawing
    end: float | None
    words: str  # its dates in words: "5 October 610 – 11 February 641", "c. 626"
    said: Sentence  # the same, with the facts it tells
    as_given: str | None
    approximate: bool
    sources: tuple[Source, ...]


@dataclass
class Story:
    steps: list[StoryStep]
    lane: list[LaneSpan]
    calendar_sentence: Sentence | None
    silences: list[str]
    dated_days: int
    events: int


def _sg(name: str) -> str:
    return str(SG) + name


def _events(site: SiteGraph) -> dict[Term, Term]:
    """Every resource typed as an event (a subclass of sg:Event), with its class."""
    rows = site.select(
        f"SELECT ?event ?class WHERE {{ ?event a ?class . ?class <{RDFS}subClassOf>* sg:Event }}"
    )
    found: dict[Term, Term] = {}
    for row in sorted(rows, key=lambda r: (r["event"].value, r["class"].value)):
        event = row["event"]
        if isinstance(event, ox.NamedNode) and slug_of(event.value):
            found.setdefault(event, row["class"])
    return found


def _day(site: SiteGraph, event: Term, name: str) -> DateView | None:
    node = site.first(event, _sg(name))
    return site.date_view(ox.NamedNode(_sg(name)), node) if node is not None else None


def _text_place(site: SiteGraph, sources: Sequence[Source]) -> tuple[int, int] | None:
    """(line, character offset) of the first words of the text that tell of the event."""
    places = []
    for source in sources:
        offset = site.first(ox.NamedNode(source.link.iri), _sg("startOffset"))
        if source.kind == "quotation" and source.line is not None and offset is not None:
            places.append((source.line, int(offset.value)))
    return min(places) if places else None


def _setting_only(site: SiteGraph, event: Term) -> bool:
    """An event the text names only as the setting of what still goes on (the Lenten
    service in which the hymn is still sung): a rite of the liturgical year, not a step
    of the story."""
    parts = site.subjects(event, _sg("partOf"))
    ongoing = ox.NamedNode(_sg("ongoing"))
    return bool(parts) and all(ongoing in site.objects(part, _sg("status")) for part in parts)


def read_story(site: SiteGraph) -> Story:
    events = _events(site)
    lane_events = {e for e in events if site.first(e, _sg("holder")) is not None}
    story_events = [e for e in events if e not in lane_events and not _setting_only(site, e)]
    entries: dict[str, StoryEntry] = {}
    items = []
    for event in story_events:
        entry, item = _story_event(site, event, events[event])
        entries[item.key] = entry
        items.append(item)
    items = [_sharing_the_day(site, item, entries) for item in items]
    constraints = _constraints(site, story_events)
    steps = []
    nodes = {slug_of(e.value) or "": e for e in story_events}
    for step in order_story(items, constraints):
        chosen = [entries[key] for key in step.keys]
        for entry in chosen:
            entry.reasons = [
                _reason(site, reason, nodes) for reason in step.reasons.get(entry.slug, [])
            ]
        # The day of a step: that of its events dated in their own right.
        days = [_day(site, ox.NamedNode(e.event.iri), "date") for e in chosen]
        steps.append(StoryStep(next((d for d in days if d is not None), None), chosen))
    _mark_days(site, steps, story_events)
    lane = sorted(
        (_lane_span(site, e, events[e]) for e in lane_events),
        key=lambda s: (s.start is None, s.start or 0, s.event.label),
    )
    return Story(
        steps=steps,
        lane=lane,
        calendar_sentence=_calendar_sentence(site, steps, story_events),
        silences=[e.silence for s in steps for e in s.entries if e.silence],
        dated_days=sum(1 for s in steps if s.day is not None),
        events=len(entries),
    )


def _story_event(site: SiteGraph, event: Term, cls: Term) -> tuple[StoryEntry, Item]:
    sources = site.sources((event, ox.NamedNode(RDF_TYPE), cls))
    status = site.first(event, _sg("status"))
    link = site.link(event)
    slug = slug_of(event.value) or ""
    entry = StoryEntry(
        event=link,
        slug=slug,
        kind=site.label(cls.value),
        status=site.link(status) if status is not None else None,
        sources=sources,
    )
    day = _day(site, event, "date")
    if day is None:
        entry.span, entry.silence = _span_words(site, event)
    entry.who = _who(site, event)
    item = Item(
        slug,
        link.label,
        day.julian_day_number if day is not None else None,
        _text_place(site, sources),
    )
    return entry, item


def _sharing_the_day(site: SiteGraph, item: Item, entries: dict[str, StoryEntry]) -> Item:
    """An undated part of an event of one day is told under that day, and says so."""
    if item.day is not None:
        return item
    for whole in site.objects(ox.NamedNode(entries[item.key].event.iri), _sg("partOf")):
        day = _day(site, whole, "date")
        if day is not None and day.julian_day_number is not None:
            entries[item.key].day_of = site.link(whole)
            return Item(item.key, item.label, day.julian_day_number, item.text)
    return item


def _date_facts(site: SiteGraph, date: Term) -> list[tuple[Term, Term, Term]]:
    names = ("year", "month", "day", "calendar")
    return [(date, ox.NamedNode(_sg(n)), v) for n in names for v in site.objects(date, _sg(n))]


def _span_words(site: SiteGraph, event: Term) -> tuple[Sentence | None, str | None]:
    """For an event of many days: its year and end as the text gives them, and the
    text's silence on its start when it gives an end but no start."""
    year = site.first(event, _sg("year"))
    start, end = _day(site, event, "startDate"), _day(site, event, "endDate")
    parts = []
    triples: list[tuple[Term, Term, Term]] = []
    if year is not None:
        parts.append(f"in {year.value}")
        triples.append((event, ox.NamedNode(_sg("year")), year))
    for name, day, words in (("startDate", start, "began"), ("endDate", end, "ended")):
        if day is not None:
            node = site.first(event, _sg(name))
            parts.append(f"{words} {day.julian}")
            triples += [(event, ox.NamedNode(_sg(name)), node), *_date_facts(site, node)]
    span = (
        say(
            site,
            [
                "In " + ", ".join(parts)[3:]
                if parts[0].startswith("in ")
                else ", ".join(parts).capitalize()
            ],
            triples,
            end=".",
        )
        if parts
        else None
    )
    if start is not None or (end is None and year is None):
        return span, None
    words = ""
    if year is not None:
        said = site.sources((event, ox.NamedNode(_sg("year")), year))
        quoted = [s for s in said if s.kind == "quotation"]
        if quoted:
            words = f": it says only “{quoted[0].exact}” (line {quoted[0].line})"
    silence = f"The text does not say on which day the {site.label(event.value)} began"
    return span, f"{silence}{words}."


def _who(site: SiteGraph, event: Term) -> Sentence | None:
    """Who takes part in the event, and who leads each of them, with what the facts call
    for: a read part played says so, a disputed one names the other account."""
    parts: list[object] = []
    triples: list[tuple[Term, Term, Term]] = []
    for participation in sorted(
        site.subjects(event, _sg("roleIn")), key=lambda p: site.label(p.value)
    ):
        agent, role = (
            site.first(participation, _sg("agent")),
            site.first(participation, _sg("role")),
        )
        if agent is None:
            continue
        parts.extend(["; " if parts else "", site.link(agent)])
        triples.append((participation, ox.NamedNode(_sg("agent")), agent))
        triples.append((participation, ox.NamedNode(_sg("roleIn")), event))
        if role is not None:
            parts.append(f" ({site.label(role.value)})")
            triples.append((participation, ox.NamedNode(_sg("role")), role))
        for command in site.subjects(agent, _sg("roleIn")):
            leader = site.first(command, _sg("agent"))
            if leader is not None and site.is_a(leader, "Person"):
                parts.extend([", led by ", site.link(leader)])
                triples.append((command, ox.NamedNode(_sg("agent")), leader))
                triples.append((command, ox.NamedNode(_sg("roleIn")), agent))
    if not parts:
        return None
    planned = ox.NamedNode(_sg("planned")) in site.objects(event, _sg("status"))
    return say(site, ["Who, as planned: " if planned else "Who: ", *parts], triples, end=".")


def _reason(site: SiteGraph, reason: Reason, nodes: dict[str, Term]) -> Sentence:
    """Why an event stands where it does, with the fact of the graph that puts it there."""
    if reason.constraint is None or reason.constraint.fact is None:
        other = nodes.get(reason.other)
        if other is None:
            return say(site, [reason.words], [])
        return say(site, [reason.words + " ", site.link(other), " in the text"], [])
    fact = reason.constraint.fact
    assert isinstance(fact, tuple)
    planned = ox.NamedNode(_sg("planned"))
    if any(planned in site.objects(event, _sg("status")) for event in (fact[0], fact[2])):
        # A relation to a plan: the plan is what is prepared, not a deed done.
        return say(
            site, ["the plan is " + reason.words + " ", site.link(nodes[reason.other])], [fact]
        )
    return say(site, [reason.words + " ", site.link(nodes[reason.other])], [fact])


def _constraints(site: SiteGraph, story_events: Sequence[Term]) -> list[Constraint]:
    keys = {event: slug_of(event.value) or "" for event in story_events}
    found = []
    for event in story_events:
        for name, subject_later, words, sequence in ORDER_RELATIONS:
            for other in site.objects(event, _sg(name)):
                if other not in keys:
                    continue
                earlier, later = (other, event) if subject_later else (event, other)
                fact = (event, ox.NamedNode(_sg(name)), other)
                found.append(Constraint(keys[earlier], keys[later], words, sequence, fact))
    return found


def _mark_days(site: SiteGraph, steps: list[StoryStep], story_events: Sequence[Term]) -> None:
    """Days since the previous dated day, and the events of many days that end on a day."""
    endings: dict[int, list[Link]] = {}
    for event in story_events:
        end = _day(site, event, "endDate")
        if end is not None and end.julian_day_number is not None:
            endings.setdefault(end.julian_day_number, []).append(site.link(event))
    previous: DateView | None = None
    for step in steps:
        if step.day is None or step.day.julian_day_number is None:
            continue
        day = step.day.julian_day_number
        if previous is not None and previous.julian_day_number is not None:
            step.days_since, step.previous = day - previous.julian_day_number, previous
        step.ending = sorted(endings.get(day, []), key=lambda link: link.label)
        previous = step.day


def _calendar_sentence(
    site: SiteGraph, steps: Sequence[StoryStep], story_events: Sequence[Term]
) -> Sentence | None:
    """Julian against Gregorian, shown on the text's first dated day."""
    day = next((s.day for s in steps if s.day is not None), None)
    if day is None:
        return None
    gregorian = datetime.date.fromisoformat(day.gregorian_iso)
    # The Julian day's own year, month and day, read as if they were Gregorian.
    julian = gregorian_to_julian(gregorian)
    shift = (gregorian - datetime.date(julian.year, julian.month, julian.day)).days
    dates = {node for event in story_events for node in site.objects(event, _sg("date"))}
    calendar = ox.NamedNode(_sg("calendar"))
    facts = [
        (d, calendar, c) for d in sorted(dates, key=str) for c in site.objects(d, _sg("calendar"))
    ]
    return say(
        site,
        [
            "The text names no calendar: its dates are read as dates of the Julian calendar"
            " of the Roman Empire. The same day in the Gregorian calendar we use today,"
            f" counted back, falls {shift} days later, so {day.julian} (Julian) is"
            f" {day.gregorian} (Gregorian, computed)"
        ],
        facts,
        end=".",
    )


# -- the lane of reigns and offices ------------------------------------------------------


def _year_of(
    site: SiteGraph, event: Term, date_name: str, year_name: str, end: bool
) -> float | None:
    node = site.first(event, _sg(date_name))
    if node is not None:
        year, month, day = (site.first(node, _sg(n)) for n in ("year", "month", "day"))
        if year is not None and month is not None and day is not None:
            return int(year.value) + (int(month.value) - 1) / 12 + (int(day.value) - 1) / 365
    year = site.first(event, _sg(year_name)) or site.first(event, _sg("year"))
    if year is None:
        return None
    # A year alone covers the whole year: a span from its start to its end.
    return int(year.value) + (1 if end else 0)


def _lane_span(site: SiteGraph, event: Term, cls: Term) -> LaneSpan:
    holder = site.first(event, _sg("holder"))
    start = _year_of(site, event, "startDate", "startYear", end=False)
    end = _year_of(site, event, "endDate", "endYear", end=True)
    return LaneSpan(
        event=site.link(event),
        slug=slug_of(event.value) or "",
        kind=site.label(cls.value),
        holder=site.link(holder) if holder is not None else None,
        start=start,
        end=end,
        words=_lane_words(site, event),
        said=say(site, [_lane_words(site, event)], _lane_facts(site, event)),
        as_given=site.text_of(site.first(event, _sg("asGiven"))),
        approximate=site.first(event, _sg("dateQualifier")) is not None,
        sources=site.sources((event, ox.NamedNode(RDF_TYPE), cls)),
    )


def _lane_words(site: SiteGraph, event: Term) -> str:
    def one(date_name: str, year_name: str) -> str | None:
        day = _day(site, event, date_name)
        if day is not None:
            return f"{day.julian} (Gregorian {day.gregorian})"
        year = site.first(event, _sg(year_name)) or site.first(event, _sg("year"))
        return str(year.value) if year is not None else None

    start, end = one("startDate", "startYear"), one("endDate", "endYear")
    # A year the reference gives as "c." keeps it.
    about = "c. " if site.first(event, _sg("dateQualifier")) is not None else ""
    if start and end and start != end:
        return f"{about}{start} – {about}{end}"
    return f"{about}{start or end}" if start or end else "no year in numbers"


def _lane_facts(site: SiteGraph, event: Term) -> list[tuple[Term, Term, Term]]:
    names = ("startDate", "endDate", "startYear", "endYear", "year", "dateQualifier")
    return [(event, ox.NamedNode(_sg(n)), v) for n in names for v in site.objects(event, _sg(n))]


def marked_years(site: SiteGraph) -> list[tuple[int, Link]]:
    """The years of the text's events of many days (the siege), marked on the lane."""
    rows = site.select("SELECT ?event ?year WHERE { ?event a sg:Siege ; sg:year ?year }")
    return [(int(row["year"].value), site.link(row["event"])) for row in rows]
