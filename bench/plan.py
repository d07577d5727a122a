"""What the benchmark runs at each size: the steps, their commands, and how to read answers.

A step is one whole process. Steps in one ``group`` do the same job with different
engines; their answers (what the process prints) must agree for a timing to count.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from bench import jena_shacl
from bench.scale import ScaledGraph
from kg import resources

__all__ = ["EXPORT_FORMATS", "GROUPS", "RUNS", "SIZES", "Step", "steps_for"]

# BENCH_SIZES=1,10 runs a quick subset (for trying the benchmark out, not for RESULTS.md).
SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "1,10,100,1000").split(","))
# Runs per step at each size (the median is reported); fewer at the top, so that the whole
# run takes 45 to 60 minutes on two cores.
RUNS = {1: 5, 10: 3, 100: 2, 1000: 1}
# No single run may take longer than this (seconds); a step projected to take longer at
# the next size, from its growth so far, is not started there.
TIMEOUT = {1: 60, 10: 120, 100: 300, 1000: 1800}
# Runs of one step stop early once they have taken this long together (at least one run).
STEP_BUDGET = 30.0
# The jobs one can re-run alone (python -m bench --only JOB): a step's group, first word.
GROUPS = ("parse", "validate", "queries", "export", "load")
EXPORT_FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml", "lpf")

PYTHON = sys.executable
KG = str(Path(sys.executable).with_name("kg"))
PYSHACL = str(Path(sys.executable).with_name("pyshacl"))
# `kg validate --engine pyshacl` (the reference engine) is timed up to this size only:
# pyshacl's cost grows faster than the size.
PYSHACL_BOUND_SIZE = 10


@dataclass(frozen=True)
class Step:
    """One job, one engine: the command, and which answers it must agree with."""

    group: str
    engine: str
    argv: tuple[str, ...]
    toolkit: bool = False
    ok_codes: tuple[int, ...] = (0,)
    answer: Callable[[bytes, int], object] | None = None
    # Why the step cannot run on this machine (its program is missing), or None.
    unavailable: str | None = None


def _json(stdout: bytes, code: int) -> object:
    import json

    return json.loads(stdout.decode().strip().splitlines()[-1])


def _validate_answer(stdout: bytes, code: int) -> object:
    # kg validate's exit status says whether the data conforms; a report lists violations.
    return [] if code == 0 else f"{stdout.decode().count('. Violation')} violations"


def _pyshacl_cli_answer(stdout: bytes, code: int) -> object:
    return [] if code == 0 else "violations"


def _jena_step(shapes: Path, merged_graph: Path) -> Step:
    missing = jena_shacl.unavailable()
    if missing is not None:
        return Step("validate", jena_shacl.ENGINE, (), unavailable=missing)
    return Step("validate", jena_shacl.ENGINE, jena_shacl.command(shapes, merged_graph),
                answer=partial(_jena_answer, shapes))


def _jena_answer(shapes: Path, stdout: bytes, code: int) -> object:
    return jena_shacl.answer_of_report(stdout, shapes)


@cache
def kg_validate_engines() -> bool:
    """Whether this `kg validate` has --engine (oxigraph | pyshacl)."""
    import subprocess

    shown = subprocess.run((KG, "validate", "--help"), capture_output=True, text=True,
                           check=False).stdout
    return "--engine" in shown


def steps_for(graph: ScaledGraph, merged_ontology: Path, merged_graph: Path) -> list[Step]:
    """Every step at one size; ``merged_graph`` is ontology, data and links in one file."""
    ontology = [str(p) for p in resources.ontology_paths()]
    data = [str(graph.data_path), str(graph.links_path)]
    shapes = str(resources.shapes_path())
    work = (PYTHON, "-m", "bench.work")
    steps = [
        Step("parse", "rdflib", (*work, "parse", "rdflib", *ontology, *data), answer=_json),
        Step("parse", "oxigraph", (*work, "parse", "oxigraph", *ontology, *data), answer=_json,
             toolkit=True),
        Step("parse", "oxrdflib", (*work, "parse", "oxrdflib", *ontology, *data), answer=_json),
        Step("validate", "kg validate", (KG, "validate", data[0], "--links", data[1]),
             toolkit=True, ok_codes=(0, 1), answer=_validate_answer),
    ]
    if graph.copies <= PYSHACL_BOUND_SIZE and kg_validate_engines():
        steps.append(Step("validate", "kg validate --engine pyshacl",
                          (KG, "validate", data[0], "--links", data[1], "--engine", "pyshacl"),
                          ok_codes=(0, 1), answer=_validate_answer))
    steps += [
        Step("validate", "pyshacl (command line)",
             (PYSHACL, "-s", shapes, "-e", str(merged_ontology), "-a", "-i", "none", *data),
             ok_codes=(0, 1), answer=_pyshacl_cli_answer),
    ]
    for engine in ("pyshacl", "pyshacl-turbo", "pyrudof"):
        steps.append(
            Step("validate", engine, (*work, "shacl", engine, shapes, *ontology, "--", *data),
                 answer=_json)
        )
    steps.append(_jena_step(Path(shapes), merged_graph))
    steps += [
        Step("queries", "kg query --all", (KG, "query", "--all", "--data", ontology[0],
             "--data", ontology[1], "--data", data[0], "--data", data[1]), toolkit=True),
        Step("queries", "rdflib", (*work, "queries", "rdflib", *ontology, *data), answer=_json),
        Step("queries", "oxigraph", (*work, "queries", "oxigraph", *ontology, *data),
             answer=_json),
        Step("queries", "oxrdflib", (*work, "queries", "oxrdflib", *ontology, *data),
             answer=_json),
    ]
    for name in EXPORT_FORMATS:
        steps.append(
            Step(f"export {name}", "kg export", (*work, "export", name, *ontology, "--", *data),
                 toolkit=True)
        )
    return steps
