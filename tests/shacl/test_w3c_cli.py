"""The W3C SHACL test suite through the ``kg validate`` command, as a user runs it.

Each approved test (tests/fixtures/w3c-shacl-test-suite, or $SHACL_TEST_SUITE) runs, for
each engine, as::

    kg validate DATA --shapes SHAPES --ontology EMPTY.ttl --checks EMPTY_DIR \\
        --engine ENGINE --format turtle

Exit status 0 must mean the suite's ``sh:conforms true``, 1 ``false``; 2 (the shapes
refused, one line on standard error) is right for an ``sht:Failure`` test only, and
then for a reason, not a fault of kg. The report graph printed (``--format turtle``) is
read back and its results compared with the suite's expected results, as
tests/shacl/test_w3c_suite.py compares them: (focus node, path, value, source shape,
constraint component, severity), any blank node matching any, counted.

The command runs in this process through click's test runner (tests/cli_helpers.invoke,
as tests/test_cli.py does): a fresh interpreter for each of the 240 runs would cost over
two minutes. The runner re-raises any exception the command lets out, so a traceback a
user would see fails the test. :func:`test_in_a_fresh_interpreter` runs a few of them as
separate processes, to prove that the exit statuses are the process's.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cli_helpers import invoke
from rdflib import Graph

from kg.shacl import ENGINES
from tests.shacl.w3c_suite import (
    SuiteTest,
    difference,
    read_report,
    read_suite,
    suite_cases,
    suite_location,
)

SUITE = suite_location()

# Tests the command fails, with why, each checked to fail for that reason (strict xfail):
# none. Every approved test passes through kg validate, with either engine.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """An empty ontology file and an empty directory of quality checks."""
    folder = tmp_path_factory.mktemp("empty")
    ontology = folder / "empty.ttl"
    ontology.write_text("", encoding="utf-8")
    checks = folder / "checks"
    checks.mkdir()
    return str(ontology), str(checks)


def command(test: SuiteTest, engine: str, empty: tuple[str, str]) -> list[str]:
    ontology, checks = empty
    return [
        "validate",
        str(test.data),
        "--shapes",
        str(test.shapes),
        "--ontology",
        ontology,
        "--checks",
        checks,
        "--engine",
        engine,
        "--format",
        "turtle",
    ]


@pytest.mark.parametrize(("engine", "test"), suite_cases(KNOWN_FAILURES))
def test_w3c_suite_through_kg_validate(
    engine: str, test: SuiteTest, empty: tuple[str, str]
) -> None:
    code, out, err = invoke(*command(test, engine, empty))
    check_outcome(test, code, out, err)


def check_outcome(test: SuiteTest, code: int, out: str, err: str) -> None:
    if test.expected is None:
        assert code == 2, f"exit {code} for shapes the suite says to refuse (sht:Failure)"
        assert err.startswith("kg: shapes: ") and err.count("\n") == 1, err
        return
    assert code in (0, 1), f"exit {code}: {err}"
    report = read_report(Graph().parse(data=out, format="turtle"))
    assert report.conforms is (code == 0), f"exit {code} but sh:conforms {report.conforms}"
    assert report == test.expected, difference(report, test.expected)


# One test of each outcome: conforms, does not conform, warnings only, refused.
_IN_A_FRESH_INTERPRETER = [
    "core/node/minLength-001",
    "core/misc/severity-001",
    "sparql/node/prefixes-001",
    "sparql/pre-binding/unsupported-sparql-001",
    "core/property/uniqueLang-002",
]


@pytest.mark.parametrize("name", _IN_A_FRESH_INTERPRETER)
def test_in_a_fresh_interpreter(
    name: str, run_kg: object, empty: tuple[str, str]
) -> None:
    tests = {test.name: test for test in read_suite(SUITE)} if SUITE.is_dir() else {}
    if name not in tests:
        pytest.skip(f"the W3C SHACL test suite is not here: {SUITE}")
    test = tests[name]
    for engine in ENGINES:
        done: subprocess.CompletedProcess[str] = run_kg(*command(test, engine, empty))  # type: ignore[operator]
        assert "Traceback" not in done.stderr, done.stderr
        err = "".join(
            line + "\n"
            for line in done.stderr.splitlines()
            if not line.startswith("kg validate: SHACL by pyshacl")
        )
        check_outcome(test, done.returncode, done.stdout, err)


def test_the_suite_is_vendored() -> None:
    """A fresh clone runs the suite: it is in the repository, with its licence."""
    vendored = Path(__file__).resolve().parents[1] / "fixtures" / "w3c-shacl-test-suite"
    assert (vendored / "manifest.ttl").is_file()
    assert (vendored / "LICENSE.md").is_file() and (vendored / "README.md").is_file()
    assert len(read_suite(vendored)) == 120
