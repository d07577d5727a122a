"""Turn user text into rdflib terms and bind them into a query as a VALUES block.

User text is never pasted into a query: it becomes an rdflib term first (an IRI is
validated, a literal escaped by rdflib), and only ``term.n3()`` reaches the query text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from urllib.parse import urlsplit

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import ParameterError
from kg.namespaces import ID, KNOWN_PREFIXES

__all__ = ["KINDS", "bind_values", "check_term", "find_where_brace", "parse_value"]

KINDS = ("iri", "string", "integer", "date")

# Characters SPARQL's IRIREF production forbids (plus space and control characters).
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20\x7f]')
_ABSOLUTE_IRI = re.compile(r"https?://", re.IGNORECASE)
_CURIE = re.compile(r"(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>.*)", re.DOTALL)
_LOCAL_NAME = re.compile(r"\w(?:[\w.-]*[\w-])?")
# ASCII digits only: \d would also take Arabic-Indic and other Unicode digits, which int()
# reads but no SPARQL engine does.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# No question of the graph counts past a few digits; a bound keeps a hostile value from
# reaching int(), which refuses more than 4,300 digits with a bare ValueError.
MAX_INTEGER_DIGITS = 30


def parse_value(kind: str, text: str, name: str = "value") -> Node:
    """Return the rdflib term for ``text`` read as a parameter of ``kind``.

    Raises ParameterError, naming parameter ``name``, when ``text`` is not of that kind.
    """
    if kind == "iri":
        return _parse_iri(text, name)
    if kind == "string":
        return Literal(text)
    if kind == "integer":
        return _parse_integer(text, name)
    if kind == "date":
        return _parse_date(text, name)
    raise ParameterError(f"parameter '{name}': unknown kind {kind!r} (one of {', '.join(KINDS)})")


def check_term(kind: str, term: Node, name: str = "value") -> Node:
    """Return ``term``, given as an rdflib term for a parameter of ``kind``, once checked.

    Only an IRI or a literal of the parameter's kind can be bound: a blank node or a
    variable would change what the query means, so it is refused, like any term whose
    text would not survive ``parse_value``.
    """
    if kind == "iri" and isinstance(term, URIRef):
        return _parse_iri(f"<{term}>", name)
    if kind != "iri" and isinstance(term, Literal):
        checked = parse_value(kind, str(term), name)
        if kind == "string" or term.datatype == checked.datatype:
            return term if kind == "string" else checked
        raise ParameterError(
            f"parameter '{name}': {term.n3()} is not an xsd:{kind} literal; give the text "
            "or a literal of that datatype"
        )
    wanted = "an IRI (URIRef)" if kind == "iri" else f"text or a Literal ({kind})"
    raise ParameterError(
        f"parameter '{name}': a {type(term).__name__} cannot be bound; give {wanted}"
    )


def _parse_integer(text: str, name: str) -> Literal:
    candidate = text.strip()
    if not _INTEGER.fullmatch(candidate):
        raise ParameterError(f"parameter '{name}': not an integer (ASCII digits): {text!r}")
    digits = len(candidate.lstrip("+-"))
    if digits > MAX_INTEGER_DIGITS:
        raise ParameterError(
            f"parameter '{name}': an integer of {digits} digits; at most {MAX_INTEGER_DIGITS}"
        )
    return Literal(int(candidate), datatype=XSD.integer)


def _parse_iri(text: str, name: str) -> URIRef:
    candidate = text.strip()
    if candidate.startswith("<") and candidate.endswith(">"):
        candidate = candidate[1:-1]
        if not _ABSOLUTE_IRI.match(candidate):
            raise ParameterError(f"parameter '{name}': not an http(s) IRI: {text!r}")
    if _ABSOLUTE_IRI.match(candidate):
        iri = candidate
    elif (curie := _CURIE.fullmatch(candidate)) is not None:
        prefix = curie.group("prefix") or ""
        if prefix not in KNOWN_PREFIXES:
            known = ", ".join(f"{known}:" for known in KNOWN_PREFIXES)
            raise ParameterError(
                f"parameter '{name}': unknown prefix '{prefix}:' in {text!r} (known: {known})"
            )
        iri = KNOWN_PREFIXES[prefix] + curie.group("local")
    elif _LOCAL_NAME.fullmatch(candidate):
        iri = str(ID) + candidate
    else:
        raise ParameterError(f"parameter '{name}': not a valid IRI: {text!r}")
    if _IRI_FORBIDDEN.search(iri) or not urlsplit(iri).netloc:
        raise ParameterError(f"parameter '{name}': not a valid IRI: {text!r}")
    return URIRef(iri)


def _parse_date(text: str, name: str) -> Literal:
    candidate = text.strip()
    try:
        if not _DATE.fullmatch(candidate):
            raise ValueError(candidate)
        date.fromisoformat(candidate)
    except ValueError:
        raise ParameterError(f"parameter '{name}': not a date (YYYY-MM-DD): {text!r}") from None
    return Literal(candidate, datatype=XSD.date)


def bind_values(query_text: str, bindings: Mapping[str, Node]) -> str:
    """Return ``query_text`` with ``VALUES (?name ...) { (term ...) }`` opening its outer WHERE.

    The block goes right after the ``{`` of the first ``WHERE {`` outside comments,
    strings and IRIs, which in SPARQL is always the outermost group of the query.
    """
    if not bindings:
        return query_text
    brace = find_where_brace(query_text)
    if brace is None:
        raise ParameterError("the query has no 'WHERE {' to bind parameters into")
    variables = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    block = f"\n  VALUES ({variables}) {{ ({terms}) }}\n"
    return query_text[: brace + 1] + block + query_text[brace + 1 :]


# One token of SPARQL text that may hide a "WHERE" we must not match.
_SKIPPABLE = re.compile(
    r"""
      \#[^\n]*                                   # comment to the end of the line
    | '''(?:[^'\\]|\\.|'(?!''))*'''              # long strings
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    | '(?:[^'\\\n]|\\.)*'                        # short strings
    | "(?:[^"\\\n]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>                  # an IRI; a lone '<' is an operator
    | [?$:\w][\w:.-]*                            # variables, prefixed names, other words
    """,
    re.VERBOSE | re.DOTALL,
)
_WHITESPACE_AND_COMMENTS = re.compile(r"(?:\s+|\#[^\n]*)*")


def find_where_brace(query_text: str) -> int | None:
    """Index of the ``{`` after the first ``WHERE`` keyword outside comments, strings, IRIs."""
    position = 0
    while position < len(query_text):
        token = _SKIPPABLE.match(query_text, position)
        if token is None:
            position += 1
            continue
        position = token.end()
        if token.group().upper() == "WHERE":
            after = _WHITESPACE_AND_COMMENTS.match(query_text, position)
            brace = after.end() if after else position
            if brace < len(query_text) and query_text[brace] == "{":
                return brace
    return None
