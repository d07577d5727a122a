"""Places as Linked Places Format (LPF): the GeoJSON-LD FeatureCollection of the World
Historical Gazetteer.

A place (an instance of sg:Place or a subclass) becomes a Feature when it has a
GeoSPARQL geometry, ``geo:hasGeometry [ geo:asWKT "POINT(long lat)"^^geo:wktLiteral ]``;
the others are left out and counted. Each name carries its citations: the quotations
(line and exact words of the source) or reference citations that state it, found with
the provenance rule of data/siege626.ttl (``sg:describes`` / ``sg:states``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pyoxigraph

from kg.canonical import CanonicalDataset
from kg.queries import asserted_dataset_options
from kg.wkt import WktError, wkt_to_geojson

__all__ = ["LPF_CONTEXT", "PlacesResult", "places_collection", "render_places"]

LPF_CONTEXT = (
    "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/"
    "linkedplaces-context-v1.1.jsonld"
)

_PREFIXES = """\
PREFIX sg: <https://w3id.org/siege626/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
"""

_PLACES = """
SELECT ?place ?class ?classLabel WHERE {
  ?place a ?class . ?class rdfs:subClassOf* sg:Place .
  OPTIONAL { ?class rdfs:label ?classLabel FILTER(langMatches(lang(?classLabel), "en")) }
}"""

# The provenance rule of data/siege626.ttl, as queries/facts-and-quotations-per-line.rq
# applies it: a citation states a triple it reifies, or every triple of a resource it
# describes that no other citation claims. "No other citation claims" is a MINUS whose
# pattern binds the same ?citation ?place ?predicate ?value: Oxigraph evaluates it once,
# as a hash join, where a FILTER NOT EXISTS is evaluated again for every row (which
# grew with the square of the graph).
_STATED_BY = """
  {
    ?citation sg:states ?st .
    ?st rdf:subject ?place ; rdf:predicate ?predicate ; rdf:object ?value .
  } UNION {
    ?citation sg:describes ?place .
    ?place ?predicate ?value .
    MINUS {
      ?citation sg:describes ?place .
      ?other sg:states ?st2 .
      ?st2 rdf:subject ?place ; rdf:predicate ?predicate ; rdf:object ?value .
      FILTER(?other != ?citation)
    }
  }"""

_NAMES = f"""
SELECT ?place ?predicate ?value ?citation WHERE {{
  VALUES ?predicate {{ rdfs:label skos:altLabel }}
  ?place ?predicate ?value .
  OPTIONAL {{ {_STATED_BY} }}
}}"""

_GEOMETRIES = f"""
SELECT ?place ?value ?wkt ?citation WHERE {{
  VALUES ?predicate {{ geo:hasGeometry geo:hasDefaultGeometry }}
  ?place ?predicate ?value . ?value geo:asWKT ?wkt .
  OPTIONAL {{ {_STATED_BY} }}
}}"""

_CITATIONS = """
SELECT ?citation ?exact ?line ?document ?locator ?reference ?referenceLabel ?record WHERE {
  { ?citation sg:states [] } UNION { ?citation sg:describes [] }
  OPTIONAL { ?citation sg:exact ?exact }
  OPTIONAL { ?citation sg:inSentence/sg:lineNumber ?line }
  OPTIONAL { ?citation sg:inSentence/sg:inDocument/dcterms:bibliographicCitation ?document }
  OPTIONAL { ?citation sg:locator ?locator }
  OPTIONAL { ?citation sg:citesReference/dcterms:bibliographicCitation ?reference }
  OPTIONAL { ?citation sg:citesReference/rdfs:label ?referenceLabel }
  OPTIONAL { ?citation sg:record ?record }
}"""

_RELATIONS = """
SELECT ?place ?parent ?parentLabel WHERE {
  ?place sg:partOf ?parent . ?parent a/rdfs:subClassOf* sg:Place .
  OPTIONAL { ?parent rdfs:label ?parentLabel FILTER(langMatches(lang(?parentLabel), "en")) }
}"""

_LINKS = """
SELECT ?place ?predicate ?target WHERE {
  VALUES ?predicate { skos:exactMatch skos:closeMatch owl:sameAs rdfs:seeAlso }
  ?place ?predicate ?target . FILTER(isIRI(?target))
}"""

_LINK_TYPES = {
    "http://www.w3.org/2004/02/skos/core#exactMatch": "exactMatch",
    "http://www.w3.org/2002/07/owl#sameAs": "exactMatch",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "closeMatch",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": "seeAlso",
}
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class PlacesResult:
    """The FeatureCollection, how many places it holds, and those left out and why."""

    collection: dict[str, Any]
    places: int
    left_out: dict[str, str]

    @property
    def notes(self) -> tuple[str, ...]:
        if not self.left_out:
            return ()
        total = self.places + len(self.left_out)
        reasons = Counter(self.left_out.values())
        return tuple(
            f"lpf: {count} of {total} places left out: {reason}"
            for reason, count in sorted(reasons.items())
        )


@dataclass(frozen=True)
class _Rendered:
    data: bytes
    notes: tuple[str, ...]


def _rows(store: pyoxigraph.Store, query: str) -> list[dict[str, Any]]:
    # Over what is asserted: a place's types are its own classes, not every superclass
    # that the generated part inferred states.
    solutions = store.query(_PREFIXES + query, **asserted_dataset_options(store))
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    names = [variable.value for variable in solutions.variables]
    return [
        {name: solution[name] for name in names if solution[name] is not None}
        for solution in solutions
    ]


def _text(term: Any) -> str:
    return str(term.value)


def places_collection(dataset: CanonicalDataset) -> PlacesResult:
    """The places of ``dataset`` that have coordinates, as an LPF FeatureCollection."""
    store = dataset.store()
    places: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(store, _PLACES):
        label = _text(row["classLabel"]) if "classLabel" in row else _text(row["class"])
        places[_text(row["place"])].append((_text(row["class"]), label))
    citations = _citation_labels(store)
    features: list[dict[str, Any]] = []
    left_out: dict[str, str] = {}
    geometries = _geometries(store, citations)
    names = _names(store, citations)
    relations = _relations(store)
    links = _links(store)
    for place in sorted(places):
        found = geometries.get(place)
        if not found:
            left_out[place] = "no coordinates (geo:hasGeometry/geo:asWKT)"
            continue
        readable = [geometry for geometry in found if "error" not in geometry]
        if not readable:
            left_out[place] = "a geometry that is not a 2D WKT point, line or polygon in CRS84"
            continue
        features.append(
            _feature(place, places[place], names.get(place, []), readable, relations, links)
        )
    collection = {"type": "FeatureCollection", "@context": LPF_CONTEXT, "features": features}
    return PlacesResult(collection, len(features), left_out)


def render_places(dataset: CanonicalDataset) -> _Rendered:
    """The FeatureCollection as written (sorted keys, two-space indent) and its notes."""
    result = places_collection(dataset)
    text = json.dumps(result.collection, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return _Rendered(text.encode("utf-8"), result.notes)


def _feature(
    place: str,
    classes: list[tuple[str, str]],
    names: list[dict[str, Any]],
    geometries: list[dict[str, Any]],
    relations: dict[str, list[dict[str, str]]],
    links: dict[str, list[dict[str, str]]],
) -> dict[str, Any]:
    english = [name for name in names if name.get("lang") == "en" and name["_label"]]
    title = (english or [name for name in names if name["_label"]] or names or [{}])[0]
    feature: dict[str, Any] = {
        "@id": place,
        "type": "Feature",
        "properties": {"title": title.get("toponym", place)},
        "names": [{k: v for k, v in name.items() if not k.startswith("_")} for name in names],
        "types": [{"identifier": iri, "label": label} for iri, label in sorted(set(classes))],
        "geometry": geometries[0]
        if len(geometries) == 1
        else {"type": "GeometryCollection", "geometries": geometries},
    }
    if relations.get(place):
        feature["relations"] = relations[place]
    if links.get(place):
        feature["links"] = links[place]
    return feature


def _citation_labels(store: pyoxigraph.Store) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for row in _rows(store, _CITATIONS):
        citation = _text(row["citation"])
        if citation in labels:
            continue
        if "exact" in row:
            where = f"line {_text(row['line'])}" if "line" in row else "the source text"
            source = _text(row["document"]) if "document" in row else "the source text"
            label = f"{source} {where[0].upper()}{where[1:]}: “{_text(row['exact'])}”"
        else:
            reference = row.get("reference") or row.get("referenceLabel")
            parts = [_text(reference) if reference else "", _text(row.get("locator", ""))]
            label = " ".join(part for part in parts if part) or citation
        identifier = _text(row["record"]) if "record" in row else citation
        labels[citation] = {"@id": identifier, "label": label}
    return labels


def _cited(rows: list[dict[str, Any]], citations: dict[str, dict[str, str]]) -> list[dict]:
    found = {_text(row["citation"]) for row in rows if "citation" in row}
    return [citations[citation] for citation in sorted(found) if citation in citations]


def _names(
    store: pyoxigraph.Store, citations: dict[str, dict[str, str]]
) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(store, _NAMES):
        value = row["value"]
        language = value.language if isinstance(value, pyoxigraph.Literal) else None
        key = (_text(row["place"]), _text(row["predicate"]), _text(value), language or "")
        grouped[key].append(row)
    names: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (place, predicate, toponym, language), rows in sorted(
        grouped.items(), key=lambda item: (item[0][0], item[0][1] != _LABEL, *item[0][1:])
    ):
        name: dict[str, Any] = {"toponym": toponym, "_label": predicate == _LABEL}
        if language:
            name["lang"] = language
        cited = _cited(rows, citations)
        if cited:
            name["citations"] = cited
        names[place].append(name)
    return names


def _geometries(
    store: pyoxigraph.Store, citations: dict[str, dict[str, str]]
) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    # The WKT sorts before the geometry's node: a blank node's label is the store's own
    # and changes from run to run, so it may only break ties between identical points.
    for row in _rows(store, _GEOMETRIES):
        grouped[(_text(row["place"]), _text(row["wkt"]), _text(row["value"]))].append(row)
    geometries: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (place, wkt, _geometry), rows in sorted(grouped.items()):
        try:
            geometry: dict[str, Any] = wkt_to_geojson(wkt)
        except WktError as error:
            geometries[place].append({"error": str(error)})
            continue
        cited = _cited(rows, citations)
        if cited:
            geometry["citations"] = cited
        geometries[place].append(geometry)
    return geometries


def _relations(store: pyoxigraph.Store) -> dict[str, list[dict[str, str]]]:
    relations: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in sorted(_rows(store, _RELATIONS), key=lambda row: _text(row["parent"])):
        parent = _text(row["parent"])
        label = _text(row["parentLabel"]) if "parentLabel" in row else parent
        relations[_text(row["place"])].append(
            {
                "relationType": "gvp:broaderPartitive",
                "relationTo": parent,
                "label": f"part of {label}",
            }
        )
    return relations


def _links(store: pyoxigraph.Store) -> dict[str, list[dict[str, str]]]:
    links: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in sorted(
        _rows(store, _LINKS), key=lambda row: (_text(row["target"]), _text(row["predicate"]))
    ):
        link = {"type": _LINK_TYPES[_text(row["predicate"])], "identifier": _text(row["target"])}
        if link not in links[_text(row["place"])]:
            links[_text(row["place"])].append(link)
    return links
