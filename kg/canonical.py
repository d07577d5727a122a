"""The graph as canonical N-Quads: stable blank-node labels, a stable order, a fingerprint.

Blank nodes get their labels from W3C RDF Dataset Canonicalization (RDFC-1.0, as
implemented by pyoxigraph's ``Dataset.canonicalize``), so the same graph always gets the
same labels (``_:c14n0``, ``_:c14n1``, …) whatever the files call them. The canonical
form is the N-Quads lines of the canonicalized dataset sorted in code point order, as
RDFC-1.0 defines it; its SHA-256 is the dataset's fingerprint. Every export is written
from these sorted quads, which is what makes two exports of one graph byte-identical.

The canonical document is kept as one UTF-8 ``bytes`` object, and the quads and
triples are read back from it one at a time, so that a graph of millions of triples is
held once, compactly, rather than as Python objects. Only the quads that mention a
blank node go through the canonicalization: RDFC-1.0 labels a blank node from the quads
that mention blank nodes alone, so the other quads cannot change a label, and keeping
them out of the in-memory dataset keeps its (large) per-quad cost small.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
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
    document: bytes = field(repr=False)
    prefixes: dict[str, str] = field(compare=False)

    def nquads(self) -> bytes:
        """The canonical N-Quads document (RDFC-1.0 canonical form)."""
        return self.document

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the canonical N-Quads: the same graph, the same fingerprint."""
        return self._fingerprint

    @cached_property
    def _fingerprint(self) -> str:
        return fingerprint_of(self.document)

    def iter_quads(self) -> Iterator[pyoxigraph.Quad]:
        """The quads in canonical order, parsed one at a time."""
        return iter(pyoxigraph.parse(self.document, format=pyoxigraph.RdfFormat.N_QUADS))

    def quads(self) -> list[pyoxigraph.Quad]:
        """The quads in canonical order."""
        return list(self.iter_quads())

    def iter_triples(self) -> Iterator[pyoxigraph.Triple]:
        """The union of the parts as triples, each once, in canonical order.

        Dropping the graph name keeps the order: in a canonical line the object is
        followed by a space, which sorts before any character that can continue a
        term, so two triples compare as the lines that hold them. The copies of one
        triple in several graphs are therefore neighbours.
        """
        return (triple for triple, _ in groupby(quad.triple for quad in self.iter_quads()))

    def triples(self) -> list[pyoxigraph.Triple]:
        """The union of the parts as triples, each once, in canonical order."""
        return list(self.iter_triples())

    def store(self) -> pyoxigraph.Store:
        """An in-memory Oxigraph store with each part in its named graph."""
        store = pyoxigraph.Store()
        store.load(self.document, format=pyoxigraph.RdfFormat.N_QUADS)
        return store


def fingerprint_of(canonical_nquads: bytes) -> str:
    return hashlib.sha256(canonical_nquads).hexdigest()


def canonicalize(parts: Sequence[Part]) -> CanonicalDataset:
    """Read each part's Turtle files into its named graph and canonicalize the whole."""
    prefixes: dict[str, str] = {}
    with_blank_nodes = pyoxigraph.Dataset()
    buffer = io.BytesIO()
    # The quads without blank nodes are already canonical: they go straight to N-Quads.
    pyoxigraph.serialize(
        _ground_quads(parts, with_blank_nodes, prefixes),
        buffer,
        format=pyoxigraph.RdfFormat.N_QUADS,
    )
    with_blank_nodes.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    pyoxigraph.serialize(with_blank_nodes, buffer, format=pyoxigraph.RdfFormat.N_QUADS)
    del with_blank_nodes
    document = _sorted_document(buffer)
    known = {**prefixes, **KNOWN_PREFIXES}
    return CanonicalDataset(tuple(parts), document, dict(sorted(known.items())))


def _sorted_document(buffer: io.BytesIO) -> bytes:
    """The buffer's lines in code point order, each once, as RDFC-1.0's canonical
    document requires; the buffer is closed.

    UTF-8 bytes sort in code point order, so the lines never need decoding. Each copy
    is let go as soon as the next one is made, so that no more than two are alive.
    """
    nquads = buffer.getvalue()
    buffer.close()
    lines = nquads.split(b"\n")
    del nquads
    lines.sort()
    unique = [line for line, _ in groupby(lines) if line]
    del lines
    if not unique:
        return b""
    unique.append(b"")  # the last line ends with a newline too
    return b"\n".join(unique)


def _ground_quads(
    parts: Iterable[Part], with_blank_nodes: pyoxigraph.Dataset, prefixes: dict[str, str]
) -> Iterator[pyoxigraph.Quad]:
    """Every part's quads without blank nodes; the others are added to ``with_blank_nodes``."""
    for part in parts:
        graph = pyoxigraph.NamedNode(str(part.graph))
        for path in part.paths:
            for triple in _read_turtle(Path(path), prefixes):
                subject, obj = triple.subject, triple.object
                quad = pyoxigraph.Quad(subject, triple.predicate, obj, graph)
                if isinstance(subject, _MAY_HOLD_BLANK_NODES) or isinstance(
                    obj, _MAY_HOLD_BLANK_NODES
                ):
                    with_blank_nodes.add(quad)
                else:
                    yield quad


# A quoted triple (RDF 1.2) may hide a blank node: the canonicalization must see it.
_MAY_HOLD_BLANK_NODES = (pyoxigraph.BlankNode, pyoxigraph.Triple)


def _read_turtle(path: Path, prefixes: dict[str, str]) -> Iterator[pyoxigraph.Quad]:
    """The triples of a Turtle file (as quads in the default graph, as pyoxigraph reads
    them); the file's prefixes are added to ``prefixes`` at the end."""
    try:
        parser = pyoxigraph.parse(
            path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()
        )
        yield from parser
    except (OSError, SyntaxError, ValueError) as error:
        # The file is read once; only a bad one is read again, by the check that
        # reports the error with its line and column (or says why it cannot be read).
        check_turtle(path)
        raise InputFileError(path, str(error)) from None
    prefixes.update(parser.prefixes)
