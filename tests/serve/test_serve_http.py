"""The server through the ASGI test client: linked data, the SPARQL protocol, limits, pages."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.queries import list_queries
from kg.serve import ServeSettings, create_app
from tests.serve.conftest import ENDLESS_QUERY

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ID = "https://w3id.org/siege626/id/"
SG = "https://w3id.org/siege626/ontology#"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SELECT_LABEL = (
    f"SELECT ?label WHERE {{ <{ID}sergius-i> <{RDFS_LABEL.value}> ?label }} ORDER BY ?label"
)
CONSTRUCT = f"CONSTRUCT {{ <{ID}bonus> ?p ?o }} WHERE {{ <{ID}bonus> ?p ?o }}"
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def triples(body: bytes, fmt: ox.RdfFormat) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in ox.parse(body, format=fmt)}


# -- Cool URIs: /id/X, /page/X, /data/X.ext ----------------------------------------------


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        (HTML_ACCEPT, "/page/sergius-i"),
        ("text/turtle", "/data/sergius-i.ttl"),
        ("application/ld+json", "/data/sergius-i.jsonld"),
        ("application/n-triples", "/data/sergius-i.nt"),
        ("text/turtle;q=0.5, application/ld+json", "/data/sergius-i.jsonld"),
        ("*/*", "/page/sergius-i"),
    ],
)
def test_an_identifier_is_303_see_other_by_accept(client, accept: str, location: str) -> None:
    response = client.get("/id/sergius-i", headers={"accept": accept})
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert "Accept" in response.headers["vary"]


def test_an_identifier_nobody_asked_for_in_an_offered_type_is_406(client) -> None:
    assert client.get("/id/sergius-i", headers={"accept": "image/png"}).status_code == 406


def test_an_unknown_identifier_is_404(client) -> None:
    assert client.get("/id/nobody-at-all").status_code == 404
    assert client.get("/page/nobody-at-all").status_code == 404
    assert client.get("/data/nobody-at-all.ttl").status_code == 404


@pytest.mark.parametrize(
    ("suffix", "media_type", "fmt"),
    [
        ("ttl", "text/turtle", ox.RdfFormat.TURTLE),
        ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_the_data_about_a_resource_parses_and_says_what_it_is(
    client, suffix: str, media_type: str, fmt: ox.RdfFormat
) -> None:
    response = client.get(f"/data/sergius-i.{suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    found = triples(response.content, fmt)
    sergius = f"<{ID}sergius-i>"
    assert (sergius, str(RDFS_LABEL), '"Sergius I"@en') in found
    assert (sergius, f"<{SG}holdsOffice>", f"<{ID}patriarch>") in found
    # Its provenance travels with it: the quotation that describes it.
    assert (f"<{ID}quote-07-03>", f"<{SG}describes>", sergius) in found


def test_every_resource_of_the_data_is_dereferenceable(client) -> None:
    from kg.serve.site import slug_of

    body = client.get("/graph/data.nt").content
    slugs = {
        slug
        for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        if isinstance(quad.subject, ox.NamedNode) and (slug := slug_of(quad.subject.value))
    }
    assert len(slugs) > 200
    for slug in sorted(slugs)[::10]:
        assert client.get(f"/id/{slug}", headers={"accept": "text/turtle"}).status_code == 303
        assert client.get(f"/data/{slug}.ttl").status_code == 200
        assert client.get(f"/page/{slug}").status_code == 200


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        (HTML_ACCEPT, "text/html"),
    ],
)
def test_the_ontology_is_served_at_its_namespace_by_accept(
    client, accept: str, media_type: str
) -> None:
    response = client.get("/ontology", headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    if media_type == "text/html":
        assert 'id="Person"' in response.text  # the hash IRI …/ontology#Person lands here
    else:
        fmt = ox.RdfFormat.TURTLE if media_type == "text/turtle" else ox.RdfFormat.JSON_LD
        assert (
            f"<{SG}Person>",
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
            "<http://www.w3.org/2002/07/owl#Class>",
        ) in triples(response.content, fmt)


# -- the SPARQL protocol ---------------------------------------------------------------


def test_get_select_as_sparql_json(client) -> None:
    response = client.get(
        "/sparql",
        params={"query": SELECT_LABEL},
        headers={"accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    labels = [b["label"] for b in response.json()["results"]["bindings"]]
    assert {"type": "literal", "value": "Sergius I", "xml:lang": "en"} in labels


def test_post_form_and_post_body_give_the_same_answer(client) -> None:
    accept = {"accept": "application/sparql-results+json"}
    form = client.post("/sparql", data={"query": SELECT_LABEL}, headers=accept)
    body = client.post(
        "/sparql",
        content=SELECT_LABEL.encode(),
        headers={**accept, "content-type": "application/sparql-query"},
    )
    assert form.status_code == body.status_code == 200
    assert form.json() == body.json()


@pytest.mark.parametrize(
    ("accept", "media_type", "marker"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
        ("text/csv", "text/csv", "label\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", "?label\n"),
        ("application/json", "application/sparql-results+json", '"bindings"'),
    ],
)
def test_select_results_by_accept(client, accept: str, media_type: str, marker: str) -> None:
    response = client.get("/sparql", params={"query": SELECT_LABEL}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert marker in response.text
    assert "Sergius I" in response.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_construct_as_rdf_by_accept(client, accept: str, fmt: ox.RdfFormat) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    assert (f"<{ID}bonus>", f"<{SG}holdsOffice>", f"<{ID}magister-militum>") in triples(
        response.content, fmt
    )


def test_describe_and_ask(client) -> None:
    describe = client.get(
        "/sparql", params={"query": f"DESCRIBE <{ID}bonus>"}, headers={"accept": "text/turtle"}
    )
    assert describe.status_code == 200 and "magister-militum" in describe.text
    ask = client.get(
        "/sparql",
        params={"query": f"ASK {{ <{ID}bonus> ?p ?o }}"},
        headers={"accept": "application/sparql-results+json"},
    )
    assert ask.json()["boolean"] is True


def test_named_graphs_and_the_dataset_parameters(client) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    accept = {"accept": "application/sparql-results+json"}

    def count(**params: str) -> int:
        response = client.get("/sparql", params={"query": query, **params}, headers=accept)
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    union = count()
    links = count(**{"default-graph-uri": "https://w3id.org/siege626/graph/links"})
    assert 0 < links < union


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST", "data": {"update": "INSERT DATA { <x:a> <x:b> <x:c> }"}},
        {
            "method": "POST",
            "content": b"INSERT DATA { <x:a> <x:b> <x:c> }",
            "headers": {"content-type": "application/sparql-update"},
        },
        {"method": "POST", "data": {"query": "INSERT DATA { <x:a> <x:b> <x:c> }"}},
        {"method": "GET", "params": {"query": "DROP ALL"}},
        {"method": "GET", "params": {"update": "DROP ALL"}},
    ],
)
def test_updates_are_refused_and_change_nothing(client, request_kwargs: dict) -> None:
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method")
    response = client.request(method, "/sparql", **kwargs)
    assert response.status_code == 403
    assert "read-only" in response.text
    ask = client.get(
        "/sparql",
        params={"query": "ASK { <x:a> ?p ?o }"},
        headers={"accept": "application/sparql-results+json"},
    )
    assert ask.json()["boolean"] is False


def test_protocol_errors(client) -> None:
    syntax = client.get("/sparql", params={"query": "SELECT WHERE {"})
    assert syntax.status_code == 400
    assert syntax.text.strip()
    twice = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert twice.status_code == 400
    untyped = client.post("/sparql", content=b"ASK {}", headers={"content-type": "text/plain"})
    assert untyped.status_code == 415
    unacceptable = client.get(
        "/sparql", params={"query": SELECT_LABEL}, headers={"accept": "image/png"}
    )
    assert unacceptable.status_code == 406


def test_service_is_refused_so_the_server_never_calls_out(client) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.text


def test_service_description_at_the_endpoint(client) -> None:
    response = client.get("/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    found = triples(response.content, ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = "<http://testserver/sparql>"
    assert (
        endpoint,
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        f"<{sd}Service>",
    ) in found
    assert (endpoint, f"<{sd}endpoint>", endpoint) in found
    assert (endpoint, f"<{sd}supportedLanguage>", f"<{sd}SPARQL11Query>") in found
    names = {o for (_, p, o) in found if p == f"<{sd}name>"}
    assert names == {
        f"<https://w3id.org/siege626/graph/{part}>"
        for part in ("ontology", "data", "links", "inferred")
    }


def test_a_browser_at_the_endpoint_gets_the_query_page(client) -> None:
    response = client.get("/sparql", headers={"accept": HTML_ACCEPT})
    assert response.status_code == 303 and response.headers["location"] == "/query"


def test_cors_lets_browser_clients_of_other_origins_query(client) -> None:
    origin = {"origin": "http://example.org"}
    simple = client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            **origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


# -- limits ----------------------------------------------------------------------------------


def test_a_result_larger_than_the_limit_is_refused(client) -> None:
    response = client.get(
        "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"accept": "text/csv"}
    )
    assert response.status_code == 500
    assert "larger than the limit" in response.text


def test_a_request_body_larger_than_the_limit_is_413(client) -> None:
    padding = "#" + "x" * 60_000 + "\nASK {}"
    response = client.post(
        "/sparql", content=padding.encode(), headers={"content-type": "application/sparql-query"}
    )
    assert response.status_code == 413


def test_a_query_past_the_time_limit_is_cut_off_and_others_are_served(client) -> None:
    outcome: dict[str, object] = {}

    def long_query() -> None:
        started = time.monotonic()
        outcome["response"] = client.get("/sparql", params={"query": ENDLESS_QUERY})
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=long_query)
    worker.start()
    time.sleep(0.3)
    started = time.monotonic()
    other = client.get(
        "/sparql", params={"query": SELECT_LABEL + " LIMIT 1"}, headers={"accept": "text/csv"}
    )
    page = client.get("/page/bonus")
    others_took = time.monotonic() - started
    worker.join(timeout=30)
    assert other.status_code == 200 and page.status_code == 200
    assert others_took < 1.0, f"other clients waited {others_took:.2f} s"
    response = outcome["response"]
    assert response.status_code == 503
    assert "time limit" in response.text
    assert 1.4 <= outcome["seconds"] < 6
    # The killed worker is replaced: queries still run afterwards.
    again = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"accept": "application/sparql-results+json"}
    )
    assert again.status_code == 200


# -- canned queries ---------------------------------------------------------------------------


CANNED = [q for q in list_queries() if all(p.default is not None for p in q.parameters)]


@pytest.mark.parametrize("query", CANNED, ids=lambda q: q.name)
def test_each_canned_query_endpoint_answers_as_its_expected_csv(client, query) -> None:
    response = client.get(f"/queries/{query.name}", headers={"accept": "text/csv"})
    assert response.status_code == 200
    expected = query.path.with_suffix(".csv").read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(response.text))) == list(csv.reader(io.StringIO(expected)))


def test_canned_query_parameters_are_bound_as_in_the_cli(client) -> None:
    response = client.get(
        "/queries/defence-leaders-of-place.json", params={"place": "constantinople"}
    )
    assert response.status_code == 200
    people = {b["personLabel"]["value"] for b in response.json()["results"]["bindings"]}
    assert people == {"Sergius I", "Bonus"}
    nowhere = client.get("/queries/defence-leaders-of-place.json", params={"place": "id:chalcedon"})
    assert nowhere.json()["results"]["bindings"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"place": "constantinople> } ; DROP ALL ; <x"}, "not a valid IRI"),
        ({"place": "evil:thing"}, "unknown prefix"),
        ({"nonsense": "1"}, "unknown parameter"),
    ],
)
def test_canned_query_parameters_are_refused_as_in_the_cli(client, params, message) -> None:
    response = client.get(
        "/queries/defence-leaders-of-place", params=params, headers={"accept": "text/csv"}
    )
    assert response.status_code == 400
    assert message in response.text


def test_a_canned_query_page_for_people(client) -> None:
    response = client.get("/queries/defence-leaders-of-place", headers={"accept": HTML_ACCEPT})
    assert response.status_code == 200
    assert "Who led the defence of a place" in response.text
    assert 'href="/page/sergius-i"' in response.text
    assert client.get("/queries/no-such-question").status_code == 404


# -- pages -------------------------------------------------------------------------------------


def test_the_entity_page_shows_each_statement_with_its_words(client) -> None:
    text = client.get("/page/sergius-i").text
    assert "<h1>Sergius I</h1>" in text
    assert "Σέργιος" in text and 'lang="grc"' in text
    assert "in the hands of patriarch Sergius I" in text
    assert 'href="/page/sentence-07"' in text
    assert 'href="/ontology#Person"' in text
    assert "English Wikipedia" in text  # the reference that gives the Greek name


def test_the_entity_page_links_to_the_hubs(client) -> None:
    text = client.get("/page/constantinople").text
    assert 'href="http://www.wikidata.org/entity/Q16869"' in text
    assert 'href="https://pleiades.stoa.org/places/520998"' in text


def test_the_sentence_page_marks_its_quotations(client) -> None:
    text = client.get("/page/sentence-07").text
    assert re.search(
        r'<a class="quote" href="/page/quote-07-03"><mark>in the hands of patriarch '
        r"Sergius I</mark></a>",
        text,
    )


def test_the_timeline_gives_both_calendars_in_order(client) -> None:
    text = client.get("/timeline").text
    july, august = text.index('id="day-1949916"'), text.index('id="day-1949923"')
    assert july < august
    assert "31 July 626</span>" in text[july:august]
    assert 'Gregorian <time datetime="0626-08-03">3 August 626</time>' in text[july:august]
    reigns = text[text.index('<ul class="lane-list">') :]
    assert (
        reigns.index("18 April 610")
        < reigns.index("5 October 610")
        < reigns.index("11 February 641")
    )


def test_the_map_draws_every_place_with_a_point(client) -> None:
    text = client.get("/map").text
    overview = text[text.index('id="map-overview"') : text.index("</svg>")]
    assert overview.count('<circle class="place') == 8
    assert 'href="/page/pontus"' in overview


def test_pages_load_nothing_from_elsewhere(client) -> None:
    for path in ("/", "/page/sergius-i", "/timeline", "/map", "/query", "/ontology.html"):
        response = client.get(path)
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "<script" not in response.text and "<img" not in response.text
        # What a page loads (style sheets, alternates) is on this server; only <a> leaves it.
        for tag in re.findall(r"<link\b[^>]*>", response.text):
            assert re.search(r'href="/', tag), tag
        assert not re.search(r'\bsrc="(?!/)', response.text)


def test_the_query_page_shows_a_table(client) -> None:
    response = client.get("/query", params={"query": SELECT_LABEL})
    assert response.status_code == 200
    assert '<th scope="col">Label</th>' in response.text and "Sergius I" in response.text
    bad = client.get("/query", params={"query": "SELECT nonsense"})
    assert bad.status_code == 400 and 'class="error"' in bad.text


def test_an_example_on_the_query_page_runs_with_its_defaults_bound(client) -> None:
    response = client.get("/query", params={"example": "defence-leaders-of-place"})
    assert response.status_code == 200
    assert "VALUES (?place)" in response.text  # the text shown is the text run
    assert 'href="/page/sergius-i"' in response.text and 'href="/page/bonus"' in response.text


def test_void_describes_the_dataset_and_its_endpoint(client) -> None:
    response = client.get("/void", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    found = triples(response.content, ox.RdfFormat.TURTLE)
    dataset = "<https://w3id.org/siege626/dataset>"
    assert (
        dataset,
        "<http://rdfs.org/ns/void#sparqlEndpoint>",
        "<http://testserver/sparql>",
    ) in found
    assert any(p == "<http://rdfs.org/ns/void#triples>" for (s, p, _) in found if s == dataset)


# -- nothing outside the served set ----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/data/../../etc/passwd",
        "/data/%2e%2e/%2e%2e/etc/passwd",
        "/data/..%2f..%2fetc%2fpasswd",
        "/data/%252e%252e%252fetc%252fpasswd",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/static/../app.py",
        "/dist/..%2f..%2fetc%2fpasswd",
        "/page/..%2f..%2fetc%2fpasswd",
        "/graph/..%2fdata",
        "/queries/..%2fqc%2fmissing-label-violation",
    ],
)
def test_path_traversal_reaches_nothing(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.text and "[project]" not in response.text


def test_release_files_are_served_and_nothing_beside_them(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "docs").mkdir(parents=True)
    (dist / "siege626.ttl").write_text("# release\n")
    (dist / "docs" / "index.html").write_text("<p>docs</p>")
    (dist / ".hidden").write_text("secret")
    (tmp_path / "outside.txt").write_text("outside")
    (dist / "link.txt").symlink_to(tmp_path / "outside.txt")
    (dist / "passwd").symlink_to("/etc/passwd")
    settings = ServeSettings(dist_dir=dist, workers=1, base_url="http://testserver/")
    with TestClient(create_app(settings), follow_redirects=False) as release_client:
        assert release_client.get("/dist/siege626.ttl").text == "# release\n"
        assert release_client.get("/dist/docs/index.html").status_code == 200
        for name in (
            "link.txt",
            "passwd",
            ".hidden",
            "../outside.txt",
            "docs/../../outside.txt",
            "%2e%2e/outside.txt",
        ):
            assert release_client.get(f"/dist/{name}").status_code == 404, name
        listing = release_client.get("/downloads").text
        assert "siege626.ttl" in listing and "passwd" not in listing and "link.txt" not in listing


def test_security_headers(client) -> None:
    response = client.get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_cached_answers_are_the_same_answers(client) -> None:
    first = client.get("/queries/alliances.json").content
    second = client.get("/queries/alliances.json").content
    assert first == second
    assert json.loads(first)["results"]["bindings"]
