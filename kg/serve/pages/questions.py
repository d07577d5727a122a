"""``/queries``: the canned questions, grouped by theme; ``/queries/NAME``: one answered, as
a table or as a SPARQL result (``.json``, ``.xml``, ``.csv``, ``.tsv`` or by Accept), with
parameters bound as ``kg query`` binds them.

A reader picks a resource parameter from a list of names, and may give the date question
a day of the Julian calendar, the text's (``?julian=626-07-31``, or ``julian_day``,
``julian_month`` and ``julian_year``): the page converts it to the proleptic Gregorian
date the query takes, and says which day was asked in both calendars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode
from weakref import WeakKeyDictionary

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kg.catalogue import THEMES, Parameter, QueryFile
from kg.errors import KgError, ParameterError
from kg.julian import (
    MONTHS,
    JulianDay,
    gregorian_to_julian,
    julian_to_gregorian,
    parse_julian,
)
from kg.namespaces import ID, SG, curie
from kg.parameters import parse_value
from kg.queries import bind_parameters
from kg.serve.negotiation import choose
from kg.serve.pages.results import heading, results_rows
from kg.serve.render import render
from kg.serve.responses import HTML, RESULTS_SUFFIXES, CopiedFile, html, not_acceptable
from kg.serve.site import SiteGraph
from kg.serve.sparql.cache import AnswerCache
from kg.serve.sparql.pool import QueryOutcome
from kg.serve.sparql.protocol import RESULTS_TYPES
from kg.serve.state import Server, server_of

__all__ = ["ROUTES", "THEME_TITLES", "copied_files", "choices"]

THEME_TITLES = {
    "people": "People and forces",
    "events": "Events",
    "places": "Places",
    "sources": "The text and its sources",
    "dates": "Dates",
}
# The class a resource parameter's values belong to, by the parameter's name, as the
# query's header describes it ("The place.", "The siege (or any event)"); a parameter
# not named here may be any named resource.
PARAMETER_CLASSES = {
    "person": "Person",
    "place": "Place",
    "wall": "Fortification",
    "event": "Event",
    "siege": "Event",
    "battle": "Battle",
    "force": "MilitaryForce",
    "ruler": "Agent",
    "hymn": "Work",
    "status": "EventStatus",
}
_PROPERTY_PARAMETERS = {"predicate"}
JULIAN_FIELDS = ("julian", "julian_day", "julian_month", "julian_year")

_RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_OWL = "http://www.w3.org/2002/07/owl#"
_RDF_PROPERTY = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#Property>"


@dataclass(frozen=True)
class Choice:
    """One option of a parameter's list: the value sent and the name shown."""

    value: str
    label: str
    iri: str


@dataclass(frozen=True)
class Field:
    """One parameter as the form shows it."""

    parameter: Parameter
    label: str
    value: str  # the text in the field, or the value of the chosen option
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class JulianAsk:
    """A day as asked (in the Julian calendar) and as the query takes it (Gregorian)."""

    julian: JulianDay
    gregorian: date
    given_as_julian: bool

    @property
    def gregorian_words(self) -> str:
        return f"{self.gregorian.day} {MONTHS[self.gregorian.month - 1]} {self.gregorian.year}"


_CHOICES: WeakKeyDictionary[SiteGraph, dict[str, tuple[Choice, ...]]] = WeakKeyDictionary()


def choices(site: SiteGraph, parameter: Parameter) -> tuple[Choice, ...]:
    """The resources a parameter may name, by label: of its class when it has one."""
    known = _CHOICES.setdefault(site, {})
    if parameter.name not in known:
        known[parameter.name] = _read_choices(site, parameter.name)
    return known[parameter.name]


def _read_choices(site: SiteGraph, name: str) -> tuple[Choice, ...]:
    if name in _PROPERTY_PARAMETERS:
        where = (
            f"VALUES ?t {{ <{_OWL}ObjectProperty> <{_OWL}DatatypeProperty> {_RDF_PROPERTY} }} "
            f'?x a ?t FILTER(STRSTARTS(STR(?x), "{SG}"))'
        )
    elif name in PARAMETER_CLASSES:
        where = f"?x a/{_SUBCLASS}* sg:{PARAMETER_CLASSES[name]}"
    else:
        where = f'?x {_RDFS_LABEL} ?name FILTER(STRSTARTS(STR(?x), "{ID}"))'
    rows = site.select(f"SELECT DISTINCT ?x WHERE {{ {where} FILTER(isIRI(?x)) }}")
    found = [
        Choice(_short(row["x"].value), site.label(row["x"].value), row["x"].value) for row in rows
    ]
    return tuple(sorted(found, key=lambda c: (c.label.casefold(), c.iri)))


def _short(iri: str) -> str:
    # What the URL takes: a resource's own name alone (?place=constantinople), else a CURIE.
    return iri[len(str(ID)) :] if iri.startswith(str(ID)) else curie(iri)


async def queries_index(request: Request) -> Response:
    server = server_of(request)
    groups = _by_theme(list(server.queries.values()))
    return html(
        server.page(
            "queries",
            "queries.html",
            title="Questions",
            groups=groups,
            section="questions",
        )
    )


def _by_theme(queries: list[QueryFile]) -> list[tuple[str, str, list[QueryFile]]]:
    """(theme, title, questions) in the order of THEMES; a question without one last."""
    groups = [
        (theme, THEME_TITLES[theme], [q for q in queries if q.theme == theme]) for theme in THEMES
    ]
    others = [q for q in queries if q.theme not in THEMES]
    if others:
        groups.append(("other", "Other questions", others))
    return [group for group in groups if group[2]]


async def canned_query(request: Request) -> Response:
    """``/queries/NAME``: a canned query with parameters bound as in ``kg query``."""
    server = server_of(request)
    name = request.path_params["name"]
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in RESULTS_SUFFIXES:
        name, media_type = stem, RESULTS_SUFFIXES[suffix]
    else:
        media_type = None
    query = server.queries.get(name)
    if query is None:
        return server.not_found(request, f"no canned query '{name}' (see /queries)")
    if media_type is None:
        media_type = choose(request.headers.get("accept"), [*RESULTS_TYPES, HTML])
        if media_type is None:
            return not_acceptable([*RESULTS_TYPES, HTML])
    given: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in given:
            return PlainTextResponse(f"parameter '{key}' given twice\n", 400)
        if value.strip():
            given[key] = value
    asked: JulianAsk | None = None
    try:
        asked = _julian_ask(query, given)
        terms = bind_parameters(query, given)
    except KgError as error:
        if media_type == HTML:
            page = _canned_page(server.site, query, given, asked=asked, error=str(error))
            return html(page, 400)
        return PlainTextResponse(f"{error}\n", 400)
    results_type = "application/sparql-results+json" if media_type == HTML else media_type
    key = AnswerCache.key("canned", name, [term.n3() for term in terms.values()], results_type)
    cached = server.cache.get(key)
    if cached is None:
        body = await anyio.to_thread.run_sync(server.run_canned, query, terms, results_type)
        cached = QueryOutcome(200, results_type, body, "solutions")
        server.cache.put(key, cached)
    if media_type == HTML:
        table = results_rows(server.site, cached.body)
        page = _canned_page(
            server.site, query, given, asked=asked, columns=table.columns, rows=table.rows
        )
        return html(page)
    return Response(cached.body, media_type=media_type, headers={"Vary": "Accept"})


def _date_parameter(query: QueryFile) -> Parameter | None:
    return next((p for p in query.parameters if p.kind == "date"), None)


def _julian_ask(query: QueryFile, given: dict[str, str]) -> JulianAsk | None:
    """The day asked of a date question, in both calendars; a Julian day given in the URL
    is replaced in ``given`` by its Gregorian date, the value the query takes."""
    parameter = _date_parameter(query)
    if parameter is None:
        return None
    julian = {key: given.pop(key) for key in JULIAN_FIELDS if key in given}
    if julian:
        if parameter.name in given:
            raise ParameterError(
                f"give the day either in the Julian calendar or as a Gregorian "
                f"'{parameter.name}', not both"
            )
        if "julian" in julian:
            if len(julian) > 1:
                raise ParameterError("give 'julian' alone, or its day, month and year")
            day = parse_julian(julian["julian"])
        else:
            day = parse_julian(
                year=julian.get("julian_year"),
                month=julian.get("julian_month"),
                day=julian.get("julian_day"),
            )
        gregorian = julian_to_gregorian(day)
        given[parameter.name] = gregorian.isoformat()
        return JulianAsk(day, gregorian, True)
    text = given.get(parameter.name, parameter.default_text)
    if text is None:
        return None
    gregorian = date.fromisoformat(str(parse_value("date", text, parameter.name)))
    return JulianAsk(gregorian_to_julian(gregorian), gregorian, False)


def _fields(site: SiteGraph, query: QueryFile, given: dict[str, str]) -> list[Field]:
    fields = []
    for parameter in query.parameters:
        text = given.get(parameter.name, parameter.default_text or "")
        label = heading(parameter.name)
        if parameter.kind != "iri":
            fields.append(Field(parameter, label, text))
            continue
        listed = choices(site, parameter)
        chosen = _iri_of(text, parameter.name)
        selected = next((c for c in listed if c.iri == chosen), None)
        if selected is None and chosen is not None:
            # A value from the URL outside the list: shown first, so the form says the truth.
            selected = Choice(_short(chosen), site.label(chosen), chosen)
            listed = (selected, *listed)
        fields.append(Field(parameter, label, selected.value if selected else text, listed))
    return fields


def _iri_of(text: str, name: str) -> str | None:
    try:
        return str(parse_value("iri", text, name)) if text else None
    except KgError:
        return None


def _canned_page(site: SiteGraph, query: QueryFile, given: dict[str, str], **context: Any) -> str:
    suffix = f"?{urlencode(given)}" if given else ""
    formats = {ext: f"/queries/{query.name}.{ext}{suffix}" for ext in RESULTS_SUFFIXES}
    asked: JulianAsk | None = context.get("asked")
    date_parameter = _date_parameter(query)
    return render(
        "canned.html",
        title=query.question,
        section="questions",
        q=query,
        theme_title=THEME_TITLES.get(query.theme, ""),
        fields=_fields(site, query, given),
        date_parameter=date_parameter,
        asked=asked,
        months=list(enumerate(MONTHS, start=1)),
        formats=formats,
        error=context.get("error"),
        columns=context.get("columns", []),
        rows=context.get("rows", []),
    )


ROUTES = [Route("/queries", queries_index), Route("/queries/{name}", canned_query)]


def copied_files(server: Server) -> list[CopiedFile]:
    files = [
        CopiedFile("/queries", "queries.html", HTML),
        # /queries is also a directory: a host that redirects /queries to /queries/ finds it.
        CopiedFile("/queries", "queries/index.html", HTML),
    ]
    for name in server.queries:
        files.append(CopiedFile(f"/queries/{name}", f"queries/{name}.html", HTML))
        files.extend(
            CopiedFile(f"/queries/{name}.{ext}", f"queries/{name}.{ext}")
            for ext in RESULTS_SUFFIXES
        )
    return files
