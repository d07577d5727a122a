"""axe-core, the accessibility checker the browser tests inject into each page.

It comes from the npm registry at a pinned version, and the tarball must match the
registry's published ``dist.integrity`` (a sha512) before anything is taken out of it. The
tarball is kept in a git-ignored cache directory, so the download happens once per machine.
axe-core is released under the Mozilla Public License 2.0 (MPL-2.0); it is used unchanged
and not shipped with the project.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import httpx

__all__ = ["AXE_VERSION", "AxeUnavailable", "axe_script", "check_integrity"]

AXE_VERSION = "4.14.1"
_TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
# `npm view axe-core@4.14.1 dist.integrity`
_INTEGRITY = (
    "sha512-"
    "FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)
_MEMBER = "package/axe.min.js"
_CACHE = Path(__file__).resolve().parents[2] / ".cache" / f"axe-core-{AXE_VERSION}"


class AxeUnavailable(RuntimeError):
    """The script could not be fetched, or what was fetched is not the pinned release."""


def check_integrity(tarball: bytes) -> None:
    algorithm, _, expected = _INTEGRITY.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if digest != expected:
        raise AxeUnavailable(f"axe-core {AXE_VERSION}: the tarball's {algorithm} does not match")


def _extract(tarball: bytes) -> bytes:
    """The one member needed, read from the archive; nothing is written from its paths."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.getmember(_MEMBER)
        if not member.isfile():
            raise AxeUnavailable(f"axe-core {AXE_VERSION}: {_MEMBER} is not a regular file")
        handle = archive.extractfile(member)
        assert handle is not None
        return handle.read()


def _tarball() -> bytes:
    """The release tarball, from the cache or from the registry."""
    cached = _CACHE / f"axe-core-{AXE_VERSION}.tgz"
    if cached.is_file():
        return cached.read_bytes()
    try:
        response = httpx.get(_TARBALL, timeout=60, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise AxeUnavailable(f"axe-core {AXE_VERSION} could not be fetched: {error}") from error
    _CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    partial.write_bytes(response.content)
    partial.replace(cached)
    return response.content


def axe_script() -> str:
    """The text of axe.min.js; the tarball is checked each time, cached or not."""
    tarball = _tarball()
    check_integrity(tarball)
    return _extract(tarball).decode("utf-8")
