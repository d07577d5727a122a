"""``kg site``: the whole site of ``kg serve`` as static files, for any static host.

Every file is rendered by the application itself (:func:`kg.serve.create_app`, through
an in-process ASGI client with the publication URL as its ``base_url``), so a page of the
copy is byte for byte the page the server renders. The URLs come from what the
application knows — the resources' slugs, the parts, the canned queries, the static and
the release files — not from crawling its pages.

Layout: a URL without a suffix is written as ``URL.html`` (``/page/X`` →
``page/X.html``, ``/`` → ``index.html``), a URL with one as itself (``/data/X.ttl``).
Static hosts with "pretty URLs" (GitHub Pages, Netlify, Cloudflare Pages) serve
``/page/X`` from ``page/X.html``; on Apache the ``.htaccess`` written at the top does
it, gives the RDF files their media types, and does the content negotiation of
``/id/X``, ``/ontology``, ``/graph/P`` and ``/void`` with type maps (:mod:`kg.site_rules`).
``w3id/.htaccess`` holds the rules for the w3id.org redirect service, which send
``https://w3id.org/siege626/…`` to the copy. The copy must be at the root of its host:
the pages' links are absolute paths.

Not answered, because no static file can: ``/sparql``, ``/query`` and ``/search``
(DYNAMIC_PATHS) are each a page saying so; canned queries with other parameters than
their defaults are not written. The copy's dataset description names no SPARQL endpoint.

The copy is built in a directory beside the target and renamed into place at the end,
so a failure never leaves a half-written one. An existing target is replaced only with
``force``, and only if it is empty or provably a previous copy: its manifest
(``.kg-manifest.json``, written last) lists every file in it with its SHA-256
(:mod:`kg.owned_output`). A web root with other files is refused, naming them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from kg.errors import KgError
from kg.output import OutputFileError
from kg.owned_output import Owner, Staging, manifest_owner, recover, refuse_foreign, write_manifest
from kg.site_rules import static_htaccess, w3id_htaccess, write_static_rules

if TYPE_CHECKING:
    from kg.serve.responses import CopiedFile
    from kg.serve.state import Server

__all__ = [
    "DYNAMIC_PATHS",
    "SiteResult",
    "broken_links",
    "build_site",
    "publication_url",
    "site_urls",
    "static_htaccess",
    "w3id_htaccess",
]

# URLs only a running server answers; a static copy's pages still link to them.
DYNAMIC_PATHS = frozenset({"/sparql", "/query", "/search"})
W3ID = "https://w3id.org/siege626/"
COMMAND = "kg site"
_OWNER: Owner = manifest_owner(COMMAND)


@dataclass(frozen=True)
class SiteResult:
    """Where the copy is, and its files (relative paths) and their total size in bytes."""

    directory: Path
    files: tuple[str, ...]
    size: int


def site_urls(server: Server) -> list[CopiedFile]:
    """Every URL of the copy and its file, from each kind of page's own list."""
    from kg.serve.pages import copied_files

    items = copied_files(server)
    for item in items:
        _check_relative(item.path)
    return items


def _check_relative(path: str) -> None:
    parts = PurePosixPath(path).parts
    if not parts or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        raise KgError(f"kg site: refusing to write a file named {path!r}")


def publication_url(value: str) -> str:
    """``value`` checked as an absolute http(s) URL of a host's root, ending in ``/``."""
    from kg.cli_serve import checked_base_url

    checked = checked_base_url(value) or value
    if urlsplit(checked).path not in ("", "/"):
        raise KgError(
            f"--base-url {value!r}: the copy must be at the root of its host "
            "(its pages link to absolute paths such as /page/X)"
        )
    return checked.rstrip("/") + "/"


def build_site(
    target: Path | str,
    *,
    base_url: str,
    dist_dir: Path | None = Path("dist"),
    force: bool = False,
    progress: Callable[[int], AbstractContextManager[Callable[[int], None]]] | None = None,
    notify: Callable[[str], None] = lambda note: None,
) -> SiteResult:
    """Write the static copy to ``target``, published at ``base_url`` (a host's root).

    ``progress(total)``, if given, is a context manager giving a function called with the
    number of files written since its last call (:func:`kg.progress.count_progress`).
    ``notify`` is told at once what was recovered from an interrupted run.
    """
    from kg.serve.settings import ServeSettings
    from kg.serve.state import shipped_graphs

    url = publication_url(base_url)
    destination = Path(target)
    parent = destination.absolute().parent
    if not parent.is_dir():
        raise OutputFileError(destination, f"{parent}: no such directory")
    for note in recover(destination, _OWNER).notes(destination):
        notify(note)
    _check_replaceable(destination, force)
    settings = replace(
        ServeSettings(), base_url=url, dist_dir=dist_dir, workers=1, sparql_endpoint=False
    )
    with Staging(destination, _OWNER) as staged:
        from kg.serve import create_app

        staging = staged.output
        app = create_app(settings, shipped_graphs())
        server: Server = app.state.server
        items = site_urls(server)
        with (progress or _no_progress)(len(items)) as advance:
            _render_all(app, url, items, staging, advance)
        _write_static_notices(staging)
        write_static_rules(staging, url, server.site.part_names())
        (staging / "w3id").mkdir()
        context = "context.jsonld" if any(i.path == "dist/context.jsonld" for i in items) else None
        parts = list(dict.fromkeys(server.site.part_names()))
        (staging / "w3id" / ".htaccess").write_text(
            w3id_htaccess(url, parts, context), encoding="utf-8"
        )
        broken = broken_links(staging, url)
        if broken:
            page, href = broken[0]
            raise KgError(
                f"kg site: {len(broken)} broken link(s) in the copy, first {href!r} on {page}"
            )
        write_manifest(staging, COMMAND)
        staged.swap()
    files = sorted(
        path.relative_to(destination).as_posix()
        for path in destination.rglob("*")
        if path.is_file()
    )
    size = sum((destination / name).stat().st_size for name in files)
    return SiteResult(destination, tuple(files), size)


def _write_static_notices(directory: Path) -> None:
    """A page for each URL only a server answers, so that a reader who follows the menu's
    Query or Search link on a static host learns why, not a bare "not found"."""
    from kg.serve.render import render

    for path in sorted(DYNAMIC_PATHS):
        body = render(
            "message.html",
            title="Not available in this copy",
            message=(
                "This is a static copy of the site: it has every page, data document and "
                "canned question, but no server to run a query or a search. The whole "
                "graph can be downloaded and queried in any SPARQL store, or served with "
                "its own search and query form by the toolkit's kg serve command."
            ),
            links=[("/queries", "the questions, answered"), ("/downloads", "the downloads")],
        )
        (directory / f"{path.lstrip('/')}.html").write_text(body, encoding="utf-8")


@contextmanager
def _no_progress(total: int) -> Iterator[Callable[[int], None]]:
    yield lambda count: None


def _render_all(
    app: object, url: str, items: list[CopiedFile], directory: Path, advance: Callable[[int], None]
) -> None:
    import anyio
    import httpx

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url=url) as client:
            for item in items:
                headers = {"Accept": item.accept} if item.accept else {}
                try:
                    response = await client.get(item.url, headers=headers)
                except Exception as error:  # a failure of the application: one line
                    raise KgError(
                        f"kg site: {item.url} failed ({type(error).__name__}: {error})"
                    ) from None
                if response.status_code != 200:
                    raise KgError(f"kg site: {item.url} answered {response.status_code}")
                path = directory / item.path
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(response.content)
                advance(1)

    anyio.run(run)


def _check_replaceable(destination: Path, force: bool) -> None:
    """Refuse, before the build, a target that is not absent, or with ``force`` empty or
    provably a previous copy (the swap checks it again before it moves)."""
    if not destination.exists() and not destination.is_symlink():
        return
    if not destination.is_dir() or destination.is_symlink():
        raise OutputFileError(destination, "exists and is not a directory")
    if not force:
        raise OutputFileError(destination, "exists; --force replaces a previous copy")
    refuse_foreign(destination, _OWNER)


# -- links --------------------------------------------------------------------------------


class _Links(HTMLParser):
    _ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "form": "action"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = self._ATTRIBUTES.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.links.append(value)


def _page_url(relative: str) -> str:
    if relative == "index.html":
        return "/"
    return "/" + relative.removesuffix(".html")


def broken_links(directory: Path, base_url: str) -> list[tuple[str, str]]:
    """The links of the copy's HTML files that no file of the copy answers: (file, link).

    A link resolves as a static host with the copy's ``.htaccess`` serves it: ``/X`` from
    the file ``X`` or ``X.html``, ``/id/X`` to the page ``page/X.html``. Links to other
    hosts are not followed; links to DYNAMIC_PATHS (``/query?…`` too) are known to need
    the server; a link with a query string is broken, since a static host ignores it.
    """
    base = urlsplit(base_url)
    broken = []
    for page in sorted(directory.rglob("*.html")):
        relative = page.relative_to(directory).as_posix()
        if relative.startswith("w3id/"):
            continue
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            target = urlsplit(urljoin(base_url.rstrip("/") + _page_url(relative), link))
            if (target.scheme, target.netloc) != (base.scheme, base.netloc):
                continue
            if target.path in DYNAMIC_PATHS:
                continue
            if target.query or not _resolves(directory, unquote(target.path)):
                broken.append((relative, link))
    return broken


def _resolves(directory: Path, path: str) -> bool:
    if path.startswith("/id/"):
        path = "/page/" + path.removeprefix("/id/")
    relative = path.lstrip("/")
    if ".." in PurePosixPath(relative).parts:
        return False
    if relative == "" or relative.endswith("/"):
        candidates = [relative + "index.html"]
    else:
        candidates = [relative, relative + ".html"]
    return any((directory / candidate).is_file() for candidate in candidates)
