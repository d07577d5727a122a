"""The graph as canonical N-Quads: stable blank-node labels, a stable order, a fingerprint.

Blank nodes get their labels from W3C RDF Dataset Canonicalization (RDFC-1.0, as
implemented by pyoxigraph's ``Dataset.canonicalize``), so the same graph always gets the
same labels (``_:c14n0``, ``_:c14n1``, …) whatever the files call them. The canonical
form is the N-Quads lines of the canonicalized dataset sorted in code point order, as
RDFC-1.0 defines it; its SHA-256 is the dataset's fingerprint. Every export is written
from these sorted quads, which is what makes two exports of one graph byte-identical.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from kg.errors import InputFileError
from kg.loading import check_turtle
from kg.namespaces import KNOWN_PREFIXES
from kg.parts import Part

__all__ = ["CanonicalDataset", "canonicalize", "fingerprint_of"]


@dataclass(frozen=True)
class CanonicalDataset:
    """The parts' quads in canonical form, and the prefixes their files declare."""

    parts: tuple[Part, ...]
    lines: tuple[str, ...]
    prefixes: dict[str, str] = field(compare=False)

    def nquads(self) -> bytes:
        """The canonical N-Quads document (RDFC-1.0 canonical form)."""
        return "".join(f"{line}\n" for line in self.lines).encode("utf-8")

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the canonical N-Quads: the same graph, the same fingerprint."""
        return fingerprint_of(self.nquads())

    def quads(self) -> list[pyoxigraph.Quad]:
        """The quads in canonical order."""
        return list(pyoxigraph.parse(self.nquads(), format=pyoxigraph.RdfFormat.N_QUADS))

    def triples(self) -> list[pyoxigraph.Triple]:
        """The union of the parts as triples, each once, in canonical order."""
        seen: dict[pyoxigraph.Triple, None] = {}
        for quad in self.quads():
            seen.setdefault(quad.triple, None)
        return sorted(seen, key=_ntriples_line)

    def store(self) -> pyoxigraph.Store:
        """An in-memory Oxigraph store with each part in its named graph."""
        store = pyoxigraph.Store()
        store.load(self.nquads(), format=pyoxigraph.RdfFormat.N_QUADS)
        return store


def fingerprint_of(canonical_nquads: bytes) -> str:
    return hashlib.sha256(canonical_nquads).hexdigest()


def canonicalize(parts: Sequence[Part]) -> CanonicalDataset:
    """Read each part's Turtle files into its named graph and canonicalize the whole."""
    dataset = pyoxigraph.Dataset()
    prefixes: dict[str, str] = {}
    for part in parts:
        graph = pyoxigraph.NamedNode(str(part.graph))
        for path in part.paths:
            prefixes.update(_add_turtle(dataset, Path(path), graph))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    text = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS).decode("utf-8")
    # Code point order of the lines, as RDFC-1.0's canonical N-Quads document requires.
    lines = tuple(sorted(set(text.splitlines())))
    known = {**prefixes, **KNOWN_PREFIXES}
    return CanonicalDataset(tuple(parts), lines, dict(sorted(known.items())))


def _add_turtle(
    dataset: pyoxigraph.Dataset, path: Path, graph: pyoxigraph.NamedNode
) -> dict[str, str]:
    check_turtle(path)  # a malformed file fails here, with its line and column
    parser = pyoxigraph.parse(
        path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()
    )
    try:
        for triple in parser:
            dataset.add(pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, graph))
    except (OSError, SyntaxError, ValueError) as error:
        raise InputFileError(path, str(error)) from None
    return dict(parser.prefixes)


def _ntriples_line(triple: pyoxigraph.Triple) -> str:
    return pyoxigraph.serialize([triple], format=pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8")
