"""``python -m bench``: run the benchmark, then write bench/RESULTS.md and the plot.

``python -m bench --only validate`` re-runs one job (repeat --only for more) and merges
its rows into bench/results.json before the report is written; BENCH_SIZES=1,10 limits
the sizes (the job's rows at other sizes are kept).
"""

import argparse

from bench import plan, report, run

parser = argparse.ArgumentParser(
    prog="python -m bench", description="Run the benchmark, then write bench/RESULTS.md."
)
parser.add_argument("--only", action="append", choices=plan.GROUPS, metavar="JOB",
                    help=f"re-run only this job ({', '.join(plan.GROUPS)}) and merge it into "
                    "bench/results.json; repeatable")
arguments = parser.parse_args()
run.main(only=arguments.only)
report.main()
