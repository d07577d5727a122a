"""What the text says that the graph held only in part: a plan kept as a purpose string,
an army the return goes to left unlinked, a role given without its reading, an order of
deeds left out. Each fact is checked with its modality (kg/modality.py): stated by the
words of its line, or read by the editors from them with a note.
"""

from __future__ import annotations

from functools import cache

from rdflib import RDF, SKOS, Graph, Namespace
from rdflib.term import Node

from kg import loading, modality
from kg.queries import run_query
from kg.results import rows_as_csv_records

ID = Namespace("https://w3id.org/siege626/id/")
SG = Namespace("https://w3id.org/siege626/ontology#")


@cache
def graph() -> Graph:
    return loading.load_graph(["ontology", "data", "links"])


@cache
def stated() -> dict[tuple[Node, Node, Node], set[Node]]:
    return modality.stated_facts(graph())


@cache
def read() -> dict[tuple[Node, Node, Node], set[Node]]:
    return modality.read_facts(graph())


def lines_of(citations: set[Node]) -> set[int]:
    return {
        int(line)
        for citation in citations
        for sentence in graph().objects(citation, SG.inSentence)
        for line in graph().objects(sentence, SG.lineNumber)
    }


def stated_by_lines(subject: Node, predicate: Node, obj: Node) -> set[int]:
    triple = (subject, predicate, obj)
    assert triple in graph(), f"not in the graph: {triple}"
    assert triple not in read(), f"read, not stated: {triple}"
    return lines_of(stated().get(triple, set()))


def read_from_lines(subject: Node, predicate: Node, obj: Node) -> set[int]:
    triple = (subject, predicate, obj)
    assert triple in graph(), f"not in the graph: {triple}"
    assert triple not in stated(), f"answered as stated: {triple}"
    readings = read().get(triple, set())
    assert readings, f"neither stated nor read: {triple}"
    for reading in readings:
        assert list(graph().objects(reading, SKOS.editorialNote)), f"{reading} gives no reason"
    return lines_of({w for reading in readings for w in graph().objects(reading, SG.readFrom)})


def test_line_02_khosraus_all_out_effort_is_a_plan_the_hedges_list() -> None:
    plan = ID["all-out-effort-against-constantinople"]
    assert stated_by_lines(plan, RDF.type, SG.Event) == {2}
    assert stated_by_lines(plan, SG.status, SG.planned) == {2}
    assert stated_by_lines(plan, SG.target, ID.constantinople) == {2}
    (planning,) = graph().subjects(SG.roleIn, plan)
    assert stated_by_lines(planning, SG.agent, ID["khosrau-ii"]) == {2}
    assert stated_by_lines(planning, SG.role, SG.planner) == {2}
    # The return to Anatolia no longer carries the plan as a purpose string.
    assert (ID["khosrau-returns-to-anatolia"], SG.purpose, None) not in graph()
    store = loading.load_store_parts(("ontology", "data", "links"))
    hedges = run_query(store, "hedges-of-the-text")
    rows = [dict(zip(hedges.columns, row, strict=True)) for row in rows_as_csv_records(hedges)]
    assert any(
        row["thing"] == str(plan) and row["line"] == "2" and row["hedge"] == str(SG.planned)
        for row in rows
    )


def test_line_11_heraclius_returns_to_his_own_army() -> None:
    going_back = ID["heraclius-returns-to-his-army"]
    army = ID["heraclius-army-in-pontus"]
    assert stated_by_lines(going_back, SG.rejoins, army) == {11}
    assert stated_by_lines(army, SG.forceOf, ID.heraclius) == {11}


def test_line_14_the_imperial_forces_role_of_defender_is_a_noted_reading() -> None:
    taking_part = ID["imperial-forces-in-the-victory"]
    assert read_from_lines(taking_part, SG.role, SG.defender) == {14}
    assert stated_by_lines(taking_part, SG.agent, ID["imperial-forces"]) == {14}


def test_line_13_the_deeds_of_7_august_are_in_the_texts_order() -> None:
    burn, abandon, retreat = (
        ID["burning-of-the-siege-engines"],
        ID["abandonment-of-the-siege"],
        ID["avar-retreat-to-the-balkans"],
    )
    assert read_from_lines(abandon, SG.after, burn) == {13}
    assert read_from_lines(retreat, SG.after, abandon) == {13}
    assert (burn, SG.after, None) not in graph()
    # Abandoning a siege is a deed, not a move from place to place.
    assert (abandon, RDF.type, SG.Movement) not in graph()
    assert stated_by_lines(abandon, RDF.type, SG.Action) == {13}


def test_the_virgin_and_christ_are_depicted_figures_not_persons() -> None:
    for figure in (ID.christ, ID["virgin-mary"]):
        assert (figure, RDF.type, SG.HolyFigure) in graph()
        assert (figure, RDF.type, SG.Person) not in graph()
    assert read_from_lines(ID["images-of-the-virgin-and-child"], SG.depicts, ID.christ) == {8}
