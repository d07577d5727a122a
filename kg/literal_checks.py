"""Refuse ill-typed literals before they reach a store that would silently change them.

Virtuoso stores ``"notanint"^^xsd:integer`` sent over the Graph Store Protocol as the
integer 0. The loader therefore checks every literal of a built-in XSD datatype against
the datatype's lexical space (XML Schema 1.1 Part 2) before it sends anything.

rdflib's own ``Literal.ill_typed`` is not used: it goes through Python's ``date``, which
has no year 0 and no years before 1, and would refuse valid dates such as ``-0044-03-15``.
Datatypes not listed here (strings, IRIs, WKT…) are accepted as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import KgError

__all__ = [
    "IllTypedLiteral",
    "IllTypedLiteralError",
    "check_literals",
    "ill_typed_literals",
    "is_well_typed",
]

_TZ = r"(?:Z|[+-](?P<tzh>\d\d):(?P<tzm>\d\d))?"
_YEAR = r"-?(?:[1-9]\d{3,}|0\d{3})"
_TIME = r"(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d(?:\.\d+)?)"

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN")
_BOOLEAN = re.compile(r"true|false|1|0")
_DATE = re.compile(rf"(?P<year>{_YEAR})-(?P<month>\d\d)-(?P<day>\d\d){_TZ}")
_DATE_TIME = re.compile(rf"(?P<year>{_YEAR})-(?P<month>\d\d)-(?P<day>\d\d)T{_TIME}{_TZ}")
_DATE_TIME_STAMP = re.compile(
    rf"(?P<year>{_YEAR})-(?P<month>\d\d)-(?P<day>\d\d)T{_TIME}(?:Z|[+-](?P<tzh>\d\d):(?P<tzm>\d\d))"
)
_TIME_ONLY = re.compile(rf"{_TIME}{_TZ}")
_G_YEAR = re.compile(rf"(?P<year>{_YEAR}){_TZ}")
_G_YEAR_MONTH = re.compile(rf"(?P<year>{_YEAR})-(?P<month>\d\d){_TZ}")
_G_MONTH_DAY = re.compile(rf"--(?P<month>\d\d)-(?P<day>\d\d){_TZ}")
_G_MONTH = re.compile(rf"--(?P<month>\d\d){_TZ}")
_G_DAY = re.compile(rf"---(?P<day>\d\d){_TZ}")
_DURATION = re.compile(
    r"-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?"
)
_DAY_TIME_DURATION = re.compile(
    r"-?P(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?"
)
_YEAR_MONTH_DURATION = re.compile(r"-?P(?=\d)(?:\d+Y)?(?:\d+M)?")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")

# Inclusive bounds of the integer types derived from xsd:integer (None: unbounded).
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}


@dataclass(frozen=True)
class IllTypedLiteral:
    """A triple whose object is not in its datatype's lexical space."""

    subject: Node
    predicate: Node
    literal: Literal

    def __str__(self) -> str:
        return f"{self.subject.n3()} {self.predicate.n3()} {self.literal.n3()}"


class IllTypedLiteralError(KgError):
    """Literals that a store would store changed, or refuse; nothing was sent."""

    def __init__(self, source: str, found: list[IllTypedLiteral]) -> None:
        self.source = source
        self.found = found
        shown = "; ".join(str(item) for item in found[:3])
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        super().__init__(
            f"{source}: {len(found)} ill-typed literal{'s' if len(found) != 1 else ''}, "
            f"nothing was sent: {shown}{more}"
        )


def is_well_typed(literal: Literal) -> bool:
    """False when ``literal`` has a built-in XSD datatype and a form outside its lexical space."""
    if literal.datatype is None or not str(literal.datatype).startswith(str(XSD)):
        return True
    check = _CHECKS.get(str(literal.datatype)[len(str(XSD)) :])
    # XSD whitespace rules collapse leading and trailing spaces for these types.
    return True if check is None else check(str(literal).strip())


def ill_typed_literals(triples: Iterable[tuple[Node, Node, Node]]) -> list[IllTypedLiteral]:
    """Every triple whose object literal is ill-typed, in a stable order."""
    found = [
        IllTypedLiteral(subject, predicate, obj)
        for subject, predicate, obj in triples
        if isinstance(obj, Literal) and not is_well_typed(obj)
    ]
    return sorted(found, key=str)


def check_literals(graph: Graph, source: str) -> None:
    """Raise IllTypedLiteralError naming ``source`` if any literal of ``graph`` is ill-typed."""
    found = ill_typed_literals(graph)
    if found:
        raise IllTypedLiteralError(source, found)


# Every finite bound above has at most this many digits. Longer integers are compared by
# their sign alone: Python refuses to convert more than 4300 digits (sys.int_info), and a
# valid xsd:integer may have any number.
_BOUND_DIGITS = 20


def _integer_check(low: int | None, high: int | None) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        if not _INTEGER.fullmatch(text):
            return False
        negative = text.startswith("-")
        digits = text.lstrip("+-").lstrip("0") or "0"
        if len(digits) > _BOUND_DIGITS:
            return low is None if negative else high is None
        value = -int(digits) if negative else int(digits)
        return (low is None or value >= low) and (high is None or value <= high)

    return check


def _leap_rule_year(text: str) -> int:
    """The year modulo 10,000, with its sign: all the Gregorian leap rule looks at.

    A year may have any number of digits; Python refuses to convert more than 4300.
    """
    return -int(text[-4:]) if text.startswith("-") else int(text[-4:])


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        # XML Schema 1.1 counts a year 0000 (1 BCE) and keeps the Gregorian leap rule.
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _fields_valid(match: re.Match[str]) -> bool:
    fields = match.groupdict()
    month = int(fields["month"]) if fields.get("month") else None
    if month is not None and not 1 <= month <= 12:
        return False
    if fields.get("day"):
        day = int(fields["day"])
        year = _leap_rule_year(fields["year"]) if fields.get("year") else 2000  # --02-29 is allowed
        limit = _days_in_month(year, month) if month is not None else 31
        if not 1 <= day <= limit:
            return False
    if fields.get("hour"):
        hour, minute, second = int(fields["hour"]), int(fields["minute"]), float(fields["second"])
        midnight = hour == 24 and minute == 0 and second == 0
        if not (midnight or (hour < 24 and minute < 60 and second < 60)):
            return False
    if fields.get("tzh"):
        tz_hour, tz_minute = int(fields["tzh"]), int(fields["tzm"])
        if tz_minute > 59 or tz_hour > 14 or (tz_hour == 14 and tz_minute):
            return False
    return True


def _pattern_check(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        match = pattern.fullmatch(text)
        return match is not None and _fields_valid(match)

    return check


def _matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: pattern.fullmatch(text) is not None


_CHECKS: dict[str, Callable[[str], bool]] = {
    **{name: _integer_check(low, high) for name, (low, high) in _INTEGER_RANGES.items()},
    "decimal": _matches(_DECIMAL),
    "float": _matches(_FLOAT),
    "double": _matches(_FLOAT),
    "boolean": _matches(_BOOLEAN),
    "date": _pattern_check(_DATE),
    "dateTime": _pattern_check(_DATE_TIME),
    "dateTimeStamp": _pattern_check(_DATE_TIME_STAMP),
    "time": _pattern_check(_TIME_ONLY),
    "gYear": _pattern_check(_G_YEAR),
    "gYearMonth": _pattern_check(_G_YEAR_MONTH),
    "gMonthDay": _pattern_check(_G_MONTH_DAY),
    "gMonth": _pattern_check(_G_MONTH),
    "gDay": _pattern_check(_G_DAY),
    "duration": _matches(_DURATION),
    "dayTimeDuration": _matches(_DAY_TIME_DURATION),
    "yearMonthDuration": _matches(_YEAR_MONTH_DURATION),
    "hexBinary": _matches(_HEX),
    "base64Binary": lambda text: _BASE64.fullmatch(re.sub(r"\s+", "", text)) is not None,
}
