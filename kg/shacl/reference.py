"""pyshacl, the reference engine: its report read into :class:`ShaclResult` values."""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH
from rdflib.term import Node

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
    try:
        _, report, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inplace=True,
            advanced=True,
            inference="none",
            allow_warnings=True,
            allow_infos=True,
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
        # The SHACL engine can trip over data it should have reported (an ill-typed
        # literal reaching a SPARQL function); say so in one line rather than crash.
        raise ValidationSetupError(
            f"the SHACL engine failed on this data ({type(error).__name__}: {error}); "
            "look for ill-typed literals"
        ) from None
    if not isinstance(report, Graph):
        raise ValidationSetupError("shapes: pyshacl returned no results graph")
    # Only the report's own results: those under sh:detail explain a result, not add one.
    return [_result(report, shapes, node) for node in report.objects(None, SH.result)]


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
