"""sh:pattern and sh:flags: refused when an engine cannot use them, and matched in linear time.

The fast engine hands each pattern to Oxigraph's REGEX, which compiles it with Rust's regex
crate: linear time, no back-references, no look-around. pyshacl compiles it with Python's
``re``, which backtracks: ``^(a+)+$`` against forty a's and a b would outlast any
validation, and Python's matcher holds the interpreter's lock the whole time, so nothing
in the process can stop it. pyshacl is therefore given RE2 instead
(:func:`match_in_linear_time`), the engine Rust's crate is modelled on: linear time, and
the same syntax to within details, so both engines read a pattern alike.

A pattern or flags that either engine refuses is a shapes error (:func:`check_patterns`),
found before any engine runs. Left to them, Oxigraph's REGEX would be an error, which a
FILTER takes as false (the data "conforms"), and pyshacl would crash.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph
import re2
from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import ValidationSetupError

__all__ = ["XPATH_FLAGS", "check_patterns", "match_in_linear_time"]

# The flags of XPath's fn:matches, which SPARQL's REGEX and SHACL's sh:flags take.
XPATH_FLAGS = frozenset("smixq")

# The flags pyshacl's pattern component reads; it ignores the others.
_PYSHACL_FLAGS = frozenset("im")

# Substituted variables must be projected.
_OXIGRAPH_ACCEPTS = "SELECT ?pattern ?flags (REGEX('', ?pattern, ?flags) AS ?accepted) {}"


def check_patterns(shapes: Graph, for_pyshacl: bool = False) -> None:
    """Raise ValidationSetupError for an sh:pattern or sh:flags that an engine refuses.

    ``for_pyshacl``: the flags pyshacl ignores (s, x and q) are refused too, since it
    would answer another question than the shapes ask.
    """
    store = pyoxigraph.Store()
    for shape, pattern in shapes.subject_objects(SH.pattern):
        flags = shapes.value(shape, SH.flags)
        where = f"sh:pattern {_shown(pattern)} of {shape.n3()}"
        flag_text = str(flags) if flags is not None else ""
        unknown = sorted(set(flag_text) - XPATH_FLAGS)
        if unknown:
            raise ValidationSetupError(
                f"shapes: sh:flags {_shown(flags)} of {shape.n3()}: unknown flag "
                f"{', '.join(map(repr, unknown))} (XPath knows s, m, i, x and q)"
            )
        ignored = sorted(set(flag_text) - _PYSHACL_FLAGS)
        if for_pyshacl and ignored:
            raise ValidationSetupError(
                f"shapes: sh:flags {_shown(flags)} of {shape.n3()}: pyshacl, which validates "
                f"these shapes, reads only the flags i and m, not {', '.join(map(repr, ignored))}"
            )
        try:
            if "q" not in flag_text:  # with q, the pattern is a string to find, not a regex
                _compile(str(pattern))
        except re2.error as error:
            raise ValidationSetupError(
                f"shapes: {where} is not a regular expression ({_reason(error)})"
            ) from None
        if not _oxigraph_accepts(store, str(pattern), flag_text):
            raise ValidationSetupError(
                f"shapes: {where} with flags {flag_text!r} is refused by Oxigraph's REGEX"
            )


def _oxigraph_accepts(store: pyoxigraph.Store, pattern: str, flags: str) -> bool:
    # REGEX with a pattern it cannot compile is an error, which leaves ?accepted unbound.
    solutions = store.query(
        _OXIGRAPH_ACCEPTS,
        substitutions={
            pyoxigraph.Variable("pattern"): pyoxigraph.Literal(pattern),
            pyoxigraph.Variable("flags"): pyoxigraph.Literal(flags),
        },
    )
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return all(solution["accepted"] is not None for solution in solutions)


class _LinearTimeRe:
    """What pyshacl's pattern component uses of ``re``, answered by RE2.

    pyshacl reads only the flags i and m of sh:flags and passes them as re.I and re.M.
    """

    I = re.I  # noqa: E741 (the name pyshacl uses)
    M = re.M
    error = re2.error

    @staticmethod
    def compile(pattern: str, flags: int = 0) -> Any:
        return _compile(("(?m)" if flags & re.M else "") + pattern, bool(flags & re.I))


def _compile(pattern: str, ignore_case: bool = False) -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would also log each error on stderr
    options.case_sensitive = not ignore_case
    return re2.compile(pattern, options)


def match_in_linear_time() -> None:
    """Make pyshacl's sh:pattern component compile its patterns with RE2.

    It is the only user of ``re`` in that module (pyshacl 0.40), which is checked here so
    that a pyshacl release that changes it does not go unnoticed.
    """
    from pyshacl.constraints.core import string_based_constraints as module

    if module.re is not re and module.re is not _LinearTimeRe:
        raise RuntimeError("pyshacl's pattern component no longer uses re as expected")
    module.re = _LinearTimeRe  # type: ignore[assignment]


def _reason(error: re2.error) -> str:
    reason = error.args[0] if error.args else error
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def _shown(term: Node | None) -> str:
    if isinstance(term, Literal):
        return Literal(str(term)).n3()  # quoted and escaped, without a datatype
    return term.n3() if term is not None else '""'
