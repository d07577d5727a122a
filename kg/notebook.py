"""The short calls for notebooks: ``kg.run_query("name", place="constantinople")``."""

from __future__ import annotations

from functools import cache

import pyoxigraph
from rdflib import Graph
from rdflib.term import Node

from kg import queries
from kg.loading import load_graph, load_store_parts

__all__ = ["default_graph", "default_store", "run_query"]


@cache
def default_graph() -> Graph:
    """The shipped graph as an rdflib Graph, parsed on first use and kept (``cache_clear()``)."""
    return load_graph()


@cache
def default_store() -> pyoxigraph.Store:
    """The shipped graph in an in-memory Oxigraph store, a named graph per part, kept."""
    return load_store_parts()


def run_query(name: str, **params: str | int | Node) -> list[dict[str, Node | None]]:
    """Run canned query ``name`` over the shipped graph; one dict per row, None when unbound.

    Oxigraph answers (the toolkit's default engine); the values are rdflib terms. Each
    keyword is a parameter: text is read as the parameter's kind (an iri parameter takes
    ``id:x``, ``x`` or a full IRI); an rdflib term is used as it is. To use rdflib's engine,
    call ``kg.queries.run_query(kg.load_graph(), name, params)``.
    """
    result = queries.run_query(default_store(), name, params)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]
