"""``/``: the index — the summary of the siege, its key facts, every resource by class."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.serve.responses import HTML, CopiedFile, html
from kg.serve.state import Server, server_of

__all__ = ["ROUTES", "copied_files"]


async def index_page(request: Request) -> Response:
    server = server_of(request)
    site = server.site
    return html(
        server.page(
            "index",
            "index.html",
            title="The Siege of Constantinople (626)",
            groups=site.index(),
            counts=site.counts(),
            base=server.settings.public_url,
            sentences=sum(1 for slug in site.slugs if slug.startswith("sentence-")),
            open_classes={"siege", "person"},
            summary=site.siege_summary(),
        )
    )


ROUTES = [Route("/", index_page)]


def copied_files(server: Server) -> list[CopiedFile]:
    return [CopiedFile("/", "index.html", HTML)]
