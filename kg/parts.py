"""The parts of the graph to export, chosen by name (``ontology,data``) or all of them.

The parts themselves are registered once, in :mod:`kg.loading` (``PARTS``, with their
files and named graphs); everything that exports, counts or describes the graph follows
that registry through :func:`select_parts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from kg import loading
from kg.errors import KgError

__all__ = ["Part", "UnknownPartError", "all_parts", "parse_part_list", "select_parts"]


class UnknownPartError(KgError):
    """A part name that the registry does not know."""


@dataclass(frozen=True)
class Part:
    """One part of the graph: its name, the named graph that holds it, and its files."""

    name: str
    graph: URIRef
    paths: tuple[Path, ...]


def all_parts() -> tuple[Part, ...]:
    """Every registered part, in the registry's order."""
    return tuple(
        Part(name, loading.part_graph(name), tuple(loading.part_paths(name)))
        for name in loading.PARTS
    )


def select_parts(names: Iterable[str] | None = None) -> tuple[Part, ...]:
    """The named parts in the registry's order (all of them when ``names`` is None)."""
    registered = all_parts()
    if names is None:
        return registered
    wanted = list(dict.fromkeys(names))
    known = {part.name for part in registered}
    for name in wanted:
        if name not in known:
            shown = name if name.isprintable() else repr(name)
            raise UnknownPartError(
                f"unknown part '{shown}'; expected one of {', '.join(loading.PARTS)}"
            )
    if not wanted:
        raise UnknownPartError(f"no part given; expected one of {', '.join(loading.PARTS)}")
    return tuple(part for part in registered if part.name in wanted)


def parse_part_list(text: str) -> tuple[str, ...]:
    """``"ontology, data"`` to ``("ontology", "data")``; empty items are dropped."""
    return tuple(item.strip() for item in text.split(",") if item.strip())
