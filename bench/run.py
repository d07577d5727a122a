"""Run the benchmark: every step at every size, then write bench/results.json.

Sizes, runs and time limits are in :mod:`bench.plan`. A step that did not finish at one
size, or whose time there projects (×10) past the next size's limit, is not started at
the next size; the results say so. ``python -m bench --only validate`` (see
bench/__main__.py) runs one job again and merges its rows into the existing results.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Collection
from dataclasses import asdict
from functools import partial
from pathlib import Path

from bench import jena_shacl, plan
from bench.measure import LAUNCHER, measure
from bench.scale import scaled_graph
from kg import resources

__all__ = ["main", "measure_rows", "merge_rows"]

BENCH_DIR = Path(__file__).resolve().parent
BUILD_DIR = BENCH_DIR / "build"
RESULTS = BENCH_DIR / "results.json"
# An answer of more results than this is kept as its count and digest: equal answers still
# compare equal, and results.json stays small (pyshacl-turbo's 37,000 false results at
# 1000× took 7 MB written out).
ANSWER_KEPT_WHOLE = 1000


def _say(text: str) -> None:
    print(text, flush=True)


def _say_row(row: dict[str, object]) -> None:
    """One line of progress: the job, the engine, and its time and memory or why not."""
    seconds, peak = row.get("seconds"), row.get("peak_rss")
    figures = (f"{seconds:.2f} s  {int(peak) / 2**20:.0f} MB"  # type: ignore[call-overload]
               if seconds is not None else str(row["failure"]))
    _say(f"   {row['group']:<16} {row['engine']:<24} {figures}")


def _merged_ontology(directory: Path) -> Path:
    """The ontology files as one Turtle file, for pyshacl's single -e option."""
    import pyoxigraph

    from kg.engines import read_turtle

    target = directory / "ontology-merged.ttl"
    triples = [t for path in resources.ontology_paths() for t in read_turtle(path)]
    target.write_bytes(pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE))
    return target


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    names = ["rdflib", "pyoxigraph", "oxigraph", "pyshacl", "pyshacl-turbo", "pyrudof", "oxrdflib",
             "click"]
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing peer is reported, not fatal
            found[name] = "not installed"
    found.update(_jena_versions())
    return found


def _jena_versions() -> dict[str, str]:
    """Apache Jena's version (from Debian's jar names) and the Java that runs it."""
    from kg.stores.jena import DEBIAN_JARS

    jars = sorted(DEBIAN_JARS.glob("jena-shacl-*.jar"))
    jena = jars[-1].stem.removeprefix("jena-shacl-") if jars else "not installed"
    java = "not installed"
    if shutil.which("java"):
        shown = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
        java = (shown.stderr.strip().splitlines() or ["unknown"])[0]
    return {"Apache Jena": jena, "java": java}


def _machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "python": platform.python_version(),
        "system": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "versions": _versions(),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _measure_load(graph: object, runs: int, timeout: float) -> dict[str, object]:
    """The data and links parts into a fresh Oxigraph server (Graph Store PUT + POSTs).

    The server must then hold every triple; a load that loses one stops the benchmark.
    """
    oxigraph = shutil.which("oxigraph") or str(Path(plan.PYTHON).with_name("oxigraph"))
    samples = []
    for _ in range(runs):
        location = Path(tempfile.mkdtemp(prefix="bench-oxigraph-"))
        port = _free_port()
        server = subprocess.Popen(
            [oxigraph, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1):
                        break
                except OSError:
                    time.sleep(0.05)
            run = measure(
                (plan.PYTHON, "-m", "bench.work", "load", url,
                 str(graph.data_path), str(graph.links_path)),  # type: ignore[attr-defined]
                runs=1, timeout=timeout,
            )
            if run.finished:
                stored = json.loads(run.stdout.decode().strip().splitlines()[-1])
                if stored != graph.triples:  # type: ignore[attr-defined]
                    raise SystemExit(f"load: the server holds {stored} triples, "
                                     f"not {graph.triples}")  # type: ignore[attr-defined]
            status = Path(f"/proc/{server.pid}/status").read_text()
            server_peak = next(
                int(line.split()[1]) * 1024 for line in status.splitlines()
                if line.startswith("VmHWM:")
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
            shutil.rmtree(location, ignore_errors=True)
        samples.append((run, server_peak))
        if not run.finished:
            break
    finished = [(r, peak) for r, peak in samples if r.finished]
    if len(finished) < len(samples):
        return {"seconds": None, "peak_rss": None, "runs": len(finished),
                "failure": samples[-1][0].failure}
    import statistics

    return {
        "seconds": statistics.median(r.seconds for r, _ in finished),
        "peak_rss": int(statistics.median(r.peak_rss for r, _ in finished)),
        "server_peak_rss": int(statistics.median(peak for _, peak in finished)),
        "runs": len(finished),
        "failure": None,
    }


def _skip_reason(
    history: dict[str, list[dict[str, object]]], key: str, size: int
) -> str | None:
    """Why a step is not started at ``size``, judging by its earlier sizes."""
    earlier = history.get(key, [])
    if not earlier:
        return None
    before = earlier[-1]
    if before["failure"] is not None:
        failed = "did not finish" if "did not finish" in str(before["failure"]) else "failed"
        return f"not run: {failed} at {before['size']}×"
    # Growth so far: the slope on the log-log plot between the last two sizes, at least 1.
    slope = 1.0
    if len(earlier) >= 2 and earlier[-2]["seconds"]:
        ratio = float(before["seconds"]) / float(earlier[-2]["seconds"])  # type: ignore[arg-type]
        sizes = int(before["size"]) / int(earlier[-2]["size"])  # type: ignore[arg-type]
        slope = max(1.0, math.log(ratio) / math.log(sizes))
    projected = float(before["seconds"]) * (size / int(before["size"])) ** slope  # type: ignore[arg-type]
    if projected > plan.TIMEOUT[size]:
        return (f"not run: {before['seconds']:.0f} s at {before['size']}× projects to "
                f"{projected:.0f} s, over the {plan.TIMEOUT[size]} s limit")
    return None


def _chosen(group: str, only: Collection[str] | None) -> bool:
    return only is None or group.split()[0] in only


def _skipped_or_measured(
    key: str, size: int, history: dict[str, list[dict[str, object]]], measured: Callable[[], dict]
) -> dict[str, object]:
    """The row's figures: why it is not run at ``size``, or what ``measured`` found."""
    reason = _skip_reason(history, key, size)
    if reason is not None:
        return {"seconds": None, "peak_rss": None, "runs": 0, "failure": reason, "answer": None}
    figures = measured()
    history.setdefault(key, []).append({"size": size, **figures})
    return figures


def _measure_step(step: plan.Step, runs: int, timeout: float) -> dict[str, object]:
    if step.unavailable is not None:
        return {"seconds": None, "peak_rss": None, "runs": 0,
                "failure": f"not installed: {step.unavailable}", "answer": None}
    run = measure(step.argv, runs=runs, timeout=timeout, ok_codes=step.ok_codes,
                  budget=plan.STEP_BUDGET)
    answer = None
    if run.finished and step.answer is not None:
        answer = kept_answer(step.answer(run.stdout, run.returncode))
    return {"seconds": run.seconds, "peak_rss": run.peak_rss, "runs": run.runs,
            "failure": run.failure, "answer": answer}


def kept_answer(answer: object) -> object:
    """``answer`` as results.json keeps it: whole, or as count and digest if it is long."""
    if not isinstance(answer, list) or len(answer) <= ANSWER_KEPT_WHOLE:
        return answer
    items = sorted(json.dumps(item, sort_keys=True) for item in answer)
    digest = hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()
    return {"results": len(answer), "sha256": digest}


def measure_rows(only: Collection[str] | None = None) -> list[dict[str, object]]:
    """Every chosen step at every size (plan.SIZES); ``only``: the groups (plan.GROUPS)."""
    started = time.time()
    merged = _merged_ontology(BUILD_DIR)
    rows: list[dict[str, object]] = []
    history: dict[str, list[dict[str, object]]] = {}
    for size in plan.SIZES:
        graph = scaled_graph(size, BUILD_DIR)
        runs, timeout = plan.RUNS[size], plan.TIMEOUT[size]
        _say(f"== {size}× : {graph.triples} data triples ({time.time() - started:.0f} s so far)")
        # Jena SHACL's one input file, written before any timing (bench.jena_shacl).
        merged_graph = BUILD_DIR / f"graph-x{size}.nt"
        if _chosen("validate", only):
            jena_shacl.merged_ntriples(
                [*resources.ontology_paths(), graph.data_path, graph.links_path], merged_graph
            )
        for step in plan.steps_for(graph, merged, merged_graph):
            if not _chosen(step.group, only):
                continue
            row: dict[str, object] = {
                "size": size, "triples": graph.triples, "group": step.group,
                "engine": step.engine, "toolkit": step.toolkit,
            }
            row.update(_skipped_or_measured(
                f"{step.group}|{step.engine}", size, history,
                partial(_measure_step, step, runs, timeout),
            ))
            rows.append(row)
            _say_row(row)
        if _chosen("load", only):
            row = {"size": size, "triples": graph.triples, "group": "load",
                   "engine": "oxigraph server", "toolkit": False}
            row.update(_skipped_or_measured(
                "load|oxigraph server", size, history,
                lambda: {**_measure_load(graph, runs, timeout), "answer": None},  # noqa: B023
            ))
            rows.append(row)
            _say_row(row)
        merged_graph.unlink(missing_ok=True)
    return rows


def merge_rows(
    old: list[dict[str, object]], new: list[dict[str, object]], groups: Collection[str]
) -> list[dict[str, object]]:
    """``old`` with its rows of ``groups`` at the sizes of ``new`` replaced by ``new``'s.

    Rows keep the order of a whole run: by size, then each job and engine where it was;
    an engine new to a job goes after the engine it follows in ``new`` (or after the job's
    others).
    """
    sizes = {row["size"] for row in new}
    kept = [r for r in old if not (r["size"] in sizes and str(r["group"]).split()[0] in groups)]
    order = list(dict.fromkeys((r["group"], r["engine"]) for r in old))
    previous = None
    for key in dict.fromkeys((r["group"], r["engine"]) for r in new):
        if key not in order:
            if previous is not None and previous[0] == key[0]:
                order.insert(order.index(previous) + 1, key)
            else:
                same_job = [i for i, known in enumerate(order) if known[0] == key[0]]
                order.insert(same_job[-1] + 1 if same_job else len(order), key)
        previous = key
    rank = {key: index for index, key in enumerate(order)}
    return sorted([*kept, *new],
                  key=lambda r: (int(r["size"]), rank[(r["group"], r["engine"])]))  # type: ignore[call-overload]


def main(only: Collection[str] | None = None) -> None:
    """Run the benchmark and write bench/results.json.

    With ``only`` (jobs of plan.GROUPS), only those jobs run, at plan.SIZES, and their rows
    replace the same jobs' rows at those sizes in the existing bench/results.json; the
    rest of it (other jobs, other sizes, the single queries) stays as it was.
    """
    BUILD_DIR.mkdir(exist_ok=True)
    if LAUNCHER is None:
        _say("warning: GNU time (/usr/bin/time) is missing: peak memory figures include the "
             "benchmark's own (apt-get install time)")
    started = time.time()
    if only is not None:
        if not RESULTS.is_file():
            raise SystemExit(f"--only refreshes {RESULTS}, which is missing: run the whole bench")
        results = json.loads(RESULTS.read_text())
        rows = merge_rows(results["rows"], measure_rows(only), only)
        refreshed = {"jobs": sorted(only), "sizes": list(plan.SIZES),
                     "seconds": round(time.time() - started)}
        results.update(machine=_machine(), rows=rows, refreshed=refreshed)
    else:
        rows = measure_rows()
        results = {"generated_by": "bench/run.py", "machine": _machine(), "runs": plan.RUNS,
                   "timeouts": plan.TIMEOUT, "rows": rows, "single_queries": _single_queries(),
                   "total_seconds": round(time.time() - started)}
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    _say(f"wrote {RESULTS} in {time.time() - started:.0f} s")


def _single_queries() -> list[dict[str, object]]:
    """Every canned query that needs no parameter, alone, as a whole `kg query` process."""
    from kg.queries import list_queries

    found = []
    for query in list_queries():
        if any(parameter.default is None for parameter in query.parameters):
            continue
        run = measure((plan.KG, "query", query.name), runs=3, timeout=60)
        found.append({"query": query.name, **{k: v for k, v in asdict(run).items()
                                              if k in ("seconds", "peak_rss", "failure")}})
    return found


if __name__ == "__main__":
    main()
