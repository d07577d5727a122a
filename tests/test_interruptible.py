"""kg.interruptible: a call in a daemon thread that Ctrl-C and a deadline still stop."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from kg.errors import QueryTimeoutError
from kg.interruptible import call_interruptibly

# A COUNT over a cartesian product of VALUES: no data needed, one call into Oxigraph that
# does not come back to Python for minutes.
ENDLESS_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{ {' '.join(map(str, range(100)))} }}" for i in range(6))
    + " }"
)


def test_returns_the_result_and_passes_the_arguments() -> None:
    assert call_interruptibly(lambda a, b=0: a + b, 1, b=2, timeout=10) == 3


def test_raises_the_exception_of_the_call() -> None:
    def fail() -> None:
        raise ValueError("bad value")

    with pytest.raises(ValueError, match="bad value"):
        call_interruptibly(fail)


def test_deadline_raises_query_timeout_error() -> None:
    release = threading.Event()
    try:
        with pytest.raises(QueryTimeoutError) as caught:
            call_interruptibly(release.wait, 60, timeout=0.2)
        assert caught.value.exit_code == 4
        assert str(caught.value) == "the query ran past --timeout (0.2 s) and was stopped"
    finally:
        release.set()


def test_pyoxigraph_releases_the_gil_while_it_evaluates() -> None:
    # Were the GIL held, the waiting thread could never wake up at the deadline: the
    # child would hang and be killed by subprocess's own time-out.
    script = textwrap.dedent(
        f"""
        import pyoxigraph
        from kg.errors import QueryTimeoutError
        from kg.interruptible import call_interruptibly
        store = pyoxigraph.Store()
        try:
            call_interruptibly(lambda: list(store.query({ENDLESS_COUNT!r})), timeout=0.5)
        except QueryTimeoutError:
            print("stopped at the deadline")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "stopped at the deadline\n", done.stderr
