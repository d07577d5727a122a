"""SHACL validation: the fast engine (set at a time on Oxigraph) and pyshacl, the reference.

Both read the data from a :class:`kg.engines.OxigraphBackedGraph` and the shapes from an
rdflib Graph (:func:`kg.shacl.shapes.read_shapes` reads them as written), and give
:class:`ShaclResult` values that compare equal across engines given the same shapes Graph.
"""

from __future__ import annotations

from rdflib import Graph

from kg.engines import OxigraphBackedGraph
from kg.shacl.results import ShaclResult

__all__ = ["ENGINES", "ShaclResult", "validate_shacl"]

# The engine ``kg validate`` uses unless told otherwise comes first.
ENGINES = ("oxigraph", "pyshacl")


def validate_shacl(
    data: OxigraphBackedGraph, shapes: Graph, engine: str = "oxigraph"
) -> list[ShaclResult]:
    """The SHACL results of ``data`` against ``shapes``, by ``engine`` (one of ENGINES).

    Ill-formed shapes are refused (ValidationSetupError) before either engine runs, and
    ``shapes`` is put in the form both read alike (:func:`kg.shacl.shapes.prepare_shapes`):
    read them with :func:`kg.shacl.shapes.read_shapes` to keep their literals as written.
    """
    from kg.shacl.shapes import prepare_shapes

    prepare_shapes(shapes)
    if engine == "pyshacl":
        from kg.shacl.reference import validate_with_pyshacl

        return validate_with_pyshacl(data, shapes)
    if engine == "oxigraph":
        from kg.shacl.fast import validate_on_store

        return validate_on_store(data, shapes)
    raise ValueError(f"unknown SHACL engine {engine!r}; known: {', '.join(ENGINES)}")
