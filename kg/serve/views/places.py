"""The places of the graph for the map: those with a point, and those without one."""

from __future__ import annotations

import pyoxigraph as ox

from kg.namespaces import SG
from kg.serve.site import GEO, RDFS, Link, Place, SiteGraph, slug_of

__all__ = ["places_with_points", "places_without_points"]


def places_with_points(site: SiteGraph) -> list[Place]:
    found = [
        place
        for subject in {s for (s, p, _) in site.triples if p.value == GEO + "hasGeometry"}
        if (place := site.place_view(subject)) is not None
    ]
    return sorted(found, key=lambda place: place.link.label)


def places_without_points(site: SiteGraph) -> list[tuple[Link, Link | None]]:
    """The places (sg:Place or a subclass) with no point, each with what it is part of."""
    query = f"""SELECT DISTINCT ?place ?whole WHERE {{
        ?place a/<{RDFS}subClassOf>* <{SG}Place> .
        FILTER NOT EXISTS {{ ?place <{GEO}hasGeometry> ?geometry }}
        OPTIONAL {{ ?place <{SG}partOf> ?whole }} }}"""
    rows = site.store.query(query, use_default_graph_as_union=True)
    found: dict[str, tuple[Link, Link | None]] = {}
    for row in rows:  # type: ignore[union-attr]
        place, whole = row["place"], row["whole"]
        if isinstance(place, ox.NamedNode) and site.has_slug(slug_of(place.value) or ""):
            found.setdefault(place.value, (site.link(place), site.link(whole) if whole else None))
    return sorted(found.values(), key=lambda pair: pair[0].label.lower())
