"""The fast engine: each compiled constraint is one query over all its focus nodes.

The queries run on the Oxigraph store (default graph: the union of its named graphs).
Shapes the compiler cannot take are validated by pyshacl instead, as a whole, and the
reason is kept so that ``kg validate`` can say which engine answered.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph
from rdflib import Graph, Literal
from rdflib.term import Node

from kg.engines import OxigraphBackedGraph, to_oxigraph, to_rdflib
from kg.errors import ValidationSetupError
from kg.shacl.compile import Check, compile_shapes
from kg.shacl.data import rewritten_literals
from kg.shacl.errors import Unsupported
from kg.shacl.patterns import check_patterns
from kg.shacl.prebinding import prebound
from kg.shacl.results import ShaclResult
from kg.shacl.sparql_based import format_message

__all__ = ["FastRun", "handed_over", "plan", "run_checks", "validate_on_store"]


@dataclass(frozen=True)
class FastRun:
    """What the fast engine will do with a shapes graph: its checks, or why it cannot."""

    checks: tuple[Check, ...]
    unsupported: str | None  # why pyshacl must validate these shapes instead


# Compiling parses each SHACL-SPARQL query with rdflib, a few hundredths of a second each;
# a shapes graph validated again (a test's fixtures, a server) is compiled once.
_PLANS: dict[frozenset[tuple[Node, Node, Node]], FastRun] = {}
_PLANS_KEPT = 8


def plan(shapes: Graph) -> FastRun:
    """Compile ``shapes``; a shapes graph the compiler cannot take is named as such.

    Raises ValidationSetupError for a pattern that no engine could use.
    """
    key = frozenset(shapes)
    found = _PLANS.get(key)
    if found is not None:
        return found
    check_patterns(shapes)
    try:
        found = FastRun(tuple(compile_shapes(shapes)), None)
    except Unsupported as why:
        found = FastRun((), str(why))
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.pop(next(iter(_PLANS)))
    _PLANS[key] = found
    return found


def handed_over(run: FastRun, rewritten: Sequence[Literal]) -> str | None:
    """Why pyshacl must validate instead: shapes beyond the compiler, or literals the store
    keeps in another form than written (SHACL compares them as written); None if neither."""
    if run.unsupported is not None:
        return f"the shapes use {run.unsupported}"
    if rewritten:
        shown = ", ".join(literal.n3() for literal in rewritten[:3])
        more = f" and {len(rewritten) - 3} more" if len(rewritten) > 3 else ""
        return f"the store would rewrite literals as written ({shown}{more})"
    return None


def validate_on_store(data: OxigraphBackedGraph, shapes: Graph) -> list[ShaclResult]:
    """Validate with the fast engine, or with pyshacl where it cannot answer."""
    run = plan(shapes)
    written = {to_oxigraph(o) for o in data.objects() if isinstance(o, Literal) and not o.language}
    if handed_over(run, rewritten_literals(written)) is None:
        try:
            return run_checks(data.oxigraph, run.checks)
        except Unsupported:
            pass
    from kg.shacl.reference import validate_with_pyshacl

    return validate_with_pyshacl(data, shapes)


def run_checks(store: pyoxigraph.Store, checks: tuple[Check, ...]) -> list[ShaclResult]:
    """The results of every check; Unsupported if the store refuses a query."""
    results: list[ShaclResult] = []
    for check in checks:
        results.extend(_run(store, check))
    return results


def _run(store: pyoxigraph.Store, check: Check) -> Iterator[ShaclResult]:
    if check.sparql is not None and check.sparql.per_focus:
        rows = _rows_per_focus(store, check)
    else:
        rows = _rows(store, check.query, check)
    # SHACL makes a result of each solution of a SPARQL constraint's SELECT, a repeated
    # one too; the compiled core constraints select DISTINCT rows.
    for row in rows:
        yield _result(check, row)


def _rows_per_focus(store: pyoxigraph.Store, check: Check) -> Iterator[dict[str, Node | None]]:
    """The rows of a SPARQL constraint run once per focus node, pre-bound as SHACL says.

    A focus node or shape that is a blank node cannot be written in the query: such a
    constraint is left to the reference engine (Unsupported).
    """
    assert check.sparql is not None
    plan = prebound(check.sparql.full_text, check.sparql.prebound)
    for focus_row in list(_rows(store, check.query, check)):
        focus = focus_row["this"]
        assert focus is not None
        values = {"this": focus, "currentShape": check.shape}
        text = plan.text_for({name: values[name] for name in plan.names})
        if text is None:
            raise Unsupported(
                f"a blank node pre-bound in the SPARQL constraint of {check.shape.n3()}"
            )
        for row in _rows(store, text, check, prefixes=False):
            row["this"] = focus
            yield row


def _rows(
    store: pyoxigraph.Store, query: str, check: Check, prefixes: bool = True
) -> Iterator[dict[str, Node | None]]:
    declared = check.sparql.prefixes if check.sparql is not None and prefixes else None
    try:
        solutions = store.query(
            query,
            prefixes=declared,
            use_default_graph_as_union=True,
        )
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise Unsupported("a check that is not a SELECT query")
        names = [variable.value for variable in solutions.variables]
        for solution in solutions:
            yield {name: to_rdflib(solution[name]) for name in names}
    except (SyntaxError, RuntimeError) as error:
        raise Unsupported(f"the store refuses a query of {check.shape.n3()} ({error})") from None
    except OSError as error:
        raise ValidationSetupError(f"{check.shape.n3()}: {error}") from None


def _result(check: Check, row: dict[str, Node | None]) -> ShaclResult:
    focus = row["this"]
    assert focus is not None  # every check projects ?this, bound by the focus nodes
    path = row.get("path") or check.path
    value = row.get("value")
    messages = frozenset(check.messages)
    if check.sparql is not None:
        if value is None and check.path is None:
            value = focus  # a node shape's SPARQL result without ?value reports its focus
        messages = _sparql_messages(check, row, focus, value)
    return ShaclResult(
        focus,
        path,
        value,
        check.shape,
        check.component,
        check.severity,
        messages,
        check.sparql.node if check.sparql is not None else None,
    )


def _sparql_messages(
    check: Check, row: dict[str, Node | None], focus: Node, value: Node | None
) -> frozenset[Node]:
    """The constraint's and the shape's messages with the row's values, as pyshacl writes
    them: ``{?name}`` filled in, the language tag dropped."""
    assert check.sparql is not None
    bound = {name: term for name, term in row.items() if term is not None}
    bound["this"] = focus
    if value is not None:
        bound["value"] = value
    own = [m for m in check.sparql.messages if m not in check.messages]
    return frozenset(format_message(m, bound) for m in (*own, *check.messages))
