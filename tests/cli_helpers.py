"""Running the ``kg`` command in-process, for the CLI tests of several modules."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Sequence

from click.testing import CliRunner

from kg.cli import main


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run ``kg ARGS``: exit code, standard output, standard error.

    An exception other than the exit itself is raised again, so a traceback a user would
    see fails the test instead of hiding in the output.
    """
    outcome = CliRunner(env=env).invoke(main, list(args))
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        raise outcome.exception
    return outcome.exit_code, outcome.stdout, outcome.stderr


def assert_one_line_error(stderr: str, expected_start: str) -> None:
    """The CLI's error contract: one line, ``kg: …``, no traceback."""
    assert stderr.startswith(f"kg: {expected_start}"), stderr
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr


def run_killed(argv: Sequence[str], kill_in: str, renamed: str | None = None) -> None:
    """Run ``kg ARGV`` in a child process that is killed (SIGKILL) where it calls
    ``kill_in``, a function's dotted name; or, with ``renamed``, right after it renamed
    that path (the first of a swap's two renames). What a killed run leaves is the test's.
    """
    program = (
        "import importlib, os, signal\n"
        f"kill_in, renamed, argv = {kill_in!r}, {renamed!r}, {list(argv)!r}\n"
        "def kill(*args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "if renamed is not None:\n"
        "    rename = os.rename\n"
        "    def renamed_then_killed(source, target, *rest, **kwargs):\n"
        "        rename(source, target, *rest, **kwargs)\n"
        "        if os.fspath(source) == renamed:\n"
        "            kill()\n"
        "    os.rename = renamed_then_killed\n"
        "else:\n"
        "    module, name = kill_in.rsplit('.', 1)\n"
        "    setattr(importlib.import_module(module), name, kill)\n"
        "from kg.cli import main\n"
        "main(argv)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=600)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
