"""Where the ontology, data and queries live: inside an installed wheel, or in a checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = [
    "alignments_path",
    "data_path",
    "inferred_path",
    "links_path",
    "ontology_core_path",
    "ontology_paths",
    "qc_dir",
    "queries_dir",
    "resource_root",
    "shapes_path",
    "source_text_path",
]


def resource_root() -> Path:
    """Return the directory that holds ``ontology/``, ``data/`` and ``queries/``.

    A wheel carries them under ``kg/_resources``; a checkout keeps them beside ``kg/``.
    """
    packaged = files("kg") / "_resources"
    if packaged.is_dir():
        # Wheels are installed unpacked, so the traversable is a real directory.
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent


def ontology_core_path() -> Path:
    return resource_root() / "ontology" / "siege626.ttl"


def alignments_path() -> Path:
    return resource_root() / "ontology" / "alignments.ttl"


def ontology_paths() -> list[Path]:
    """The files of the ontology part: the core ontology and its alignments."""
    return [ontology_core_path(), alignments_path()]


def shapes_path() -> Path:
    return resource_root() / "ontology" / "shapes.ttl"


def data_path() -> Path:
    return resource_root() / "data" / "siege626.ttl"


def links_path() -> Path:
    return resource_root() / "data" / "links.ttl"


def inferred_path() -> Path:
    """The generated part ``inferred`` (``kg infer`` writes it; see kg.inference)."""
    return resource_root() / "data" / "inferred.ttl"


def source_text_path() -> Path:
    return resource_root() / "data" / "source" / "siege626.txt"


def queries_dir() -> Path:
    return resource_root() / "queries"


def qc_dir() -> Path:
    return queries_dir() / "qc"
