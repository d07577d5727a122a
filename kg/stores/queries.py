"""Run canned and ad hoc queries on a triple store, with the same answers as embedded.

The queries are written for one default graph holding every part. On a store the loaded
graphs are named as the query's dataset with the SPARQL 1.1 Protocol's
``default-graph-uri`` parameters (one per part), so no query is rewritten; Oxigraph and
Virtuoso both honour them (Virtuoso's default graph would otherwise be the union of every
graph it holds, system graphs included). Parameters are bound exactly as locally, with
the VALUES block of :func:`kg.parameters.bind_values`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from kg import loading
from kg.catalogue import QueryFile
from kg.namespaces import KNOWN_PREFIXES
from kg.queries import ParameterValue, Result, bind_query, prepare
from kg.stores.presets import StoreError
from kg.stores.protocols import N_TRIPLES, StoreClient
from kg.stores.virtuoso import read_json_results

__all__ = ["boolean_columns", "query_form", "run_query_on_store", "with_known_prefixes"]

_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
# Expressions whose value is always an xsd:boolean (SPARQL 1.1, section 17).
_BOOLEAN_EXPRESSIONS = frozenset(
    {
        "RelationalExpression",
        "ConditionalAndExpression",
        "ConditionalOrExpression",
        "UnaryNot",
        "Builtin_EXISTS",
        "Builtin_NOTEXISTS",
        "Builtin_BOUND",
        "Builtin_isIRI",
        "Builtin_isBLANK",
        "Builtin_isLITERAL",
        "Builtin_isNUMERIC",
        "Builtin_REGEX",
        "Builtin_CONTAINS",
        "Builtin_STRSTARTS",
        "Builtin_STRENDS",
        "Builtin_sameTerm",
        "Builtin_LANGMATCHES",
    }
)


def run_query_on_store(
    client: StoreClient,
    query: str | QueryFile,
    params: Mapping[str, ParameterValue] | None = None,
    *,
    directory: Path | str | None = None,
) -> Result:
    """Run a canned query (by name or as a QueryFile) on the store behind ``client``."""
    query_file, text = bind_query(query, params, directory=directory)
    prepared = prepare(text, query_file.path)
    form = query_form(prepared)
    text = with_known_prefixes(text)
    # A canned query over the asserted parts, an ad hoc one over every part (QueryFile.ad_hoc).
    parts = None if query_file.ad_hoc else loading.ASSERTED_PARTS
    dataset = [str(graph) for graph in client.target.dataset(parts)]
    if form in ("SELECT", "ASK"):
        document = client.select_json(text, dataset)
        return read_json_results(
            document, form, client.target.store.quirks, boolean_columns(prepared)
        )
    answer = client.query(text, dataset, accept=N_TRIPLES)
    try:
        # In the charset the answer names; N-Triples is UTF-8 where it names none.
        document = answer.content.decode(answer.charset or "utf-8")
    except (LookupError, UnicodeDecodeError):
        raise StoreError(f"the store answered {form} with text that is not UTF-8") from None
    built = Graph()
    try:
        built.parse(data=document, format="nt")
    except Exception as error:  # rdflib raises several unrelated types for bad N-Triples
        raise StoreError(f"the store answered {form} with malformed N-Triples: {error}") from None
    triples = tuple(sorted(built, key=lambda triple: tuple(t.n3() for t in triple)))
    return Result(form, ("subject", "predicate", "object"), triples)


def query_form(prepared: Query) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return _FORMS[prepared.algebra.name]


def boolean_columns(prepared: Query) -> frozenset[str]:
    """The variables that a boolean expression binds (``(EXISTS {…} AS ?v)``, ``BIND``)."""
    found: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "Extend" and _is_boolean(dict.get(node, "expr")):
                found.add(str(dict.get(node, "var")))
            for value in dict.values(node):
                visit(value)
        elif isinstance(node, list | tuple):
            for value in node:
                visit(value)

    visit(prepared.algebra)
    return frozenset(found)


def _is_boolean(expression: object) -> bool:
    if isinstance(expression, Literal):
        return expression.datatype == XSD.boolean
    if not isinstance(expression, CompValue):
        return False
    if expression.name == "Builtin_IF":
        return _is_boolean(dict.get(expression, "arg2")) and _is_boolean(
            dict.get(expression, "arg3")
        )
    return expression.name in _BOOLEAN_EXPRESSIONS


def with_known_prefixes(text: str) -> str:
    """``text`` with a PREFIX line for each known prefix it uses without declaring.

    The embedded engine knows these prefixes (kg.namespaces.KNOWN_PREFIXES) without a
    declaration; a store knows only what the query declares.
    """
    declared = {
        match.group(1) for match in re.finditer(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*|):", text)
    }
    missing = [
        f"PREFIX {prefix}: <{namespace}>"
        for prefix, namespace in KNOWN_PREFIXES.items()
        if prefix not in declared and re.search(rf"(?<![\w<#/]){re.escape(prefix)}:", text)
    ]
    return "\n".join([*missing, text]) if missing else text
