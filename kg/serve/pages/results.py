"""A SPARQL result as a page shows it: one column per variable, each value by its label."""

from __future__ import annotations

import json
from typing import NamedTuple

from kg.serve.site import SiteGraph, Value, shorten

__all__ = ["ResultsTable", "results_rows"]


class ResultsTable(NamedTuple):
    """A result as a page shows it: columns, rows of values, an ASK's answer."""

    columns: list[str]
    rows: list[list[Value | None]]
    boolean: bool | None
    truncated: bool  # the worker sent the first rows only (QueryRequest.page_rows)


def results_rows(site: SiteGraph, results_json: bytes) -> ResultsTable:
    """The table of a SPARQL JSON result."""
    document = json.loads(results_json)
    if "boolean" in document:
        return ResultsTable([], [], bool(document["boolean"]), False)
    columns = list(document.get("head", {}).get("vars", []))
    rows = []
    for binding in document.get("results", {}).get("bindings", []):
        rows.append([_value(site, binding.get(column)) for column in columns])
    return ResultsTable(columns, rows, None, bool(document.get("truncated")))


def _value(site: SiteGraph, term: dict[str, str] | None) -> Value | None:
    if term is None:
        return None
    kind = term.get("type")
    if kind == "uri":
        link = site.link(term["value"])
        return Value(link.label, link)
    if kind == "bnode":
        return Value(f"_:{term['value']}")
    datatype = term.get("datatype")
    return Value(
        term["value"],
        language=term.get("xml:lang"),
        datatype=shorten(datatype) if datatype else None,
    )
