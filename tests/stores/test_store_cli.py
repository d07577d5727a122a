"""`kg load` and `kg query --endpoint` against the real stores, as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kg import loading
from kg.cli import main

from .conftest import StoreUnderTest

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD_VARIABLE = "SIEGE626_TEST_STORE_SECRET"


def _store_options(store: StoreUnderTest, graph_base: str) -> list[str]:
    options = ["--endpoint", store.server.url, "--store", store.name, "--graph-base", graph_base]
    if store.user is not None:
        options += ["--user", store.user, "--password-env", PASSWORD_VARIABLE]
    return options


def _kg(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m kg ARGS`` in a fresh interpreter, its output a pipe (not a terminal)."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop(PASSWORD_VARIABLE, None)
    if password is not None:
        env[PASSWORD_VARIABLE] = password
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_kg_load_then_kg_query_answers_as_locally(store: StoreUnderTest, graph_base: str) -> None:
    parts = ",".join(store.parts)
    loaded = _kg(
        "load", *_store_options(store, graph_base), "--parts", parts, password=store.password
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stderr == ""  # no progress bar when stderr is not a terminal
    lines = loaded.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == list(store.parts)
    assert lines[-1].startswith(f"loaded {sum(int(line.split()[1]) for line in lines[:-1])} ")
    assert lines[-1].endswith("every count verified")
    if store.password is not None:
        assert store.password not in loaded.stdout + loaded.stderr

    query = ["query", "events-on-date", "--param", "date=0626-08-10", "--format", "csv"]
    env = {PASSWORD_VARIABLE: store.password} if store.password is not None else {}
    remote = CliRunner(env=env).invoke(main, [*query, *_store_options(store, graph_base)])
    data = [f"--data={path}" for part in store.parts for path in loading.part_paths(part)]
    local = CliRunner().invoke(main, [*query, *data])
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert "burning-of-the-siege-engines" in remote.stdout


def test_a_wrong_password_is_refused_and_never_shown(
    store: StoreUnderTest, graph_base: str
) -> None:
    if store.user is None:
        options = [*_store_options(store, graph_base), "--user", "someone"]
        options += ["--password-env", PASSWORD_VARIABLE]
    else:
        options = _store_options(store, graph_base)
    secret = "not-the-password-4711"
    result = _kg("load", *options, "--parts", "data", password=secret)
    assert secret not in result.stdout + result.stderr
    if store.user is None:
        assert result.returncode == 0  # Oxigraph asks for no credentials; none are sent
        return
    assert result.returncode == 3
    assert result.stderr.startswith("kg: ")
    assert "refused the credentials (HTTP 401)" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_store_failure_exits_3_with_one_line(store: StoreUnderTest, graph_base: str) -> None:
    # The generic preset takes the URL as the SPARQL endpoint: the server's root is not one.
    result = _kg("query", "alliances", "--endpoint", store.server.url, "--store", "generic")
    assert result.returncode == 3
    assert result.stderr.startswith("kg: query: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
