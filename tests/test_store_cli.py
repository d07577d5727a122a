"""The store options without a store: usage errors, secrets never shown, auth, progress."""

from __future__ import annotations

import base64
import io
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cli_helpers import assert_one_line_error, invoke
from rich.console import Console

from kg.progress import TerminalProgress, load_progress
from kg.stores.presets import PASSWORD_ENV_DEFAULT, PRESETS, StoreOptionError, StoreTarget, preset
from kg.stores.protocols import StoreClient


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_load_needs_an_endpoint() -> None:
    code, _, err = invoke("load")
    assert code == 2
    assert "Missing option '--endpoint'" in err


def test_store_options_need_an_endpoint_on_query() -> None:
    code, _, err = invoke("query", "alliances", "--store", "oxigraph")
    assert code == 2
    assert "--store, --graph-base and --user need --endpoint" in err


def test_query_takes_data_or_an_endpoint_not_both() -> None:
    code, _, err = invoke("query", "alliances", "--endpoint", "http://127.0.0.1:1", "--data", "x")
    assert code == 2
    assert "give --data or --endpoint, not both" in err


def test_credentials_in_the_url_are_refused_and_not_shown() -> None:
    code, out, err = invoke("load", "--endpoint", "http://admin:s3cret@127.0.0.1:1/")
    assert code == 2
    assert err == "kg: --endpoint must not contain credentials; use --user and --password-env\n"
    assert "s3cret" not in out + err


def test_a_user_without_a_password_names_the_variable() -> None:
    code, _, err = invoke("load", "--endpoint", "http://127.0.0.1:1", "--user", "dba", env={})
    assert code == 2
    assert f"environment variable {PASSWORD_ENV_DEFAULT}" in err


def test_an_unknown_part_is_a_usage_error() -> None:
    code, _, err = invoke("load", "--endpoint", "http://127.0.0.1:1", "--parts", "data,nope")
    assert code == 2
    assert err.startswith("kg: unknown part 'nope'; expected some of ontology, data")


def test_the_generic_preset_has_no_graph_store() -> None:
    code, _, err = invoke("load", "--endpoint", "http://127.0.0.1:1", "--protocol", "gsp")
    assert code == 2
    assert "the 'generic' preset has no Graph Store endpoint; use --protocol update" in err


def test_a_store_that_is_down_exits_3() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    code, out, err = invoke("load", "--endpoint", url, "--store", "oxigraph", "--parts", "data")
    assert code == 3
    assert out == ""
    # The first request looks for staging graphs that a killed load left behind.
    assert f"cannot reach the store at {url}/query" in err
    assert err.endswith("; no graph was changed\n")


def test_clean_on_a_store_that_is_down_exits_3_in_one_line() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    code, out, err = invoke("load", "--endpoint", url, "--store", "oxigraph", "--clean")
    assert code == 3
    assert out == ""
    assert_one_line_error(err, f"query: cannot reach the store at {url}/query")
    assert err.endswith("; the part graphs are untouched\n")


@pytest.mark.parametrize("option", ["--parts=data", "--protocol=update"])
def test_clean_removes_staging_graphs_only_and_takes_no_load_options(option: str) -> None:
    code, _, err = invoke("load", "--endpoint", "http://127.0.0.1:1", "--clean", option)
    assert code == 2
    assert "--clean takes no --parts or --protocol" in err


@pytest.mark.parametrize("seconds", ["0", "-1", "soon"])
def test_the_read_timeout_is_a_positive_number_of_seconds(seconds: str) -> None:
    code, _, err = invoke("load", "--endpoint", "http://127.0.0.1:1", "--read-timeout", seconds)
    assert code == 2
    assert "Invalid value for '--read-timeout'" in err


@pytest.mark.parametrize("name", PRESETS)
def test_presets_name_their_endpoints(name: str) -> None:
    target = StoreTarget("http://host:1234/base/", preset(name), user="u", password="hush")
    assert target.query_url().startswith("http://host:1234/base")
    assert target.update_url().startswith("http://host:1234/base")
    assert "hush" not in repr(target)


def test_virtuoso_queries_go_to_the_authenticated_endpoint_with_credentials() -> None:
    anonymous = StoreTarget("http://h:8890", preset("virtuoso"))
    named = StoreTarget("http://h:8890", preset("virtuoso"), user="dba", password="x")
    assert anonymous.query_url() == "http://h:8890/sparql"
    assert named.query_url() == "http://h:8890/sparql-auth"
    assert named.gsp_url() == "http://h:8890/sparql-graph-crud-auth"


def test_graph_base_must_be_an_iri() -> None:
    with pytest.raises(StoreOptionError, match="--graph-base is not an absolute IRI"):
        StoreTarget("http://h:1", preset("oxigraph"), graph_base="no base")


# --- HTTP Basic, as a store behind a proxy asks for it --------------------------------------


class _BasicOnly(BaseHTTPRequestHandler):
    expected = "Basic " + base64.b64encode(b"reader:open sesame").decode()
    seen: list[str | None] = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        header = self.headers.get("Authorization")
        type(self).seen.append(header)
        if header != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def basic_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _BasicOnly)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _BasicOnly.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_basic_auth_is_answered_when_the_server_asks_for_it(basic_server: str) -> None:
    target = StoreTarget(basic_server, preset("generic"), user="reader", password="open sesame")
    with StoreClient(target) as client:
        client.select_json("ASK {}")
        client.select_json("ASK {}")
    # One challenge; after it, every request carries the credentials at once.
    assert _BasicOnly.seen == [None, _BasicOnly.expected, _BasicOnly.expected]


def test_wrong_basic_credentials_are_one_line_without_the_password(basic_server: str) -> None:
    code, out, err = invoke(
        "query",
        "alliances",
        "--endpoint",
        basic_server,
        "--user",
        "reader",
        env={PASSWORD_ENV_DEFAULT: "wrong-password-99"},
    )
    assert code == 3
    assert err == f"kg: query: {basic_server} refused the credentials (HTTP 401)\n"
    assert "wrong-password-99" not in out + err


# --- progress ------------------------------------------------------------------------------


def test_no_progress_when_not_a_terminal() -> None:
    buffer = io.StringIO()
    with load_progress(Console(file=buffer, force_terminal=False)) as progress:
        assert not isinstance(progress, TerminalProgress)
        progress.begin("data", 10)
        progress.advance("data", 10)
    assert buffer.getvalue() == ""


def test_a_progress_bar_on_a_terminal() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100, color_system=None)
    with load_progress(console) as progress:
        assert isinstance(progress, TerminalProgress)
        progress.begin("data", 1259)
        progress.step("data", "upload")
        progress.advance("data", 1259)
        progress.step("data", "check")
    assert "data" in buffer.getvalue()
    assert "1259/1259" in buffer.getvalue()
