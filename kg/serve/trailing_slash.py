"""``/page/X/`` → ``/page/X``: the trailing-slash redirect of ``kg serve``, relative.

No URL of the application ends in a slash (but ``/``), so a path that does is sent on to
the same path without its trailing slashes, when that path is one the application
answers. Starlette's own redirect (``redirect_slashes``) writes an absolute URL from the
request's Host header, its port as sent and the scheme the server sees (``http`` behind
a TLS proxy); this one writes a path, resolved by the client against the URL it asked
for, so nothing in it comes from the Host header.

:func:`slashless_patterns` gives the same decision to the static copy's Apache rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, quote_from_bytes

from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

__all__ = ["TrailingSlashRedirect", "install", "slashless_location", "slashless_patterns"]

STATUS = 307  # temporary, and the method is kept (a POST to /sparql/ stays a POST)

# Characters a path keeps as they are in a Location; everything else (``%``, ``?``,
# ``#``, spaces, non-ASCII) is percent-encoded, so the client asks for exactly the path
# that was matched.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?%"


def _matches(routes: Sequence[BaseRoute], scope: Scope, path: str) -> bool:
    candidate = {**scope, "path": path}
    return any(route.matches(candidate)[0] is not Match.NONE for route in routes)


def slashless_location(routes: Sequence[BaseRoute], scope: Scope) -> str | None:
    """The relative Location for a request whose path ends in slashes, or None.

    None unless the path (``/`` aside) ends in ``/``, matches no route itself, and
    matches one without its trailing slashes. The Location is an absolute path, never a
    network-path reference (``//host``), with the request's query string kept byte for
    byte.
    """
    path: str = scope["path"]
    if scope["type"] != "http" or path == "/" or not path.endswith("/"):
        return None
    target = path.rstrip("/")
    # "//x" or "/\\x" would be read by a browser as another host.
    if not target.startswith("/") or target[1:2] in ("/", "\\"):
        return None
    if _matches(routes, scope, path) or not _matches(routes, scope, target):
        return None
    location = quote(target, safe=_PATH_SAFE)
    query: bytes = scope.get("query_string", b"")
    if query:
        location += "?" + quote_from_bytes(query, safe=_QUERY_SAFE)
    return location


class TrailingSlashRedirect:
    """The router's default (what runs when no route matches): the relative redirect
    above, else the router's own 404."""

    def __init__(self, router: Router) -> None:
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        location = slashless_location(self.router.routes, scope)
        if location is None:
            await self.router.not_found(scope, receive, send)
            return
        await RedirectResponse(location, STATUS)(scope, receive, send)


def install(router: Router) -> None:
    """Replace Starlette's absolute trailing-slash redirect by the relative one."""
    router.redirect_slashes = False
    router.default = TrailingSlashRedirect(router)


def slashless_patterns(routes: Sequence[BaseRoute]) -> list[str]:
    """The routes' path patterns (Starlette's own regular expressions, which PCRE reads
    alike), for rules that must redirect exactly the paths the application redirects."""
    return [route.path_regex.pattern for route in routes if isinstance(route, Route)]
