"""``/query``: a form for any SPARQL query, and its answer as a table once one is sent.

The query goes to the same worker pool as ``/sparql``, with the same limits and refusals;
every prefix of ``KNOWN_PREFIXES`` may be used without a PREFIX line (the worker knows
them). A query that does not parse is explained in plain words: where (line and column,
with the line shown), what was found there, and what the query probably lacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.namespaces import KNOWN_PREFIXES
from kg.parameters import bind_values
from kg.queries import bind_parameters
from kg.serve.pages.results import results_rows
from kg.serve.render import render
from kg.serve.responses import CopiedFile, html
from kg.serve.sparql.pool import QueryRequest
from kg.serve.state import Server, server_of

__all__ = ["ROUTES", "ParseProblem", "copied_files", "explain_parse_error"]

_EXAMPLE_QUERY = """\
# Who took part in what, in which role?
SELECT ?agent ?role ?event WHERE {
  ?p a sg:Participation ; sg:agent ?agent ; sg:role ?role ; sg:roleIn ?event .
}
ORDER BY ?agent
LIMIT 50
"""

# The two parsers' ways of giving a position: rdflib's (the worker's guard) and Oxigraph's.
_RDFLIB_ERROR = re.compile(
    r"Expected (?P<expected>.*?), found (?P<found>'.*'|end of text)"
    r" \(at char \d+\), \(line:(?P<line>\d+), col:(?P<column>\d+)\)",
    re.DOTALL,
)
_OXIGRAPH_ERROR = re.compile(r"error at (?P<line>\d+):(?P<column>\d+): (?P<expected>.*)", re.DOTALL)
# The pieces of a query, read left to right in one pass: every character is read by one
# piece only, and the possessive quantifiers (*+, ++) never give back what they took, so
# the time grows with the length of the query, whatever it holds (an expression that
# could start anew inside a run of "a.a.a…" took seconds for 16 KB). A string runs to its
# closing quote or, left open, to the end of its line.
_PIECE = re.compile(
    r"""(?P<string>"(?:[^"\\\n]|\\[^\n])*+"|'(?:[^'\\\n]|\\[^\n])*+')
    |(?P<open_string>["'](?:[^"'\\\n]|\\[^\n])*+)
    |(?P<iri><[^<>\s]*+>)
    |(?P<comment>\#[^\n]*+)
    |(?P<variable>[?$]\w*+)
    |(?P<prefixed_name>(?:[A-Za-z][\w.-]*+)?:(?:[\w.:%-]|\\[^\n])*+)
    |(?P<word>[\w.-]++)
    |(?P<space>\s++)
    |(?P<other>.)""",
    re.DOTALL | re.VERBOSE,
)
_SHOWN_TEXT = 40  # characters of the offending text a message quotes


@dataclass(frozen=True)
class ParseProblem:
    """A query that does not parse, as a reader is told about it."""

    summary: str  # one sentence: what is wrong, in plain words
    line: int | None
    column: int | None
    found: str | None  # the text where reading stopped ("" at the end of the query)
    hint: str  # what the query probably lacks
    source_line: str | None  # that line of the query, to show with a marker
    technical: str  # the parser's own words, for those who want them


def explain_parse_error(query: str, message: str) -> ParseProblem | None:
    """The plain explanation of the worker's message about ``query``, or None when the
    message is not about the query's syntax (a time limit, a refusal)."""
    technical = message.removeprefix("the query does not parse: ").strip()
    rdflib = _RDFLIB_ERROR.match(technical)
    oxigraph = _OXIGRAPH_ERROR.match(technical)
    match = rdflib or oxigraph
    # Oxigraph, not rdflib, refuses an undeclared prefix; its message lists characters.
    unknown = _unknown_prefix(query) if match is None or "Prefix not found" in technical else None
    if match is None and unknown is None:
        return None
    line = int(match.group("line")) if match else None
    column = int(match.group("column")) if match else None
    lines = query.splitlines()
    source_line = lines[line - 1] if line and 0 < line <= len(lines) else None
    # The word where reading stopped, whole: rdflib quotes a single character of it.
    found = _text_at(source_line, column)
    if rdflib and (found is None or rdflib.group("found") == "end of text"):
        found = _found_text(rdflib.group("found"))
    if unknown is not None:
        known = ", ".join(f"{prefix}:" for prefix in KNOWN_PREFIXES)
        summary = f"The prefix “{unknown}:” is not known here."
        hint = (
            f"Declare it with a PREFIX line, or use one of the prefixes this site knows: {known}."
        )
        return ParseProblem(summary, line, column, found, hint, source_line, technical)
    where = f"line {line}, column {column}"
    summary = (
        f"The query could not be read past {where}: it ends too early."
        if found == ""
        else f"The query could not be read at {where}, where it says “{found}”."
    )
    return ParseProblem(
        summary, line, column, found, _hint(query, found, line), source_line, technical
    )


def _found_text(found: str) -> str:
    if found == "end of text":
        return ""
    text = found[1:-1] if found.startswith("'") else found
    return text[:_SHOWN_TEXT] + ("…" if len(text) > _SHOWN_TEXT else "")


def _text_at(source_line: str | None, column: int | None) -> str | None:
    if source_line is None or column is None:
        return None
    rest = source_line[column - 1 :].split()
    return rest[0][:_SHOWN_TEXT] if rest else ""


def _hint(query: str, found: str | None, line: int | None) -> str:
    """What the query probably lacks, from what is around the place reading stopped."""
    body = _without_comments_and_strings(query)
    opened, closed = body.count("{"), body.count("}")
    if opened > closed:
        return "A closing brace “}” is missing: each “{” needs its “}”."
    if closed > opened:
        return "There is a “}” too many, or its “{” is missing."
    if body.count("(") != body.count(")"):
        return "A bracket is not closed: each “(” needs its “)”."
    if body.count('"') % 2:
        return 'A quotation mark is not closed: text in a query stands between two “"”.'
    if found == "":
        return "The query stops before it is complete."
    first_word = body.split()[0].upper() if body.split() else ""
    if line == 1 and first_word not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE"):
        return (
            "A query begins with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX lines); "
            "check the spelling of the first word."
        )
    return (
        "Check the words at this place and just before it. Inside “{ }” each pattern has "
        "three parts — subject, property, value (as “?event sg:location ?place”) — "
        "and a full stop “.” separates one pattern from the next; a SELECT names its "
        "variables, each starting with “?”, before WHERE."
    )


def _pieces(query: str) -> Iterator[tuple[str, str]]:
    """Each piece of ``query`` (see ``_PIECE``): its kind and its text."""
    for match in _PIECE.finditer(query):
        yield str(match.lastgroup), match.group()


def _without_comments_and_strings(query: str) -> str:
    """``query`` with each closed string as ``""``, each IRI as ``<>``, no comments; a
    string left open stays, so that its quotation mark can be counted."""
    masked = {"string": '""', "iri": "<>", "comment": ""}
    return "".join(masked.get(kind, text) for kind, text in _pieces(query))


def _unknown_prefix(query: str) -> str | None:
    """The first prefix the query uses that it neither declares nor the site knows."""
    declared: set[str] = set()
    used: list[str] = []
    declaring = False  # the last word was PREFIX: the next prefix is declared, not used
    for kind, text in _pieces(query):
        if kind in ("space", "comment"):
            continue
        if kind == "prefixed_name":
            prefix = text.partition(":")[0]
            if declaring:
                declared.add(prefix)
            else:
                used.append(prefix)
        declaring = kind == "word" and text.upper() == "PREFIX"
    for prefix in used:
        if prefix and prefix not in declared and prefix not in KNOWN_PREFIXES:
            return prefix
    return None


async def query_page(request: Request) -> Response:
    """A form for a SPARQL query and, once one is sent, its answer as a table."""
    server = server_of(request)
    params = request.query_params
    example = params.get("example")
    text = params.get("query")
    if example is not None and example in server.queries and text is None:
        canned = server.queries[example]
        # With its parameters' defaults bound, as /queries/NAME runs it.
        text = bind_values(canned.text, bind_parameters(canned))
    context: dict[str, Any] = {
        "title": "Query",
        "section": "query",
        "query": text or _EXAMPLE_QUERY,
        "error": None,
        "problem": None,
        "boolean": None,
        "columns": [],
        "rows": [],
        "prefixes": sorted(KNOWN_PREFIXES.items()),
        "time_limit": f"{server.settings.time_limit:g}",
        "examples": [
            (q.name, q.question)
            for q in server.queries.values()
            if not any(p.default is None for p in q.parameters)
        ],
    }
    status = 200
    if text:
        outcome = await server.run_sparql(
            QueryRequest(
                text,
                None,
                None,
                page_rows=server.settings.page_rows,
                cell_chars=server.settings.page_cell_chars,
                page_bytes=server.settings.page_bytes,
            )
        )
        if not outcome.ok:
            context["error"] = outcome.body.decode("utf-8", "replace").strip()
            if outcome.status == 400:
                # Off the event loop: the query may be long, and other clients wait for none.
                context["problem"] = await anyio.to_thread.run_sync(
                    explain_parse_error, text, context["error"], limiter=server.renderer
                )
            status = outcome.status
        else:
            # Off the event loop: other clients are served while a table is built. Its
            # rows are cut at a number of bytes, so the page is quick to draw.
            table = await anyio.to_thread.run_sync(
                results_rows,
                server.site,
                outcome.body,
                server.settings.page_bytes,
                limiter=server.renderer,
            )
            context.update(
                table._asdict(),
                page_rows=server.settings.page_rows,
                page_bytes=server.settings.page_bytes,
                page_cell_chars=server.settings.page_cell_chars,
            )
    body = await anyio.to_thread.run_sync(
        lambda: render("query.html", **context), limiter=server.renderer
    )
    return html(body, status)


ROUTES = [Route("/query", query_page)]


def copied_files(server: Server) -> list[CopiedFile]:
    """None: a static host cannot run a query (the copy's pages still link to the form)."""
    return []
