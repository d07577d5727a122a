"""Real triple stores for the store tests: an Oxigraph server and a Virtuoso instance.

Each server is started once per test session, in a fresh temporary directory, bound to
a free loopback port, and stopped at the end. The fixtures record the PID of the server
process itself (no shell in between) and only ever signal that PID. Tests keep apart by
loading under their own graph base (the ``graph_base`` fixture).

The Oxigraph server comes from the PyPI package ``oxigraph`` (a test dependency) and
always runs. Virtuoso (Debian ``virtuoso-opensource``) runs where ``virtuoso-t`` is
installed; elsewhere its tests are skipped, or fail under SIEGE626_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from kg import loading
from kg.stores.presets import StoreTarget, preset

VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"  # a fresh database's administrator; the server is loopback-only
VIRTUOSO_VAD_DIR = Path("/usr/share/virtuoso-opensource-7/vad")
VIRTUOSO_VSP_DIR = Path("/var/lib/virtuoso-opensource-7/vsp")
WKT_LITERAL = "http://www.opengis.net/ont/geosparql#wktLiteral"

_bases = itertools.count(1)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _require_tool(message: str) -> None:
    if os.environ.get("SIEGE626_REQUIRE_TOOLS") == "1":
        pytest.fail(message + "; SIEGE626_REQUIRE_TOOLS=1 requires it")
    pytest.skip(message)


class Server:
    """One server process: started, killed and restarted on the same directory."""

    def __init__(self, name: str, command: list[str], directory: Path, url: str, probe: str):
        self.name = name
        self.command = command
        self.directory = directory
        self.url = url
        self._probe = probe
        self._process: subprocess.Popen[bytes] | None = None
        self._log = directory / "server.log"

    @property
    def pid(self) -> int:
        assert self._process is not None, f"{self.name} is not running"
        return self._process.pid

    def start(self, timeout: float = 90.0) -> None:
        with self._log.open("ab") as log:
            # No shell: Popen's PID is the server's own.
            self._process = subprocess.Popen(
                self.command, cwd=self.directory, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + self._probe, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} was not ready in {timeout} s:\n{self.log_tail()}")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def kill(self) -> None:
        """SIGKILL, as a crash or an out-of-memory killer would."""
        if self._process is not None and self._process.poll() is None:
            os.kill(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=30)

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self, lines: int = 20) -> str:
        text = self._log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class StoreUnderTest:
    """A running store and how the toolkit reaches it."""

    name: str
    server: Server
    user: str | None
    password: str | None
    # The registered parts that this store holds unchanged (see faithful_parts).
    parts: tuple[str, ...]

    def target(self, graph_base: str, **preset_changes: object) -> StoreTarget:
        store = preset(self.name)
        if preset_changes:
            store = replace(store, **preset_changes)  # type: ignore[arg-type]
        return StoreTarget(self.server.url, store, graph_base, self.user, self.password)


def faithful_parts(store: str) -> tuple[str, ...]:
    """The parts a store holds unchanged: every registered part, on every store.

    Virtuoso 7.2 would rewrite every geo:wktLiteral into its own geometry type, with
    coordinates through single-precision floats (openlink/virtuoso-opensource #456,
    #808); the loader sends it WKT under a datatype it keeps (kg.stores.virtuoso), and
    the staging check proves that the links and inferred parts come back as sent.
    """
    return tuple(loading.PARTS)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if binary is None:
        pytest.fail("the oxigraph server (PyPI oxigraph==0.5.13, a test dependency) is missing")
    directory = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    server = Server(
        "oxigraph",
        [binary, "serve", "--location", str(directory / "db"), "--bind", f"127.0.0.1:{port}"],
        directory,
        f"http://127.0.0.1:{port}",
        "/query?query=ASK%7B%7D",
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        _require_tool("Virtuoso is not installed (Debian: virtuoso-opensource, `virtuoso-t`)")
    assert binary is not None
    directory = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = _free_port(), _free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(_virtuoso_ini(directory, sql_port, http_port), encoding="utf-8")
    server = Server(
        "virtuoso",
        [binary, "+foreground", "+configfile", str(ini)],
        directory,
        f"http://127.0.0.1:{http_port}",
        "/sparql?query=ASK%7B%7D",
    )
    server.start()
    yield server
    server.stop()


def _virtuoso_ini(directory: Path, sql_port: int, http_port: int) -> str:
    # The package's VAD and web directories when present; the server needs neither.
    vad = VIRTUOSO_VAD_DIR if VIRTUOSO_VAD_DIR.is_dir() else directory
    vsp = VIRTUOSO_VSP_DIR if VIRTUOSO_VSP_DIR.is_dir() else directory
    return f"""\
[Database]
DatabaseFile = {directory}/virtuoso.db
ErrorLogFile = {directory}/virtuoso.log
LockFile = {directory}/virtuoso.lck
TransactionFile = {directory}/virtuoso.trx
xa_persistent_file = {directory}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {directory}/virtuoso-temp.db
TransactionFile = {directory}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
VADInstallDir = {vad}/

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
"""


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest) -> StoreUnderTest:
    """Each store in turn (the Virtuoso server starts only when a test asks for it)."""
    name = request.param
    if name == "oxigraph":
        server = request.getfixturevalue("oxigraph_server")
        return StoreUnderTest(name, server, None, None, faithful_parts(name))
    server = request.getfixturevalue("virtuoso_server")
    return StoreUnderTest(name, server, VIRTUOSO_USER, VIRTUOSO_PASSWORD, faithful_parts(name))


@pytest.fixture
def graph_base() -> str:
    """A graph base of this test's own, so tests on one server never meet."""
    return f"http://test.example/run-{os.getpid()}/{next(_bases)}/"


def require_jena() -> None:
    """Skip (or fail under SIEGE626_REQUIRE_TOOLS=1) where Debian's Apache Jena cannot run."""
    from kg.stores.jena import DEBIAN_JARS

    if not (DEBIAN_JARS / "jena-core.jar").is_file():
        _require_tool("Apache Jena is not installed (Debian: libapache-jena-java)")
    if shutil.which("java") is None:
        _require_tool("Apache Jena needs Java (Debian: default-jre-headless)")


@pytest.fixture(scope="session")
def jena() -> None:
    """Apache Jena (TDB2, RIOT) and a Java runtime, or the test is skipped with the reason."""
    require_jena()
