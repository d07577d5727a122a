"""Run the benchmark: every step at every size, then write bench/results.json.

Sizes, runs and time limits are in :mod:`bench.plan`. A step that did not finish at one
size, or whose time there projects (×10) past the next size's limit, is not started at
the next size; the results say so.
"""

from __future__ import annotations

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
from dataclasses import asdict
from pathlib import Path

from bench import plan
from bench.measure import LAUNCHER, measure
from bench.scale import scaled_graph
from kg import resources

__all__ = ["main"]

BENCH_DIR = Path(__file__).resolve().parent
BUILD_DIR = BENCH_DIR / "build"
RESULTS = BENCH_DIR / "results.json"


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
    return found


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


def main() -> None:
    BUILD_DIR.mkdir(exist_ok=True)
    if LAUNCHER is None:
        _say("warning: GNU time (/usr/bin/time) is missing: peak memory figures include the "
             "benchmark's own (apt-get install time)")
    started = time.time()
    merged = _merged_ontology(BUILD_DIR)
    rows: list[dict[str, object]] = []
    history: dict[str, list[dict[str, object]]] = {}
    for size in plan.SIZES:
        graph = scaled_graph(size, BUILD_DIR)
        runs, timeout = plan.RUNS[size], plan.TIMEOUT[size]
        _say(f"== {size}× : {graph.triples} data triples ({time.time() - started:.0f} s so far)")
        for step in plan.steps_for(graph, merged):
            key = f"{step.group}|{step.engine}"
            row: dict[str, object] = {
                "size": size, "triples": graph.triples, "group": step.group,
                "engine": step.engine, "toolkit": step.toolkit,
            }
            reason = _skip_reason(history, key, size)
            if reason is not None:
                row.update(seconds=None, peak_rss=None, runs=0, failure=reason, answer=None)
            else:
                run = measure(step.argv, runs=runs, timeout=timeout, ok_codes=step.ok_codes,
                              budget=plan.STEP_BUDGET)
                answer = None
                if run.finished and step.answer is not None:
                    answer = step.answer(run.stdout, run.returncode)
                row.update(seconds=run.seconds, peak_rss=run.peak_rss, runs=run.runs,
                           failure=run.failure, answer=answer)
                history.setdefault(key, []).append(row)
            rows.append(row)
            _say_row(row)
        key = "load|oxigraph server"
        row = {"size": size, "triples": graph.triples, "group": "load",
               "engine": "oxigraph server", "toolkit": False}
        reason = _skip_reason(history, key, size)
        if reason is not None:
            row.update(seconds=None, peak_rss=None, runs=0, failure=reason, answer=None)
        else:
            row.update(_measure_load(graph, runs, timeout), answer=None)
            history.setdefault(key, []).append(row)
        rows.append(row)
        _say_row(row)
    single = _single_queries()
    RESULTS.write_text(json.dumps(
        {"generated_by": "bench/run.py", "machine": _machine(), "runs": plan.RUNS,
         "timeouts": plan.TIMEOUT, "rows": rows, "single_queries": single,
         "total_seconds": round(time.time() - started)},
        indent=1,
    ) + "\n")
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
