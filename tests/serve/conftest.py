"""``kg serve`` under test: through the ASGI test client, and as a real process.

The in-process application is built once per module with short limits, so a test of the
time limit waits a second, not ten. The real server is started with ``python -m kg
serve`` on a free loopback port; the fixture keeps the PID of that process itself (no
shell in between) and stops exactly that process at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from kg.serve import ServeSettings, create_app

with warnings.catch_warnings():
    # Starlette 1.x announces a future switch of its test client to another HTTP package.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"

# Limits small enough to hit within a test.
TEST_SETTINGS = ServeSettings(
    time_limit=1.5,
    max_result_bytes=200_000,
    max_body_bytes=50_000,
    workers=2,
    dist_dir=None,
    # The test client's requests name the host "testserver".
    base_url="http://testserver/",
)

# A query that never ends on this graph: three copies of every triple, counted.
ENDLESS_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def require_tool(message: str) -> None:
    """Skip, or fail when SIEGE626_REQUIRE_TOOLS=1 says every tool must be there."""
    if os.environ.get("SIEGE626_REQUIRE_TOOLS") == "1":
        pytest.fail(message + "; SIEGE626_REQUIRE_TOOLS=1 requires it")
    pytest.skip(message)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """The application in-process, its worker pool started and stopped around the module."""
    with TestClient(create_app(TEST_SETTINGS), follow_redirects=False) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_server(directory: Path, *args: str) -> RunningServer:
    """``python -m kg serve`` on a free loopback port, ready to answer."""
    port = free_port()
    log = directory / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", str(port), *args],
            cwd=directory,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = RunningServer(process, port, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited early:\n{log.read_text()}")
        try:
            if httpx.get(server.url + "/sparql?query=ASK%7B%7D", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"kg serve did not answer within 30 s:\n{log.read_text()}")


def stop_server(server: RunningServer) -> None:
    """Stop exactly the server's own process: SIGTERM, then SIGKILL if it lingers."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def running_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    directory = tmp_path_factory.mktemp("serve")
    server = start_server(directory, "--time-limit", "2", "--dist", str(directory / "dist"))
    try:
        yield server
    finally:
        stop_server(server)


# -- a real browser ------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing that would reach for the network on its own.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# Module scope: Playwright's sync API keeps an event loop running in the main thread while
# the browser is open, and the ASGI test client of later modules needs that thread free.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, one per test module; its profile is removed."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool("the Python package playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        require_tool("chromium is not installed (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                args=CHROMIUM_FLAGS,
                headless=True,
                viewport={"width": 1200, "height": 900},
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    """One tab of the module's browser, at 1200 × 900 until a test sets its own size."""
    tab = browser.new_page()
    tab.set_viewport_size({"width": 1200, "height": 900})
    try:
        yield tab
    finally:
        tab.close()


# True when the page is no wider than the window: nothing scrolls sideways.
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
