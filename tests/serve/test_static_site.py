"""``kg site``: the static copy equals what ``kg serve`` renders, its links resolve, and
Debian's Apache serves it with its ``.htaccess`` — the w3id.org rules included — so that
an id IRI resolves to HTML or to RDF by the Accept header.

Apache runs as this test's own process, with its own configuration in a temporary
directory (loopback, a free port, modules loaded from /usr/lib/apache2/modules), and the
test stops exactly that process by the PID it wrote.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pyoxigraph as ox
import pytest

from kg.publish import DYNAMIC_PATHS, broken_links, build_site
from kg.site_rules import NEGOTIATION, static_htaccess, w3id_htaccess
from tests.cli_helpers import assert_one_line_error, invoke, run_killed
from tests.serve.conftest import RunningServer, free_port, require_tool

APACHE = "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
IRI = "https://w3id.org/siege626/id/sergius-i"
RDF = {
    "text/turtle": (".ttl", ox.RdfFormat.TURTLE),
    "application/ld+json": (".jsonld", ox.RdfFormat.JSON_LD),
    "application/n-triples": (".nt", ox.RdfFormat.N_TRIPLES),
}


@pytest.fixture(scope="module")
def server_copy(running_server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy published at the running server's own address, as that server's pages."""
    out = tmp_path_factory.mktemp("site") / "copy"
    build_site(out, base_url=running_server.url + "/", dist_dir=None)
    return out


def _url_of(relative: str) -> tuple[str, dict[str, str]]:
    """The URL of the server that a file of the copy was rendered from, and its Accept."""
    if relative == "index.html":
        return "/", {"Accept": "text/html"}
    if relative == "queries/index.html":
        return "/queries", {"Accept": "text/html"}
    if relative.startswith("void."):
        suffix = relative.removeprefix("void.")
        types = {"html": "text/html", "ttl": "text/turtle"}
        types |= {"jsonld": "application/ld+json", "nt": "application/n-triples"}
        return "/void", {"Accept": types[suffix]}
    if relative.endswith(".html"):
        return "/" + relative.removesuffix(".html"), {"Accept": "text/html"}
    return "/" + relative, {}


def test_every_file_equals_what_the_server_answers(
    server_copy: Path, running_server: RunningServer
) -> None:
    files = [
        path.relative_to(server_copy).as_posix()
        for path in sorted(server_copy.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    ]
    assert "page/sergius-i.html" in files and "data/sergius-i.ttl" in files
    assert "ontology.html" in files and "queries/roles-of-person.csv" in files
    # Only a server answers a query or a search: the copy says so on a page of its own.
    notices = {f"{path.lstrip('/')}.html" for path in DYNAMIC_PATHS}
    assert notices <= set(files)
    compared = 0
    with httpx.Client(base_url=running_server.url, timeout=30) as client:
        for relative in files:
            if relative.startswith(("w3id/", f"{NEGOTIATION}/")):
                continue  # rules for Apache and w3id.org, tried below
            if relative in notices or relative.startswith("void."):
                continue  # compared in tests of their own below
            url, headers = _url_of(relative)
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            written = (server_copy / relative).read_bytes()
            rdf_format = _RDF_SUFFIXES.get(Path(relative).suffix)
            if relative.endswith(".html") and not relative.startswith("graph/"):
                # Pages order blank nodes by what they say, never by their labels, so
                # another process renders them byte for byte alike.
                assert response.content == written, relative
            elif relative.endswith(".html"):
                # A part's page shows its Turtle, whose order follows the blank nodes' labels.
                assert _document_page(response.content) == _document_page(written), relative
            elif rdf_format is None:
                # A part's page, a canned answer: Turtle or results that may name blank nodes.
                assert _unlabelled(response.content) == _unlabelled(written), relative
            else:
                # Blank nodes are labelled afresh by each process: equal up to their labels.
                assert _canonical(response.content, rdf_format) == _canonical(
                    written, rdf_format
                ), relative
            compared += 1
    assert compared > 1000


def _document_page(data: bytes) -> tuple[bytes, list[str]]:
    """A page showing a Turtle document: the page around it, and the document canonical."""
    match = re.search(rb"(<pre[^>]*>(?:<code[^>]*>)?)(.*?)((?:</code>)?</pre>)", data, re.DOTALL)
    assert match is not None
    turtle = html.unescape(match.group(2).decode()).encode()
    around = data[: match.start(2)] + data[match.end(2) :]
    return around, _canonical(turtle, ox.RdfFormat.TURTLE)


def _unlabelled(data: bytes) -> bytes:
    return re.sub(rb"_:[A-Za-z0-9]+", b"_:", data)


_RDF_SUFFIXES = {suffix: rdf_format for suffix, rdf_format in RDF.values()}


def _canonical(data: bytes, rdf_format: ox.RdfFormat) -> list[str]:
    dataset = ox.Dataset(ox.parse(data, format=rdf_format))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad) for quad in dataset)


def test_the_copy_says_where_only_a_server_answers(server_copy: Path) -> None:
    for path in DYNAMIC_PATHS:
        page = (server_copy / f"{path.lstrip('/')}.html").read_text(encoding="utf-8")
        assert "static copy" in page and 'href="/downloads"' in page, path


def test_the_copys_description_names_no_endpoint_and_else_equals_the_servers(
    server_copy: Path, running_server: RunningServer
) -> None:
    endpoint = ox.NamedNode("http://rdfs.org/ns/void#sparqlEndpoint")
    for media_type, (suffix, rdf_format) in RDF.items():
        # The description is built on first request (every export, in memory): allow time.
        answer = httpx.get(
            running_server.url + "/void", headers={"Accept": media_type}, timeout=120
        )
        served = ox.Dataset(ox.parse(answer.content, format=rdf_format))
        written = ox.Dataset(
            ox.parse((server_copy / f"void{suffix}").read_bytes(), format=rdf_format)
        )
        assert [q for q in served if q.predicate == endpoint], media_type
        assert not [q for q in written if q.predicate == endpoint], media_type
        for quad in [q for q in served if q.predicate == endpoint]:
            served.remove(quad)
        for dataset in (served, written):
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        assert sorted(map(str, served)) == sorted(map(str, written)), media_type
    page = (server_copy / "void.html").read_text(encoding="utf-8")
    assert "sparqlEndpoint" not in page and "dcat:Dataset" in page


def test_every_internal_link_resolves(server_copy: Path, running_server: RunningServer) -> None:
    assert broken_links(server_copy, running_server.url + "/") == []


def test_the_link_checker_finds_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "a.html").write_text(
        '<a href="/page/a">self</a><a href="/id/a">id</a><a href="/page/b">missing</a>'
        '<a href="/sparql">dynamic</a><a href="/page/a?x=1">query</a>'
        '<a href="https://example.org/page/b">elsewhere</a><img src="c.svg">',
        encoding="utf-8",
    )
    found = broken_links(tmp_path, "https://siege626.example.org/")
    assert found == [
        ("page/a.html", "/page/b"),
        ("page/a.html", "/page/a?x=1"),
        ("page/a.html", "c.svg"),
    ]
    assert "/sparql" in DYNAMIC_PATHS


# -- the command -------------------------------------------------------------------------------


def test_an_existing_directory_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "copy"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, stderr = invoke("site", "--out", str(out), "--base-url", "https://example.org/")
    assert code == 2
    assert_one_line_error(stderr, f"{out}: cannot write (exists")
    code, _, stderr = invoke(
        "site", "--out", str(out), "--base-url", "https://example.org/", "--force"
    )
    assert code == 2
    assert_one_line_error(
        stderr,
        f"{out}: cannot write (holds 1 entry that kg site did not write: keep.txt; "
        "nothing was deleted)",
    )
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["copy"]


def test_force_refuses_a_web_root_whose_htaccess_only_looks_like_a_copys(tmp_path: Path) -> None:
    """A web root where rsync left the copy's .htaccess (marker line and all) beside the
    user's own files: the .htaccess proves nothing, and nothing is deleted."""
    root = tmp_path / "www"
    (root / "blog").mkdir(parents=True)
    files = {
        ".htaccess": static_htaccess("https://example.org/", ["data"]),
        "index.php": "<?php echo 'mine';",
        "blog/post.html": "<p>mine</p>",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    assert files[".htaccess"].startswith("# Generated by `kg site`")
    code, _, stderr = invoke(
        "site", "--out", str(root), "--base-url", "https://example.org/", "--force"
    )
    assert code == 2
    assert_one_line_error(
        stderr,
        f"{root}: cannot write (holds 3 entries that kg site did not write: "
        ".htaccess, blog/, index.php; nothing was deleted)",
    )
    assert {name: (root / name).read_text(encoding="utf-8") for name in files} == files
    assert sorted(path.name for path in tmp_path.iterdir()) == ["www"]


@pytest.mark.parametrize("url", ["https://example.org/siege/", "ftp://example.org/", "nope"])
def test_a_base_url_that_is_not_a_host_root_is_refused(tmp_path: Path, url: str) -> None:
    code, _, stderr = invoke("site", "--out", str(tmp_path / "copy"), "--base-url", url)
    assert code == 2
    assert_one_line_error(stderr, f"--base-url {url!r}")
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_a_previous_copy(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "context.jsonld").write_text("{}\n", encoding="utf-8")
    out = tmp_path / "copy"
    # What a kg site killed while it renders leaves beside --out: its staging directory,
    # removed by the next run; and a user's look-alike of it, kept.
    _killed_site(out)
    (stale,) = [path for path in tmp_path.iterdir() if path.name.startswith(".copy.")]
    look_alike = tmp_path / ".copy.k3j4h5g6"
    look_alike.mkdir()
    (look_alike / ".htaccess").write_text(
        static_htaccess("https://siege626.example.org/", ["data"]), encoding="utf-8"
    )
    args = ["site", "--out", str(out), "--base-url", "https://siege626.example.org"]
    code, stdout, stderr = invoke(*args, "--dist", str(dist))
    assert code == 0 and "files" in stdout
    assert f"kg site: removed the staging directory an interrupted run left: {stale}" in stderr
    assert not stale.exists() and (look_alike / ".htaccess").is_file()
    assert (out / "dist" / "context.jsonld").read_text(encoding="utf-8") == "{}\n"
    rules = (out / "w3id" / ".htaccess").read_text(encoding="utf-8")
    assert "https://siege626.example.org/dist/context.jsonld" in rules
    # A file added to the copy is not the copy's: --force refuses and names it.
    (out / "stale.html").write_text("old", encoding="utf-8")
    code, _, stderr = invoke(*args, "--force", "--dist", str(tmp_path / "none"))
    assert code == 2
    assert_one_line_error(
        stderr, f"{out}: cannot write (holds 1 entry that kg site did not write: stale.html;"
    )
    (out / "stale.html").unlink()
    code, _, _ = invoke(*args, "--force", "--dist", str(tmp_path / "none"))
    assert code == 0
    assert not (out / "dist").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == [".copy.k3j4h5g6", "copy", "dist"]


def _killed_site(out: Path) -> None:
    """Run kg site in a child process that is killed (SIGKILL) as it starts rendering."""
    run_killed(
        ["site", "--out", str(out), "--base-url", "https://example.org/"],
        "kg.publish._render_all",
    )


# -- Apache ----------------------------------------------------------------------------------


@dataclass
class Apache:
    url: str
    copy: Path


def _apache_config(directory: Path, port: int, copy: Path, w3id: Path) -> Path:
    modules = [
        "mpm_event",
        "authz_core",
        "mime",
        "dir",
        "alias",
        "rewrite",
        "negotiation",
        "headers",
    ]
    lines = [
        f"ServerRoot {directory}",
        f"DefaultRuntimeDir {directory}",
        f"PidFile {directory}/apache.pid",
        f"ErrorLog {directory}/error.log",
        "LogLevel warn",
        f"Listen 127.0.0.1:{port}",
        "ServerName 127.0.0.1",
        *(f"LoadModule {name}_module {MODULES}/mod_{name}.so" for name in modules),
        "TypesConfig /etc/mime.types",
        f"DocumentRoot {copy}",
        # w3id.org/siege626/ simulated: its rules in a directory of their own.
        f"Alias /siege626 {w3id}",
        "<Directory />\n  AllowOverride None\n  Require all denied\n</Directory>",
        *(
            f"<Directory {path}>\n  AllowOverride All\n  Options FollowSymLinks\n"
            "  Require all granted\n</Directory>"
            for path in (copy, w3id)
        ),
        '<Files ".ht*">\n  Require all denied\n</Files>',
    ]
    config = directory / "httpd.conf"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Apache]:
    needed = ["mod_rewrite.so", "mod_negotiation.so", "mod_headers.so"]
    if not (os.access(APACHE, os.X_OK) and all((MODULES / name).is_file() for name in needed)):
        require_tool(
            "Debian's apache2 (with mod_rewrite, mod_negotiation, mod_headers) is not installed"
        )
    directory = tmp_path_factory.mktemp("apache")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    copy = directory / "copy"
    build_site(copy, base_url=url, dist_dir=None)
    # The rules as w3id.org would hold them, in their own directory.
    w3id = directory / "w3id-siege626"
    w3id.mkdir()
    shutil.copy(copy / "w3id" / ".htaccess", w3id / ".htaccess")
    config = _apache_config(directory, port, copy, w3id)
    process = subprocess.Popen(
        [APACHE, "-f", str(config), "-DFOREGROUND"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                log = directory / "error.log"
                pytest.fail(f"apache2 exited: {log.read_text() if log.exists() else ''}")
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    pytest.fail("apache2 did not answer within 20 s")
                time.sleep(0.1)
        yield Apache(url, copy)
    finally:
        # -DFOREGROUND: the process started here is Apache's parent; SIGTERM stops it and
        # its children.
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def test_w3id_sends_a_browser_to_the_page(apache: Apache) -> None:
    with httpx.Client(base_url=apache.url, timeout=10) as client:
        # A browser's own Accept header, and none.
        browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        for headers in ({"Accept": "text/html"}, {"Accept": browser}, {}):
            response = client.get("/siege626/id/sergius-i", headers=headers)
            # w3id.org sends the IRI to the copy's /id/X, which negotiates.
            assert response.status_code == 303
            assert response.headers["location"] == apache.url + "id/sergius-i"
            response = client.get(response.headers["location"], headers=headers)
            assert response.status_code == 303
            assert response.headers["location"] == apache.url + "page/sergius-i"
        page = client.get(response.headers["location"], headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert page.content == (apache.copy / "page" / "sergius-i.html").read_bytes()


@pytest.mark.parametrize("media_type", list(RDF))
def test_w3id_sends_a_program_to_the_data(apache: Apache, media_type: str) -> None:
    suffix, rdf_format = RDF[media_type]
    with httpx.Client(base_url=apache.url, timeout=10, follow_redirects=True) as client:
        data = client.get("/siege626/id/sergius-i", headers={"Accept": media_type})
    assert [r.status_code for r in data.history] == [303, 303]
    assert str(data.url) == f"{apache.url}data/sergius-i{suffix}"
    assert data.status_code == 200
    assert data.headers["content-type"].split(";")[0] == media_type
    subjects = {quad.subject for quad in ox.parse(data.content, format=rdf_format)}
    assert ox.NamedNode(IRI) in subjects


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("text/html", "text/html"), ("text/turtle", "text/turtle"), (None, "text/html")],
)
def test_w3id_sends_the_ontology(apache: Apache, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    with httpx.Client(base_url=apache.url, timeout=10) as client:
        response = client.get("/siege626/ontology", headers=headers)
        assert response.status_code == 303
        assert response.headers["location"] == apache.url + "ontology"
        document = client.get(response.headers["location"], headers=headers)
    assert document.status_code == 200
    assert document.headers["content-type"].split(";")[0] == expected
    if expected == "text/turtle":
        ox.parse(document.content, format=ox.RdfFormat.TURTLE)
    else:
        assert document.content == (apache.copy / "ontology.html").read_bytes()


def test_w3id_sends_a_named_graph_and_the_root(apache: Apache) -> None:
    with httpx.Client(base_url=apache.url, timeout=10) as client:
        response = client.get("/siege626/graph/data", headers={"Accept": "application/n-triples"})
        assert response.headers["location"] == apache.url + "graph/data"
        document = client.get(
            response.headers["location"], headers={"Accept": "application/n-triples"}
        )
        assert document.headers["content-type"] == "application/n-triples"
        assert document.content == (apache.copy / "graph" / "data.nt").read_bytes()
        assert client.get("/siege626/").headers["location"] == apache.url
        assert client.get("/siege626/nothing").status_code == 404


def test_the_static_host_serves_every_kind_of_file(apache: Apache) -> None:
    expected = {
        "/": "text/html; charset=utf-8",
        "/page/sergius-i": "text/html; charset=utf-8",
        "/queries": "text/html; charset=utf-8",
        "/queries/roles-of-person": "text/html; charset=utf-8",
        "/queries/roles-of-person.json": "application/sparql-results+json",
        "/queries/roles-of-person.csv": "text/csv",
        "/data/sergius-i.ttl": "text/turtle",
        "/data/sergius-i.jsonld": "application/ld+json",
        "/data/sergius-i.nt": "application/n-triples",
        "/graph/data": "text/html; charset=utf-8",
        "/ontology.ttl": "text/turtle",
        "/static/style.css": "text/css; charset=utf-8",
    }
    with httpx.Client(base_url=apache.url, timeout=10) as client:
        for url, media_type in expected.items():
            response = client.get(url, headers={"Accept": "text/html"})
            assert response.status_code == 200, url
            assert response.headers["content-type"] == media_type, url
        # The copy's own content negotiation, as kg serve does it.
        response = client.get("/id/sergius-i", headers={"Accept": "text/turtle"})
        assert (response.status_code, response.headers["location"]) == (
            303,
            apache.url + "data/sergius-i.ttl",
        )
        response = client.get("/graph/links", headers={"Accept": "text/turtle"})
        assert response.headers["content-type"] == "text/turtle"
        assert response.content == (apache.copy / "graph" / "links.ttl").read_bytes()
        assert client.get("/void").headers["content-type"] == "text/turtle"
        assert client.get("/.htaccess").status_code == 403


def test_the_w3id_rules_name_the_publication_url() -> None:
    rules = w3id_htaccess("https://siege626.example.org/", ["ontology", "data"])
    assert "RewriteEngine on" in rules
    forward = "RewriteRule ^(id/[^/]+|ontology|graph/(?:ontology|data))$ "
    assert forward + "https://siege626.example.org/$1 [R=303,L]" in rules
    # The Accept header is read by the copy's type maps alone, never matched as text.
    assert "HTTP_ACCEPT" not in rules
    assert "context.jsonld" not in rules


# -- Apache answers as kg serve does -------------------------------------------------------

# The formats; q=0 in its spellings; wildcards; ties, which the server's order of
# preference breaks; a browser's header; types no URL has (406); empty and missing.
# Headers outside HTTP's grammar are left out: Apache reads a q-value that is not one
# ("q=abc", "q=-1") as 1 and cuts one to three decimals, and takes a bare "*" for "*/*";
# kg serve refuses the first two and ignores the last.
ACCEPTS = [
    None,
    "",
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "TEXT/Turtle",
    "text/turtle;charset=utf-8",
    "text/turtle;q=0",
    "text/turtle; q=0.0",
    "text/turtle;q=0.000",
    "text/turtle;q=0 , text/html",
    "text/html;q=0, */*",
    "*/*",
    "*/*;q=0",
    "text/*",
    "application/*",
    "text/*;q=0.5, text/turtle;q=0.4",
    "text/turtle;q=0.5, */*;q=0.4",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/n-triples, */*",
    "application/ld+json, text/*",
    "text/turtle;q=0.5, application/ld+json;q=0.6",
    "text/turtle;q=0.6, application/ld+json;q=0.6",
    "application/ld+json;q=0.6, text/turtle;q=0.6",
    "text/turtle;q=0.333, text/html;q=0.332",
    "text/html;q=0.999, text/turtle",
    "text/turtle;q=0, application/n-triples;q=0.001",
    "text/html;level=1",
    "application/rdf+xml",
    "image/*",
    "text/plain, foo/bar",
]
NEGOTIATED = ["/id/sergius-i", "/ontology", "/graph/links", "/void"]
# Trailing slashes (a redirect or a 404, never a loop), what does not exist, and the
# type maps' own paths, which are no URLs of the site.
PATHS = [
    "/page/sergius-i",
    "/page/sergius-i/",
    "/page/sergius-i///?x=1&y=%C3%A9",
    "/id/sergius-i/",
    "/queries/",
    "/ontology/",
    "/void/",
    "/data/sergius-i.ttl/",
    "/page/no-such/",
    "/nothing/",
    "/id/no-such",
    "/graph/no-such",
    "/ontology.var",
    f"/{NEGOTIATION}/",
    f"/{NEGOTIATION}/html-first.var/id/sergius-i",
    f"/{NEGOTIATION}/html/id/sergius-i",
    f"/{NEGOTIATION}/ttl/ontology",
]


def _answer(client: httpx.Client, path: str, accept: str | None) -> tuple[int, str, str]:
    """The status, where a redirect leads (path and query, on this host) and media type."""
    response = client.get(path, headers={} if accept is None else {"Accept": accept})
    location = ""
    if "location" in response.headers:
        target = urlsplit(urljoin(str(response.url), response.headers["location"]))
        # The copy names its publication URL, kg serve a path: both lead to themselves.
        assert target.netloc == client.base_url.netloc.decode(), response.headers["location"]
        location = target.path + (f"?{target.query}" if target.query else "")
    media_type = response.headers.get("content-type", "").split(";")[0]
    return response.status_code, location, media_type if response.status_code == 200 else ""


@pytest.mark.parametrize("path", NEGOTIATED)
def test_apache_negotiates_as_kg_serve_does(
    apache: Apache, running_server: RunningServer, path: str
) -> None:
    differences = []
    with (
        httpx.Client(base_url=apache.url, timeout=10) as static,
        # /void's description is built on the first request: allow time.
        httpx.Client(base_url=running_server.url, timeout=120) as served,
    ):
        for accept in ACCEPTS:
            expected = _answer(served, path, accept)
            assert expected[0] in (200, 303, 406), (accept, expected)
            found = _answer(static, path, accept)
            if found != expected:
                differences.append(f"Accept {accept!r}: kg serve {expected}, Apache {found}")
    assert not differences, "\n".join(differences)


def test_apache_answers_other_paths_as_kg_serve_does(
    apache: Apache, running_server: RunningServer
) -> None:
    differences = []
    with (
        httpx.Client(base_url=apache.url, timeout=10) as static,
        httpx.Client(base_url=running_server.url, timeout=30) as served,
    ):
        for path in PATHS:
            for accept in ("text/html", "text/turtle", None):
                expected = _answer(served, path, accept)
                found = _answer(static, path, accept)
                if found != expected:
                    differences.append(f"{path} {accept!r}: kg serve {expected}, Apache {found}")
        # A trailing slash is a redirect, not ten internal rewrites and a 500.
        assert _answer(static, "/page/sergius-i/", None) == (307, "/page/sergius-i", "")
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("host", ["attacker.example", "127.0.0.1:1", "127.0.0.1:08626"])
def test_apache_redirects_name_the_publication_url_not_the_host_header(
    apache: Apache, host: str
) -> None:
    with httpx.Client(base_url=apache.url, timeout=10) as client:
        for path, accept, location in [
            ("/page/sergius-i/", "text/html", "page/sergius-i"),
            ("/id/sergius-i", "text/html", "page/sergius-i"),
            ("/id/sergius-i", "text/turtle", "data/sergius-i.ttl"),
        ]:
            response = client.get(path, headers={"Host": host, "Accept": accept})
            assert response.status_code in (303, 307)
            assert response.headers["location"] == apache.url + location
