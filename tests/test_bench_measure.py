"""The benchmark's measurement (bench/measure.py): each process's own peak memory and time;
Jena SHACL's answer (bench/jena_shacl.py) and a re-run job merged into the results."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import jena_shacl, report
from bench.measure import LAUNCHER, measure
from bench.run import merge_rows
from bench.scale import write_copies
from kg import resources

MB = 2**20
SH = "http://www.w3.org/ns/shacl#"
SHP = "https://w3id.org/siege626/shapes#"


@pytest.fixture
def _needs_gnu_time() -> None:
    if LAUNCHER is None:
        pytest.skip("GNU time (/usr/bin/time, Debian package time) is not installed")


@pytest.mark.usefixtures("_needs_gnu_time")
def test_peak_memory_is_the_child_s_own_not_the_benchmark_s() -> None:
    ballast = bytearray(400 * MB)  # the measuring process is large...
    ballast[:: 4096] = b"x" * len(ballast[:: 4096])  # ...and resident
    small = measure([sys.executable, "-c", "print(1)"], runs=1, timeout=60)
    large = measure(
        [sys.executable, "-c", "x = bytearray(200 * 2**20); x[::4096] = b'y' * len(x[::4096])"],
        runs=1, timeout=60,
    )
    del ballast
    assert small.peak_rss is not None and large.peak_rss is not None
    assert small.peak_rss < 100 * MB
    assert 200 * MB < large.peak_rss < 400 * MB


@pytest.mark.usefixtures("_needs_gnu_time")
def test_exit_status_passes_through_and_is_checked() -> None:
    allowed = measure([sys.executable, "-c", "raise SystemExit(3)"], runs=1, timeout=60,
                      ok_codes=(3,))
    assert (allowed.finished, allowed.returncode) == (True, 3)
    refused = measure([sys.executable, "-c", "raise SystemExit(3)"], runs=1, timeout=60)
    assert refused.failure is not None and refused.failure.startswith("exit 3")


@pytest.mark.usefixtures("_needs_gnu_time")
def test_a_run_over_its_time_is_killed_and_not_finished() -> None:
    run = measure([sys.executable, "-c", "import time; time.sleep(30)"], runs=1, timeout=1)
    assert run.failure == "did not finish in 1 s"
    assert run.seconds is None


# A report as Jena's `shacl validate` writes it: the source shape, no sh:sourceConstraint.
JENA_REPORT = b"""
@prefix sh:  <http://www.w3.org/ns/shacl#> .
@prefix shp: <https://w3id.org/siege626/shapes#> .
[ a sh:ValidationReport ; sh:conforms false ;
  sh:result [ a sh:ValidationResult ;
              sh:focusNode <https://w3id.org/siege626/id/place-part-of-itself> ;
              sh:resultSeverity sh:Violation ;
              sh:sourceConstraintComponent sh:SPARQLConstraintComponent ;
              sh:sourceShape shp:S07-Place-no-loop ] ;
  sh:result [ a sh:ValidationResult ;
              sh:focusNode [] ;
              sh:resultSeverity sh:Warning ;
              sh:sourceConstraintComponent sh:SPARQLConstraintComponent ;
              sh:sourceShape shp:S07-Place-no-loop ] ] .
"""


def test_jena_s_answer_names_the_constraint_of_its_source_shape_as_pyshacl_s_does() -> None:
    answer = jena_shacl.answer_of_report(JENA_REPORT, resources.shapes_path())
    # pyshacl names the rule by sh:sourceConstraint; the warning is no violation.
    assert answer == [["https://w3id.org/siege626/id/place-part-of-itself",
                       SHP + "S07-Place-not-part-of-itself", SH + "SPARQLConstraintComponent"]]


def test_an_unreadable_jena_report_is_an_answer_that_agrees_with_none() -> None:
    answer = jena_shacl.answer_of_report(b"Exception in thread main", resources.shapes_path())
    assert isinstance(answer, str) and answer.startswith("unreadable report")


def test_jena_out_of_its_heap_is_a_failure_the_report_names(tmp_path: Path) -> None:
    missing = jena_shacl.unavailable()
    if missing is not None or LAUNCHER is None:
        pytest.skip(f"needs Apache Jena, java and GNU time: {missing or 'no /usr/bin/time'}")
    # A hundred copies of the shipped data do not fit in 32 MB of heap.
    copies = tmp_path / "data-x100.ttl"
    write_copies(resources.data_path(), 100, copies)
    graph = jena_shacl.merged_ntriples([*resources.ontology_paths(), copies],
                                       tmp_path / "graph.nt")
    argv = [a if not a.startswith("-Xmx") else "-Xmx32m"
            for a in jena_shacl.command(resources.shapes_path(), graph)]
    run = measure(argv, runs=1, timeout=120)
    assert run.failure is not None and "OutOfMemoryError" in run.failure
    row = {"seconds": None, "peak_rss": None, "failure": run.failure}
    assert report._cell(row) == "ran out of memory"


def _row(size: int, group: str, engine: str, seconds: float) -> dict[str, object]:
    return {"size": size, "group": group, "engine": engine, "seconds": seconds}


def test_a_re_run_job_replaces_its_rows_at_its_sizes_and_keeps_the_order() -> None:
    old = [_row(size, group, engine, 1.0) for size in (1, 10, 100)
           for group, engine in (("parse", "rdflib"), ("validate", "kg validate"),
                                 ("validate", "pyshacl"), ("export turtle", "kg export"))]
    new = [_row(size, "validate", engine, 2.0) for size in (1, 10)
           for engine in ("kg validate", "kg validate --engine pyshacl", "pyshacl", "Jena SHACL")]
    merged = merge_rows(old, new, ["validate"])
    assert [(r["size"], r["group"], r["engine"], r["seconds"]) for r in merged] == [
        *[(size, group, engine, seconds) for size in (1, 10) for group, engine, seconds in (
            ("parse", "rdflib", 1.0), ("validate", "kg validate", 2.0),
            ("validate", "kg validate --engine pyshacl", 2.0),
            ("validate", "pyshacl", 2.0), ("validate", "Jena SHACL", 2.0),
            ("export turtle", "kg export", 1.0))],
        (100, "parse", "rdflib", 1.0), (100, "validate", "kg validate", 1.0),
        (100, "validate", "pyshacl", 1.0), (100, "export turtle", "kg export", 1.0),
    ]
