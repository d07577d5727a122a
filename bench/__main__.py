"""``python -m bench``: run the benchmark, then write bench/RESULTS.md and the plot."""

from bench import report, run

run.main()
report.main()
