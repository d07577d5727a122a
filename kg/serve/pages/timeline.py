"""``/timeline``: the story of the siege in order (:mod:`kg.serve.views.timeline`), and
the reigns and offices around it as a lane (:mod:`kg.serve.drawings.lane`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.serve.drawings.lane import LANE_WIDTHS, reigns_lane
from kg.serve.responses import HTML, CopiedFile, html
from kg.serve.state import Server, server_of
from kg.serve.views.timeline import marked_years, read_story

__all__ = ["ROUTES", "copied_files"]


async def timeline_page(request: Request) -> Response:
    server = server_of(request)
    story = read_story(server.site)
    marks = marked_years(server.site)
    return html(
        server.page(
            "timeline",
            "timeline.html",
            title="Timeline",
            section="timeline",
            story=story,
            lanes=[(layout, reigns_lane(story.lane, marks, layout)) for layout in LANE_WIDTHS],
        )
    )


ROUTES = [Route("/timeline", timeline_page)]


def copied_files(server: Server) -> list[CopiedFile]:
    return [CopiedFile("/timeline", "timeline.html", HTML)]
