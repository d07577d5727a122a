"""Write a query Result as a table for people or in a SPARQL 1.1 results format."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kg.namespaces import curie
from kg.queries import Result

__all__ = [
    "FORMATS",
    "format_result",
    "rows_as_csv_records",
    "to_csv",
    "to_json",
    "to_table",
    "to_tsv",
    "visible",
]

FORMATS = ("table", "csv", "tsv", "json")
# What a terminal would act on rather than show: C0 and C1 controls and DEL (escape
# sequences that set a window title or clear the screen, CR and LF that break rows),
# Unicode's line and paragraph separators, and its bidi controls (Bidi_Control), which
# reorder what follows them.
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def format_result(result: Result, output_format: str) -> str:
    """``result`` in one of FORMATS; ``table`` is for people, the others for programs."""
    writers = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json}
    if output_format not in writers:
        raise ValueError(f"unknown format {output_format!r}; expected one of {', '.join(FORMATS)}")
    return writers[output_format](result)


def rows_as_csv_records(result: Result) -> list[list[str]]:
    """The rows as SPARQL 1.1 CSV writes them, without the header row.

    An IRI becomes its full text, a literal its lexical form, a blank node ``_:id``,
    an unbound variable the empty string. Compare with ``csv.reader`` over an expected file.
    """
    return [[_csv_value(term) for term in row] for row in result.rows]


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV: a header of names, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.columns)
    writer.writerows(rows_as_csv_records(result))
    return buffer.getvalue()


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV: ``?name`` headers, terms in Turtle syntax."""
    lines = ["\t".join(f"?{column}" for column in result.columns)]
    lines += ["\t".join(_tsv_value(term) for term in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _tsv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        # rdflib's n3() may emit a long string with raw newlines, which would break a row.
        escaped = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{escaped}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{escaped}"^^<{term.datatype}>'
        return f'"{escaped}"'
    return str(term)


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    document: dict[str, Any]
    if result.boolean is not None:
        document = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [
            {
                column: _json_term(term)
                for column, term in zip(result.columns, row, strict=True)
                if term is not None
            }
            for row in result.rows
        ]
        document = {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        encoded = {"type": "literal", "value": str(term)}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            encoded["datatype"] = str(term.datatype)
        return encoded
    return {"type": "literal", "value": str(term)}


def to_table(result: Result) -> str:
    """An aligned plain-text table; IRIs are shortened with the known prefixes."""
    cells = [[visible(_display(term)) for term in row] for row in result.rows]
    columns = [visible(column) for column in result.columns]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(Text(column), no_wrap=True, overflow="ignore")
    for row in cells:
        # Text, not str: a literal such as "[note]" must not be read as rich markup.
        table.add_row(*(Text(cell) for cell in row))
    # Wide enough that rich never wraps or truncates: the table is for reading in full.
    widest = [len(column) for column in columns]
    for row in cells:
        widest = [max(width, len(cell)) for width, cell in zip(widest, row, strict=True)]
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=sum(widest) + 3 * len(widest) + 10, color_system=None, highlight=False
    )
    console.print(table)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    count = len(result.rows)
    lines.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(lines) + "\n"


def visible(text: str) -> str:
    """``text`` with each character a terminal would act on written as its escape.

    ``\\x1b``, ``\\r``, ``\\u202e``, as ``repr`` writes them: the table shows what a
    store or a file holds, and the terminal never runs it. The other formats carry the
    exact text, for programs.
    """
    return _UNSHOWABLE.sub(lambda match: repr(match.group())[1:-1], text)


def _display(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    # Literals show their words only: language tags and datatypes are in the other formats.
    return str(term)
