"""The data as the fast engine needs it: in the store, with what the store would change.

Oxigraph keeps a literal of a datatype it knows by its value: ``"7.0"^^xsd:decimal``
comes back as ``"7"``, ``"5"^^xsd:int`` as ``"5"^^xsd:integer``, and ``"41.0"`` and
``"41.00"`` of one subject and predicate become one triple. SHACL compares literals as
written, so data holding such a literal is left to pyshacl, which reads the files as
written. Finding them costs one pass of Oxigraph's parser over the files, run while
the store loads them; only the distinct literals are compared, in a scratch store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Literal, URIRef

from kg.engines import load_store, read_turtle, to_rdflib
from kg.literal_checks import IllTypedLiteral, is_well_typed

__all__ = ["StoreData", "load_for_validation", "rewritten_literals"]

_PROBE_PREDICATE = pyoxigraph.NamedNode("urn:siege626:probe")


@dataclass(frozen=True)
class StoreData:
    """The parts loaded into one store, each in its named graph."""

    oxigraph: pyoxigraph.Store
    rewritten: tuple[Literal, ...]  # literals the store keeps in another form
    ill_typed: tuple[IllTypedLiteral, ...]  # outside their XSD datatype's lexical space


def load_for_validation(parts: Mapping[URIRef, Sequence[Path | str]]) -> StoreData:
    """Load each part into its named graph; find the literals the store rewrites.

    Raises ParseError or InputFileError (from the store's load, which runs in one
    transaction per file) before anything is reported.
    """
    store = pyoxigraph.Store()
    paths = [path for part in parts.values() for path in part]
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The store's loader leaves Python's lock while it parses; the scan uses it.
        loading = pool.submit(_load_parts, store, parts)
        try:
            literals = _distinct_literals(paths)
        finally:
            loading.result()
    rewritten = rewritten_literals(literals)
    ill_typed = _ill_typed(store, literals)
    return StoreData(store, rewritten, ill_typed)


def _load_parts(store: pyoxigraph.Store, parts: Mapping[URIRef, Sequence[Path | str]]) -> None:
    for graph_name, paths in parts.items():
        load_store(paths, store, graph_name)


def _distinct_literals(paths: Iterable[Path | str]) -> set[pyoxigraph.Literal]:
    found: set[pyoxigraph.Literal] = set()
    for path in paths:
        for triple in read_turtle(path):
            obj = triple.object
            if isinstance(obj, pyoxigraph.Literal) and obj.language is None:
                found.add(obj)
    return found


def rewritten_literals(literals: Iterable[pyoxigraph.Literal]) -> tuple[Literal, ...]:
    """The literals a store gives back other than as written (each probed on its own)."""
    probe = pyoxigraph.Store()
    ordered = sorted(literals, key=str)
    probe.extend(
        pyoxigraph.Quad(
            pyoxigraph.NamedNode(f"urn:siege626:probe:{index}"), _PROBE_PREDICATE, literal
        )
        for index, literal in enumerate(ordered)
    )
    changed = []
    for quad in probe.quads_for_pattern(None, _PROBE_PREDICATE, None):
        index = int(quad.subject.value.rsplit(":", 1)[1])
        if quad.object != ordered[index]:
            changed.append(ordered[index])
    stored = {int(q.subject.value.rsplit(":", 1)[1]) for q in probe}
    # Two written forms of one value of one subject are one triple in the store; every
    # probe has its own subject, so a literal is missing only if the store refused it.
    changed += [ordered[i] for i in range(len(ordered)) if i not in stored]
    # As written: rdflib would put "01"^^xsd:integer in its canonical form too.
    written = {_as_written(literal) for literal in changed}
    return tuple(sorted(written, key=lambda literal: (str(literal), str(literal.datatype))))


def _as_written(literal: pyoxigraph.Literal) -> Literal:
    return Literal(literal.value, datatype=URIRef(literal.datatype.value), normalize=False)


def _ill_typed(
    store: pyoxigraph.Store, literals: set[pyoxigraph.Literal]
) -> tuple[IllTypedLiteral, ...]:
    found = []
    for literal in literals:
        term = to_rdflib(literal)
        if isinstance(term, Literal) and not is_well_typed(term):
            for quad in store.quads_for_pattern(None, None, literal):
                found.append(
                    IllTypedLiteral(to_rdflib(quad.subject), to_rdflib(quad.predicate), term)
                )
    return tuple(sorted(set(found), key=str))
