"""HTTP content negotiation: read an Accept header and pick one of the offered media types.

The rules are RFC 9110's: ``type/subtype;q=…`` ranges, ``type/*`` and ``*/*`` wildcards,
the most specific range decides a type's quality, ``q=0`` refuses it. Among types of
equal quality the server's own order of preference wins, so a client that sends
``*/*`` (or nothing) gets the first type offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "choose", "parse_accept"]


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header: ``type/subtype`` with its parameters and quality."""

    type: str
    subtype: str
    quality: float
    params: tuple[tuple[str, str], ...] = ()

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 3 exact … 1 ``*/*``, 0 not."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type != kind:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges: list[MediaRange] = []
    for element in header.split(","):
        pieces = [piece.strip() for piece in element.split(";")]
        kind, slash, sub = pieces[0].lower().partition("/")
        if not slash or not kind or not sub:
            continue  # a malformed element is ignored, as browsers and servers do
        quality = 1.0
        params: list[tuple[str, str]] = []
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            name = name.strip().lower()
            if name == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
            elif name:
                params.append((name, value.strip().strip('"')))
        ranges.append(MediaRange(kind, sub, quality, tuple(params)))
    return ranges


def _quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    best_specificity, quality = 0, 0.0
    for media_range in ranges:
        specificity = media_range.matches(media_type)
        if specificity > best_specificity:
            best_specificity, quality = specificity, media_range.quality
    return quality


def choose(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers most, or None if it accepts none of them.

    ``offered`` is in the server's order of preference, which breaks ties.
    """
    ranges = parse_accept(accept)
    best: str | None = None
    best_quality = 0.0
    for media_type in offered:
        quality = _quality(ranges, media_type)
        if quality > best_quality:
            best, best_quality = media_type, quality
    return best
