"""``/timeline``: the events of the siege in order, on an axis of days."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.serve.responses import HTML, CopiedFile, html
from kg.serve.site import TimelineEntry
from kg.serve.state import Server, server_of

__all__ = ["ROUTES", "copied_files", "timeline_strip"]


async def timeline_page(request: Request) -> Response:
    server = server_of(request)
    entries = server.site.timeline()
    return html(
        server.page(
            "timeline",
            "timeline.html",
            title="Timeline",
            entries=entries,
            events=len({entry.event.iri for entry in entries}),
            strip=timeline_strip(entries),
        )
    )


ROUTES = [Route("/timeline", timeline_page)]


def copied_files(server: Server) -> list[CopiedFile]:
    return [CopiedFile("/timeline", "timeline.html", HTML)]


def timeline_strip(entries: Sequence[TimelineEntry], width: int = 720, height: int = 70) -> str:
    """A horizontal axis of years with a mark for each dated entry (by Julian Day Number)."""
    days = [e.date.julian_day_number for e in entries if e.date.julian_day_number]
    if not days:
        return ""
    first_year = int(min(e.date.gregorian_iso[:4] for e in entries))
    last_year = int(max(e.date.gregorian_iso[:4] for e in entries)) + 1
    start, end = _jdn_of_year(first_year), _jdn_of_year(last_year)

    def x(day: int) -> float:
        return 20 + (day - start) / max(end - start, 1) * (width - 40)

    parts = [
        f'<svg class="strip" id="timeline-strip" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="Dated entries on an axis of years" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line class="tick" x1="20" y1="30" x2="{width - 20}" y2="30"/>',
    ]
    step = 5 if last_year - first_year > 12 else 1
    for year in range(first_year - first_year % step, last_year + 1, step):
        if year < first_year:
            continue
        px = x(_jdn_of_year(year))
        parts.append(f'<line class="tick" x1="{px:.1f}" y1="24" x2="{px:.1f}" y2="36"/>')
        parts.append(
            f'<text class="tick-label" x="{px:.1f}" y="54" text-anchor="middle">{year}</text>'
        )
    for entry in entries:
        if entry.date.julian_day_number:
            px = x(entry.date.julian_day_number)
            parts.append(
                f'<circle class="mark" cx="{px:.1f}" cy="30" r="5"><title>'
                f"{_escape(entry.date.julian)} (Julian): {_escape(entry.event.label)}"
                "</title></circle>"
            )
    parts.append("</svg>")
    return "\n".join(parts)


def _jdn_of_year(year: int) -> int:
    """Julian Day Number of 1 January of a proleptic Gregorian year."""
    a = 13 // 12
    y = year + 4800 - a
    m = 1 + 12 * a - 3
    return 1 + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
