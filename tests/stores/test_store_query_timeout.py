"""``kg query --endpoint … --timeout``: a query the store does not finish stops in time.

Against the real Oxigraph server of conftest.py. The query needs no data: a COUNT over a
cartesian product of VALUES, 10^8 solutions, which the server takes several seconds to
count (and then stops on its own, so the shared server is not kept busy for long).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.catalogue import read_query_file
from kg.cli import main
from kg.stores.cli import store_query_runner, store_target
from kg.stores.presets import StoreError

from .conftest import Server

SLOW_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{ {' '.join(map(str, range(100)))} }}" for i in range(4))
    + " }\n"
)
EXIT_TIMEOUT = 4


@pytest.fixture
def slow_query(tmp_path: Path) -> Path:
    path = tmp_path / "slow.rq"
    path.write_text(SLOW_COUNT, encoding="utf-8")
    return path


def test_query_on_a_store_stops_at_the_timeout(oxigraph_server: Server, slow_query: Path) -> None:
    endpoint = ["--endpoint", oxigraph_server.url, "--store", "oxigraph"]
    outcome = CliRunner().invoke(
        main, ["query", *endpoint, "--file", str(slow_query), "--timeout", "0.5"]
    )
    assert outcome.exit_code == EXIT_TIMEOUT, outcome.output
    assert outcome.stderr == "kg: the query ran past --timeout (0.5 s) and was stopped\n"
    assert outcome.stdout == ""


def test_store_query_runner_bounds_the_wait_for_the_store(
    oxigraph_server: Server, slow_query: Path
) -> None:
    # Without the command's own deadline (the library API), the HTTP read time-out ends
    # the wait, a second after the timeout given.
    target = store_target(oxigraph_server.url, "oxigraph")
    query = read_query_file(slow_query, require_question=False)
    with store_query_runner(target, timeout=0.5) as run, pytest.raises(StoreError) as caught:
        run(query)
    assert "did not answer within 1.5 s" in str(caught.value)
