"""The command line: output, exit codes, and one-line errors without tracebacks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, invoke

from kg import __version__

Runner = Callable[..., subprocess.CompletedProcess[str]]
FIXTURES = Path(__file__).parent / "fixtures" / "cli"
VALIDATION = FIXTURES / "validation"
GRAPH = ["--data", str(FIXTURES / "graph.ttl"), "--queries", str(FIXTURES / "queries")]
SHAPES = [
    "--ontology",
    str(VALIDATION / "ontology.ttl"),
    "--shapes",
    str(VALIDATION / "shapes.ttl"),
    "--checks",
    str(VALIDATION / "qc"),
]


# --- query ---------------------------------------------------------------------------------


def test_list_shows_names_questions_and_parameters() -> None:
    code, out, _ = invoke("query", "--list", "--queries", str(FIXTURES / "queries"))
    assert code == 0
    assert "defenders-of-place  Who defended a place?" in out
    assert "--param place=… (iri, default id:constantinople) The place that was defended." in out
    assert "--param label=… (string, default required)" in out


def test_named_query_as_table() -> None:
    code, out, _ = invoke("query", "defenders-of-place", *GRAPH)
    assert code == 0
    assert "id:sergius" in out and "Sergius I" in out
    assert out.rstrip().endswith("(2 rows)")


def test_param_option() -> None:
    code, out, _ = invoke("query", "people-labelled", "--param", "label=Bonus", *GRAPH)
    assert code == 0
    assert "id:bonus" in out


@pytest.mark.parametrize("output_format", ["csv", "tsv", "json"])
def test_machine_formats(output_format: str) -> None:
    code, out, _ = invoke("query", "defenders-of-place", "--format", output_format, *GRAPH)
    assert code == 0
    if output_format == "csv":
        records = list(csv.reader(io.StringIO(out, newline="")))
        assert records[0] == ["person", "label"]
        assert records[1][0] == "https://w3id.org/siege626/id/bonus"
    elif output_format == "tsv":
        assert out.splitlines()[0] == "?person\t?label"
    else:
        assert json.loads(out)["head"]["vars"] == ["person", "label"]


def test_all_runs_every_query_and_says_which_need_a_parameter() -> None:
    code, out, _ = invoke("query", "--all", *GRAPH)
    assert code == 0
    assert "defenders-of-place: Who defended a place?" in out
    assert "forces-of-at-least: Who commanded at least this many troops?" in out
    assert (
        "people-labelled: Which people carry exactly this label?\n(not run: needs --param label)"
    ) in out
    assert out.count("rows)") + out.count("row)") == 3


def test_adhoc_file_with_param() -> None:
    code, out, _ = invoke(
        "query", "--file", str(FIXTURES / "adhoc" / "labels.rq"), "-p", "person=bonus", *GRAPH
    )
    assert code == 0
    assert "Bonus" in out


def test_unknown_query_suggests() -> None:
    code, _, err = invoke("query", "defenders", *GRAPH)
    assert code == 2
    assert_one_line_error(err, "unknown query 'defenders' (did you mean 'defenders-of-place'?)")


def test_unknown_parameter() -> None:
    code, _, err = invoke("query", "defenders-of-place", "--param", "city=x", *GRAPH)
    assert code == 2
    assert_one_line_error(err, "unknown parameter 'city'")


def test_missing_parameter() -> None:
    code, _, err = invoke("query", "people-labelled", *GRAPH)
    assert code == 2
    assert_one_line_error(err, "missing parameter 'label' (string)")


@pytest.mark.parametrize("option", ["nothing", "=x", "a=1"])
def test_param_needs_name_equals_value(option: str) -> None:
    args = ["--param", option] + (["--param", option] if option == "a=1" else [])
    code, _, err = invoke("query", "defenders-of-place", *args, *GRAPH)
    assert code == 2
    assert err.startswith("kg: ") and "Traceback" not in err


def test_hostile_iri_parameter_is_refused() -> None:
    hostile = "place=x> } ; DROP ALL ; #"
    code, out, err = invoke("query", "defenders-of-place", "--param", hostile, *GRAPH)
    assert code == 2
    assert out == ""
    assert_one_line_error(err, "parameter 'place': not a valid IRI: 'x> } ; DROP ALL ; #'")


@pytest.mark.parametrize("output_format", ["table", "csv", "tsv", "json"])
@pytest.mark.parametrize(
    "query",
    [
        ["defenders-of-place"],
        ["forces-of-at-least", "-p", "minimum=1"],
        ["--all"],
        ["--file", str(FIXTURES / "adhoc" / "labels.rq"), "-p", "person=bonus"],
    ],
    ids=["named", "param", "all", "file"],
)
def test_both_engines_print_the_same(query: list[str], output_format: str) -> None:
    default = invoke("query", *query, "--format", output_format, *GRAPH)
    oxigraph = invoke("query", *query, "--format", output_format, "--engine", "oxigraph", *GRAPH)
    rdflib = invoke("query", *query, "--format", output_format, "--engine", "rdflib", *GRAPH)
    assert default[0] == 0 and default[1], default
    assert default == oxigraph == rdflib


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_both_engines_report_a_syntax_error_alike(engine: str) -> None:
    path = FIXTURES / "adhoc" / "syntax-error.rq"
    code, out, err = invoke("query", "--file", str(path), "--engine", engine, *GRAPH)
    assert (code, out) == (2, "")
    assert_one_line_error(err, f"{path}:4:3: Expected")


def test_engine_option_refuses_others() -> None:
    code, _, err = invoke("query", "defenders-of-place", "--engine", "jena", *GRAPH)
    assert code == 2
    assert "'jena' is not one of 'oxigraph', 'rdflib'" in err


def test_exactly_one_of_name_list_all_file() -> None:
    code, _, err = invoke("query", "--list", "--all")
    assert code == 2
    assert "exactly one of NAME, --list, --all, --file or --prefixes" in err


def test_help_states_defaults_and_version() -> None:
    _, out, _ = invoke("query", "--help")
    assert "[default: table]" in out
    assert "[default: oxigraph]" in out
    assert "Default: queries/." in out
    _, out, _ = invoke("validate", "--help")
    assert "Default: ontology/shapes.ttl." in out
    _, out, _ = invoke("--version")
    assert out.strip() == f"kg, version {__version__}"


# --- validate ------------------------------------------------------------------------------


def test_validate_conforming_prints_one_line() -> None:
    code, out, _ = invoke("validate", str(VALIDATION / "valid.ttl"), *SHAPES)
    assert code == 0
    assert out.count("\n") == 1 and out.startswith("conforms: 12 data triples")


def test_validate_violation_exits_1_with_report() -> None:
    code, out, _ = invoke("validate", str(VALIDATION / "invalid-01-agent-label.ttl"), *SHAPES)
    assert code == 1
    assert "1. Violation: id:bonus" in out
    assert "sentence 7: The defense of the capital" in out


# --- a real interpreter: exit codes and stderr as a shell sees them ------------------------


def test_malformed_turtle_exits_2_with_position(run_kg: Runner) -> None:
    malformed = FIXTURES / "malformed.ttl"
    done = run_kg("query", "defenders-of-place", "--data", malformed, *GRAPH[2:])
    assert done.returncode == 2
    assert_one_line_error(done.stderr, f"{malformed}:6:37: A dot is expected")
    done = run_kg("validate", malformed, *SHAPES)
    assert done.returncode == 2
    assert_one_line_error(done.stderr, f"{malformed}:6:37: ")


def test_missing_file_exits_2(run_kg: Runner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.ttl"
    done = run_kg("validate", missing, *SHAPES)
    assert done.returncode == 2
    assert_one_line_error(done.stderr, f"{missing}: no such file")
    done = run_kg("query", "--file", tmp_path / "nowhere.rq", *GRAPH)
    assert done.returncode == 2
    assert_one_line_error(done.stderr, f"{tmp_path / 'nowhere.rq'}: no such file")


def test_adhoc_syntax_error_exits_2(run_kg: Runner) -> None:
    path = FIXTURES / "adhoc" / "syntax-error.rq"
    done = run_kg("query", "--file", path, *GRAPH)
    assert done.returncode == 2
    assert_one_line_error(done.stderr, f"{path}:4:3: Expected")


def test_update_is_refused_exits_2(run_kg: Runner) -> None:
    path = FIXTURES / "adhoc" / "drop-all.rq"
    done = run_kg("query", "--file", path, *GRAPH)
    assert done.returncode == 2
    assert_one_line_error(done.stderr, f"{path}: updates are refused")


def test_exit_codes_of_validate(run_kg: Runner) -> None:
    assert run_kg("validate", VALIDATION / "valid.ttl", *SHAPES).returncode == 0
    done = run_kg("validate", VALIDATION / "invalid-03-line-range.ttl", *SHAPES)
    assert done.returncode == 1
    assert done.stderr == ""


def test_usage_error_exits_2(run_kg: Runner) -> None:
    done = run_kg("query", "--format", "xml", "x")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_empty_query_file_is_called_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.rq"
    empty.write_text("# nothing but a comment\n\n", encoding="utf-8")
    for engine in ("oxigraph", "rdflib"):
        code, _, err = invoke("query", "--file", str(empty), "--engine", engine, *GRAPH)
        assert code == 2
        assert_one_line_error(err, f"{empty}: the query is empty")


def test_empty_query_name_suggests_nothing() -> None:
    for name in ("", "   "):
        code, _, err = invoke("query", name, *GRAPH)
        assert code == 2
        assert_one_line_error(err, "unknown query")
        assert "did you mean" not in err
