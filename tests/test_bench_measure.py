"""The benchmark's measurement (bench/measure.py): each process's own peak memory and time."""

from __future__ import annotations

import sys

import pytest

from bench.measure import LAUNCHER, measure

MB = 2**20


@pytest.fixture(autouse=True)
def _needs_gnu_time() -> None:
    if LAUNCHER is None:
        pytest.skip("GNU time (/usr/bin/time, Debian package time) is not installed")


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


def test_exit_status_passes_through_and_is_checked() -> None:
    allowed = measure([sys.executable, "-c", "raise SystemExit(3)"], runs=1, timeout=60,
                      ok_codes=(3,))
    assert (allowed.finished, allowed.returncode) == (True, 3)
    refused = measure([sys.executable, "-c", "raise SystemExit(3)"], runs=1, timeout=60)
    assert refused.failure is not None and refused.failure.startswith("exit 3")


def test_a_run_over_its_time_is_killed_and_not_finished() -> None:
    run = measure([sys.executable, "-c", "import time; time.sleep(30)"], runs=1, timeout=1)
    assert run.failure == "did not finish in 1 s"
    assert run.seconds is None
