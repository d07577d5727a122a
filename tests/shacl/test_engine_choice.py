"""Which SHACL engine answers `kg validate`, and that it says so when it is not the one asked.

The oxigraph engine hands the work to pyshacl for shapes it does not compile and for data
holding literals the store keeps in another form; each case is tried here, with the
results compared against pyshacl's own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

from kg import resources
from kg.shacl.data import rewritten_literals
from kg.validation import validate

SHAPES_DIR = Path(__file__).resolve().parent.parent / "shapes"
CONTEXT = SHAPES_DIR / "context.ttl"
XSD = "http://www.w3.org/2001/XMLSchema#"
PLACE = "https://w3id.org/siege626/ontology#Place"


def _literal(text: str, datatype: str) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(text, datatype=pyoxigraph.NamedNode(XSD + datatype))


def test_the_store_keeps_canonical_literals_as_written() -> None:
    written = [_literal("5", "integer"), _literal("1.5", "decimal"), _literal("0626-08-03", "date")]
    assert rewritten_literals(written) == ()


@pytest.mark.parametrize(
    ("text", "datatype"),
    [("01", "integer"), ("7.0", "decimal"), ("5", "int"), ("8.0E4", "double"), ("1", "boolean")],
)
def test_the_literals_the_store_rewrites_are_found(text: str, datatype: str) -> None:
    found = rewritten_literals([_literal(text, datatype), _literal("5", "integer")])
    assert [(str(literal), str(literal.datatype)) for literal in found] == [(text, XSD + datatype)]


def _fixture_report(name: str, engine: str, shapes: Path | None = None):  # type: ignore[no-untyped-def]
    return validate(data_paths=[CONTEXT, SHAPES_DIR / name], shapes_path=shapes, engine=engine)


def test_shipped_shapes_and_data_are_answered_by_the_fast_engine() -> None:
    report = validate()
    assert (report.engine, report.engine_note) == ("oxigraph", None)


def test_data_with_a_rewritten_literal_is_answered_by_pyshacl_with_the_reason() -> None:
    fast = _fixture_report("S08-invalid-03.ttl", "oxigraph")
    reference = _fixture_report("S08-invalid-03.ttl", "pyshacl")
    assert fast.engine == "pyshacl"
    assert fast.engine_note is not None and "xsd#int" not in fast.engine_note
    assert '"0"^^<http://www.w3.org/2001/XMLSchema#int>' in fast.engine_note
    assert fast.violations == reference.violations


def test_shapes_beyond_the_compiler_are_answered_by_pyshacl_with_the_reason(
    tmp_path: Path,
) -> None:
    # A SHACL-AF custom target is not compiled; the rest of the shipped shapes still apply.
    shapes = tmp_path / "shapes.ttl"
    custom_target = (
        "\nshp:S99-custom-target a sh:NodeShape ;\n"
        "    sh:target [ a sh:SPARQLTarget ;\n"
        f'        sh:select "SELECT ?this WHERE {{ ?this a <{PLACE}> }}" ] ;\n'
        "    sh:nodeKind sh:IRI .\n"
    )
    shapes.write_text(
        resources.shapes_path().read_text(encoding="utf-8") + custom_target, encoding="utf-8"
    )
    fast = _fixture_report("S01-invalid-01.ttl", "oxigraph", shapes)
    reference = _fixture_report("S01-invalid-01.ttl", "pyshacl", shapes)
    assert (fast.engine, fast.engine_note) == (
        "pyshacl",
        "the shapes use sh:target (SHACL-AF custom targets)",
    )
    assert fast.violations == reference.violations
    assert not fast.conforms


def test_the_command_says_on_standard_error_which_engine_answered() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "validate",
            str(CONTEXT),
            str(SHAPES_DIR / "S08-invalid-03.ttl"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(
        "kg validate: SHACL by pyshacl, because the store would rewrite literals as written ("
    )
    assert done.stderr.count("\n") == 1
