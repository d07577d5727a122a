"""Prefixes every query may use undeclared, and the ontology's documentation.

Every prefix that the shipped files and the README use is known to `kg query --file`
(both engines) without a PREFIX line and listed by `kg query --prefixes`; the HTML
documentation lists the named individuals; the README's role list is complete.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import invoke
from rdflib.namespace import OWL, RDF

from kg import loading
from kg.namespaces import KNOWN_PREFIXES

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_TURTLE = sorted(
    [*REPO_ROOT.glob("ontology/*.ttl"), *REPO_ROOT.glob("data/*.ttl")], key=lambda p: p.name
)
_DECLARATION = re.compile(r"(?im)^\s*@?prefix\s+([A-Za-z][\w.-]*):\s*<([^>]*)>")


def _readme() -> str:
    return (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SHIPPED_TURTLE, ids=lambda path: path.name)
def test_every_prefix_of_the_shipped_files_is_known(path: Path) -> None:
    for prefix, namespace in _DECLARATION.findall(path.read_text(encoding="utf-8")):
        assert KNOWN_PREFIXES.get(prefix) == namespace, f"{path.name}: {prefix}:"


def test_every_prefix_of_the_queries_is_known() -> None:
    for path in sorted((REPO_ROOT / "queries").rglob("*.rq")):
        for prefix, namespace in _DECLARATION.findall(path.read_text(encoding="utf-8")):
            assert KNOWN_PREFIXES.get(prefix) == namespace, f"{path.name}: {prefix}:"


def test_every_prefix_the_readme_writes_is_known() -> None:
    """Prefixed names in the README's code (`sg:Person`, `crm:E5_Event`…) use known prefixes."""
    code = " ".join(re.findall(r"`([^`]+)`", _readme()))
    code += " ".join(re.findall(r"```sparql\n(.*?)```", _readme(), re.DOTALL))
    used = set(re.findall(r"(?<![\w/#<.-])([a-z][a-z0-9]*):[A-Za-z_][\w-]*", code))
    schemes = {"http", "https", "file", "urn", "mailto", "javascript", "data"}
    # A block that declares its own prefixes (a Fuseki configuration) needs no known ones.
    declared = set(re.findall(r"@prefix\s+([a-z][a-z0-9]*):", _readme()))
    assert used - schemes - declared - set(KNOWN_PREFIXES) == set()
    for prefix in ("geo", "sf", "dcterms", "prov", "crm", "sem", "schema", "time", "oa"):
        assert prefix in KNOWN_PREFIXES
    for prefix in ("qudt", "shp", "void", "dcat", "unit", "wd", "pleiades", "skos", "id"):
        assert prefix in KNOWN_PREFIXES


def test_kg_query_prefixes_lists_each_prefix_and_namespace() -> None:
    code, stdout, _ = invoke("query", "--prefixes")
    assert code == 0
    listed = [line.split() for line in stdout.splitlines()]
    assert [(prefix, namespace) for prefix, namespace in listed] == [
        (f"{prefix}:", namespace) for prefix, namespace in KNOWN_PREFIXES.items()
    ]


def _every_prefix_query() -> str:
    """One ASK that is true only if each known prefix expands to its namespace."""
    tests = " && ".join(
        f'STR({prefix}:x) = "{namespace}x"' for prefix, namespace in KNOWN_PREFIXES.items()
    )
    return f"ASK {{ FILTER({tests}) }}\n"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_kg_query_file_knows_every_prefix_without_a_prefix_line(
    tmp_path: Path, engine: str
) -> None:
    query = tmp_path / "prefixes.rq"
    query.write_text(_every_prefix_query(), encoding="utf-8")
    code, stdout, stderr = invoke(
        "query", "--file", str(query), "--engine", engine, "--format", "csv"
    )
    assert code == 0, stderr
    assert stdout.splitlines()[1] == "true"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_kg_query_file_answers_the_obvious_class_query(tmp_path: Path, engine: str) -> None:
    query = tmp_path / "persons.rq"
    query.write_text("SELECT DISTINCT ?x WHERE { ?x a schema:Person }\n", encoding="utf-8")
    code, stdout, stderr = invoke(
        "query", "--file", str(query), "--engine", engine, "--format", "csv"
    )
    assert code == 0, stderr
    assert "https://w3id.org/siege626/id/sergius-i" in stdout.splitlines()


def test_the_ontology_documentation_lists_the_named_individuals() -> None:
    pytest.importorskip("pylode")
    from kg import resources
    from kg.docs import ontology_page

    page = ontology_page(resources.ontology_core_path()).decode("utf-8")
    assert "<h2>Named Individuals</h2>" in page and 'href="#namedindividuals"' in page
    ontology = loading.load_graph(["ontology"])
    individuals = set(ontology.subjects(RDF.type, OWL.NamedIndividual))
    assert len(individuals) >= 20
    for individual in individuals:
        assert f"<code>{individual}</code>" in page, individual
    # roles, qualifiers, statuses, units and calendars among them
    for local in ("commander", "approximate", "planned", "men", "julianCalendar"):
        assert f"<code>https://w3id.org/siege626/ontology#{local}</code>" in page


def test_the_readme_names_every_role_and_how_to_pick_english_labels() -> None:
    readme = _readme()
    section = readme[readme.index("### Roles and sides") :]
    section = section[: section.index("\n## ")]
    ontology = loading.load_graph(["ontology"])
    from kg.namespaces import SG

    roles = {str(role)[len(str(SG)) :] for role in ontology.subjects(RDF.type, SG.Role)}
    assert roles, "no sg:Role individuals"
    missing = sorted(role for role in roles if f"`sg:{role}`" not in section)
    assert not missing, f"README's role list lacks {missing}"
    assert 'langMatches(lang(?label), "en")' in readme
