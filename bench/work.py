"""The jobs the benchmark times, each run as a whole process: ``python -m bench.work JOB …``.

Each job prints its answer (a triple count, the set of violations, row counts) so the
benchmark can check that the engines it compares answer alike.

    parse ENGINE FILE...               rdflib | oxigraph | oxrdflib: parse into an in-memory graph
    shacl ENGINE SHAPES ONT... -- DATA...   pyshacl | pyshacl-turbo | pyrudof
    queries ENGINE FILE...             rdflib | oxigraph | oxrdflib: every canned query, defaults
                                       bound (oxrdflib: an rdflib Graph on an Oxigraph store)
    export FORMAT ONT... -- DATA LINKS      kg export's writer on these files
    load URL DATA LINKS                Graph Store PUT + POSTs of each part to an Oxigraph server
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path


def _split(args: Sequence[str]) -> tuple[list[Path], list[Path]]:
    cut = list(args).index("--")
    return [Path(a) for a in args[:cut]], [Path(a) for a in args[cut + 1 :]]


def _oxrdflib_graph(files: Sequence[str]) -> object:
    """An rdflib Graph whose store is Oxigraph (oxrdflib), parsed by Oxigraph's parser."""
    from rdflib import Graph

    graph = Graph(store="Oxigraph")
    for path in files:
        graph.parse(path, format="ox-turtle")
    return graph


def parse(engine: str, files: Sequence[str]) -> int:
    if engine == "rdflib":
        from rdflib import Graph

        graph = Graph()
        for path in files:
            graph.parse(path, format="turtle")
        return len(graph)
    if engine == "oxrdflib":
        return len(_oxrdflib_graph(files))  # type: ignore[arg-type]
    from kg.engines import load_store

    return len(load_store(files))


def shacl(engine: str, args: Sequence[str]) -> list[list[str]]:
    from bench.shacl_peers import run_engine

    shapes, rest = Path(args[0]), args[1:]
    ontology, data = _split(rest)
    return sorted([list(item) for item in run_engine(engine, shapes, ontology, data)])


def queries(engine: str, files: Sequence[str]) -> dict[str, int]:
    from kg.parameters import bind_values
    from kg.queries import bind_parameters, list_queries

    canned = [q for q in list_queries() if all(p.default is not None for p in q.parameters)]
    if engine == "rdflib":
        from kg.loading import load_files
        from kg.queries import run_query

        graph = load_files(files)
        return {q.name: len(run_query(graph, q).rows) for q in canned}
    if engine == "oxrdflib":
        on_oxigraph = _oxrdflib_graph(files)
        return {
            q.name: len(list(on_oxigraph.query(bind_values(q.text, bind_parameters(q)))))  # type: ignore[attr-defined]
            for q in canned
        }
    from kg.engines import evaluate, load_store

    store = load_store(files)
    counts = {}
    for query in canned:
        text = bind_values(query.text, bind_parameters(query))
        counts[query.name] = len(evaluate(store, text)[2])
    return counts


def export(format_name: str, args: Sequence[str]) -> int:
    from kg.canonical import canonicalize
    from kg.export import export as write
    from kg.namespaces import DATA_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH
    from kg.parts import Part

    ontology, (data, links) = _split(args)
    parts = (
        Part("ontology", ONTOLOGY_GRAPH, tuple(ontology)),
        Part("data", DATA_GRAPH, (data,)),
        Part("links", LINKS_GRAPH, (links,)),
    )
    # Streamed to a file, as `kg export --out` writes; the answer is the number of bytes.
    import tempfile

    with tempfile.TemporaryFile() as sink:
        write(canonicalize(parts), format_name).write_to(sink)
        return sink.tell()


# Most bytes one Graph Store request carries. One PUT of a whole 1000× part (50 MB) is one
# transaction that the server's cost per triple grows with; batches keep it flat, as a
# user loading a big graph into a live server would do (kg load sends ≤ 900 kB updates).
BATCH_BYTES = 4 * 2**20


def copy_blocks(text: bytes) -> list[bytes]:
    """The Turtle blocks of a scaled file, one per copy (each opens with its @prefix lines).

    A copy's blank nodes never leave its block, so each block is a document of its own.
    """
    blocks: list[list[bytes]] = [[]]
    body_seen = previous_prefix = False
    for line in text.splitlines(keepends=True):
        is_prefix = line.startswith(b"@prefix")
        if is_prefix and not previous_prefix and body_seen:
            blocks.append([])
            body_seen = False
        blocks[-1].append(line)
        body_seen = body_seen or not (is_prefix or line.startswith(b"#") or not line.strip())
        previous_prefix = is_prefix
    return [b"".join(block) for block in blocks if block]


def _batches(blocks: Sequence[bytes]) -> list[bytes]:
    batches: list[list[bytes]] = [[]]
    size = 0
    for block in blocks:
        if batches[-1] and size + len(block) > BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(block)
        size += len(block)
    return [b"".join(batch) for batch in batches]


def load(url: str, data: str, links: str) -> int:
    """Graph Store Protocol: each part into its graph, a PUT then POSTs of whole copies.

    Answers the number of triples the server then holds.
    """
    import urllib.request

    from kg.namespaces import DATA_GRAPH, LINKS_GRAPH

    for graph, path in ((DATA_GRAPH, data), (LINKS_GRAPH, links)):
        for number, body in enumerate(_batches(copy_blocks(Path(path).read_bytes()))):
            request = urllib.request.Request(
                f"{url}/store?graph={graph}", data=body, method="PUT" if number == 0 else "POST",
                headers={"Content-Type": "text/turtle"},
            )
            with urllib.request.urlopen(request, timeout=3600) as response:
                if response.status not in (200, 201, 204):
                    raise SystemExit(f"{request.method} {graph}: HTTP {response.status}")
    return _stored_triples(url)


def _stored_triples(url: str) -> int:
    """How many triples the server's named graphs hold: the load's answer."""
    import urllib.parse
    import urllib.request

    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    request = urllib.request.Request(
        f"{url}/query?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=3600) as response:
        answer = json.load(response)
    return int(answer["results"]["bindings"][0]["n"]["value"])


def main(argv: Sequence[str]) -> None:
    job, *args = argv
    if job == "parse":
        answer: object = parse(args[0], args[1:])
    elif job == "shacl":
        answer = shacl(args[0], args[1:])
    elif job == "queries":
        answer = queries(args[0], args[1:])
    elif job == "export":
        answer = export(args[0], args[1:])
    elif job == "load":
        answer = load(*args)
    else:
        raise SystemExit(f"unknown job {job!r}")
    print(json.dumps(answer, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
