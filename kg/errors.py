"""The toolkit's own exceptions.

Library code raises these; only the command line turns them into a one-line message on
stderr and exit code 2. ``str(error)`` is always that one line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "CatalogueError",
    "InputFileError",
    "KgError",
    "ParameterError",
    "ParseError",
    "QueryEvaluationError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "UnknownQueryError",
    "UnsupportedQueryError",
    "ValidationSetupError",
    "ValidationTimeoutError",
]


class KgError(Exception):
    """Base class: bad input that the user can fix, reported without a traceback."""


def _position(source: str | Path, line: int | None, column: int | None) -> str:
    if line is None:
        return str(source)
    if column is None:
        return f"{source}:{line}"
    return f"{source}:{line}:{column}"


class InputFileError(KgError):
    """A file that was asked for cannot be read."""

    def __init__(self, path: str | Path, reason: str = "no such file") -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ParseError(KgError):
    """Malformed RDF; ``line`` and ``column`` are 1-based when known."""

    def __init__(
        self, file: str | Path, line: int | None, column: int | None, message: str
    ) -> None:
        self.file = Path(file)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(f"{_position(file, line, column)}: {message}")


class QuerySyntaxError(KgError):
    """A SPARQL query that does not parse; ``line`` and ``column`` are 1-based when known."""

    def __init__(
        self, source: str | Path, line: int | None, column: int | None, message: str
    ) -> None:
        self.source = str(source)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(f"{_position(source, line, column)}: {message}")


class QueryEvaluationError(KgError):
    """A query that parses but that the engine fails to evaluate (an engine's own bug)."""


class QueryTimeoutError(KgError):
    """A query that ran longer than it was allowed to (``kg query --timeout``)."""

    exit_code = 4

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        super().__init__(f"the query ran past --timeout ({seconds:g} s) and was stopped")


class ValidationTimeoutError(KgError):
    """A validation that ran longer than it was allowed to (``kg validate --timeout``)."""

    exit_code = 4

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"the validation ran past --timeout ({seconds:g} s) and was stopped; "
            "give a larger --timeout if it is expected to take longer"
        )


class UnsupportedQueryError(KgError):
    """A SPARQL request the toolkit will not run, such as an update."""


class ValidationSetupError(KgError):
    """Shapes or checks that cannot be used, such as a malformed SHACL shape."""


class CatalogueError(KgError):
    """A canned query whose header does not follow the catalogue's grammar."""


class UnknownQueryError(KgError):
    """No canned query has this name; ``suggestion`` is the closest name, if any."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.suggestion = _closest(name, sorted(known))
        hint = f" (did you mean '{self.suggestion}'?)" if self.suggestion else ""
        # repr() keeps a name with a newline or control character on one line.
        shown = f"'{name}'" if name.isprintable() else repr(name)
        super().__init__(f"unknown query {shown}{hint}")


class ParameterError(KgError):
    """A parameter that is unknown, missing or whose value is not of its kind."""


def _closest(name: str, known: list[str]) -> str | None:
    if not name.strip():
        return None  # every name starts with "": none is likelier than another
    # A name typed as the start of a longer one ("defenders") is the likeliest intent.
    starting = [candidate for candidate in known if candidate.startswith(name)]
    if starting:
        return min(starting, key=len)
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.4)
    return matches[0] if matches else None
