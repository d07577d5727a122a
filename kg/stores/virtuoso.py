"""Store answers read into rdflib terms, with each store's documented quirks undone here.

This is the one place where an answer from a store is changed before the toolkit uses
it. Every change is a quirk that was seen on the store and has a test of its own
(tests/test_store_quirks.py); nothing else is normalised, so any other difference from
the embedded answers shows up as a difference.

Virtuoso (quirk set ``"virtuoso"``), measured on Virtuoso Open Source 7.2:

* JSON results use the legacy ``"type": "typed-literal"`` for literals with a datatype;
* a stored ``xsd:boolean`` comes back as ``"1"`` or ``"0"`` (the values of ``"true"`` and
  ``"false"``), and a boolean expression (``EXISTS``, ``<``, ``BOUND``…) that a query
  projects comes back as the ``xsd:integer`` 1 or 0;
* an ASK query answers with a table whose column is ``__ASK_RETVAL`` instead of the
  ``boolean`` member: one row of 1 when true, no row when false;
* blank nodes are labelled ``nodeID://b10000``, which is not a blank node label;
* a GeoSPARQL ``geo:wktLiteral`` is parsed into Virtuoso's own geometry type, whatever the
  load path (SPARQL Update, Graph Store, ``TTLP``: one built-in parser, no setting turns it
  off), and comes back typed ``virtrdf:Geometry`` with its coordinates through
  single-precision floats (``28.9425`` → ``28.942499160767``). So the loader sends WKT typed
  :data:`WKT_STAND_IN` (:func:`for_virtuoso`), which Virtuoso keeps as written, and both
  that datatype and ``virtrdf:Geometry`` are read back as ``geo:wktLiteral``.

Every store: a literal typed ``xsd:string`` is a simple literal (RDF 1.1 makes them the
same term), so ``"x"`` and ``"x"^^xsd:string`` compare equal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.queries import Result
from kg.stores.presets import StoreError

__all__ = ["VIRTUOSO", "WKT_STAND_IN", "for_virtuoso", "read_json_results", "term_from_json"]

VIRTUOSO = "virtuoso"
_ASK_COLUMN = "__ASK_RETVAL"
_VIRTUOSO_BNODE_PREFIX = "nodeID://"
_BOOLEAN_WORDS = {"1": "true", "0": "false", "true": "true", "false": "false"}
_VIRTUOSO_GEOMETRY = "http://www.openlinksw.com/schemas/virtrdf#Geometry"
_WKT_LITERAL = "http://www.opengis.net/ont/geosparql#wktLiteral"
# The datatype a WKT literal is stored under in Virtuoso: one Virtuoso does not parse, named
# so that a reader of the store sees what it is. Only the loader writes it, only here.
WKT_STAND_IN = "urn:siege626:virtuoso:wktLiteral"
_STORED_AS_WKT = frozenset({_VIRTUOSO_GEOMETRY, WKT_STAND_IN})
# Characters no IRI holds (RFC 3987): controls, space, <>"{}|\^`, bidi formatting.
_NOT_IN_IRI = re.compile('[\x00-\x20<>"{}|\\\\^`\x7f-\x9f\u200e\u200f\u202a-\u202e]')


def for_virtuoso(term: Node) -> Node:
    """``term`` as it is sent to Virtuoso: a ``geo:wktLiteral`` typed :data:`WKT_STAND_IN`."""
    if (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype) == _WKT_LITERAL
    ):
        return Literal(str(term), datatype=URIRef(WKT_STAND_IN), normalize=False)
    return term


def read_json_results(
    document: Mapping[str, Any],
    form: str,
    quirks: Iterable[str] = (),
    boolean_columns: Iterable[str] = (),
) -> Result:
    """A SPARQL 1.1 JSON results document as a Result of the query ``form`` (SELECT or ASK).

    ``boolean_columns`` names the projected variables that a boolean expression binds;
    under the Virtuoso quirks their 1 and 0 become ``true`` and ``false``.
    """
    quirk_set = frozenset(quirks)
    virtuoso = VIRTUOSO in quirk_set
    if form == "ASK":
        return _read_boolean(document, virtuoso)
    head = document.get("head")
    results = document.get("results")
    if not isinstance(head, dict) or not isinstance(results, dict):
        raise StoreError("malformed SPARQL JSON results: no head or results member")
    names = head.get("vars", [])
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise StoreError("malformed SPARQL JSON results: head.vars is not a list of names")
    columns = tuple(names)
    bindings = results.get("bindings", [])
    if not isinstance(bindings, list):
        raise StoreError("malformed SPARQL JSON results: results.bindings is not a list")
    booleans = frozenset(boolean_columns) if virtuoso else frozenset()
    rows = []
    for binding in bindings:
        if not isinstance(binding, dict):
            raise StoreError("malformed SPARQL JSON results: a binding is not an object")
        row = []
        for column in columns:
            value = binding.get(column)
            term = None if value is None else term_from_json(value, quirk_set)
            if column in booleans:
                term = _integer_as_boolean(term)
            row.append(term)
        rows.append(tuple(row))
    return Result("SELECT", columns, tuple(rows))


def term_from_json(value: Mapping[str, Any], quirks: Iterable[str] = ()) -> Node:
    """One RDF term of a SPARQL JSON result binding."""
    virtuoso = VIRTUOSO in frozenset(quirks)
    if not isinstance(value, Mapping):
        raise StoreError("malformed SPARQL JSON term: not an object")
    kind = value.get("type")
    text = value.get("value")
    if not isinstance(text, str):
        raise StoreError(f"malformed SPARQL JSON term: no string value (type {_shown(kind)})")
    if kind == "uri":
        return _iri(text)
    if kind == "bnode":
        if virtuoso and text.startswith(_VIRTUOSO_BNODE_PREFIX):
            text = text[len(_VIRTUOSO_BNODE_PREFIX) :]
        return BNode(text)
    if kind == "literal" or (kind == "typed-literal" and virtuoso):
        language = value.get("xml:lang")
        if language is not None and not isinstance(language, str):
            raise StoreError("malformed SPARQL JSON term: a language tag that is not a string")
        if language:
            try:
                return Literal(text, lang=language)
            except (TypeError, ValueError):  # rdflib checks the tag's syntax (BCP 47)
                raise StoreError(
                    f"malformed SPARQL JSON term: the language tag {_shown(language)} "
                    "is not a language tag"
                ) from None
        datatype = value.get("datatype")
        if datatype is None or datatype == str(XSD.string):
            return Literal(text)
        if not isinstance(datatype, str):
            raise StoreError("malformed SPARQL JSON term: a datatype that is not a string")
        if virtuoso and datatype == str(XSD.boolean) and text in _BOOLEAN_WORDS:
            text = _BOOLEAN_WORDS[text]
        if virtuoso and datatype in _STORED_AS_WKT:
            datatype = _WKT_LITERAL
        # normalize=False keeps the store's lexical form: a change must stay visible.
        return Literal(text, datatype=_iri(datatype), normalize=False)
    raise StoreError(f"unknown SPARQL JSON term type {_shown(kind)}")


def _iri(text: str) -> URIRef:
    """``text`` as an IRI, refused if it holds what no IRI holds (RFC 3987): rdflib would
    only log a warning, and print the store's text on the way."""
    if _NOT_IN_IRI.search(text):
        raise StoreError(f"malformed SPARQL JSON term: {_shown(text)} is not an IRI")
    return URIRef(text)


def _shown(value: object, limit: int = 60) -> str:
    """A short, printable rendering of a value the store sent, for a message."""
    if isinstance(value, str):
        text = repr(value)
    elif value is None or isinstance(value, bool | int | float):
        text = json.dumps(value)
    else:  # never repr an object: it may be nested deeper than repr can go
        text = f"a JSON {'object' if isinstance(value, Mapping) else 'array'}"
    return text if len(text) <= limit else text[:limit] + "…"


def _read_boolean(document: Mapping[str, Any], virtuoso: bool) -> Result:
    answer = document.get("boolean")
    if not isinstance(answer, bool) and virtuoso:
        head = document.get("head")
        results = document.get("results")
        bindings = results.get("bindings") if isinstance(results, dict) else None
        if (
            isinstance(head, dict)
            and head.get("vars") == [_ASK_COLUMN]
            and isinstance(bindings, list)
            and len(bindings) <= 1
        ):
            # No row when false; one row of 1 when true.
            first = bindings[0] if bindings else {}
            cell = first.get(_ASK_COLUMN) if isinstance(first, dict) else None
            answer = bool(bindings) and isinstance(cell, dict) and cell.get("value") == "1"
    if not isinstance(answer, bool):
        raise StoreError("malformed SPARQL JSON results: an ASK query without a boolean")
    return Result("ASK", ("boolean",), ((Literal(answer),),), boolean=answer)


def _integer_as_boolean(term: Node | None) -> Node | None:
    if isinstance(term, Literal) and term.datatype == XSD.integer and str(term) in ("0", "1"):
        return Literal(str(term) == "1")
    return term
