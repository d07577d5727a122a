"""The short calls for notebooks: ``kg.run_query("name", place="constantinople")``."""

from __future__ import annotations

from functools import cache

from rdflib import Graph
from rdflib.term import Node

from kg import queries
from kg.loading import load_graph

__all__ = ["default_graph", "run_query"]


@cache
def default_graph() -> Graph:
    """The shipped ontology + data, parsed on first use and kept (``cache_clear()`` reloads)."""
    return load_graph()


def run_query(name: str, **params: str | int | Node) -> list[dict[str, Node | None]]:
    """Run canned query ``name`` over the shipped graph; one dict per row, None when unbound.

    Each keyword is a parameter: text is read as the parameter's kind (an iri parameter
    takes ``id:x``, ``x`` or a full IRI); an rdflib term is used as it is.
    """
    result = queries.run_query(default_graph(), name, params)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]
