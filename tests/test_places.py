"""Linked Places Format: valid GeoJSON, valid JSON-LD, a citation on every name, and the
places without coordinates counted, not written."""

from __future__ import annotations

import json
from pathlib import Path

import geojson
import pytest
from pyld import jsonld

from kg.canonical import canonicalize
from kg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from kg.parts import Part
from kg.places import LPF_CONTEXT, places_collection, render_places
from kg.wkt import WktError, wkt_to_geojson

FIXTURES = Path(__file__).parent / "fixtures" / "exports"

# The terms of the Linked Places v1.1 context that the export uses, written out here so
# that the test runs without the network (the published context maps the same keys).
LPF_TERMS = {
    "@context": {
        "type": "@type",
        "lpo": "http://linkedpasts.org/ontology/lpo_latest.ttl#",
        "geojson": "https://purl.org/geojson/vocab#",
        "gvp": "http://vocab.getty.edu/ontology#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "dct": "http://purl.org/dc/terms/",
        "cito": "http://purl.org/spar/cito#",
        "FeatureCollection": "geojson:FeatureCollection",
        "Feature": "geojson:Feature",
        "GeometryCollection": "geojson:GeometryCollection",
        "Point": "geojson:Point",
        "LineString": "geojson:LineString",
        "Polygon": "geojson:Polygon",
        "features": {"@id": "lpo:hasFeature", "@container": "@set"},
        "properties": "geojson:properties",
        "geometry": "https://github.com/kgeographer/geojson-t/geometry",
        "geometries": {"@id": "lpo:setting", "@container": "@set"},
        "coordinates": {"@id": "geojson:coordinates", "@container": "@list"},
        "title": "dct:title",
        "label": "rdfs:label",
        "identifier": "dct:identifier",
        "names": {"@id": "lpo:name_attestation", "@container": "@set"},
        "toponym": "lpo:toponym",
        "lang": "dct:language",
        "types": {"@id": "lpo:type_attestation", "@container": "@set"},
        "relations": {"@id": "lpo:rel_attestation", "@container": "@set"},
        "relationType": "lpo:relation_type",
        "relationTo": "lpo:relation_to",
        "links": {"@id": "lpo:link_attestation", "@container": "@set"},
        "exactMatch": "skos:exactMatch",
        "closeMatch": "skos:closeMatch",
        "seeAlso": "rdfs:seeAlso",
        "citations": {"@id": "cito:cites", "@type": "@id"},
    }
}


def loader(url: str, options: object = None) -> dict:
    assert url == LPF_CONTEXT
    return {"contextUrl": None, "documentUrl": url, "document": LPF_TERMS}


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    parts = [
        Part("ontology", ONTOLOGY_GRAPH, (FIXTURES / "ontology.ttl",)),
        Part("data", DATA_GRAPH, (FIXTURES / "data.ttl",)),
    ]
    return places_collection(canonicalize(parts))


def test_only_places_with_readable_coordinates_are_features(result) -> None:  # type: ignore[no-untyped-def]
    ids = [feature["@id"].rsplit("/", 1)[1] for feature in result.collection["features"]]
    assert ids == ["test-harbour", "test-wall", "testopolis"]
    assert result.left_out == {
        "https://w3id.org/siege626/id/test-bay": "no coordinates (geo:hasGeometry/geo:asWKT)",
        "https://w3id.org/siege626/id/test-hill": (
            "a geometry that is not a 2D WKT point, line or polygon in CRS84"
        ),
    }
    assert result.notes == (
        "lpf: 1 of 5 places left out: "
        "a geometry that is not a 2D WKT point, line or polygon in CRS84",
        "lpf: 1 of 5 places left out: no coordinates (geo:hasGeometry/geo:asWKT)",
    )


def test_collection_is_valid_geojson(result) -> None:  # type: ignore[no-untyped-def]
    parsed = geojson.loads(json.dumps(result.collection))
    assert isinstance(parsed, geojson.FeatureCollection)
    assert parsed.is_valid, parsed.errors()
    for feature in parsed["features"]:
        assert geojson.GeoJSON.to_instance(feature["geometry"]).is_valid


def test_collection_is_valid_json_ld(result) -> None:  # type: ignore[no-untyped-def]
    nquads = jsonld.to_rdf(
        result.collection, {"format": "application/n-quads", "documentLoader": loader}
    )
    assert (
        "<https://w3id.org/siege626/id/testopolis> <http://linkedpasts.org/ontology/lpo_latest.ttl#name_attestation>"
        in nquads
    )
    assert '"Testopolis"@en' not in nquads  # toponym and lang are separate keys in LPF
    assert '"Testopolis"' in nquads
    assert "<http://purl.org/spar/cito#cites> <https://w3id.org/siege626/id/quote-01-01>" in nquads


def test_each_feature_cites_the_words_that_name_it(result) -> None:  # type: ignore[no-untyped-def]
    features = {
        feature["@id"].rsplit("/", 1)[1]: feature for feature in result.collection["features"]
    }
    city = features["testopolis"]
    assert city["properties"] == {"title": "Testopolis"}
    names = {(name["toponym"], name.get("lang")): name for name in city["names"]}
    assert names[("Testopolis", "en")]["citations"] == [
        {
            "@id": "https://w3id.org/siege626/id/quote-01-01",
            "label": "A test account, CC BY-SA 4.0. Line 1: “The city of Testopolis”",
        }
    ]
    # A triple that another quotation states (sg:states) is not the describing one's.
    assert [c["@id"] for c in names[("the walled city", "en")]["citations"]] == [
        "https://w3id.org/siege626/id/quote-01-02"
    ]
    assert city["geometry"] == {
        "type": "Point",
        "coordinates": [28.95, 41.01],
        "citations": city["geometry"]["citations"],
    }
    assert city["links"] == [
        {"type": "exactMatch", "identifier": "https://pleiades.stoa.org/places/000001"}
    ]
    assert city["types"] == [
        {"identifier": "https://w3id.org/siege626/ontology#City", "label": "city"}
    ]
    wall = features["test-wall"]
    assert wall["geometry"]["type"] == "LineString"
    assert wall["relations"] == [
        {
            "relationType": "gvp:broaderPartitive",
            "relationTo": "https://w3id.org/siege626/id/testopolis",
            "label": "part of Testopolis",
        }
    ]
    assert features["test-harbour"]["geometry"]["type"] == "GeometryCollection"


def test_rendering_is_stable() -> None:
    parts = [
        Part("ontology", ONTOLOGY_GRAPH, (FIXTURES / "ontology.ttl",)),
        Part("data", DATA_GRAPH, (FIXTURES / "data.ttl",)),
    ]
    assert render_places(canonicalize(parts)).data == render_places(canonicalize(parts)).data


@pytest.mark.parametrize(
    ("wkt", "geometry"),
    [
        ("POINT(28.97 41.01)", {"type": "Point", "coordinates": [28.97, 41.01]}),
        (" point ( -1 2.5e1 ) ", {"type": "Point", "coordinates": [-1.0, 25.0]}),
        (
            "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POLYGON((0 0, 1 0, 1 1, 0 0))",
            {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]},
        ),
    ],
)
def test_wkt_is_read_as_geojson(wkt: str, geometry: dict) -> None:
    assert wkt_to_geojson(wkt) == geometry


@pytest.mark.parametrize(
    "wkt",
    [
        "<http://www.opengis.net/def/crs/EPSG/0/4326> POINT(41 29)",
        "POINT(200 10)",
        "POINT EMPTY",
        "LINESTRING(1 2)",
        "POLYGON((0 0, 1 0, 1 1, 0 1))",
        "MULTIPOINT((1 2), (3 4))",
        "POINT(1 2 3)",
    ],
)
def test_wkt_that_is_not_read_fails_with_a_reason(wkt: str) -> None:
    with pytest.raises(WktError):
        wkt_to_geojson(wkt)


def test_a_describing_citation_gives_way_only_to_another_that_states_the_name(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data.ttl"
    data.write_text(
        """\
@prefix id: <https://w3id.org/siege626/id/> .
@prefix sg: <https://w3id.org/siege626/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
id:port a sg:Place ; rdfs:label "Port"@en , "Harbour"@en ;
    geo:hasGeometry [ geo:asWKT "POINT(29 41)"^^geo:wktLiteral ] .
id:quote-a sg:exact "the port" ; sg:describes id:port ;
    sg:states [ rdf:subject id:port ; rdf:predicate rdfs:label ; rdf:object "Port"@en ] .
id:quote-b sg:exact "the harbour" ; sg:describes id:port .
""",
        encoding="utf-8",
    )
    collection = places_collection(canonicalize([Part("data", DATA_GRAPH, (data,))])).collection
    (feature,) = collection["features"]
    cited = {
        name["toponym"]: [citation["@id"].rsplit("/", 1)[1] for citation in name["citations"]]
        for name in feature["names"]
    }
    # "Port" is stated by quote-a, so quote-b's description does not claim it; nobody
    # states "Harbour", so both descriptions do.
    assert cited == {"Port": ["quote-a"], "Harbour": ["quote-a", "quote-b"]}
