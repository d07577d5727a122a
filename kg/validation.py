"""Validate the data: SHACL shapes (kg.shacl's engines), then the quality-check queries."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg import resources
from kg.catalogue import QueryFile, read_query_file
from kg.engines import OxigraphBackedGraph, select, to_oxigraph, to_rdflib
from kg.errors import InputFileError, ValidationSetupError
from kg.literal_checks import IllTypedLiteral, ill_typed_literals
from kg.literal_positions import LocatedLiteral, locate, quiet_literal_conversion_warnings
from kg.namespaces import (
    DATA_GRAPH,
    KNOWN_PREFIXES,
    LINKS_GRAPH,
    ONTOLOGY_GRAPH,
    curie,
)
from kg.shacl import ENGINES, ShaclResult
from kg.shacl.data import load_for_validation
from kg.shacl.errors import Unsupported
from kg.shacl.fast import handed_over, plan, run_checks
from kg.shacl.paths import path_text
from kg.shacl.reference import validate_with_pyshacl
from kg.shacl.shapes import prepare_shapes, read_shapes

__all__ = ["KGV", "SourceSentence", "ValidationReport", "Violation", "validate"]

# The constraint components of what kg validate reports beside SHACL's results: a row of a
# quality check, and an ill-typed literal no sh:datatype reported.
KGV = Namespace("https://w3id.org/siege626/validation#")

QC_SUFFIX = "-violation"


@dataclass(frozen=True)
class SourceSentence:
    """A sentence of the source text: its line number (from 1) and its words, if known."""

    number: int
    text: str | None


@dataclass(frozen=True)
class Violation:
    """One SHACL result (of any severity) or one row of a quality check.

    Terms are shown as CURIEs. ``constraint`` is the SHACL constraint component or
    ``check NAME``; ``shape`` is the shape or the check's file name.
    """

    focus_node: str
    path: str | None
    message: str
    constraint: str
    shape: str
    severity: str
    value: str | None
    sentences: tuple[SourceSentence, ...]
    # The result in RDF terms, for the report graph (kg.report_graph); its path and shape
    # are nodes of the report's shapes graph.
    result: ShaclResult | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ValidationReport:
    """What was checked and what failed.

    ``conforms`` is SHACL's (3.6.1): true only when there is no result at all, of any
    severity, quality checks included. With ``warnings_allowed`` the data is ``accepted``
    when its only results are warnings and infos (``kg validate --allow-warnings``).
    """

    conforms: bool
    data_triples: int
    ontology_triples: int
    shape_count: int
    checks: tuple[str, ...]
    violations: tuple[Violation, ...]
    engine: str = ENGINES[0]  # the SHACL engine that answered
    engine_note: str | None = None  # why pyshacl answered where the oxigraph engine was asked
    warnings_allowed: bool = False
    shapes: Graph | None = field(default=None, compare=False, repr=False)

    @property
    def accepted(self) -> bool:
        """Whether the data passes: it conforms, or warnings are allowed and it has only
        results of severity sh:Warning or sh:Info."""
        if self.conforms:
            return True
        return self.warnings_allowed and not any(v.severity == "Violation" for v in self.violations)


# For each node the source speaks of, the sentences that say it.
Sentences = Mapping[Node, tuple[SourceSentence, ...]]


def validate(
    data_paths: Sequence[Path | str] | None = None,
    ontology_paths: Sequence[Path | str] | None = None,
    shapes_path: Path | str | None = None,
    qc_dir: Path | str | None = None,
    source_text_path: Path | str | None = None,
    links_paths: Sequence[Path | str] | None = None,
    engine: str = ENGINES[0],
    allow_warnings: bool = False,
) -> ValidationReport:
    """Validate data against the shapes and the quality checks; each default is the shipped file.

    SHACL runs with SHACL-SPARQL constraints and no inference, by ``engine``: "oxigraph"
    (each constraint once over all its focus nodes, on the store) or "pyshacl" (the
    reference). The oxigraph engine hands the work to pyshacl where the shapes use what
    it does not compile or the data holds literals the store would rewrite, and the
    report says why (``engine_note``).
    Quality checks are ``*-violation.rq`` queries run over ontology + data + links, each part
    in its named graph and the default graph their union: each row a check returns fails.
    The links layer defaults to data/links.ttl only when the data is the shipped data too.
    The report conforms only without any result (SHACL 3.6.1); ``allow_warnings`` makes
    results of severity sh:Warning and sh:Info acceptable (``ValidationReport.accepted``).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; known: {', '.join(ENGINES)}")
    if qc_dir is not None and not Path(qc_dir).is_dir():
        # Only the shipped directory may be absent (a wheel without it): a directory the
        # user names and that is not there would silently run no check at all.
        reason = "not a directory" if Path(qc_dir).exists() else "no such directory"
        raise InputFileError(qc_dir, reason)
    if links_paths is None:
        links_paths = [resources.links_path()] if data_paths is None else []
    chosen = {
        ONTOLOGY_GRAPH: resources.ontology_paths() if ontology_paths is None else ontology_paths,
        DATA_GRAPH: data_paths if data_paths is not None else [resources.data_path()],
        LINKS_GRAPH: links_paths,
    }
    all_paths = [path for paths in chosen.values() for path in paths]
    shapes = read_shapes([shapes_path if shapes_path is not None else resources.shapes_path()])
    prepare_shapes(shapes)  # ill-formed shapes refused before any engine runs
    prefixes = _report_prefixes(shapes)
    note = None
    # Ill-typed literals are reported once each, with their position (below); rdflib's
    # warning with a traceback for every Literal made of one would bury the report.
    with quiet_literal_conversion_warnings():
        checks = _quality_checks(Path(qc_dir) if qc_dir is not None else resources.qc_dir())
        fast = _run_fast(chosen, shapes, checks) if engine == "oxigraph" else None
        if isinstance(fast, Answered):
            engine_used, (results, store, ill_typed, answers) = "oxigraph", fast
        else:
            note = fast
            engine_used = "pyshacl"
            results, store, ill_typed, answers = _run_reference(chosen, shapes, checks)
        # A literal the shapes graph holds too is the shapes' own (a file that is data and
        # shapes at once, as in the W3C suite): what SHACL says of it is the report.
        # A blank node of one parse is not named in the other, so it matches any.
        ill_typed = [
            found
            for found in ill_typed
            if (
                None if isinstance(found.subject, BNode) else found.subject,
                found.predicate,
                found.literal,
            )
            not in shapes
        ]
        counts = {graph_name: _count(store, graph_name) for graph_name in chosen}
        # Sentences are looked up for the nodes reported only: at scale, the index of
        # every node would cost more than the checks.
        reported = {result.focus for result in results}
        reported |= {found.subject for found in ill_typed}
        reported |= {row[0] for _, _, rows in answers for row in rows if row and row[0] is not None}
        sentences = _sentence_index(store, _source_lines(source_text_path), reported)
        violations = sorted(
            (_shacl_violation(shapes, result, sentences, prefixes) for result in results),
            key=lambda v: (v.focus_node, v.shape, v.constraint, v.path or ""),
        )
        located = locate(ill_typed, all_paths)
        violations = _with_ill_typed_literals(violations, located, sentences, prefixes)
    for check, columns, rows in answers:
        violations += _check_violations(check, columns, rows, sentences, prefixes)
    return ValidationReport(
        conforms=not violations,
        data_triples=counts[DATA_GRAPH] + counts[LINKS_GRAPH],
        ontology_triples=counts[ONTOLOGY_GRAPH],
        shape_count=_count_shapes(shapes),
        checks=tuple(_check_name(check) for check in checks),
        violations=tuple(violations),
        engine=engine_used,
        engine_note=note,
        warnings_allowed=allow_warnings,
        shapes=shapes,
    )


Parts = Mapping[URIRef, Sequence[Path | str]]
Answers = list[tuple[QueryFile, tuple[str, ...], list[tuple[Node | None, ...]]]]


class Answered(NamedTuple):
    """What SHACL and the quality checks found, and the store they asked."""

    results: list[ShaclResult]
    store: pyoxigraph.Store
    ill_typed: Sequence[IllTypedLiteral]
    answers: Answers


def _run_fast(chosen: Parts, shapes: Graph, checks: Sequence[QueryFile]) -> Answered | str:
    """The fast engine's results, or the reason pyshacl must answer instead."""
    run = plan(shapes)
    if (reason := handed_over(run, ())) is not None:
        return reason  # known before the data is read
    data = load_for_validation(chosen)
    if (reason := handed_over(run, data.rewritten)) is not None:
        return reason
    try:
        results, answers = _beside_checks(
            data.oxigraph, checks, lambda: run_checks(data.oxigraph, run.checks)
        )
    except Unsupported as why:
        return str(why)
    return Answered(results, data.oxigraph, data.ill_typed, answers)


def _run_reference(chosen: Parts, shapes: Graph, checks: Sequence[QueryFile]) -> Answered:
    # Each part is parsed once, by Oxigraph, into its named graph; the union that pyshacl
    # validates is an rdflib view of the same triples whose SPARQL Oxigraph answers.
    union = OxigraphBackedGraph()
    for graph_name, paths in chosen.items():
        union.load(paths, graph_name)
    ill_typed = ill_typed_literals(union)
    results, answers = _beside_checks(
        union.oxigraph, checks, lambda: validate_with_pyshacl(union, shapes)
    )
    return Answered(results, union.oxigraph, ill_typed, answers)


def _beside_checks(
    store: pyoxigraph.Store, checks: Sequence[QueryFile], shacl: Callable[[], list[ShaclResult]]
) -> tuple[list[ShaclResult], Answers]:
    """``shacl()``, while a second thread asks ``store`` the quality checks.

    Oxigraph leaves Python's lock while it evaluates a query, so the two share the
    machine's cores: at 1000 copies of the graph, each takes about half the time.
    The thread is a daemon: a validation stopped by ``kg validate --timeout`` ends with the
    process, where the interpreter would wait at exit for a pool's thread to finish.
    """
    outcome: dict[str, Any] = {}

    def ask() -> None:
        try:
            outcome["answers"] = [(check, *_ask_check(store, check)) for check in checks]
        except BaseException as error:  # raised again in the caller's thread
            outcome["error"] = error

    asking = threading.Thread(target=ask, name="kg-quality-checks", daemon=True)
    asking.start()
    try:
        results = shacl()
    finally:
        asking.join()
    if "error" in outcome:
        raise outcome["error"]
    return results, outcome["answers"]


def _count(store: pyoxigraph.Store, graph_name: URIRef) -> int:
    name = pyoxigraph.NamedNode(str(graph_name))
    return sum(1 for _ in store.quads_for_pattern(None, None, None, name))


def _with_ill_typed_literals(
    violations: list[Violation],
    ill_typed: Sequence[LocatedLiteral],
    sentences: Sentences,
    prefixes: Mapping[str, str],
) -> list[Violation]:
    """Each literal outside its XSD datatype's lexical space reported once, with its place.

    Where a shape's sh:datatype already reports it, that violation's message gets the
    ``file:line:column``; elsewhere the literal is a violation of its own.
    """
    violations = list(violations)
    for located in ill_typed:
        literal = located.found.literal
        focus = _show(located.found.subject, prefixes)
        path = _show(located.found.predicate, prefixes)
        reported = [
            index
            for index, v in enumerate(violations)
            if v.constraint.endswith("DatatypeConstraintComponent")
            and (v.focus_node, v.path, v.value) == (focus, path, str(literal))
        ]
        for index in reported:
            shacl = violations[index]
            violations[index] = replace(shacl, message=f"{located.position}: {shacl.message}")
        if reported:
            continue
        datatype = _show(literal.datatype, prefixes) if literal.datatype is not None else ""
        written = Literal(str(literal)).n3()  # the lexical form, quoted and escaped
        violations.append(
            Violation(
                focus_node=focus,
                path=path,
                message=f"{located.position}: {written} is not a valid {datatype}",
                constraint="ill-typed literal (XML Schema lexical space)",
                shape="",
                severity="Violation",
                value=f"{written}^^{datatype}",
                sentences=sentences.get(located.found.subject, ()),
                result=ShaclResult(
                    located.found.subject,
                    located.found.predicate,
                    literal,
                    KGV.IllTypedLiteral,
                    KGV.IllTypedLiteral,
                    SH.Violation,
                    frozenset({Literal(f"{written} is not a valid {datatype}")}),
                ),
            )
        )
    return violations


_WHOLE_IRIS = frozenset({"wd", "pleiades"})


def _report_prefixes(shapes: Graph) -> dict[str, str]:
    """The known prefixes, plus sh: and the prefixes the shapes file declares for its shapes.

    The identifiers of other datasets (Wikidata, Pleiades) stay whole IRIs: a report
    about a link shows the identifier as the reference gives it.
    """
    prefixes = {
        prefix: namespace
        for prefix, namespace in KNOWN_PREFIXES.items()
        if prefix not in _WHOLE_IRIS
    }
    prefixes["sh"] = str(SH)
    whole = {KNOWN_PREFIXES[prefix] for prefix in _WHOLE_IRIS}
    for prefix, namespace in shapes.namespaces():
        if str(namespace) in whole:
            continue
        if prefix and prefix not in prefixes and str(namespace) not in prefixes.values():
            prefixes[prefix] = str(namespace)
    return prefixes


def _show(term: Node | None, prefixes: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term), prefixes)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _shacl_violation(
    shapes: Graph,
    result: ShaclResult,
    sentences: Sentences,
    prefixes: Mapping[str, str],
) -> Violation:
    messages = sorted(str(message) for message in result.messages)
    return Violation(
        focus_node=_show(result.focus, prefixes),
        path=_path_text(shapes, result.path, prefixes) if result.path is not None else None,
        message="; ".join(messages) or "constraint not met",
        constraint=_show(result.component, prefixes),
        shape=_shape_name(shapes, result.shape, prefixes),
        severity=_local_name(result.severity),
        value=_show(result.value, prefixes) if result.value is not None else None,
        sentences=sentences.get(result.focus, ()),
        result=result,
    )


def _local_name(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _shape_name(shapes: Graph, shape: Node | None, prefixes: Mapping[str, str]) -> str:
    # A property shape is often a blank node; the node shape that holds it names it better.
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        if parent is not None:
            return f"{_show(parent, prefixes)} (property shape)"
    return _show(shape, prefixes)


def _path_text(graph: Graph, path: Node, prefixes: Mapping[str, str]) -> str:
    """A SHACL property path in SPARQL property-path syntax (``^sg:p``, ``sg:a/sg:b``)."""
    try:
        return path_text(graph, path, lambda term: _show(term, prefixes))
    except Unsupported:
        return _show(path, prefixes)  # not a path SHACL knows: the node as it is


def _count_shapes(shapes: Graph) -> int:
    found: set[Node] = set(shapes.subjects(RDF.type, SH.NodeShape))
    found |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    found |= set(shapes.objects(None, SH.property))
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found |= set(shapes.subjects(target, None))
    return len(found)


def _quality_checks(directory: Path) -> list[QueryFile]:
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob(f"*{QC_SUFFIX}.rq"), key=lambda path: path.stem)
    return [read_query_file(path) for path in paths]


def _check_name(check: QueryFile) -> str:
    return check.name.removesuffix(QC_SUFFIX)


def _ask_check(
    store: pyoxigraph.Store, check: QueryFile
) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
    try:
        return select(store, check.text)
    except (SyntaxError, TypeError) as error:
        raise ValidationSetupError(f"{check.path}: {error}") from None
    except (RuntimeError, ValueError) as error:
        # The query parses, but Oxigraph cannot evaluate it (an unknown function).
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ValidationSetupError(
            f"{check.path}: the check cannot be evaluated ({reason})"
        ) from None


def _check_violations(
    check: QueryFile,
    columns: tuple[str, ...],
    rows: list[tuple[Node | None, ...]],
    sentences: Sentences,
    prefixes: Mapping[str, str],
) -> list[Violation]:
    violations = []
    for row in rows:
        # ODK convention: the first column is the offending node, the others are evidence.
        focus = row[0] if row else None
        evidence = ", ".join(
            f"{column}={_show(term, prefixes)}"
            for column, term in zip(columns[1:], row[1:], strict=True)
            if term is not None
        )
        violations.append(
            Violation(
                focus_node=_show(focus, prefixes),
                path=None,
                message=check.question or _check_name(check),
                constraint=f"check {_check_name(check)}",
                shape=check.path.name,
                severity="Violation",
                value=evidence or None,
                sentences=sentences.get(focus, ()) if focus is not None else (),
                result=ShaclResult(
                    focus if focus is not None else KGV.QualityCheck,
                    None,
                    None,
                    URIRef(check.path.resolve().as_uri()),
                    KGV.QualityCheck,
                    SH.Violation,
                    frozenset(
                        Literal(text) for text in (check.question or _check_name(check), evidence)
                        if text
                    ),
                ),
            )
        )
    return violations


# Which sentence speaks of a node: through a reified statement about it, a quotation
# that describes it, or because the node is the quotation, statement or sentence itself.
_SENTENCES_QUERY = """
PREFIX sg: <https://w3id.org/siege626/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?node ?number ?text WHERE {
  ?quotation a sg:Quotation ;
             sg:inSentence ?sentence .
  ?sentence sg:lineNumber ?number .
  OPTIONAL { ?sentence sg:text ?text }
  {
    { ?quotation sg:states ?statement . ?statement rdf:subject ?node }
    UNION { ?quotation sg:states ?node }
    UNION { ?quotation sg:describes ?node }
    UNION { ?quotation sg:inSentence ?node }
    UNION { ?quotation sg:inSentence ?anySentence . BIND (?quotation AS ?node) }
  }
}
"""


def _sentence_index(
    store: pyoxigraph.Store, lines: list[str] | None, nodes: Iterable[Node]
) -> dict[Node, tuple[SourceSentence, ...]]:
    """For each of ``nodes`` the source speaks of, the sentences it comes from, in text order.

    A sentence's text is its ``sg:text`` or, failing that, its line of the source file.
    """
    wanted = {to_oxigraph(node) for node in nodes}
    if not wanted:
        return {}
    found: dict[Node, dict[int, str | None]] = {}
    for solution in store.query(_SENTENCES_QUERY, use_default_graph_as_union=True):
        if solution["node"] not in wanted:
            continue
        node, number, text = (to_rdflib(solution[name]) for name in ("node", "number", "text"))
        try:
            line = int(number)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue  # a malformed line number is for the shapes to report
        if text is None and lines is not None and 0 < line <= len(lines):
            text = lines[line - 1]
        known = found.setdefault(node, {})  # type: ignore[arg-type]
        if known.get(line) is None:
            known[line] = str(text) if text is not None else None
    return {
        node: tuple(SourceSentence(line, text) for line, text in sorted(known.items()))
        for node, known in found.items()
    }


def _source_lines(path: Path | str | None) -> list[str] | None:
    source = Path(path) if path is not None else resources.source_text_path()
    try:
        return source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None  # the report still names the sentence numbers
