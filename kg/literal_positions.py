"""Where an ill-typed literal is written, and rdflib's warnings about it kept quiet.

rdflib logs a warning with a full traceback each time it makes a Literal whose lexical
form is not of its datatype (``"abc"^^xsd:integer``), and pyshacl makes such a Literal
many times over: a user saw a screenful of tracebacks and no position. The toolkit finds
those literals itself (:mod:`kg.literal_checks`), reports each once with the
``file:line:column`` found here, and silences rdflib's repetitions of the same news.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.literal_checks import IllTypedLiteral

__all__ = [
    "LocatedLiteral",
    "locate",
    "quiet_literal_conversion_warnings",
    "silence_literal_conversion_warnings",
]

_RDFLIB_TERM_LOGGER = "rdflib.term"
_CONVERSION_WARNING = "Failed to convert Literal lexical form to value"


@dataclass(frozen=True)
class LocatedLiteral:
    """An ill-typed literal and where it is written (``position`` is ``file:line:column``,
    or just the file when its text could not be found there, e.g. because of escapes)."""

    found: IllTypedLiteral
    position: str


class _ConversionWarningFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_CONVERSION_WARNING)


_FILTER = _ConversionWarningFilter()


@contextmanager
def quiet_literal_conversion_warnings() -> Iterator[None]:
    """Drop rdflib's "Failed to convert Literal lexical form" warnings while inside."""
    logger = logging.getLogger(_RDFLIB_TERM_LOGGER)
    logger.addFilter(_FILTER)
    try:
        yield
    finally:
        logger.removeFilter(_FILTER)


def silence_literal_conversion_warnings() -> None:
    """The same for the rest of the process (the command line reports these literals)."""
    logging.getLogger(_RDFLIB_TERM_LOGGER).addFilter(_FILTER)


def locate(found: Sequence[IllTypedLiteral], paths: Iterable[Path | str]) -> list[LocatedLiteral]:
    """Each of ``found`` with the first place in ``paths`` that writes it not yet claimed.

    Literals written the same way twice get their two places in file order.
    """
    texts = []
    for path in paths:
        try:
            texts.append((Path(path), Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue  # the parser has already read it; a position is a bonus
    claimed: set[tuple[Path, int]] = set()
    located = []
    for item in found:
        position = None
        for path, text in texts:
            for match in _written_forms(item).finditer(text):
                if (path, match.start()) not in claimed:
                    claimed.add((path, match.start()))
                    position = _position(path, text, match.start())
                    break
            if position is not None:
                break
        fallback = ", ".join(str(path) for path, _ in texts) or "(unreadable file)"
        located.append(LocatedLiteral(item, position or fallback))
    return located


def _written_forms(item: IllTypedLiteral) -> re.Pattern[str]:
    """``"lexical"^^datatype`` in Turtle: any quotes, the datatype as <IRI> or prefixed."""
    datatype = str(item.literal.datatype)
    local = re.split(r"[#/]", datatype)[-1]
    lexical = re.escape(str(item.literal))
    return re.compile(
        rf"(?P<q>\"\"\"|'''|\"|'){lexical}(?P=q)\s*\^\^\s*"
        rf"(?:<{re.escape(datatype)}>|[A-Za-z_]?[\w.-]*:{re.escape(local)}(?![\w-]))"
    )


def _position(path: Path, text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{path}:{line}:{column}"
