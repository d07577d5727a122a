"""``make release``: every export, the description, the fingerprint, the ontology's
documentation and diagram, and SHA256SUMS, in one directory.

The directory is built beside the target and renamed into place at the end, so a failed
build leaves the previous release as it was. Only a directory that is empty or provably
a previous release is replaced: its manifest (``.kg-manifest.json``, written last) must
list every file in it with its SHA-256 (:mod:`kg.owned_output`). Any other file in it
is named in a one-line refusal, and nothing is deleted.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from kg import resources
from kg.canonical import CanonicalDataset, canonicalize
from kg.description import Distribution, describe, render_description
from kg.diagram import diagram_dot, render_diagram
from kg.docs import ontology_page
from kg.export import FORMATS, export, generated_notice
from kg.jsonld import context_bytes, shipped_context
from kg.output import OutputFileError
from kg.owned_output import (
    MANIFEST,
    Owner,
    Staging,
    manifest_owner,
    recover,
    refuse_foreign,
    write_manifest,
)
from kg.parts import select_parts

__all__ = ["DOC_PAGES", "ReleaseResult", "build_release", "release_date"]

CHECKSUMS = "SHA256SUMS"
FINGERPRINT = "FINGERPRINT"
DESCRIPTION = "void.ttl"
CONTEXT = "context.jsonld"
# The ontology files documented as HTML pages, by page name.
DOC_PAGES = {"ontology": "siege626.ttl", "alignments": "alignments.ttl"}
COMMAND = "kg release"
_OWNER: Owner = manifest_owner(COMMAND)


@dataclass(frozen=True)
class ReleaseResult:
    """Where the release is, its fingerprint, its files (relative paths) and notes."""

    directory: Path
    fingerprint: str
    files: tuple[str, ...]
    notes: tuple[str, ...]


def release_date() -> date:
    """The issue date: SOURCE_DATE_EPOCH if set, else the last commit's date, else today.

    A date that comes from the sources rather than the clock keeps rebuilds identical.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    root = resources.resource_root()
    git = shutil.which("git")
    if git and (root / ".git").exists():
        done = subprocess.run(
            [git, "-C", str(root), "log", "-1", "--format=%cs"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if done.returncode == 0 and done.stdout.strip():
            return date.fromisoformat(done.stdout.strip())
    return datetime.now(tz=UTC).date()


def build_release(
    target: Path | str,
    *,
    docs: bool = True,
    issued: date | None = None,
    notify: Callable[[str], None] = lambda note: None,
) -> ReleaseResult:
    """Build the release into ``target`` (replaced whole); ``docs=False`` skips the HTML
    pages and the diagram, which need pyLODE and Graphviz. ``notify`` is told at once
    what was recovered from an interrupted run (even if the build then fails)."""
    destination = Path(target)
    parent = destination.absolute().parent
    if not parent.is_dir():
        raise OutputFileError(destination, f"{parent}: no such directory")
    for note in recover(destination, _OWNER).notes(destination):
        notify(note)
    _check_replaceable(destination)
    with Staging(destination, _OWNER) as staging:
        dataset = canonicalize(select_parts())
        notes = _write_release(staging.output, dataset, docs, issued or release_date())
        write_manifest(staging.output, COMMAND)
        staging.swap()
    files = tuple(sorted(_relative_files(destination)))
    return ReleaseResult(destination, dataset.fingerprint(), files, notes)


def _write_release(
    directory: Path, dataset: CanonicalDataset, docs: bool, issued: date
) -> tuple[str, ...]:
    notes: list[str] = []
    distributions = []
    for fmt in FORMATS.values():
        result = export(dataset, fmt.name)
        path = directory / fmt.filename
        with path.open("wb") as stream:  # streamed: the staging directory is renamed whole
            result.write_to(stream)
        distributions.append(Distribution.of(fmt, path.read_bytes()))
        notes.extend(result.notes)
    (directory / CONTEXT).write_bytes(context_bytes(shipped_context()))
    (directory / FINGERPRINT).write_text(
        f"# {generated_notice('kg release')} SHA-256 of the canonical N-Quads "
        f"(RDFC-1.0), that is of {FORMATS['nquads'].filename} without its first line.\n"
        f"{dataset.fingerprint()}\n",
        encoding="utf-8",
    )
    description = describe(dataset, distributions, issued)
    (directory / DESCRIPTION).write_bytes(render_description(description, dataset.prefixes))
    if docs:
        _write_docs(directory / "docs", dataset)
    _write_checksums(directory)
    return tuple(notes)


def _write_docs(directory: Path, dataset: CanonicalDataset) -> None:
    directory.mkdir()
    ontology_dir = resources.resource_root() / "ontology"
    for page, filename in DOC_PAGES.items():
        (directory / f"{page}.html").write_bytes(ontology_page(ontology_dir / filename))
    ontology = next(part for part in dataset.parts if part.name == "ontology")
    only_ontology = canonicalize([ontology])
    dot = diagram_dot(only_ontology.triples())
    (directory / "diagram.dot").write_text(dot, encoding="utf-8")
    for suffix in ("svg", "png"):
        (directory / f"diagram.{suffix}").write_bytes(render_diagram(dot, suffix))


def _write_checksums(directory: Path) -> None:
    lines = [f"# {generated_notice('kg release')} Check with: sha256sum -c {CHECKSUMS}"]
    for name in sorted(_relative_files(directory)):
        digest = hashlib.sha256((directory / name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {name}")
    (directory / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _relative_files(directory: Path) -> list[str]:
    """The release's files but SHA256SUMS and the manifest, which list the others."""
    return [
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file() and path.name not in (CHECKSUMS, MANIFEST)
    ]


def _check_replaceable(destination: Path) -> None:
    """Refuse, before the build, a target that is neither absent, empty nor our release."""
    if not destination.exists() and not destination.is_symlink():
        return
    if destination.is_symlink() or not destination.is_dir():
        raise OutputFileError(destination, "exists and is not a directory")
    refuse_foreign(destination, _OWNER)
