"""Output directories that kg replaces or removes only when it can prove it wrote them.

``kg release --out``, ``kg site --out`` and ``kg load --store jena-tdb2 --location`` each
build a whole directory and put it in the place of the previous one. They share this
module, which holds one rule: nothing is deleted unless its content proves that kg wrote
it — never because of its name or its first line.

* **Output.** :func:`write_manifest` records, last and atomically, every file of a
  finished output directory with its SHA-256, every directory, and the command and its
  version, in ``.kg-manifest.json``. :func:`manifest_foreign` lists what a directory
  holds that its manifest does not vouch for: a file not listed or whose bytes changed, a
  symbolic link, anything at all when the manifest is missing, does not parse or names
  another command. A TDB2 database cannot carry such a manifest (the store rewrites its
  files), so :mod:`kg.stores.tdb2` proves one by TDB2's own layout instead; either way
  an :class:`Owner` says which entries of a directory its command cannot vouch for.
* **Staging.** A build happens in a hidden directory beside the target,
  ``.NAME.XXXXXXXX`` (:class:`Staging`), marked at its creation by ``.kg-staging.json``
  (the command and the target's path) and locked (``flock``) by the live process. A later
  run removes such a directory (:func:`recover`) only if its marker parses and names the
  same command and target, no process holds its lock, and it holds nothing but the
  marker, ``output``, ``scratch`` and ``previous``. Anything else beside the target —
  a user's ``.NAME.backup``, a look-alike without the marker — is left alone.
* **Swap.** :meth:`Staging.swap` moves the target into the staging directory
  (``previous``), then the new output into the target's place: two renames within one
  directory. A kill between them leaves no target and the previous output in
  ``previous``; the next run puts it back before it does anything else.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg import __version__
from kg.output import OutputFileError, write_atomically

__all__ = [
    "MANIFEST",
    "STAGING_MARKER",
    "ForeignFilesError",
    "Owner",
    "Recovery",
    "Staging",
    "manifest_foreign",
    "manifest_owner",
    "recover",
    "refuse_foreign",
    "write_manifest",
]

MANIFEST = ".kg-manifest.json"
STAGING_MARKER = ".kg-staging.json"
_MANIFEST_FORMAT = "siege626 output manifest 1"
_STAGING_FORMAT = "siege626 staging directory 1"
# What a staging directory may hold: its marker, the build, scratch files, the target
# it replaced. Anything else means someone else put it there, and the directory stays.
_STAGING_ENTRIES = frozenset({STAGING_MARKER, "output", "scratch", "previous"})
_SHOWN = 3  # foreign entries named in a refusal; the rest are counted


@dataclass(frozen=True)
class Owner:
    """A command, and how to tell the entries of a directory it cannot prove it wrote.

    ``foreign(directory)`` lists them as paths relative to ``directory`` (a directory
    ends in ``/``); an empty list means the directory is provably the command's own.
    """

    command: str
    foreign: Callable[[Path], list[str]]
    # How a refusal calls the entries ``foreign`` lists ("… entries that kg site did not
    # write: …"); defaults to that phrase.
    not_ours: str = ""

    @property
    def not_ours_phrase(self) -> str:
        return self.not_ours or f"that {self.command} did not write"


def manifest_owner(command: str) -> Owner:
    """The owner of directories that ``command`` writes with :func:`write_manifest`."""
    return Owner(command, lambda directory: manifest_foreign(directory, command))


class ForeignFilesError(OutputFileError):
    """A directory holds files the command did not write: refused, nothing deleted."""

    def __init__(self, path: Path, owner: Owner, foreign: list[str]) -> None:
        self.foreign = tuple(foreign)
        shown = ", ".join(_printable(name) for name in foreign[:_SHOWN])
        more = f" and {len(foreign) - _SHOWN} more" if len(foreign) > _SHOWN else ""
        count = len(foreign)
        super().__init__(
            path,
            f"holds {count} entr{'y' if count == 1 else 'ies'} {owner.not_ours_phrase}: "
            f"{shown}{more}; nothing was deleted",
        )


def _printable(name: str) -> str:
    return name if name.isprintable() else repr(name)


# -- the manifest ----------------------------------------------------------------------------


def write_manifest(directory: Path, command: str) -> None:
    """Record every file (with its SHA-256) and directory under ``directory``; call last."""
    files: dict[str, str] = {}
    directories: list[str] = []
    for relative, path, kind in _walk(directory):
        if kind == "dir":
            directories.append(relative)
        elif kind == "file":
            files[relative] = _sha256(path)
        else:  # nothing kg writes is a link or a device: refuse to vouch for one
            raise OutputFileError(path, "not a regular file or directory")
    manifest = {
        "format": _MANIFEST_FORMAT,
        "command": command,
        "version": __version__,
        "directories": directories,
        "files": files,
    }
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomically(directory / MANIFEST, text.encode("utf-8"))


def manifest_foreign(directory: Path, command: str) -> list[str]:
    """The entries of ``directory`` that its manifest by ``command`` does not vouch for."""
    files, directories = _read_manifest(directory / MANIFEST, command)
    foreign = []
    for relative, path, kind in _walk(directory, enter=lambda rel: rel in directories):
        if relative == MANIFEST and files is not None:
            continue
        if kind == "dir":
            if relative not in directories:
                foreign.append(relative + "/")
        elif kind != "file" or files is None or relative not in files:
            foreign.append(relative)  # not hashed: a large file of the user's is not read
        elif files[relative] != _sha256_or_none(path):
            foreign.append(relative)
    return foreign


def _read_manifest(path: Path, command: str) -> tuple[dict[str, str] | None, frozenset[str]]:
    """The files and directories a manifest lists; (None, empty) if it proves nothing."""
    try:
        with os.fdopen(_open_regular(path), "rb") as handle:
            document = json.load(handle)
    except (OSError, ValueError):
        return None, frozenset()
    if not (
        isinstance(document, dict)
        and document.get("format") == _MANIFEST_FORMAT
        and document.get("command") == command
        and isinstance(document.get("files"), dict)
        and isinstance(document.get("directories"), list)
    ):
        return None, frozenset()
    files = {k: v for k, v in document["files"].items() if isinstance(v, str)}
    directories = frozenset(d for d in document["directories"] if isinstance(d, str))
    return files, directories


def _open_regular(path: Path) -> int:
    """A descriptor of ``path`` if it is a regular file: a link is not followed (it could
    name any file, anywhere), and a FIFO neither blocks nor counts."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return handle


def _walk(
    directory: Path, enter: Callable[[str], bool] = lambda relative: True
) -> list[tuple[str, Path, str]]:
    """(relative path, path, kind) of every entry under ``directory``, links not followed;
    kind is "dir", "file" or "other". A directory is entered only if ``enter`` says so."""
    found = []
    pending = [(directory, "")]
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            for entry in sorted(entries, key=lambda item: item.name):
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    found.append((relative, Path(entry.path), "dir"))
                    if enter(relative):
                        pending.append((Path(entry.path), relative + "/"))
                elif entry.is_file(follow_symlinks=False):
                    found.append((relative, Path(entry.path), "file"))
                else:
                    found.append((relative, Path(entry.path), "other"))
    return sorted(found)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _sha256_or_none(path: Path) -> str | None:
    try:
        return _sha256(path)
    except OSError:  # unreadable: not provably ours
        return None


def refuse_foreign(directory: Path, owner: Owner) -> None:
    """Raise :class:`ForeignFilesError` if ``directory`` holds anything not provably ours."""
    try:
        foreign = owner.foreign(directory)
    except OSError as error:
        raise OutputFileError(directory, error.strerror or str(error)) from None
    if foreign:
        raise ForeignFilesError(directory, owner, foreign)


# -- staging, swap and recovery ---------------------------------------------------------------


class Staging:
    """A marked, locked, hidden directory beside ``destination`` where the build happens.

    The build writes into :attr:`output` (and may use :attr:`scratch`); :meth:`swap`
    puts it in the destination's place; :meth:`close` removes what is left. Use it as a
    context manager.
    """

    def __init__(self, destination: Path, owner: Owner) -> None:
        self.destination = Path(os.path.abspath(destination))
        self.owner = owner
        parent = self.destination.parent
        try:
            self.root = Path(tempfile.mkdtemp(prefix=f".{self.destination.name}.", dir=parent))
        except OSError as error:
            raise OutputFileError(destination, error.strerror or str(error)) from None
        self._lock = -1
        try:
            # The marker is locked before a byte of it is written, so another run never
            # takes a live build, even half-created, for a stale one.
            self._lock = os.open(
                self.root / STAGING_MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644
            )
            fcntl.flock(self._lock, fcntl.LOCK_EX)
            marker = {
                "format": _STAGING_FORMAT,
                "command": owner.command,
                "version": __version__,
                "target": str(self.destination),
            }
            os.write(self._lock, (json.dumps(marker, sort_keys=True) + "\n").encode("utf-8"))
            self.output.mkdir()
            self.scratch.mkdir()
        except BaseException as error:
            shutil.rmtree(self.root, ignore_errors=True)
            if self._lock >= 0:
                os.close(self._lock)
            if isinstance(error, OSError):
                raise OutputFileError(destination, error.strerror or str(error)) from None
            raise

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def scratch(self) -> Path:
        return self.root / "scratch"

    @property
    def previous(self) -> Path:
        return self.root / "previous"

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def swap(self) -> bool:
        """Put :attr:`output` in the destination's place; True if it replaced a directory.

        The destination is checked again here, just before it moves: a file put into it
        while the build ran makes the swap refuse, and nothing is deleted.
        """
        destination = self.destination
        replaced = destination.exists() or destination.is_symlink()
        if replaced:
            if destination.is_symlink() or not destination.is_dir():
                raise OutputFileError(destination, "exists and is not a directory")
            refuse_foreign(destination, self.owner)
            destination.rename(self.previous)
        try:
            os.rename(self.output, destination)
        except BaseException as error:
            if replaced:  # put the previous one back: nothing is lost on any failure
                self.previous.rename(destination)
            if isinstance(error, OSError):
                raise OutputFileError(destination, error.strerror or str(error)) from None
            raise
        return replaced

    def close(self) -> None:
        """Remove the staging directory (the build, scratch, the replaced target)."""
        if self._lock < 0:
            return
        _remove_staging(self.root)
        os.close(self._lock)
        self._lock = -1


@dataclass
class Recovery:
    """What :func:`recover` did with the staging directories that killed runs left."""

    removed: list[Path] = field(default_factory=list)
    restored: Path | None = None  # the staging directory the previous target came back from
    kept: list[Path] = field(default_factory=list)  # marked ours, but holding more

    def notes(self, destination: Path) -> list[str]:
        lines = []
        if self.restored is not None:
            lines.append(
                f"put back {destination}, which an interrupted run had left in {self.restored}"
            )
        lines += [
            f"removed the staging directory an interrupted run left: {path}"
            for path in self.removed
            if path != self.restored  # said above
        ]
        lines += [
            f"kept {path}: marked as a staging directory of this command, but it holds "
            "something this command cannot prove it wrote, or that it cannot remove"
            for path in self.kept
        ]
        return lines


def recover(destination: Path, owner: Owner) -> Recovery:
    """Put back a target that a killed swap left in a staging directory, and remove the
    staging directories of ``destination`` that killed runs of ``owner.command`` left.

    Only directories proven to be such (see the module's description) are touched.
    """
    destination = Path(os.path.abspath(destination))
    recovery = Recovery()
    parent = destination.parent
    if not parent.is_dir():
        return recovery
    prefix = f".{destination.name}."
    for candidate in sorted(parent.iterdir()):
        if not candidate.name.startswith(prefix) or candidate.is_symlink():
            continue
        if not candidate.is_dir():
            continue
        _recover_one(candidate, destination, owner, recovery)
    return recovery


def _recover_one(candidate: Path, destination: Path, owner: Owner, recovery: Recovery) -> None:
    try:
        handle = _open_regular(candidate / STAGING_MARKER)
    except OSError:
        return  # no marker: not ours
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return  # a live run's
            raise
        if not _is_marker_of(handle, destination, owner.command):
            return
        entries = set(os.listdir(candidate))
        previous = candidate / "previous"
        if not entries <= _STAGING_ENTRIES or previous.is_symlink():
            recovery.kept.append(candidate)
            return
        if previous.is_dir():
            # Killed between the swap's two renames: no target, or an empty directory,
            # which no finished output of ours is. The previous target goes back.
            if _is_empty_directory(destination):
                destination.rmdir()
            if not destination.exists() and not destination.is_symlink():
                previous.rename(destination)
                recovery.restored = candidate
            elif owner.foreign(previous):
                recovery.kept.append(candidate)
                return
        if _remove_staging(candidate):
            recovery.removed.append(candidate)
        else:
            recovery.kept.append(candidate)
    finally:
        os.close(handle)


def _remove_staging(root: Path) -> bool:
    """Remove a staging directory, its marker last: a run killed half-way through leaves
    a directory that is still recognisably a staging directory, for the next run.
    False if something could not be removed (the directory stays, marker and all)."""
    try:
        for entry in root.iterdir():
            if entry.name == STAGING_MARKER:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        (root / STAGING_MARKER).unlink()
        root.rmdir()
    except OSError:
        return False
    return True


def _is_empty_directory(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink() and not any(path.iterdir())


def _is_marker_of(handle: int, destination: Path, command: str) -> bool:
    with os.fdopen(os.dup(handle), "rb") as stream:
        try:
            marker = json.loads(stream.read(65536))
        except ValueError:
            return False
    return (
        isinstance(marker, dict)
        and marker.get("format") == _STAGING_FORMAT
        and marker.get("command") == command
        and marker.get("target") == str(destination)
    )
