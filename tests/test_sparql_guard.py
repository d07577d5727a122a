"""The shared SPARQL guard (kg.sparql_guard): the text both parsers read, nesting, the grammar."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.sparql_guard import QueryRefused, canonical_text, checked_query, nesting_depth

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_canonical_text_expands_escapes_once_and_ends_lines_with_lf() -> None:
    assert canonical_text('SELECT "caf\\u00E9" {}\r\n#\r') == 'SELECT "café" {}\n#\n'
    assert canonical_text("\\U00000053ERVICE") == "SERVICE"


@pytest.mark.parametrize("escape", ["\\u005Cu0022", "\\U0041", "\\uD800", "\\U00110000"])
def test_escapes_the_parsers_read_differently_are_refused(escape: str) -> None:
    with pytest.raises(QueryRefused):
        canonical_text(f'SELECT * {{ ?s ?p "{escape}" }}')


def test_a_quote_spelled_as_an_escape_is_read_alike_by_both_parsers() -> None:
    # rdflib ends the string at \u0022 and reads a comment; Oxigraph read one string and
    # a SERVICE after it. The canonical text gives both the comment.
    text = checked_query('SELECT * { ?s ?p "a\\u0022#" . SERVICE <http://x/> {} \n}')
    assert '"a"#"' in text


def test_nesting_skips_comments_strings_and_iris_and_never_counts_low() -> None:
    assert nesting_depth('SELECT * { ?s <http://x/a> "((((" # ((((\n }') == (1, 1)
    assert nesting_depth("{ '''\n((((''' ( }") == (2, 2)
    # Brackets inside what may be an IRI or an operator count as opening, never closing.
    assert nesting_depth("{ FILTER(?a<(((?b>1) }")[0] >= 5
    assert nesting_depth("{ #c\r(((( }")[0] == 5  # a comment Oxigraph ends at CR


def test_the_grammar_read_as_a_loop_gives_the_same_parse_trees() -> None:
    queries = sorted(str(path) for path in (REPO_ROOT / "queries").rglob("*.rq"))
    script = (
        "import sys\n"
        "from rdflib.plugins.sparql.parser import parseQuery\n"
        "if sys.argv[1] == 'guarded':\n"
        "    import kg.sparql_guard\n"
        "for path in sys.argv[2:]:\n"
        "    print(repr(parseQuery(open(path, encoding='utf-8').read())))\n"
    )
    trees = [
        subprocess.run(
            [sys.executable, "-c", script, mode, *queries],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        for mode in ("plain", "guarded")
    ]
    assert trees[0] == trees[1]
    assert trees[0].count("\n") == len(queries) > 20
