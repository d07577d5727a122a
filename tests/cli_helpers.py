"""Running the ``kg`` command in-process, for the CLI tests of several modules."""

from __future__ import annotations

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
