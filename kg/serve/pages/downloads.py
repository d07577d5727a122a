"""``/downloads``: the release files and the parts; ``/dist/NAME``: one release file;
``/static/NAME``: the style sheet. Names are looked up in listings, never joined to paths."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.serve.files import DIST_TYPES, release_files
from kg.serve.render import render
from kg.serve.responses import HTML, CopiedFile, html
from kg.serve.state import Server, server_of

__all__ = ["ROUTES", "copied_files"]

_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}


async def downloads_page(request: Request) -> Response:
    server = server_of(request)
    files = [
        (name, path.stat().st_size)
        for name, path in release_files(server.settings.dist_dir).items()
    ]
    return html(
        render(
            "downloads.html",
            title="Downloads",
            section="downloads",
            files=files,
            parts=server.site.part_names(),
        )
    )


async def release_file(request: Request) -> Response:
    server = server_of(request)
    name = request.path_params["path"]
    path = release_files(server.settings.dist_dir).get(name)
    if path is None:
        return server.not_found(request, f"no release file '{name}' (see /downloads)")
    media_type = DIST_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return Response(path.read_bytes(), media_type=media_type)


async def static_file(request: Request) -> Response:
    server = server_of(request)
    name = request.path_params["name"]
    body = server.static.get(name)
    if body is None:
        return server.not_found(request, f"no static file '{name}'")
    media_type = _STATIC_TYPES.get(Path(name).suffix, "application/octet-stream")
    return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})


ROUTES = [
    Route("/downloads", downloads_page),
    Route("/dist/{path:path}", release_file),
    Route("/static/{name}", static_file),
]


def copied_files(server: Server) -> list[CopiedFile]:
    files = [CopiedFile("/downloads", "downloads.html", HTML)]
    files.extend(CopiedFile(f"/static/{name}", f"static/{name}") for name in server.static)
    files.extend(
        CopiedFile(f"/dist/{name}", f"dist/{name}")
        for name in release_files(server.settings.dist_dir)
    )
    return files
