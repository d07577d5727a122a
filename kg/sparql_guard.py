"""Whether a SPARQL text may run here: one decision for the server, kg query and kg validate.

The decision is taken on a parse tree (rdflib's SPARQL 1.1 parser) while Oxigraph runs
the query, so the two parsers must read the same text the same way. They differ in two
places, and :func:`canonical_text` removes both before either parser sees the text:

* ``\\u`` escapes: rdflib expands them everywhere before parsing (SPARQL 1.1, 19.2), and
  also reads ``\\u`` with eight digits; Oxigraph expands them inside strings and IRIs only,
  so ``"a\\u0022#"`` is one string to Oxigraph and a string and a comment to rdflib.
* Line ends: a ``#`` comment ends at CR for Oxigraph and at LF only for rdflib.

The canonical text has its escapes expanded once, as SPARQL 1.1 says, and every CR or
CRLF turned into LF; a text whose expansion leaves another escape (``\\u005Cu0022``) or
names no character is refused. That text, and only it, is parsed here and handed to
the engine, so neither parser can see a comment, a string or a ``SERVICE`` the other
does not.

Deep nesting crashes parsers written as recursion (rdflib's pyparsing grammar, and
Oxigraph's parser and planner, whose stack overflow kills the process). A text nesting
brackets deeper than :data:`MAX_NESTING` is refused before any parser runs, by a scan
that skips comments, strings and IRIs as the parsers do and never counts low; rdflib's
parser then runs on a thread with a stack large enough for that depth.

This module imports only the standard library, pyparsing, rdflib's SPARQL parser and
:mod:`kg.big_stack`: the server's query workers run it as they start.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pyparsing import Optional, ParseBaseException, Suppress, ZeroOrMore
from rdflib.plugins.sparql import parser as _grammar
from rdflib.plugins.sparql.parserutils import CompValue, ParamList

from kg.big_stack import start_thread

__all__ = [
    "MAX_NESTING",
    "QueryRefused",
    "calls_service",
    "canonical_text",
    "check_nesting",
    "checked_query",
    "on_deep_stack",
    "parse_query",
    "parse_update",
]

# Brackets ((, [, {) a query may nest. Ordinary queries nest a handful; rdflib's parser
# uses about 60 Python frames per level, Oxigraph's a few kilobytes of stack.
MAX_NESTING = 100
# The thread that parses: its stack and Python's recursion limit while it runs. The
# limit (about 60 frames a level at MAX_NESTING, plus the grammar's own depth) leaves
# each frame more than 2 KB of stack, many times what pyparsing's frames take.
_STACK_BYTES = 64 * 2**20
_RECURSION_LIMIT = 30_000

T = TypeVar("T")


class QueryRefused(ValueError):
    """A text that may not run: the message says why, on one line.

    ``update`` tells a text that is a SPARQL update (which a read-only service refuses
    as such) from one that does not parse at all.
    """

    def __init__(self, message: str, *, update: bool = False) -> None:
        super().__init__(message)
        self.update = update


# rdflib writes TriplesBlock as recursion, one level per triple pattern, so a group of
# a few hundred patterns passes any recursion limit. The same grammar as a loop, as
# rdflib already writes its TriplesTemplate: the parse tree is the same, its depth is not.
_grammar.TriplesBlock <<= ParamList("triples", _grammar.TriplesSameSubjectPath) + ZeroOrMore(
    Suppress(".") + Optional(ParamList("triples", _grammar.TriplesSameSubjectPath))
)

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Anything either parser would still read as an escape (rdflib: \u or \U, 4 or 8 digits).
_ANY_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")


def canonical_text(text: str) -> str:
    """``text`` as both parsers read it alike: escapes expanded once, line ends LF only."""

    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryRefused(f"{match.group(0)} is not a Unicode character")
        return chr(code)

    expanded = _ESCAPE.sub(expand, text)
    left = _ANY_ESCAPE.search(expanded)
    if left is not None:
        raise QueryRefused(
            f"'{left.group(0)}' is an escape the parsers read differently (or one an escape "
            "spelled); write the character itself"
        )
    return expanded.replace("\r\n", "\n").replace("\r", "\n")


_OPENING, _CLOSING = "([{", ")]}"
_LINE_END = re.compile(r"[\r\n]")
# An IRI as SPARQL writes it; the same characters after a less-than sign may be an
# operator and a name instead, so the scan counts the brackets inside one as opening.
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_LONG_STRING = {
    "'": re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.S),
    '"': re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.S),
}
_SHORT_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")


def nesting_depth(text: str) -> tuple[int, int]:
    """The deepest bracket nesting of ``text`` and the line it is on.

    Comments, strings and IRIs are skipped as a SPARQL tokenizer skips them. Where the
    reading is ambiguous the count errs high: an opening bracket inside what may be an
    IRI counts, a closing one does not.
    """
    depth = deepest = 0
    deepest_line = line = 1
    position, end = 0, len(text)
    while position < end:
        char = text[position]
        if char == "\n":
            line += 1
        elif char == "#":
            # Ended by CR too, as Oxigraph ends it: rdflib reads on, so this counts high.
            line_end = _LINE_END.search(text, position)
            position = end if line_end is None else line_end.start()
            continue
        elif char in "'\"":
            if text.startswith(char * 3, position):
                found = _LONG_STRING[char].match(text, position)
                if found is None:
                    break  # never closed: no parser reads past it
            else:
                found = _SHORT_STRING.match(text, position)
            if found is not None:
                line += found.group(0).count("\n")
                position = found.end()
                continue
        elif char == "<":
            found = _IRI.match(text, position)
            if found is not None:
                depth += sum(found.group(0).count(bracket) for bracket in _OPENING)
                if depth > deepest:
                    deepest, deepest_line = depth, line
                position = found.end()
                continue
        elif char == "\\":
            position += 2  # a name's escaped character (ex:a\#b), never a comment or bracket
            continue
        elif char in _OPENING:
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        position += 1
    return deepest, deepest_line


def check_nesting(text: str) -> None:
    """Refuse a text nesting brackets deeper than MAX_NESTING, canonical or as written."""
    depth, line = nesting_depth(text)
    if depth > MAX_NESTING:
        raise QueryRefused(
            f"the query nests too deeply: {depth} levels of brackets on line {line}, "
            f"at most {MAX_NESTING}"
        )


_deep = threading.local()
_one_deep_thread = threading.Lock()


def on_deep_stack(function: Callable[[], T]) -> T:
    """``function()`` run on a thread whose stack holds parses of MAX_NESTING levels.

    Python's recursion limit is raised meanwhile (it is one for the whole process, so
    one such thread runs at a time), and put back after.
    """
    if getattr(_deep, "active", False):
        return function()
    outcome: list[Any] = []

    def run() -> None:
        _deep.active = True
        try:
            outcome.append((True, function()))
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            outcome.append((False, error))

    with _one_deep_thread:
        previous_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous_limit, _RECURSION_LIMIT))
        try:
            start_thread(run, "sparql-parse", _STACK_BYTES).join()
        finally:
            sys.setrecursionlimit(previous_limit)
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]


def _parsed(parse: Callable[[str], Any], text: str) -> Any:
    check_nesting(text)
    try:
        return on_deep_stack(lambda: parse(text))
    except RecursionError:
        raise QueryRefused("the query nests too deeply for the parser") from None


def parse_query(text: str) -> Any:
    """rdflib's parse tree of a canonical query text; ParseBaseException if it does not
    parse, QueryRefused if it nests too deeply."""
    return _parsed(_grammar.parseQuery, text)


def parse_update(text: str) -> Any:
    """rdflib's parse tree of a canonical update text, as :func:`parse_query`."""
    return _parsed(_grammar.parseUpdate, text)


def _nodes(tree: object) -> Iterator[object]:
    """Every node of an rdflib parse tree, depth first, without recursion."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, dict):  # CompValue and its kin are dicts of their parts
            todo.extend(dict.values(node))
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            todo.extend(node)


def calls_service(parsed: object) -> bool:
    """Whether a parse tree holds a ``SERVICE`` pattern anywhere (subqueries, EXISTS…)."""
    return any(
        isinstance(node, CompValue) and node.name == "ServiceGraphPattern"
        for node in _nodes(parsed)
    )


def checked_query(text: str, *, update: bool = False) -> str:
    """The canonical text of a query (or an update) that calls no other endpoint.

    Raises QueryRefused, one line saying why: an escape the parsers read differently,
    nesting too deep, a text that does not parse, ``SERVICE``. Run the returned text,
    never ``text``: it is the one the decision was taken on.
    """
    canonical = canonical_text(text)
    if not canonical.strip():
        raise QueryRefused("the query is empty")
    try:
        parsed = parse_update(canonical) if update else parse_query(canonical)
    except QueryRefused:
        raise
    except ParseBaseException as error:
        if not update and _is_update(canonical):
            raise QueryRefused("the text is a SPARQL update, not a query", update=True) from None
        raise QueryRefused(f"the query does not parse: {_one_line(error)}") from None
    except (ValueError, TypeError) as error:
        raise QueryRefused(f"the query does not parse: {_one_line(error)}") from None
    if calls_service(parsed):
        raise QueryRefused("SERVICE is refused: no query here calls another endpoint")
    return canonical


def _is_update(text: str) -> bool:
    try:
        parse_update(text)
    except Exception:  # noqa: BLE001 - any failure means it is not a clean update
        return False
    return True


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
