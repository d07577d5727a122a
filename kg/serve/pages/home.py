"""``/``: the index — the summary of the siege, its key facts, every resource by class."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.serve.responses import HTML, CopiedFile, html
from kg.serve.state import Server, server_of
from kg.serve.views.catalogue import index_groups
from kg.serve.views.summary import siege_summary

__all__ = ["ROUTES", "copied_files"]


async def index_page(request: Request) -> Response:
    server = server_of(request)
    site = server.site
    return html(
        server.page(
            "index",
            "index.html",
            title="The Siege of Constantinople (626)",
            section="home",
            groups=index_groups(site),
            counts=site.counts(),
            base=server.settings.public_url,
            sentences=sum(1 for slug in site.slugs if slug.startswith("sentence-")),
            open_classes={"siege", "person"},
            summary=siege_summary(site),
        )
    )


ROUTES = [Route("/", index_page)]


def copied_files(server: Server) -> list[CopiedFile]:
    return [CopiedFile("/", "index.html", HTML)]
