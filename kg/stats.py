"""``kg stats``: triples per part, entities per class, facts per source sentence."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import pyoxigraph

from kg.canonical import CanonicalDataset
from kg.counts import count_graph
from kg.namespaces import KNOWN_PREFIXES, curie
from kg.queries import dataset_options, get_query

__all__ = ["FACTS_PER_LINE_QUERY", "STATS_FORMATS", "GraphStats", "compute_stats", "render_stats"]

STATS_FORMATS = ("table", "json")
# The canned query that applies the provenance rule of data/siege626.ttl line by line.
FACTS_PER_LINE_QUERY = "facts-and-quotations-per-line"


@dataclass(frozen=True)
class PartRow:
    part: str
    graph: str
    triples: int


@dataclass(frozen=True)
class ClassRow:
    class_iri: str
    entities: int


@dataclass(frozen=True)
class SentenceRow:
    line: int
    quotations: int
    facts: int


@dataclass(frozen=True)
class GraphStats:
    """The three tables of ``kg stats``; ``triples`` counts the union, each triple once."""

    triples: int
    parts: tuple[PartRow, ...]
    classes: tuple[ClassRow, ...]
    sentences: tuple[SentenceRow, ...]


def compute_stats(dataset: CanonicalDataset) -> GraphStats:
    """Count the dataset; facts per sentence come from the canned query of that name."""
    counts = count_graph(dataset)
    parts = tuple(
        PartRow(part.name, str(part.graph), counts.triples_per_part[part.name])
        for part in dataset.parts
    )
    classes = tuple(
        ClassRow(iri, count)
        for iri, count in sorted(
            counts.entities_per_class.items(), key=lambda item: (-item[1], item[0])
        )
    )
    return GraphStats(counts.triples, parts, classes, _sentences(dataset))


def _sentences(dataset: CanonicalDataset) -> tuple[SentenceRow, ...]:
    query = get_query(FACTS_PER_LINE_QUERY)
    store = dataset.store()
    # A canned query: over the asserted parts, the generated part inferred left out.
    solutions = store.query(query.text, **dataset_options(store, query))
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    rows = []
    for solution in solutions:
        quotations, facts = solution["quotations"], solution["facts"]
        rows.append(
            SentenceRow(
                int(solution["line"].value),
                int(quotations.value) if quotations is not None else 0,
                int(facts.value) if facts is not None else 0,
            )
        )
    return tuple(sorted(rows, key=lambda row: row.line))


def render_stats(
    stats: GraphStats,
    output_format: str = "table",
    prefixes: Mapping[str, str] = KNOWN_PREFIXES,
) -> str:
    """The statistics as text tables (``table``, IRIs shortened with ``prefixes``) or JSON."""
    if output_format == "json":
        document = asdict(stats)
        document["classes"] = [
            {"class": row["class_iri"], "entities": row["entities"]} for row in document["classes"]
        ]
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output_format != "table":
        raise ValueError(
            f"unknown format {output_format!r}; expected one of {', '.join(STATS_FORMATS)}"
        )
    blocks = [
        _table(
            f"Triples per part ({stats.triples} in all, each once)",
            ("part", "graph", "triples"),
            [(row.part, row.graph, row.triples) for row in stats.parts],
        ),
        _table(
            "Entities per class (IRIs typed with the class itself)",
            ("class", "entities"),
            [(curie(row.class_iri, prefixes), row.entities) for row in stats.classes],
        ),
        _table(
            f"Facts per source sentence (queries/{FACTS_PER_LINE_QUERY}.rq)",
            ("line", "quotations", "facts"),
            [(row.line, row.quotations, row.facts) for row in stats.sentences],
        ),
    ]
    return "\n".join(blocks)


def _table(title: str, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    cells = [header, *[tuple(str(value) for value in row) for row in rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(header))]
    numeric = [
        all(str(row[index]).isdigit() for row in rows) and rows for index in range(len(header))
    ]

    def line(row: tuple[str, ...]) -> str:
        padded = [
            value.rjust(width) if numeric[index] else value.ljust(width)
            for index, (value, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([title, line(cells[0]), rule, *(line(row) for row in cells[1:])]) + "\n"
