"""Run one whole process and measure its wall time and peak resident memory.

Peak memory is the child's own ``ru_maxrss`` as the kernel reports it when the process
is reaped (``wait4``): exact, with no sampling. The kernel counts into a process's
``ru_maxrss`` the memory of the process it was forked from, up to its ``exec``; so the
command is started by GNU time (``/usr/bin/time``, a few hundred kilobytes), which
forks it and reports its peak, rather than by the benchmark's own Python process, whose
size would otherwise be the floor of every figure. Without GNU time (Debian package
``time``) the benchmark says so when it starts, and its small figures include its own
memory. A process that outlives its time budget is killed and
recorded as not finished.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LAUNCHER", "Run", "Sample", "measure", "run_once"]

# GNU time, which starts each command so that its peak memory is its own (see above).
LAUNCHER = Path("/usr/bin/time") if Path("/usr/bin/time").is_file() else None


@dataclass(frozen=True)
class Sample:
    """One run: seconds of wall time, peak RSS in bytes, exit status, and its output."""

    seconds: float
    peak_rss: int
    returncode: int
    timed_out: bool
    stdout: bytes


@dataclass(frozen=True)
class Run:
    """Several runs of one command: the median of each measure, and what went wrong."""

    seconds: float | None
    peak_rss: int | None
    runs: int
    failure: str | None
    stdout: bytes
    returncode: int = 0

    @property
    def finished(self) -> bool:
        return self.failure is None


def run_once(
    argv: Sequence[str | Path], *, timeout: float, cwd: Path | None = None
) -> Sample:
    """Run ``argv`` to the end (or to ``timeout`` seconds) and measure it."""
    command = [str(arg) for arg in argv]
    report = None
    if LAUNCHER is not None:
        handle, name = tempfile.mkstemp(prefix="bench-rss-")
        os.close(handle)
        report = Path(name)
        command = [str(LAUNCHER), "--format=%M", f"--output={report}", "--", *command]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(process.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    peak_kib = usage.ru_maxrss  # kilobytes on Linux
    if report is not None:
        # GNU time writes the child's peak (KiB) as the last line, after a line saying how
        # the command ended when it did not exit with 0; a killed run leaves nothing.
        lines = report.read_text().split()
        report.unlink()
        if lines and lines[-1].isdigit():
            peak_kib = int(lines[-1])
    return Sample(
        seconds=seconds,
        peak_rss=peak_kib * 1024,
        returncode=process.returncode,
        timed_out=killed.is_set(),
        stdout=b"".join(chunks),
    )


def measure(
    argv: Sequence[str | Path],
    *,
    runs: int,
    timeout: float,
    cwd: Path | None = None,
    ok_codes: Sequence[int] = (0,),
    budget: float | None = None,
) -> Run:
    """Run ``argv`` ``runs`` times; the medians, or the first failure (no more runs then).

    With ``budget``, no further run starts once the runs so far took that many seconds.
    """
    samples: list[Sample] = []
    for _ in range(runs):
        if budget is not None and sum(s.seconds for s in samples) >= budget:
            break
        sample = run_once(argv, timeout=timeout, cwd=cwd)
        if sample.timed_out:
            return Run(None, None, len(samples), f"did not finish in {timeout:g} s", b"")
        if sample.returncode not in ok_codes:
            tail = sample.stdout.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            return Run(None, None, len(samples), f"exit {sample.returncode}: {tail[0][:200]}", b"")
        samples.append(sample)
    return Run(
        seconds=statistics.median(s.seconds for s in samples),
        peak_rss=int(statistics.median(s.peak_rss for s in samples)),
        runs=len(samples),
        failure=None,
        stdout=samples[-1].stdout,
        returncode=samples[-1].returncode,
    )
