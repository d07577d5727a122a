"""pyshacl, the reference engine: its report read into :class:`ShaclResult` values.

pyshacl runs its SHACL-SPARQL queries through the data graph's ``query``, which
:class:`kg.engines.OxigraphBackedGraph` answers with SHACL's pre-binding
(:mod:`kg.shacl.prebinding`). Two things pyshacl 0.40 does otherwise are set right here
(:func:`as_shacl_says`): it refuses ``$shapesGraph`` (the data graph binds it), and it
reports a solution its SELECT repeats once, where SHACL makes one result per solution.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH
from rdflib.term import Node

from kg.engines import OxigraphBackedGraph
from kg.errors import ValidationSetupError
from kg.shacl.patterns import check_patterns, match_in_linear_time
from kg.shacl.results import ShaclResult

__all__ = ["validate_with_pyshacl"]


def validate_with_pyshacl(data: Graph, shapes: Graph) -> list[ShaclResult]:
    """Validate ``data`` in place (SHACL-AF on, no inference) and read pyshacl's report.

    ``data`` is validated as it is: the ontology, if any, must already be in it.
    """
    import pyshacl  # slow to import; only this engine needs it
    from pyshacl.errors import (
        ConstraintLoadError,
        ReportableRuntimeError,
        RuleLoadError,
        ShapeLoadError,
    )

    check_patterns(shapes, for_pyshacl=True)
    match_in_linear_time()
    as_shacl_says()
    if isinstance(data, OxigraphBackedGraph):
        data.read_shapes(shapes)
    try:
        _, report, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inplace=True,
            advanced=True,
            inference="none",
            # Not allow_warnings / allow_infos: with them pyshacl takes a nested shape (under
            # sh:and, sh:or, sh:xone, sh:not, sh:node) whose only results are warnings as
            # conforming, which SHACL does not. Only the results are read, never its conforms.
        )
    except (ConstraintLoadError, ReportableRuntimeError, RuleLoadError, ShapeLoadError) as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        raise ValidationSetupError(f"shapes: {lines[0]}") from None
    except SyntaxError as error:
        # Oxigraph answers pyshacl's SPARQL (kg.engines.OxigraphBackedGraph): an sh:select,
        # a rule or a target whose query does not parse.
        reason = str(error).strip().splitlines()[0]
        if len(reason) > 160:  # Oxigraph lists every token it expected
            reason = reason[:160] + "…"
        raise ValidationSetupError(f"shapes: a SPARQL query does not parse ({reason})") from None
    except NotImplementedError as error:
        raise ValidationSetupError(f"shapes: pyshacl does not support this ({error})") from None
    except (AttributeError, TypeError, ValueError, RuntimeError) as error:
        # pyshacl tripping over something else: said as it is, in one line.
        raise ValidationSetupError(
            f"pyshacl failed ({type(error).__name__}: {_first_line(error)})"
        ) from None
    finally:
        if isinstance(data, OxigraphBackedGraph):
            data.read_shapes(None)
    if not isinstance(report, Graph):
        raise ValidationSetupError("shapes: pyshacl returned no results graph")
    # Only the report's own results: those under sh:detail explain a result, not add one.
    return [_result(report, shapes, node) for node in report.objects(None, SH.result)]


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def as_shacl_says() -> None:
    """Make pyshacl pre-bind ``$shapesGraph`` and give one result per solution.

    pyshacl 0.40 refuses a query that mentions ``$shapesGraph`` (NotImplementedError) when
    it finds it with the helper's pattern ``bind_sg_regex``: a pattern that finds nothing
    lets the query through, and the data graph's ``query`` binds the variable. pyshacl's
    SPARQL constraints drop a repeated row (``_validate_sparql_query``); SHACL (5.3.2) makes
    a result of each solution. Both are checked to be what is replaced, so a pyshacl
    release that changes them does not go unnoticed.
    """
    from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    if SPARQLQueryHelper.bind_sg_regex is not _FINDS_NOTHING:
        if "shapesGraph" not in SPARQLQueryHelper.bind_sg_regex.pattern:
            raise RuntimeError("pyshacl no longer finds $shapesGraph as expected")
        SPARQLQueryHelper.bind_sg_regex = _FINDS_NOTHING
    if SPARQLBasedConstraint._validate_sparql_query is not _each_solution:
        if SPARQLBasedConstraint._validate_sparql_query.__code__.co_argcount != 4:
            raise RuntimeError("pyshacl's SPARQL constraints no longer run as expected")
        SPARQLBasedConstraint._validate_sparql_query = _each_solution


_FINDS_NOTHING = re.compile(r"(?!)")


def _each_solution(
    self: Any, query: str, init_binds: dict[str, Node], target_graph: Graph
) -> list[tuple[Any, ...]]:
    """The rows pyshacl makes results of, in its form: one for each solution.

    A row binding ``?failure`` is a failure of the constraint (reported once, as pyshacl
    does); any other is ``(this, path, value, the other bindings)``.
    """
    violations: list[tuple[Any, ...]] = []
    failed = False
    for row in target_graph.query(query, initBindings=init_binds):
        bound = row.asdict()  # type: ignore[union-attr]
        if bound.pop("failure", None) is not None:
            if not failed:
                violations.append((True, bound))
                failed = True
            continue
        this = bound.pop("this", None)
        violations.append((this, bound.pop("path", None), bound.pop("value", None), bound))
    return violations


def _result(report: Graph, shapes: Graph, node: Node) -> ShaclResult:
    shape = report.value(node, SH.sourceShape)
    if shape is None:
        raise ValidationSetupError("pyshacl gave a result without sh:sourceShape")
    return ShaclResult(
        focus=report.value(node, SH.focusNode),  # type: ignore[arg-type]
        path=_shapes_path(report, shapes, shape, report.value(node, SH.resultPath)),
        value=report.value(node, SH.value),
        shape=shape,
        component=report.value(node, SH.sourceConstraintComponent),  # type: ignore[arg-type]
        severity=report.value(node, SH.resultSeverity) or SH.Violation,  # type: ignore[arg-type]
        messages=frozenset(report.objects(node, SH.resultMessage)),
        constraint=report.value(node, SH.sourceConstraint),
    )


def _shapes_path(report: Graph, shapes: Graph, shape: Node, path: Node | None) -> Node | None:
    """The shape's own path node when the report's path is a copy of it.

    pyshacl copies a blank-node path into its report under a new blank node.
    """
    if not isinstance(path, BNode):
        return path
    own = shapes.value(shape, SH.path)
    if own is not None and isomorphic(_subgraph(report, path), _subgraph(shapes, own)):
        return own
    return path


def _subgraph(graph: Graph, root: Node) -> Graph:
    found = Graph()
    todo, seen = [root], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, obj in graph.predicate_objects(node):
            found.add((_blank(node, root), predicate, _blank(obj, root)))
            if isinstance(obj, BNode):
                todo.append(obj)
    return found


def _blank(node: Node, root: Node) -> Node:
    # The root itself is compared as a fixed name, so isomorphism anchors on it.
    return URIRef("urn:kg:path-root") if node == root else node
