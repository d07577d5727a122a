"""Every kind of page of ``kg serve`` and ``kg site``, one module each.

A module gives its ``ROUTES`` (what the server answers) and ``copied_files(server)``
(which of those URLs the static copy of ``kg site`` writes, and to which file), so a new
kind of page is one new module, listed here:

* :mod:`~kg.serve.pages.home` — ``/``, the index;
* :mod:`~kg.serve.pages.resource` — ``/id/X``, ``/page/X``, ``/data/X.ttl|jsonld|nt``;
* :mod:`~kg.serve.pages.documents` — ``/ontology``, ``/graph/P``, ``/void``;
* :mod:`~kg.serve.pages.timeline` — ``/timeline``;
* :mod:`~kg.serve.pages.map` — ``/map`` and each place page's small map;
* :mod:`~kg.serve.pages.questions` — ``/queries`` and ``/queries/NAME``;
* :mod:`~kg.serve.pages.search` — ``/search?q=``;
* :mod:`~kg.serve.pages.query_form` — ``/query``;
* :mod:`~kg.serve.pages.endpoint` — ``/sparql``;
* :mod:`~kg.serve.pages.downloads` — ``/downloads``, ``/dist/NAME``, ``/static/NAME``.

What the pages show of the graph is read by :class:`kg.serve.site.SiteGraph`; the HTML is
written by the templates (:mod:`kg.serve.render`).
"""

from __future__ import annotations

from types import ModuleType

from starlette.routing import Route

from kg.serve.pages import (
    documents,
    downloads,
    endpoint,
    home,
    map,
    query_form,
    questions,
    resource,
    search,
    timeline,
)
from kg.serve.responses import CopiedFile
from kg.serve.state import Server

__all__ = ["PAGE_MODULES", "copied_files", "routes"]

PAGE_MODULES: tuple[ModuleType, ...] = (
    home,
    resource,
    documents,
    timeline,
    map,
    questions,
    search,
    query_form,
    endpoint,
    downloads,
)


def routes() -> list[Route]:
    """Every route of the application, in the order the modules are listed."""
    return [route for module in PAGE_MODULES for route in module.ROUTES]


def copied_files(server: Server) -> list[CopiedFile]:
    """Every file of the static copy, from each kind of page's own list."""
    return [item for module in PAGE_MODULES for item in module.copied_files(server)]
