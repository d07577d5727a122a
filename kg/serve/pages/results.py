"""A SPARQL result as a page shows it: one column per thing, headed in plain words, each
value by its label.

A query that names a thing and its label (``?event`` and ``?eventLabel``) gets one column,
"Event", whose cells are the labels, each a link to the thing: a reader sees no IRI column
beside a label column.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from markupsafe import escape

from kg.serve.site import Link, SiteGraph, Value, shorten

__all__ = ["Column", "ResultsTable", "heading", "results_rows"]

_LABEL_SUFFIX = "Label"
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


@dataclass(frozen=True)
class Column:
    """One column of a table: its heading, the variable shown and the one it links to."""

    heading: str
    variable: str  # the variable whose value each cell shows (``eventLabel``)
    thing: str | None = None  # the variable of the thing its label names (``event``)


class ResultsTable(NamedTuple):
    """A result as a page shows it: columns, rows of values, an ASK's answer."""

    columns: list[Column]
    rows: list[list[Value | None]]
    boolean: bool | None
    truncated: bool  # the worker sent the first rows only (QueryRequest.page_rows)


def heading(variable: str) -> str:
    """A column heading in plain words: ``eventLabel`` → "Event", ``startDate`` → "Start
    date", ``julian_day`` → "Julian day"."""
    name = variable
    if name.endswith(_LABEL_SUFFIX) and len(name) > len(_LABEL_SUFFIX):
        name = name[: -len(_LABEL_SUFFIX)]
    words = _WORD.findall(name) or [name]
    # An acronym (IRI, WKT) keeps its capitals; any other word after the first is lower case.
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def columns_of(variables: list[str]) -> list[Column]:
    """One column per thing: ``?x`` and ``?xLabel`` make one column, "X"."""
    present = set(variables)
    columns = []
    for variable in variables:
        if variable + _LABEL_SUFFIX in present:
            columns.append(Column(heading(variable), variable + _LABEL_SUFFIX, variable))
        elif not (variable.endswith(_LABEL_SUFFIX) and variable[: -len(_LABEL_SUFFIX)] in present):
            columns.append(Column(heading(variable), variable))
    return columns


def results_rows(
    site: SiteGraph, results_json: bytes, max_bytes: int | None = None
) -> ResultsTable:
    """The table of a SPARQL JSON result, whose rows render to at most ``max_bytes``.

    Each row is counted by the most its cells can take once rendered (escaped strings and
    their tags), so a page of huge values stops at the row that would pass the limit.
    """
    document = json.loads(results_json)
    if "boolean" in document:
        return ResultsTable([], [], bool(document["boolean"]), False)
    columns = columns_of(list(document.get("head", {}).get("vars", [])))
    rows = []
    size = 0
    truncated = bool(document.get("truncated"))
    for binding in document.get("results", {}).get("bindings", []):
        row = [_cell(site, column, binding) for column in columns]
        size += sum(_rendered_bytes(cell) for cell in row) + _ROW_MARKUP
        if max_bytes is not None and size > max_bytes:
            truncated = True
            break
        rows.append(row)
    return ResultsTable(columns, rows, None, truncated)


# The most bytes of tags a row and a cell of results_table.html add to their strings.
_ROW_MARKUP = 20
_CELL_MARKUP = 160


def _rendered_bytes(cell: Value | None) -> int:
    """The most bytes ``cell`` takes in results_table.html: its strings escaped, its tags."""
    if cell is None:
        return _CELL_MARKUP
    strings = [cell.text, cell.language or "", cell.language or "", cell.datatype or ""]
    if cell.link is not None:
        strings += [cell.link.label, cell.link.href or ""]
    return _CELL_MARKUP + sum(len(str(escape(text)).encode()) for text in strings)


def _cell(site: SiteGraph, column: Column, binding: dict[str, dict[str, Any]]) -> Value | None:
    shown = binding.get(column.variable)
    thing = binding.get(column.thing) if column.thing else None
    if thing is None or thing.get("type") != "uri" or "length" in thing:
        return _value(site, shown if shown is not None else thing)
    link = site.link(thing["value"])
    if shown is None:
        return Value(link.label, link)
    # The query's own label, linked to the thing it names.
    labelled = Link(_shown_text(shown), link.href, link.iri, link.external)
    return Value(_shown_text(shown), labelled, language=shown.get("xml:lang"))


def _value(site: SiteGraph, term: dict[str, Any] | None) -> Value | None:
    if term is None:
        return None
    kind = term.get("type")
    if kind == "uri" and "length" not in term:
        link = site.link(term["value"])
        return Value(link.label, link)
    if kind in ("uri", "bnode"):  # an IRI the worker cut is no link: shown as text
        return Value(_shown_text(term) if kind == "uri" else f"_:{term['value']}")
    datatype = term.get("datatype")
    return Value(
        _shown_text(term),
        language=term.get("xml:lang"),
        datatype=shorten(datatype) if datatype else None,
    )


def _shown_text(term: dict[str, Any]) -> str:
    """A term's value as a page shows it: said to be cut when the worker cut it."""
    if "length" not in term:
        return str(term["value"])
    return f"{term['value']}… [cut: {int(term['length']):,} characters in all]"
