"""The quality checks of queries/qc/.

Every ``NAME-violation.rq`` must return no row on the shipped graph, and must return exactly the
faults planted in its fixture ``tests/qc/NAME-invalid.ttl`` (merged with the shipped ontology,
and with the shipped data where the fixture builds on it). Each check runs on two SPARQL
engines, rdflib and Oxigraph, which must agree: the checks are meant to run on any store.
The informational reports of queries/qc/report/ are tested apart: they never fail a build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.paths import (
    AlternativePath,
    InvPath,
    MulPath,
    OneOrMore,
    SequencePath,
    ZeroOrMore,
)
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

# rdflib's own Dataset code calls its deprecated ConjunctiveGraph API internally.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")

ROOT = Path(__file__).resolve().parent.parent
QC_DIR = ROOT / "queries" / "qc"
REPORT_DIR = QC_DIR / "report"
FIXTURE_DIR = Path(__file__).resolve().parent / "qc"
DATA_FILE = ROOT / "data" / "siege626.ttl"

SG = "https://w3id.org/siege626/ontology#"
ID = "https://w3id.org/siege626/id/"

Row = tuple[str | None, ...]


def ontology_files() -> list[Path]:
    """The core ontology, and the alignments once they exist."""
    files = [ROOT / "ontology" / "siege626.ttl"]
    alignments = ROOT / "ontology" / "alignments.ttl"
    if alignments.exists():
        files.append(alignments)
    return files


def check_paths() -> list[Path]:
    return sorted(QC_DIR.glob("*-violation.rq"))


def check_name(path: Path) -> str:
    return path.name.removesuffix("-violation.rq")


def fixture_path(name: str) -> Path:
    """The check's fixture: Turtle, or TriG for a check that reads the parts' named graphs."""
    trig = FIXTURE_DIR / f"{name}-invalid.trig"
    return trig if trig.exists() else FIXTURE_DIR / f"{name}-invalid.ttl"


# Turtle files are loaded into a named graph of their own, and TriG files keep theirs, so
# that on both engines the default graph is the union of named graphs, as in `kg validate`.
BASE_GRAPH = "https://w3id.org/siege626/graph/ontology"


def plain(term: object) -> str | None:
    """An engine-neutral form of a result term: the IRI, or the literal's lexical form."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode | pyoxigraph.Literal | pyoxigraph.BlankNode):
        return term.value
    return str(term)


def run_rdflib(files: list[Path], query: Path) -> list[dict[str, str | None]]:
    graph = Dataset(default_union=True)
    for file in files:
        if file.suffix == ".trig":
            graph.parse(file, format="trig")
        else:
            graph.graph(URIRef(BASE_GRAPH)).parse(file, format="turtle")
    result = graph.query(query.read_text(encoding="utf-8"))
    names = [str(var) for var in result.vars or []]
    return [{name: plain(row[name]) for name in names} for row in result]  # type: ignore[index]


def run_oxigraph(files: list[Path], query: Path) -> list[dict[str, str | None]]:
    store = pyoxigraph.Store()
    for file in files:
        if file.suffix == ".trig":
            store.load(path=str(file), format=pyoxigraph.RdfFormat.TRIG)
        else:
            store.load(
                path=str(file),
                format=pyoxigraph.RdfFormat.TURTLE,
                to_graph=pyoxigraph.NamedNode(BASE_GRAPH),
            )
    solutions = store.query(query.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    names = [var.value for var in solutions.variables]
    return [{name: plain(solution[name]) for name in names} for solution in solutions]


ENGINES = {"rdflib": run_rdflib, "oxigraph": run_oxigraph}


def project(rows: list[dict[str, str | None]], columns: tuple[str, ...]) -> set[Row]:
    return {tuple(row[column] for column in columns) for row in rows}


# ---------------------------------------------------------------------------------------------
#  What each fixture plants, and what its check must report (exactly, no more)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    columns: tuple[str, ...]
    expected: frozenset[Row]
    with_data: bool = False


def rows(*items: tuple[str | None, ...]) -> frozenset[Row]:
    return frozenset(items)


CASES: dict[str, Case] = {
    "missing-label": Case(
        ("resource",),
        rows((ID + "unnamed-general",), (SG + "Nameless",)),
    ),
    "missing-definition": Case(("term",), rows((SG + "Undefined",))),
    "multiple-definitions": Case(("term",), rows((SG + "Person",))),
    "multiple-labels": Case(("resource",), rows((ID + "constantinople",)), with_data=True),
    "missing-source": Case(
        ("subject", "predicate"),
        rows(
            (ID + "unsourced-battle", str(RDF.type)),
            (ID + "unsourced-battle", str(RDFS.label)),
            (ID + "half-sourced-place", str(RDF.type)),
        ),
    ),
    "dangling-statement": Case(
        ("quotation", "subject"),
        rows(
            (ID + "quote-states-a-missing-fact", ID + "avars"),
            (ID + "quote-states-an-incomplete-statement", None),
            (ID + "quote-describes-nothing", ID + "ghost-of-the-walls"),
        ),
        with_data=True,
    ),
    "stated-and-read": Case(
        ("subject", "predicate", "stating", "reading"),
        rows(
            (
                ID + "traction-trebuchets",
                SG + "possessedBy",
                ID + "quote-states-a-read-fact",
                ID + "reading-the-trebuchets-as-the-avars",
            ),
            (
                ID + "date-626-07-31",
                SG + "gregorianDate",
                ID + "quote-states-a-derived-value",
                None,
            ),
            (
                ID + "date-626-08-07",
                SG + "julianDayNumber",
                None,
                ID + "reading-of-a-derived-value",
            ),
        ),
        with_data=True,
    ),
    "undeclared-term": Case(
        ("term", "usage"),
        rows(
            (SG + "enemyOf", "predicate"),
            (SG + "Horde", "class"),
            (SG + "besieger", "object"),
            (ID + "gepids", "undescribed resource"),
        ),
        with_data=True,
    ),
    "untyped-resource": Case(
        ("resource",),
        rows((ID + "untyped-thing",), (ID + "foreign-typed-person",)),
    ),
    "duplicate-label": Case(
        ("resource", "other"),
        rows(
            (ID + "second-constantinople", ID + "constantinople"),
            (ID + "constantinople", ID + "second-constantinople"),
            (SG + "Town", SG + "City"),
            (SG + "City", SG + "Town"),
        ),
        with_data=True,
    ),
    "label-whitespace": Case(
        ("resource", "property"),
        rows(
            (ID + "spaced-out-person", str(RDFS.label)),
            (SG + "Person", str(SKOS.altLabel)),
        ),
    ),
    "quote-not-in-sentence": Case(
        ("quotation",),
        rows(
            (ID + "quote-corrected-typo",),
            (ID + "quote-shifted",),
            (ID + "quote-outside-its-sentence",),
            (ID + "quote-without-sentence",),
        ),
        with_data=True,
    ),
    "uncited-line": Case(("sentence",), rows((ID + "uncited-sentence",))),
    "empty-quotation": Case(("quotation",), rows((ID + "quote-supports-nothing",)), with_data=True),
    "sentence-offsets": Case(
        ("sentence", "problem"),
        rows(
            (ID + "fixture-line-1", "another sentence of the document has the same line number"),
            (
                ID + "fixture-line-1-again",
                "another sentence of the document has the same line number",
            ),
            (ID + "fixture-line-1-again", "line 1 does not start at offset 0"),
            (ID + "fixture-line-2", "does not start one character after the previous line ends"),
            (ID + "fixture-line-3", "end offset minus start offset is not the length of its text"),
            (ID + "fixture-line-3", "the last line does not end at the document's character count"),
            (
                ID + "fixture-sentence-without-text",
                "lacks its line number, offsets, text or document",
            ),
        ),
    ),
    "incomplete-participation": Case(
        ("participation", "missing"),
        rows(
            (ID + "participation-without-role", SG + "role"),
            (ID + "participation-with-role-only", SG + "agent"),
            (ID + "participation-with-role-only", SG + "roleIn"),
        ),
    ),
    "date-conversion": Case(
        ("date", "problem"),
        rows(
            (ID + "date-with-wrong-day-number", "Julian Day Number does not match the Julian date"),
            (
                ID + "date-with-unconverted-gregorian",
                "Gregorian date is not the day of the Julian Day Number",
            ),
            (
                ID + "date-with-year-only",
                "lacks its year, month, day, Julian Day Number or Gregorian date",
            ),
        ),
    ),
}

CASES["links-alter-core"] = Case(
    ("subject", "predicate", "problem"),
    rows(
        (
            ID + "avar-horde",
            SG + "strength",
            "gives a resource of the text a property the links layer may not add",
        ),
        (ID + "avar-horde", str(RDFS.label), "renames a resource of the text in English"),
        (ID + "avar-horde", str(RDFS.label), "restates a triple of the text's data"),
        (ID + "avar-horde", SG + "strength", "is not stated by any reference citation"),
        (ID + "avar-horde", str(SKOS.altLabel), "is not stated by any reference citation"),
    ),
)

CHECK_NAMES = [check_name(path) for path in check_paths()]
QUERY_PATHS = check_paths() + sorted(REPORT_DIR.glob("*.rq"))


def shipped_files() -> list[Path]:
    return [*ontology_files(), DATA_FILE]


def fixture_files(name: str) -> list[Path]:
    base = shipped_files() if CASES[name].with_data else ontology_files()
    return [*base, fixture_path(name)]


# ---------------------------------------------------------------------------------------------
#  The set of checks, their headers and their SPARQL
# ---------------------------------------------------------------------------------------------


def test_every_check_has_a_fixture_and_a_case() -> None:
    fixtures = {
        path.name.removesuffix("-invalid.ttl").removesuffix("-invalid.trig")
        for path in [*FIXTURE_DIR.glob("*.ttl"), *FIXTURE_DIR.glob("*.trig")]
    }
    assert CHECK_NAMES, "no quality checks found in queries/qc"
    assert set(CHECK_NAMES) == fixtures == set(CASES)


def header(path: Path) -> list[str]:
    """The comment lines the file opens with."""
    lines = path.read_text(encoding="utf-8").splitlines()
    end = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return lines[:end]


@pytest.mark.parametrize("path", QUERY_PATHS, ids=lambda path: path.name)
def test_header_states_question_and_columns(path: Path) -> None:
    lines = header(path)
    assert lines[0].startswith("# Question: ") and "?" in lines[0]
    assert lines[1].startswith("# Columns: ")
    assert not any(line.startswith("# Parameter:") for line in lines), "checks take no parameters"
    columns = [column.strip() for column in lines[1].removeprefix("# Columns: ").split(",")]
    query = prepareQuery(path.read_text(encoding="utf-8"))
    assert query.algebra.name == "SelectQuery"
    assert columns == [str(var) for var in query.algebra["PV"]]


@pytest.mark.parametrize("path", QUERY_PATHS, ids=lambda path: path.name)
def test_no_transitive_property_paths(path: Path) -> None:
    """`*` and `+` paths are refused by some stores when their start is unbound; none are used."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, MulPath):
            if node.mod in (ZeroOrMore, OneOrMore):
                found.append(repr(node))
            walk(node.path)
        elif isinstance(node, SequencePath | AlternativePath):
            walk(node.args)
        elif isinstance(node, InvPath):
            walk(node.arg)
        elif isinstance(node, CompValue | dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(prepareQuery(path.read_text(encoding="utf-8")).algebra)
    assert found == []


def test_reports_are_kept_apart_from_violations() -> None:
    reports = sorted(REPORT_DIR.glob("*.rq"))
    assert reports, "no informational reports in queries/qc/report"
    for path in reports:
        assert path.name.endswith("-report.rq"), path.name
        assert "Informational report, not a violation" in header(path)[0], path.name
    assert not list(QC_DIR.glob("*-report.rq")), "reports belong in queries/qc/report/"
    assert {p.name for p in QC_DIR.glob("*.rq")} == {p.name for p in check_paths()}


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_fixture_first_line_says_what_is_wrong(name: str) -> None:
    first_line = fixture_path(name).read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# Invalid: ") and len(first_line) > len("# Invalid: ") + 10


# ---------------------------------------------------------------------------------------------
#  The checks on the shipped graph and on their fixtures
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", CHECK_NAMES)
def test_shipped_graph_passes_check(name: str, engine: str) -> None:
    found = ENGINES[engine](shipped_files(), QC_DIR / f"{name}-violation.rq")
    assert found == [], f"{name}: {len(found)} violation(s), first: {found[:5]}"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", CHECK_NAMES)
def test_check_reports_exactly_the_planted_faults(name: str, engine: str) -> None:
    case = CASES[name]
    found = ENGINES[engine](fixture_files(name), QC_DIR / f"{name}-violation.rq")
    assert project(found, case.columns) == case.expected
    first_column = next(iter(found[0]))
    assert all(row[first_column] is not None for row in found), "the offender comes first"


def test_missing_source_ignores_editorial_notes_and_stated_triples() -> None:
    found = run_oxigraph(fixture_files("missing-source"), QC_DIR / "missing-source-violation.rq")
    predicates = {(row["subject"], row["predicate"]) for row in found}
    assert (ID + "unsourced-battle", str(SKOS.editorialNote)) not in predicates
    assert (ID + "half-sourced-place", str(RDFS.label)) not in predicates


def test_quote_check_shows_the_words_actually_found() -> None:
    found = run_rdflib(
        fixture_files("quote-not-in-sentence"), QC_DIR / "quote-not-in-sentence-violation.rq"
    )
    by_quotation = {row["quotation"]: row for row in found}
    assert by_quotation[ID + "quote-corrected-typo"]["found"] == "an decisive victor"
    assert by_quotation[ID + "quote-shifted"]["found"] == "e sends "


# ---------------------------------------------------------------------------------------------
#  Informational reports
# ---------------------------------------------------------------------------------------------


def test_unused_term_report_lists_a_planted_unused_term(tmp_path: Path) -> None:
    planted = tmp_path / "unused.ttl"
    planted.write_text(
        f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
<{SG}NeverUsed> a owl:Class .
<{SG}neverUsedProperty> a owl:ObjectProperty .
<{SG}neverUsedIndividual> a owl:NamedIndividual .
""",
        encoding="utf-8",
    )
    report = REPORT_DIR / "unused-term-report.rq"
    for engine in ENGINES.values():
        found = project(engine([*shipped_files(), planted], report), ("term", "kind"))
        assert {
            (SG + "NeverUsed", "class"),
            (SG + "neverUsedProperty", "property"),
            (SG + "neverUsedIndividual", "named individual"),
        } <= found
        # Used terms are not listed: classes with instances, properties used as predicates.
        assert not {term for term, _ in found} & {SG + "Person", SG + "agent", SG + "commander"}


def test_shared_label_report_lists_cross_kind_pairs_only() -> None:
    report = REPORT_DIR / "label-shared-across-kinds-report.rq"
    files = fixture_files("duplicate-label")
    for engine in ENGINES.values():
        found = project(engine(files, report), ("resource", "other"))
        # "army" is both the class sg:Army and the planted resource id:the-army.
        assert (ID + "the-army", SG + "Army") in found
        # A same-kind clash is a violation, not a report row.
        assert (ID + "constantinople", ID + "second-constantinople") not in found
        assert all(first < second for first, second in found), "each pair is listed once"
