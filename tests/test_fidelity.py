"""Fidelity to the source text: the findings of the review of what the graph says.

Where the text is silent the graph is silent, or says it as an editorial reading with a
skos:editorialNote; where the text hedges, plans, intends or hopes, the graph does too;
where the text is inconsistent with itself, the graph keeps both readings and says so.

One test per finding, named after it. Each asserts the corrected triples and, for every
fact it adds, the lines of the text that give it: the lines of the quotations that state it
(the provenance rule of the README, kg.modality), or, for a fact the editors read from the
words, the lines of the words its reading rests on (sg:readFrom), with the reading's note.
The tests of the canned questions run them through the toolkit on both engines' default,
Oxigraph.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.catalogue import read_query_file
from kg.loading import load_files, load_store_parts
from kg.modality import read_facts, stated_facts
from kg.queries import run_query
from kg.results import rows_as_csv_records

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "data" / "siege626.ttl"
LINKS = REPO_ROOT / "data" / "links.ttl"
ONTOLOGY = REPO_ROOT / "ontology" / "siege626.ttl"
QUERIES = REPO_ROOT / "queries"

ID = Namespace("https://w3id.org/siege626/id/")
SG = Namespace("https://w3id.org/siege626/ontology#")


@cache
def data() -> Graph:
    return Graph().parse(DATA)


@cache
def links() -> Graph:
    return Graph().parse(LINKS)


@cache
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY)


@cache
def shipped() -> Graph:
    """The ontology, the data and the links: what the provenance rule is applied to."""
    return load_files([ONTOLOGY, REPO_ROOT / "ontology" / "alignments.ttl", DATA, LINKS])


@cache
def stated() -> dict[tuple[Node, Node, Node], set[Node]]:
    return stated_facts(shipped())


@cache
def read() -> dict[tuple[Node, Node, Node], set[Node]]:
    return read_facts(shipped())


def _lines(quotations: Iterable[Node]) -> set[int]:
    graph = shipped()
    return {
        int(line)
        for quotation in quotations
        for sentence in graph.objects(quotation, SG.inSentence)
        for line in graph.objects(sentence, SG.lineNumber)
    }


def lines_stating(subject: Node, predicate: URIRef, obj: Node) -> set[int]:
    """The lines of the quotations that state the triple (the README's provenance rule,
    kg.modality): none for a fact the editors read or a derived value."""
    assert (subject, predicate, obj) in data(), f"not in the data: {subject} {predicate} {obj}"
    return _lines(stated().get((subject, predicate, obj), set()))


def lines_read_from(subject: Node, predicate: URIRef, obj: Node) -> set[int]:
    """The lines of the words the editors read the triple from (its readings' sg:readFrom);
    none for a stated fact."""
    assert (subject, predicate, obj) in data(), f"not in the data: {subject} {predicate} {obj}"
    readings = read().get((subject, predicate, obj), set())
    return _lines(q for reading in readings for q in shipped().objects(reading, SG.readFrom))


def reading_notes(subject: Node, predicate: URIRef, obj: Node) -> str:
    """The notes of the readings that read the triple: why the editors read it so."""
    readings = read().get((subject, predicate, obj), set())
    return " ".join(notes(reading) for reading in sorted(readings))


def notes(resource: URIRef, graph: Graph | None = None) -> str:
    return " ".join(str(note) for note in (graph or data()).objects(resource, SKOS.editorialNote))


def participations(agent: URIRef, event: URIRef) -> list[Node]:
    graph = data()
    return [p for p in graph.subjects(SG.agent, agent) if (p, SG.roleIn, event) in graph]


@cache
def store():  # noqa: ANN201 - a pyoxigraph.Store
    return load_store_parts()


def answer(name: str, **params: str) -> list[dict[str, str]]:
    """The canned query's rows, each a dict of column name to the value's text ('' if unbound)."""
    query = read_query_file(QUERIES / f"{name}.rq")
    result = run_query(store(), query, params or None)
    return [dict(zip(result.columns, row, strict=True)) for row in rows_as_csv_records(result)]


# --- 1. Triples the text does not support, or overstates -------------------------------


def test_line_03_heraclius_is_the_target_not_a_defender() -> None:
    event = ID["army-sent-against-heraclius"]
    assert participations(ID.heraclius, event) == []
    assert (ID["heraclius-against-khosrau"], None, None) not in data()
    assert lines_stating(event, SG.target, ID.heraclius) == {3}


def test_line_06_fire_protection_is_the_purpose_of_the_hides() -> None:
    towers = ID["siege-towers"]
    assert (towers, SG.purpose, None) not in data()
    assert lines_stating(towers, SG.coveredWith, Literal("hides")) == {6}
    assert lines_stating(towers, SG.coveringPurpose, Literal("fire protection")) == {6}


def test_line_11_operation_in_western_anatolia_is_planned() -> None:
    army, arranging = ID["new-army-under-theodore"], ID["heraclius-arranges-the-new-army"]
    operation = ID["operation-against-the-persians-in-western-anatolia"]
    assert (army, SG.location, None) not in data()
    assert (arranging, SG.produced, None) not in data()
    assert lines_stating(operation, SG.status, SG.planned) == {11}
    assert lines_stating(operation, SG.location, ID["western-anatolia"]) == {11}
    assert lines_stating(operation, SG.target, ID.persians) == {11}
    assert lines_stating(arranging, SG.prepares, operation) == {11}
    assert lines_stating(arranging, SG.affected, army) == {11}
    (acting,) = participations(army, operation)
    assert (acting, SG.role, SG.actor) in data()


def test_line_12_defeat_of_the_canoes_has_no_place_and_only_winner_and_defeated() -> None:
    defeat = ID["defeat-of-the-canoes"]
    assert (defeat, SG.location, None) not in data()
    for fleet in (ID["roman-ships"], ID["slav-canoes"]):
        (fighting,) = participations(fleet, defeat)
        assert set(data().objects(fighting, SG.role)) == {SG.combatant}
    assert lines_stating(defeat, SG.winner, ID["roman-ships"]) == {12}
    assert lines_stating(defeat, SG.target, ID["slav-canoes"]) == {12}


def test_line_12_avar_fleet_is_actor_not_ally_in_the_planned_crossing() -> None:
    (part,) = participations(ID["avar-fleet"], ID["planned-crossing-of-the-bosporus"])
    assert set(data().objects(part, SG.role)) == {SG.actor}
    assert lines_stating(part, SG.role, SG.actor) == {12}


def test_line_14_blachernae_is_not_said_to_be_part_of_constantinople() -> None:
    assert (ID.blachernae, SG.partOf, None) not in data()
    assert (ID.blachernae, SG.partOf, None) not in links()


def test_line_16_what_is_still_sung_is_the_hymn_not_the_service() -> None:
    singing = ID["akathistos-still-sung"]
    assert (ID["lenten-service"], SG.status, None) not in data()
    assert lines_stating(singing, SG.status, SG.ongoing) == {16}
    assert lines_stating(singing, SG.performed, ID.akathistos) == {16}
    assert lines_stating(singing, SG.partOf, ID["lenten-service"]) == {16}
    assert lines_stating(singing, SG.describedAs, Literal("still sung")) == {16}


def test_line_17_culture_read_as_language_is_a_noted_reading() -> None:
    assert lines_stating(ID.romans, SG.culturalLanguage, ID.greek) == set()
    assert lines_read_from(ID.romans, SG.culturalLanguage, ID.greek) == {17}
    note = reading_notes(ID.romans, SG.culturalLanguage, ID.greek)
    assert "speaks of culture, not of language" in note
    assert "languages that culture lives in" in note


@pytest.mark.parametrize("date", ["date-626-07-31", "date-626-08-07"])
def test_lines_09_13_julian_calendar_is_read_not_given(date: str) -> None:
    node = ID[date]
    assert lines_stating(node, SG.calendar, SG.julianCalendar) == set()
    assert lines_read_from(node, SG.calendar, SG.julianCalendar) == {9, 13}
    note = reading_notes(node, SG.calendar, SG.julianCalendar)
    assert "names no calendar" in note
    assert "read as Julian" in note and "before 1582" in note


# --- 2. Facts missing or only partly encoded ----------------------------------------------


def test_line_05_storming_is_an_event_and_the_trebuchets_are_read_as_the_avars() -> None:
    storming, trebuchets = ID["storming-of-the-theodosian-walls"], ID["traction-trebuchets"]
    assert (storming, RDF.type, SG.Attack) in data()
    assert lines_stating(storming, SG.target, ID["theodosian-walls"]) == {5}
    assert lines_stating(trebuchets, SG.usedIn, storming) == {5}
    assert lines_stating(trebuchets, SG.possessedBy, ID.avars) == set()
    assert lines_read_from(trebuchets, SG.possessedBy, ID.avars) == {5, 6}
    assert "'The Avars have also …' implies" in reading_notes(trebuchets, SG.possessedBy, ID.avars)
    assault = ID["avar-assault-on-the-land-walls"]
    assert "who storms" in reading_notes(storming, SG.partOf, assault)


def test_line_09_the_mesoteichion_is_the_target_in_particular() -> None:
    effort = ID["main-effort-of-31-july"]
    assert lines_stating(effort, SG.targetInParticular, ID.mesoteichion) == {9}
    assert (ID["central-section"]) not in set(data().objects(effort, SG.targetInParticular))
    assert (SG.targetInParticular, RDFS.subPropertyOf, SG.target) in ontology()


def test_line_10_infantry_battle_and_repeated_assaults_are_facts_not_labels() -> None:
    battle, assaults = ID["infantry-battle-on-the-walls"], ID["repeated-assaults-on-the-city"]
    assert lines_stating(battle, SG.describedAs, Literal("infantry")) == {10}
    assert lines_stating(battle, SG.describedAs, Literal("fierce")) == {10}
    assert (assaults, RDF.type, SG.Attack) in data()
    assert lines_stating(assaults, SG.describedAs, Literal("repeated")) == {10}
    assert lines_stating(assaults, SG.target, ID.constantinople) == {10}
    assert lines_stating(ID["repeated-assaults-held-off"], SG.target, assaults) == {10}


def test_line_12_failure_of_the_planned_crossing_is_linked_to_the_naval_defeat() -> None:
    crossing = ID["planned-crossing-of-the-bosporus"]
    defeat = ID["defeat-of-the-canoes"]
    assert lines_stating(crossing, SG.thwartedBy, defeat) == set()
    assert lines_read_from(crossing, SG.thwartedBy, defeat) == {12}
    assert "is read as saying that the crossing did not take place" in reading_notes(
        crossing, SG.thwartedBy, defeat
    )


def test_lines_12_13_withdrawal_and_abandonment_are_kept_apart_with_a_note() -> None:
    withdrawal = ID["avar-withdrawal"]
    for later in ("abandonment-of-the-siege", "avar-retreat-to-the-balkans"):
        assert (withdrawal, None, ID[later]) not in data()
        assert (ID[later], None, withdrawal) not in data()
    note = notes(withdrawal)
    assert "line 13" in note and "kept apart" in note


@pytest.mark.parametrize(
    "event",
    ["burning-of-the-siege-engines", "abandonment-of-the-siege", "avar-retreat-to-the-balkans"],
)
def test_line_13_losses_and_shortage_are_reasons_not_bare_circumstances(event: str) -> None:
    node = ID[event]
    assert (node, SG.circumstance, None) not in data()
    for words in ("having suffered terrible losses", "running short of food and supplies"):
        assert lines_stating(node, SG.reason, Literal(words)) == set()
        assert lines_read_from(node, SG.reason, Literal(words)) == {13}
        assert "does not say 'because'" in reading_notes(node, SG.reason, Literal(words))
    assert (SG.reason, RDFS.subPropertyOf, SG.circumstance) in ontology()


def test_line_14_church_is_linked_to_the_virgin() -> None:
    church, virgin = ID["church-of-the-virgin-mary"], ID["virgin-mary"]
    assert lines_stating(church, SG.dedicatedTo, virgin) == set()
    assert lines_read_from(church, SG.dedicatedTo, virgin) == {8, 14}
    assert "the church's name, not the text" in reading_notes(church, SG.dedicatedTo, virgin)


def test_line_15_celebrants_are_the_victors() -> None:
    victory, celebration = ID["victory-at-blachernae"], ID["celebration-of-the-victory"]
    assert lines_stating(victory, SG.winner, ID.defenders) == set()
    assert lines_read_from(victory, SG.winner, ID.defenders) == {15}
    assert lines_stating(victory, SG.winner, ID["imperial-forces"]) == {14}
    assert lines_stating(celebration, SG.celebrates, victory) == set()
    assert lines_read_from(celebration, SG.celebrates, victory) == {14, 15}
    assert "makes the defenders victors" in reading_notes(victory, SG.winner, ID.defenders)


def test_line_15_choir_and_crowd_alternate_in_the_chant() -> None:
    chant = ID["chant-of-the-alleluia"]
    assert lines_stating(chant, SG.describedAs, Literal("alternating")) == {15}
    assert lines_stating(chant, SG.performed, ID.alleluia) == {15}
    assert lines_stating(chant, SG.partOf, ID["celebration-of-the-victory"]) == {15}
    for group in (ID.choir, ID.crowd):
        (singing,) = participations(group, chant)
        assert (singing, SG.role, SG.singer) in data()


def test_line_17_singing_in_greek_befits_the_romans() -> None:
    singing = ID["singing-in-greek"]
    assert lines_stating(singing, SG.befits, ID.romans) == set()
    assert lines_read_from(singing, SG.befits, ID.romans) == {17}
    assert "read as the Romans" in reading_notes(singing, SG.befits, ID.romans)
    assert lines_stating(singing, SG.inLanguage, ID.greek) == {17}
    assert lines_stating(singing, SG.performed, ID.akathistos) == set()
    assert lines_read_from(singing, SG.performed, ID.akathistos) == {17}


# --- 3. Readings made explicit ----------------------------------------------------------


def test_lines_07_08_10_14_imperial_forces_readings_are_noted() -> None:
    garrison, forces = ID["imperial-garrison"], ID["imperial-forces"]
    one_force = reading_notes(garrison, SKOS.altLabel, Literal("imperial army", lang="en"))
    for words in ("imperial troops", "valiant garrison", "imperial army"):
        assert words in one_force
    assert lines_read_from(garrison, SKOS.altLabel, Literal("imperial army", lang="en")) == {
        7,
        8,
        10,
    }
    assert lines_stating(garrison, SG.partOf, forces) == set()
    assert lines_read_from(garrison, SG.partOf, forces) == {7, 14}
    assert "read as a part of line 14's 'imperial forces'" in reading_notes(
        garrison, SG.partOf, forces
    )
    assert set(data().objects(garrison, SKOS.altLabel)) == {
        Literal("garrison", lang="en"),
        Literal("imperial army", lang="en"),
    }


def test_lines_04_05_08_09_the_attack_of_31_july_is_read_as_part_of_the_assault() -> None:
    assault = ID["avar-assault-on-the-land-walls"]
    attack, storming = ID["attack-of-31-july"], ID["storming-of-the-theodosian-walls"]
    morale = ID["sergius-maintains-morale"]
    for part in (attack, storming):
        assert lines_stating(part, SG.partOf, assault) == set()
    assert lines_read_from(attack, SG.partOf, assault) == {4, 9}
    assert lines_read_from(storming, SG.partOf, assault) == {4, 5}
    assert lines_read_from(morale, SG.during, assault) == {8}
    assert "does not relate this attack" in reading_notes(attack, SG.partOf, assault)
    assert "Sergius's deeds" in reading_notes(attack, SG.partOf, assault)
    assert "Sergius's deeds" in reading_notes(morale, SG.during, assault)
    assert "Theodosian Walls" in notes(ID["western-walls"])


def test_lines_04_09_shahin_and_shahrbaraz_the_texts_own_inconsistency() -> None:
    for resource in (
        ID["shahin-commands-the-army"],
        ID["shahrbaraz-commands-the-allies"],
        ID["army-against-constantinople"],
        ID["persian-allies-under-shahrbaraz"],
    ):
        note = notes(resource)
        assert "Shahin" in note and "Shahrbaraz" in note, resource
        assert "consistent" in note or "inconsistency" in note, resource
    # Both readings stay.
    assert (ID["shahin-commands-the-army"], SG.agent, ID["shahin-vahmanzadegan"]) in data()
    assert (ID["shahrbaraz-commands-the-allies"], SG.agent, ID.shahrbaraz) in data()


def test_lines_02_03_11_sides_are_named_after_who_stands_on_them() -> None:
    for side in (ID["attacking-side"], ID["defending-side"]):
        label = str(data().value(side, RDFS.label))
        assert "Constantinople" not in label
        assert "never names" in notes(side)
    assert (
        str(data().value(ID["attacking-side"], RDFS.label))
        == "the side of the Avars and the Persians"
    )
    assert str(data().value(ID["defending-side"], RDFS.label)) == "the side of the Romans"


def test_line_08_breed_of_darkness_is_a_quoted_hostile_epithet() -> None:
    assert lines_stating(ID.avars, SG.epithet, Literal("breed of darkness")) == {8}
    note = notes(ID.avars)
    assert "quotation marks" in note and "hostile epithet" in note


# --- 4. links.ttl -----------------------------------------------------------------------


def test_links_cambridge_chapter_is_credited_to_baynes() -> None:
    graph = links()
    baynes = ID["reference-baynes-cmh"]
    credit = str(graph.value(baynes, URIRef("http://purl.org/dc/terms/bibliographicCitation")))
    assert credit.startswith('Norman H. Baynes, "The Successors of Justinian", chapter IX')
    assert "Gwatkin" in credit and "Whitney" in credit and "1913" in credit
    for claim in ("claim-army-at-chalcedon-was-shahrbaraz", "claim-persians-stayed-at-chalcedon"):
        citing = {
            graph.value(citation, SG.citesReference)
            for citation in graph.subjects(SG.describes, ID[claim])
        }
        assert baynes in citing and ID["reference-bury-cmh"] not in citing


def test_links_golden_horn_note_says_only_what_the_reference_gives() -> None:
    note = str(links().value(ID["geometry-golden-horn"], SKOS.scopeNote))
    assert "north-west" not in note


def test_links_church_point_has_a_precision() -> None:
    geometry = ID["geometry-church-of-the-virgin-mary"]
    assert links().value(geometry, SG.pointPrecision) == SG.nearbyPoint


def test_links_kings_realm_is_named() -> None:
    assert (ID.king, SG.realm, ID.persians) in links()
    assert "Sasanian" in str(links().value(ID.king, RDFS.label))


# --- 5. Canned questions ----------------------------------------------------------------


CONTESTED_PARTS = {
    (str(ID["shahin-vahmanzadegan"]), str(ID["claim-army-at-chalcedon-was-shahrbaraz"])),
    (str(ID["persian-allies-under-shahrbaraz"]), str(ID["claim-persians-stayed-at-chalcedon"])),
}


def test_agents_on_each_side_flags_contested_participations() -> None:
    flagged = {
        (row["agent"], row["contestedBy"])
        for row in answer("agents-on-each-side")
        if row["contestedBy"]
    }
    assert flagged == CONTESTED_PARTS


def test_commanders_flags_the_contested_command() -> None:
    flagged = {
        (row["commander"], row["contestedBy"])
        for row in answer("commanders-of-forces-and-operations")
        if row["contestedBy"]
    }
    assert flagged == {
        (str(ID["shahin-vahmanzadegan"]), str(ID["claim-army-at-chalcedon-was-shahrbaraz"]))
    }


def test_alliances_flags_the_contested_words() -> None:
    (row,) = answer("alliances")
    assert row["contestedBy"] == str(ID["claim-persians-stayed-at-chalcedon"])


def test_chronology_says_who_gives_each_date_and_has_the_year_only_siege() -> None:
    rows = answer("chronology-of-dated-events")
    siege = [row for row in rows if row["event"] == str(ID["siege-of-constantinople"])]
    assert {(row["year"], row["gregorianDate"], row["givenBy"]) for row in siege} == {
        ("626", "", "the text"),
        ("626", "0626-08-10", "the text"),
    }
    by_text = {
        row["gregorianDate"]
        for row in rows
        if row["givenBy"] == "the text" and row["gregorianDate"]
    }
    assert by_text == {"0626-08-03", "0626-08-10"}
    assert all(row["givenBy"] for row in rows)
    assert {row["givenBy"] for row in rows} == {"the text", "English Wikipedia"}


def test_outcome_of_battle_answers_for_the_infantry_battle() -> None:
    rows = answer("outcome-of-battle", battle="id:infantry-battle-on-the-walls")
    assert [
        (
            row["battleLabel"],
            row["placeLabel"],
            row["fighter"],
            row["consequence"],
            row["consequenceRelationLabel"],
            row["consequenceActorLabel"],
        )
        for row in rows
    ] == [
        (
            "Infantry battle on the walls",
            "Theodosian Walls",
            "",
            str(ID["repeated-assaults-held-off"]),
            "after",
            "imperial troops defending the capital",
        )
    ]


def test_hedges_of_the_text_lists_every_kind_of_hedge() -> None:
    rows = answer("hedges-of-the-text")
    found = {(row["kind"], row["line"], row["hedgeLabel"]) for row in rows if row["source"] != ""}
    for expected in [
        ("hedged figure", "1", "approximate"),
        ("hedged figure", "2", "presumed"),
        ("hedged figure", "2", "of unknown size"),
        ("hedged figure", "9", "approximate"),
        ("planned or hoped-for event", "4", "planned"),
        ("planned or hoped-for event", "11", "planned"),
        ("planned or hoped-for event", "12", "planned"),
        ("approximate date", "", "approximate"),
        ("contested by another account", "4", "claim"),
        ("contested by another account", "7", "claim"),
        ("contested by another account", "9", "claim"),
    ]:
        assert expected in found, expected


@pytest.mark.parametrize(
    ("thing", "value", "line", "exact"),
    [
        ("Avar horde", "80000", "1", "with a horde of about eighty thousand men"),
        ("garrison", "twelve thousand", "7", "twelve thousand well-trained imperial troops"),
        ("walls", "5.7", "9", "about 5.7 kilometers"),
        (
            "oppose Heraclius",
            "50000",
            "2",
            "of unknown size, presumably more than fifty thousand men each",
        ),
    ],
)
def test_sentence_supporting_figure_takes_a_name_and_a_value(
    thing: str, value: str, line: str, exact: str
) -> None:
    rows = answer("sentence-supporting-figure", thing=thing, value=value)
    assert [(row["line"], row["exact"], row["source"]) for row in rows] == [
        (line, exact, "the text")
    ]


# --- 6. What the site writes ---------------------------------------------------------------
#
# Every page of the site (the HTML files of `kg site`, rendered by the application itself)
# is rendered once. The sentences the site writes are made from named triples
# (kg/serve/sentences.py): each page hands on, as it renders, every sentence with the
# triples it tells. The rule: a sentence keeps what its facts rest on — a fact the editors
# read is said to be read, a contested fact is said to be disputed (and nothing else is),
# a planned event stays planned, an approximate or presumed figure or date keeps its
# hedge — and no sentence gives a read fact as the text's. The named tests after the rule
# pin the findings of the review of what the site wrote, one each.

import re  # noqa: E402 - this section's own, below the sections it follows

SITE_BASE = "http://testserver/"
NAME_PROPERTIES = {RDFS.label, SKOS.prefLabel, SKOS.altLabel}


@cache
def site_pages() -> tuple[dict[str, str], tuple[object, ...]]:
    """Every HTML page of the site by URL, and every sentence the pages wrote."""
    import warnings
    from dataclasses import replace

    from kg.publish import site_urls
    from kg.serve import ServeSettings, create_app
    from kg.serve.state import shipped_graphs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    try:
        from kg.serve.sentences import collecting
    except ImportError:  # a site that writes its sentences as bare strings
        collecting = None
    settings = replace(
        ServeSettings(), base_url=SITE_BASE, dist_dir=None, workers=1, sparql_endpoint=False
    )
    app = create_app(settings, shipped_graphs())
    pages: dict[str, str] = {}
    said: list[object] = []
    with TestClient(app) as client:
        urls = [item.url for item in site_urls(app.state.server) if item.path.endswith(".html")]
        if collecting is None:
            for url in urls:
                pages[url] = client.get(url, headers={"accept": "text/html"}).text
        else:
            with collecting() as heard:
                for url in urls:
                    pages[url] = client.get(url, headers={"accept": "text/html"}).text
            said = list(heard)
    return pages, tuple(said)


def page(url: str) -> str:
    return site_pages()[0][url]


@cache
def whole_graph() -> Graph:
    """What the site serves as its facts: the data, the links and the ontology."""
    graph = Graph()
    for part in (data(), links(), ontology()):
        graph += part
    return graph


@cache
def contested_facts() -> dict[tuple[Node, Node, Node], set[Node]]:
    """Each fact another account contests: of what the words a claim contests state of the
    things it concerns (names aside; kg.modality's rule of statement), the parts played,
    else the figures it gives others for, else all."""
    from kg.modality import stated_facts

    graph = whole_graph()
    stated = stated_facts(graph)
    found: dict[tuple[Node, Node, Node], set[Node]] = {}
    for claim in graph.subjects(RDF.type, SG.Claim):
        concerns = set(graph.objects(claim, SG.concerns))
        told = [
            triple
            for words in graph.objects(claim, SG.contests)
            for triple, citations in stated.items()
            if words in citations and triple[0] in concerns and triple[1] not in NAME_PROPERTIES
        ]
        # A claim about who took part contests the parts played; one that gives other
        # figures contests the figures; else what the words state of what it concerns.
        parts = [t for t in told if (t[0], RDF.type, SG.Participation) in graph]
        figures = [t for t in told if t[1] == SG.strength]
        if not parts and figures and (claim, SG.claimedStrength, None) in graph:
            parts = figures
        for triple in parts or told:
            found.setdefault(triple, set()).add(claim)
    return found


def required_marks(triple: tuple[Node, Node, Node]) -> set[str]:
    """What a sentence that tells ``triple`` must carry over, from the graph alone."""
    from kg.modality import planned_events, read_facts

    graph = whole_graph()
    marks = set()
    if triple in read_facts(graph):
        marks.add("read")
    if triple in contested_facts():
        marks.add("disputed")
    planned = planned_events(graph)
    for node in (triple[0], triple[2]):
        if node in planned or any(e in planned for e in graph.objects(node, SG.roleIn)):
            marks.add("planned")
    qualifiers = set(graph.objects(triple[2], SG.qualifier))
    if triple[1] == SG.dateQualifier:
        qualifiers.add(triple[2])
    if SG.approximate in qualifiers:
        marks.add("approximate")
    if SG.presumed in qualifiers:
        marks.add("presumed")
    return marks


def _rdflib(triple: tuple[object, object, object]) -> tuple[Node, Node, Node]:
    from kg.engines import to_rdflib

    return tuple(to_rdflib(term) for term in triple)  # type: ignore[return-value]


def sentence_faults(sentence: object) -> list[str]:
    """What is wrong with one sentence the site writes, by the rule of this section."""
    from kg.serve.sentences import MARK_WORDS, Mark

    text = sentence.text  # type: ignore[attr-defined]
    lowered = text.lower()
    triples = [_rdflib(t) for t in sentence.triples]  # type: ignore[attr-defined]
    graph = whole_graph()
    faults = []
    needed: set[str] = set()
    for triple in triples:
        if triple not in graph:
            faults.append(f"tells a triple the graph does not assert: {triple}")
        needed |= required_marks(triple)
    for mark in Mark:
        shown = any(word in lowered for word in MARK_WORDS[mark])
        if mark.value in needed and not shown:
            faults.append(f"drops {mark.value!r}")
    if "disputed" in lowered and "disputed" not in needed:
        faults.append("says 'disputed' of facts no account contests")
    if "read by the editors" in lowered and "read" not in needed:
        faults.append("says 'read' of facts no reading reads")
    if "read" in needed and any(w in lowered for w in ("the text says", "stated by the text")):
        if "not stated by the text" not in lowered:
            faults.append("gives a read fact as the text's")
    return faults


def test_site_every_sentence_keeps_what_its_facts_rest_on() -> None:
    pages, said = site_pages()
    assert len(pages) > 300
    assert len(said) > 100, "the pages hand on the sentences they write"
    faults = {
        f"{sentence.text!r}: {fault}"  # type: ignore[attr-defined]
        for sentence in said
        for fault in sentence_faults(sentence)
    }
    assert not faults, "\n".join(sorted(faults))
    # Every sentence handed on is on a page, as written.
    html = "\n".join(pages.values()).replace("&#39;", "'").replace("&#34;", '"')
    plain = re.sub(r"<[^>]+>", "", html)
    missing = {s.text for s in said if s.text.strip() and s.text not in plain}  # type: ignore[attr-defined]
    assert not missing, sorted(missing)[:5]


def test_site_every_fact_on_a_resource_page_says_what_it_rests_on() -> None:
    """Stated, read (with the reading's words and note) or derived, as kg.modality says;
    an editors' remark is shown as a remark, never as stated by a quotation."""
    from kg.modality import Modality, modalities
    from kg.serve.site import SiteGraph
    from kg.serve.state import shipped_graphs
    from kg.serve.views.resource import resource_view

    site = SiteGraph(shipped_graphs())
    expected = modalities(whole_graph())
    wrong = []
    for slug in site.slugs:
        view = resource_view(site, slug)
        assert view is not None
        for row in [*view.statements, *view.details]:
            triple = _rdflib(row.triple)
            if triple[1] == SKOS.editorialNote:
                if row.sources or row.modality is not None:
                    wrong.append(f"{slug}: an editors' remark given as a fact")
                continue
            kinds = expected.get(triple)
            if not kinds:
                continue  # the records of the sources themselves
            (kind,) = kinds
            if row.modality is None or row.modality.value != kind.value:
                wrong.append(f"{slug}: {triple[1]} shown as {row.modality}, is {kind.value}")
            if kind is Modality.READ and not all(r.note and r.words for r in row.readings):
                wrong.append(f"{slug}: {triple[1]} read without the reading's words and note")
            if kind is not Modality.STATED and row.sources:
                wrong.append(f"{slug}: {triple[1]} credited to words that do not state it")
    assert not wrong, "\n".join(wrong)


def _li(html: str, href: str) -> str:
    """The list item that links to ``href`` (first)."""
    return _item(html, rf'<li>(?:(?!</li>).)*?href="{href}">.*?</li>')


def _item(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found is not None, pattern
    return found.group(0)


def test_site_key_facts_show_a_dispute_only_on_the_statement_it_contests() -> None:
    for url in ("/", "/page/siege-of-constantinople"):
        facts = _item(page(url), r'<div class="key-facts".*?</div>')
        shahrbaraz = _li(facts, "/page/shahrbaraz")
        shahin = _li(facts, "/page/shahin-vahmanzadegan")
        assert "disputed" not in shahrbaraz
        assert "claim-army-at-chalcedon-was-shahrbaraz" in shahin and "disputed" in shahin
    for slug in ("shahrbaraz", "theodore"):
        assert "Other accounts disagree" not in page(f"/page/{slug}"), slug
    assert "Other accounts disagree" in page("/page/shahin-vahmanzadegan")


def test_site_no_outcome_and_the_defenders_as_winners_are_read() -> None:
    facts = _item(page("/"), r'<div class="key-facts".*?</div>')
    assert "Outcome" not in page("/") and "Outcome" not in facts
    defenders = _item(facts, r'and by <a href="/page/defenders">.*?</li>')
    assert "read by the editors" in defenders
    assert "does not call it the outcome of the siege" in page("/")


def test_site_the_julian_calendar_is_read_not_the_texts() -> None:
    summary = _item(page("/"), r'<p class="summary-text">.*?</p>')
    assert "read as dates of the Julian calendar" in summary
    assert "in the Julian calendar (" not in summary
    calendar = _item(page("/timeline"), r'<section class="calendar-note".*?</p>')
    assert "read by the editors" in calendar


def test_site_prompted_by_is_said_to_be_a_reading() -> None:
    withdrawal = _item(page("/timeline"), r'<li class="event" id="event-avar-withdrawal".*?</li>')
    assert re.search(r"prompted by .*?read by the editors", withdrawal, re.S)


def test_site_death_of_shahin_keeps_its_c() -> None:
    death = _item(page("/timeline"), r'<li data-event="death-of-shahin-vahmanzadegan">.*?</li>')
    assert "c. 626" in re.sub(r"<[^>]+>", "", death).split("(as the reference")[0]


@pytest.mark.parametrize(
    ("event", "claim"),
    [
        ("persian-advance-to-the-bosporus", "claim-army-at-chalcedon-was-shahrbaraz"),
        ("attack-of-31-july", "claim-persians-stayed-at-chalcedon"),
    ],
)
def test_site_timeline_shows_the_disputes(event: str, claim: str) -> None:
    entry = _item(page("/timeline"), rf'<li class="event" id="event-{event}".*?</li>')
    assert "disputed" in entry and f'href="/page/{claim}"' in entry


def test_site_every_quotation_is_marked_on_the_source_text() -> None:
    marked = set(
        re.findall(
            r'<a class="quote[^"]*" href="/page/(quote-\d\d-\d\d)"><mark>',
            page("/page/source-text"),
        )
    )
    quotations = {str(q).rsplit("/", 1)[1] for q in data().subjects(RDF.type, SG.Quotation)}
    assert {"quote-08-04", "quote-12-04", "quote-17-02"} <= marked
    assert marked == quotations


def test_site_7_august_in_the_texts_order_said_to_be_read() -> None:
    day = _item(page("/timeline"), r'<li class="step day" id="day-1949923">.*?</ul>')
    order = re.findall(r'data-event="([a-z0-9-]+)"', day)
    assert order == [
        "burning-of-the-siege-engines",
        "abandonment-of-the-siege",
        "avar-retreat-to-the-balkans",
    ]
    abandon = _item(day, r'id="event-abandonment-of-the-siege".*?</li>')
    assert "read by the editors" in abandon


def test_site_the_lenten_service_is_no_step_of_the_story() -> None:
    story = _item(page("/timeline"), r'<ol class="story">.*?</ol>')
    assert 'data-event="lenten-service"' not in story
    assert 'data-event="akathistos-still-sung"' in story


def test_site_plans_stay_plans_and_figures_keep_their_about() -> None:
    facts = _item(page("/"), r'<div class="key-facts".*?</div>')
    fleet = _li(facts, "/page/avar-fleet")
    assert "planned" in fleet
    crossing = _item(
        page("/timeline"), r'<li class="event" id="event-planned-crossing-of-the-bosporus".*?</li>'
    )
    assert "Who, as planned" in crossing
    assert "about 80,000 men" in facts and "presumably more than 50,000 men" in facts


def test_site_resource_pages_say_stated_read_derived_and_remarks() -> None:
    avars = page("/page/avars")
    remark = _item(avars, r"<td>editors&#39; note</td>.*?</tr>")
    assert "stated by" not in remark and "the editors&#39; remark, not a fact" in remark
    date = page("/page/date-626-07-31")
    year = _item(date, r"<td>year</td>.*?</tr>")
    assert "read by the editors" in year and "line 1&#39;s &#39;in 626&#39;" in year
    gregorian = _item(date, r'<td><a href="/ontology#gregorianDate">.*?</tr>')
    assert "derived by" in gregorian and "stated by" not in gregorian
