"""The SHACL engines a user could pick, each run the same way, their answers compared.

Every engine validates one data graph (the files given, merged) against the shapes, with
the ontology beside it, no inference and SHACL-SPARQL on. Its answer is the set of
(focus node, source, component) of the results of severity sh:Violation — the source
being the SPARQL constraint for sh:SPARQLConstraintComponent and the shape otherwise, as
the shape tests read them. Blank focus nodes are shown as ``_:`` (their labels differ
from engine to engine).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["ENGINES", "Answer", "answer_of_results_graph", "run_engine"]

SH = "http://www.w3.org/ns/shacl#"
Answer = set[tuple[str, str, str]]


def _show(term: object) -> str:
    from rdflib import BNode

    return "_:" if isinstance(term, BNode) or str(term).startswith("_:") else str(term)


def answer_of_results_graph(results: object) -> Answer:
    """The answer read from a SHACL validation report graph (rdflib)."""
    from rdflib import RDF, Graph
    from rdflib.namespace import SH as SHNS

    assert isinstance(results, Graph)
    found: Answer = set()
    for result in results.subjects(RDF.type, SHNS.ValidationResult):
        if results.value(result, SHNS.resultSeverity) != SHNS.Violation:
            continue
        component = results.value(result, SHNS.sourceConstraintComponent)
        if component == SHNS.SPARQLConstraintComponent:
            source = results.value(result, SHNS.sourceConstraint)
        else:
            source = results.value(result, SHNS.sourceShape)
        found.add((_show(results.value(result, SHNS.focusNode)), _show(source), _show(component)))
    return found


def _rdflib_graph(paths: Sequence[Path]) -> object:
    from rdflib import Graph

    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def _pyshacl_call(
    module: str, shapes: Path, ontology: Sequence[Path], data: Sequence[Path]
) -> Answer:
    # pyshacl-turbo's validate() takes pyshacl's arguments, so both run the same call.
    validate = importlib.import_module(module).validate
    _, results, _ = validate(
        _rdflib_graph(data),
        shacl_graph=_rdflib_graph([shapes]),
        ont_graph=_rdflib_graph(ontology),
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
    )
    return answer_of_results_graph(results)


def _pyshacl(shapes: Path, ontology: Sequence[Path], data: Sequence[Path]) -> Answer:
    return _pyshacl_call("pyshacl", shapes, ontology, data)


def _pyshacl_turbo(shapes: Path, ontology: Sequence[Path], data: Sequence[Path]) -> Answer:
    return _pyshacl_call("pyshacl_turbo", shapes, ontology, data)


def _pyrudof(shapes: Path, ontology: Sequence[Path], data: Sequence[Path]) -> Answer:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    for index, path in enumerate([*ontology, *data]):
        rudof.read_data(str(path), merge=index > 0)
    rudof.read_shacl(str(shapes))
    report = rudof.validate_shacl()
    found: Answer = set()
    for entry in report.violations:
        if "Violation" not in str(entry.severity):
            continue
        component = _expand(str(entry.constraint_component))
        focus = _show(_expand(str(entry.focus_node)))
        found.add((focus, _expand(str(entry.source_shape)), component))
    return found


def _expand(text: str) -> str:
    text = text.strip().strip("<>")
    if text.startswith("sh:"):
        return SH + text[3:]
    return text


ENGINES: dict[str, Callable[[Path, Sequence[Path], Sequence[Path]], Answer]] = {
    "pyshacl": _pyshacl,
    "pyshacl-turbo": _pyshacl_turbo,
    "pyrudof": _pyrudof,
}


def run_engine(name: str, shapes: Path, ontology: Sequence[Path], data: Sequence[Path]) -> Answer:
    return ENGINES[name](shapes, ontology, data)
