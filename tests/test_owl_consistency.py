"""The ontology with the data is consistent OWL 2 DL, and no class is unsatisfiable (HermiT).

owlready2 cannot read Turtle, so the files are merged with rdflib and written as RDF/XML first.
HermiT runs on Java: without `java` the tests are skipped, unless SIEGE626_REQUIRE_TOOLS=1,
in which case they fail.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

owlready2 = pytest.importorskip("owlready2")

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "ontology" / "siege626.ttl"
ALIGNMENTS = ROOT / "ontology" / "alignments.ttl"
DATA = ROOT / "data" / "siege626.ttl"

SG = Namespace("https://w3id.org/siege626/ontology#")
ID = Namespace("https://w3id.org/siege626/id/")


@pytest.fixture(autouse=True)
def java_is_available() -> None:
    if shutil.which(owlready2.JAVA_EXE) is None and shutil.which("java") is None:
        message = "HermiT needs Java, and no `java` is on PATH (Debian: default-jre-headless)"
        if os.environ.get("SIEGE626_REQUIRE_TOOLS") == "1":
            pytest.fail(message + "; SIEGE626_REQUIRE_TOOLS=1 requires it")
        pytest.skip(message)


def merged(files: Iterable[Path], extra: Iterable[tuple[URIRef, URIRef, URIRef]] = ()) -> Graph:
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    for triple in extra:
        graph.add(triple)
    # The imported ontologies are merged in already; left in, owl:imports makes owlready2
    # try to download them. An import of anything not merged here is kept, and fails loudly.
    merged_ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
    for ontology, imported in list(graph.subject_objects(OWL.imports)):
        if imported in merged_ontologies:
            graph.remove((ontology, OWL.imports, imported))
    return graph


def reason(graph: Graph, directory: Path) -> tuple[object, float]:
    """Load ``graph`` into a fresh owlready2 World and run HermiT; return the world and seconds.

    Raises OwlReadyInconsistentOntologyError when the ontology is inconsistent.
    """
    rdf_xml = directory / "merged.owl"
    graph.serialize(rdf_xml, format="xml")
    world = owlready2.World()
    world.get_ontology(rdf_xml.as_uri()).load()
    started = time.perf_counter()
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    finally:
        elapsed = time.perf_counter() - started
    return world, elapsed


def unsatisfiable_classes(world: object) -> list[str]:
    """Named classes HermiT found equivalent to owl:Nothing (owl:Nothing itself left out)."""
    return sorted(
        str(cls.iri) for cls in world.inconsistent_classes() if cls is not owlready2.Nothing
    )


def assert_consistent_and_satisfiable(graph: Graph, directory: Path) -> None:
    world, elapsed = reason(graph, directory)
    unsatisfiable = unsatisfiable_classes(world)
    assert unsatisfiable == [], f"unsatisfiable classes: {unsatisfiable}"
    print(f"HermiT: consistent, all classes satisfiable, {elapsed:.2f} s")


def test_core_ontology_and_data_are_consistent(tmp_path: Path) -> None:
    assert_consistent_and_satisfiable(merged([CORE, DATA]), tmp_path)


@pytest.mark.skipif(not ALIGNMENTS.exists(), reason="ontology/alignments.ttl does not exist yet")
def test_ontology_with_alignments_and_data_is_consistent(tmp_path: Path) -> None:
    assert_consistent_and_satisfiable(merged([CORE, ALIGNMENTS, DATA]), tmp_path)


def test_a_person_who_is_also_a_place_is_inconsistent(tmp_path: Path) -> None:
    """sg:Place is disjoint with sg:Agent, of which sg:Person is a subclass."""
    person = ID["khosrau-ii"]
    graph = merged([CORE, DATA], [(person, RDF.type, SG.Place)])
    assert (person, RDF.type, SG.Person) in graph
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        reason(graph, tmp_path)


def test_a_class_under_two_disjoint_classes_is_unsatisfiable(tmp_path: Path) -> None:
    """The satisfiability check itself works: a class no individual can belong to is found."""
    impossible = SG.PersonThatIsAPlace
    graph = merged(
        [CORE, DATA],
        [
            (impossible, RDF.type, OWL.Class),
            (impossible, RDFS.subClassOf, SG.Person),
            (impossible, RDFS.subClassOf, SG.Place),
        ],
    )
    world, _ = reason(graph, tmp_path)
    assert unsatisfiable_classes(world) == [str(impossible)]
