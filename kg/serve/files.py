"""The release files that ``kg serve`` offers under ``/dist/``, found by listing, never by path."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DIST_TYPES", "release_files"]

DIST_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".sha256": "text/plain; charset=utf-8",
}


def release_files(dist_dir: Path | None) -> dict[str, Path]:
    """The regular files under the release directory, by their path relative to it.

    Symbolic links and hidden files are left out, so nothing outside the directory is
    ever offered, whatever it contains.
    """
    if dist_dir is None or not dist_dir.is_dir():
        return {}
    root = dist_dir.resolve()
    found: dict[str, Path] = {}
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
        for name in files:
            path = Path(directory) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            found[path.relative_to(root).as_posix()] = path
    return dict(sorted(found.items()))
