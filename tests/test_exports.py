"""kg export: every format round-trips, output is byte-identical, the fingerprint is stable,
bad input is one line on stderr and leaves no file behind."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from cli_helpers import assert_one_line_error, invoke
from pyld import jsonld
from rdflib import Dataset, Graph, Literal, URIRef

from kg import output
from kg.canonical import CanonicalDataset, canonicalize
from kg.export import FORMATS, Export, export, save_export
from kg.jsonld import CONTEXT_IRI, document_loader, to_jsonld, write_jsonld
from kg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from kg.parts import Part, select_parts

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "exports"
RDF_FORMATS = {
    "turtle": "turtle",
    "ntriples": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "rdfxml": "xml",
}


def fixture_parts(data: Path = FIXTURES / "data.ttl") -> list[Part]:
    return [
        Part("ontology", ONTOLOGY_GRAPH, (FIXTURES / "ontology.ttl",)),
        Part("data", DATA_GRAPH, (data,)),
    ]


@pytest.fixture(scope="module")
def shipped() -> CanonicalDataset:
    return canonicalize(select_parts())


def lower_language_tags(graph: Graph) -> Graph:
    """The graph with language tags in lower case, as Oxigraph writes them.

    RDF 1.1 language tags are case-insensitive ("pal-Latn" and "pal-latn" are one term),
    but rdflib's comparison is not, so the reference is normalised the same way.
    """
    normalised = Graph()
    for subject, predicate, obj in graph:
        if isinstance(obj, Literal) and obj.language:
            obj = Literal(str(obj), lang=obj.language.lower())
        normalised.add((subject, predicate, obj))
    return normalised


@pytest.fixture(scope="module")
def source_graphs(shipped: CanonicalDataset) -> dict[URIRef, Graph]:
    """Each part parsed by rdflib straight from its Turtle files: the reference."""
    graphs = {}
    for part in shipped.parts:
        graph = Graph()
        for path in part.paths:
            graph.parse(path, format="turtle")
        graphs[part.graph] = lower_language_tags(graph)
    return graphs


def union(graphs: dict[URIRef, Graph]) -> Graph:
    merged = Graph()
    for graph in graphs.values():
        merged += graph
    return merged


def isomorphic(first: Graph, second: Graph) -> bool:
    """Whether two rdflib graphs are the same up to blank node labels.

    Compared by their RDFC-1.0 canonical forms (pyoxigraph), which is exact and takes a
    fraction of a second where rdflib's own comparison takes half a minute on this graph.
    """
    return _canonical(first) == _canonical(second)


def _canonical(graph: Graph) -> list[str]:
    triples = graph.serialize(format="nt", encoding="utf-8")
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(triples, format=pyoxigraph.RdfFormat.N_TRIPLES))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad) for quad in dataset)


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_rdf_formats_round_trip_to_an_isomorphic_graph(
    name: str, shipped: CanonicalDataset, source_graphs: dict[URIRef, Graph]
) -> None:
    data = export(shipped, name).data
    if FORMATS[name].named_graphs:
        parsed = Dataset()
        parsed.parse(data=data, format=RDF_FORMATS[name])
        names = {graph.identifier for graph in parsed.graphs() if len(graph)}
        assert names == {graph for graph, content in source_graphs.items() if len(content)}
        for graph_name, expected in source_graphs.items():
            assert isomorphic(parsed.graph(graph_name), expected), graph_name
    else:
        parsed_graph = Graph().parse(data=data, format=RDF_FORMATS[name])
        assert isomorphic(parsed_graph, union(source_graphs))


def test_jsonld_expanded_with_pyld_gives_the_same_triples(
    shipped: CanonicalDataset, source_graphs: dict[URIRef, Graph]
) -> None:
    document = json.loads(export(shipped, "jsonld").data)
    # The context is written in the document (the default), without "@version".
    assert document["@context"]["@vocab"] == "https://w3id.org/siege626/ontology#"
    assert "@version" not in document["@context"]
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": document_loader}
    )
    assert isomorphic(Graph().parse(data=nquads, format="nt"), union(source_graphs))


def test_jsonld_with_the_remote_context_names_it_and_reads_the_same(
    shipped: CanonicalDataset,
) -> None:
    remote = json.loads(export(shipped, "jsonld", context="remote").data)
    embedded = json.loads(export(shipped, "jsonld").data)
    assert remote["@context"] == [CONTEXT_IRI, {"notice": None}]
    assert remote["@graph"] == embedded["@graph"]
    options = {"format": "application/n-quads", "documentLoader": document_loader}
    assert jsonld.to_rdf(remote, options) == jsonld.to_rdf(embedded, options)


def test_jsonld_context_form_is_checked_before_anything_is_written() -> None:
    from kg.jsonld import ContextError

    with pytest.raises(ContextError, match="unknown JSON-LD context form 'inline'"):
        export(canonicalize(fixture_parts()), "jsonld", context="inline")


def test_jsonld_reads_short_keys_and_keeps_blank_node_ids(shipped: CanonicalDataset) -> None:
    nodes = {node["@id"]: node for node in json.loads(export(shipped, "jsonld").data)["@graph"]}
    quote = nodes["id:quote-07-04"]
    # Its class, and the superclasses the inferred part states (crm:, prov:, schema:…).
    assert "Quotation" in quote["@type"] and "crm:E33_Linguistic_Object" in quote["@type"]
    assert quote["exact"] == "Bonus as magister militum"
    assert quote["inSentence"] == "id:sentence-07"
    assert nodes["id:constantinople"]["label"] == "Constantinople"
    assert any(key.startswith("_:c14n") for key in nodes)


def test_jsonld_context_ships_in_ontology_and_agrees_with_the_ontology() -> None:
    from kg.jsonld import build_context, context_path, shipped_context

    assert context_path() == REPO_ROOT / "ontology" / "context.jsonld"
    ontology = canonicalize(select_parts(["ontology"]))
    fresh = build_context(ontology.triples(), ontology.prefixes)["@context"]
    shipped_terms = shipped_context()["@context"]
    # A published context may lag behind new terms (they still compact through @vocab),
    # but no term it defines may contradict the ontology.
    contradicting = {
        term: (definition, fresh.get(term))
        for term, definition in shipped_terms.items()
        if term in fresh and fresh[term] != definition
    }
    assert not contradicting, "run: kg context --out ontology/context.jsonld"


def test_nquads_and_trig_put_each_part_in_its_named_graph(shipped: CanonicalDataset) -> None:
    lines = export(shipped, "nquads").data.decode().splitlines()[1:]
    graphs = {line.rsplit(" ", 2)[-2] for line in lines}
    assert graphs == {f"<{part.graph}>" for part in shipped.parts if part.paths} & graphs
    assert "<https://w3id.org/siege626/graph/data>" in graphs
    assert "<https://w3id.org/siege626/graph/ontology>" in graphs


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_files_that_can_carry_a_comment_say_they_are_generated(
    name: str, shipped: CanonicalDataset
) -> None:
    lines = export(shipped, name).data.decode().splitlines()
    first_line = lines[0]
    if name == "lpf":
        assert first_line == "{"  # JSON has no comments
        return
    if name == "jsonld":
        # No comments either: the notice is the first key, which the context maps to null.
        assert first_line == "{" and lines[1].startswith('  "notice": "Generated by `kg export`')
        first_line = lines[1]
    assert "Generated by `kg export`" in first_line
    assert "do not edit by hand" in first_line
    assert "--" not in first_line.strip("<!->")
    # What the blank node labels are: the canonical form's, of the whole dataset.
    if FORMATS[name].named_graphs:
        assert "Blank node labels are this dataset's RDFC-1.0 canonical labels." in first_line
    else:
        assert "whole dataset's RDFC-1.0 canonical form" in first_line
        assert "re-canonicalising this file alone gives other labels" in first_line


def test_two_exports_in_fresh_interpreters_are_byte_identical(tmp_path: Path) -> None:
    script = (
        "import hashlib, kg.export as e, kg.canonical as c, kg.parts as p\n"
        "d = c.canonicalize(p.select_parts())\n"
        "for name in e.FORMATS: print(name, hashlib.sha256(e.export(d, name).data).hexdigest())\n"
    )
    digests = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        digests.append(done.stdout)
    assert digests[0] == digests[1]
    assert len(digests[0].splitlines()) == len(FORMATS)


def test_fingerprint_is_the_sha256_of_the_canonical_nquads(shipped: CanonicalDataset) -> None:
    body = export(shipped, "nquads").data.split(b"\n", 1)[1]
    assert hashlib.sha256(body).hexdigest() == shipped.fingerprint()
    assert body == shipped.nquads()


def test_fingerprint_ignores_blank_node_labels_and_order(tmp_path: Path) -> None:
    original = (FIXTURES / "data.ttl").read_text(encoding="utf-8")
    relabelled = tmp_path / "data.ttl"
    # Same graph, other blank node labels and another statement order.
    notes = 'sg:note [ rdfs:label "an unnamed note"@en ] , [ rdfs:label "another unnamed note"@en ]'
    bay = 'id:test-bay a sg:Place ;\n    rdfs:label "Test Bay"@en .\n'
    assert notes in original and bay in original
    relabelled.write_text(
        original.replace(notes, "sg:note _:second , _:first").replace(bay, "")
        + '\n_:first rdfs:label "an unnamed note"@en .\n'
        + '_:second rdfs:label "another unnamed note"@en .\n'
        + 'id:test-bay rdfs:label "Test Bay"@en ; a sg:Place .\n',
        encoding="utf-8",
    )
    assert (
        canonicalize(fixture_parts(relabelled)).fingerprint()
        == canonicalize(fixture_parts()).fingerprint()
    )


def test_fingerprint_changes_when_one_triple_changes(tmp_path: Path) -> None:
    changed = tmp_path / "data.ttl"
    text = (FIXTURES / "data.ttl").read_text(encoding="utf-8")
    changed.write_text(text.replace('"Test Bay"@en', '"Test Bight"@en'), encoding="utf-8")
    first = canonicalize(fixture_parts()).fingerprint()
    assert canonicalize(fixture_parts()).fingerprint() == first
    assert canonicalize(fixture_parts(changed)).fingerprint() != first


def test_fixture_formats_round_trip_with_awkward_literals() -> None:
    dataset = canonicalize(fixture_parts())
    reference = Dataset()
    reference.parse(data=dataset.nquads(), format="nquads")
    expected = Graph()
    for quad in reference.quads((None, None, None, None)):
        expected.add(quad[:3])
    assert len(expected) > 50
    for name, rdflib_format in RDF_FORMATS.items():
        parsed = Dataset()
        parsed.parse(data=export(dataset, name).data, format=rdflib_format)
        merged = Graph()
        for quad in parsed.quads((None, None, None, None)):
            merged.add(quad[:3])
        assert isomorphic(merged, expected), name


def canonicalized_whole(parts: list[Part] | tuple[Part, ...]) -> bytes:
    """The canonical N-Quads made the plain way: every quad canonicalized in one dataset."""
    dataset = pyoxigraph.Dataset()
    for part in parts:
        graph = pyoxigraph.NamedNode(str(part.graph))
        for path in part.paths:
            base = Path(path).resolve().as_uri()
            for quad in pyoxigraph.parse(
                path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=base
            ):
                dataset.add(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, graph))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    text = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS).decode()
    return "".join(f"{line}\n" for line in sorted(set(text.split("\n")) - {""})).encode()


def test_canonical_nquads_are_those_of_the_whole_dataset_canonicalized(
    shipped: CanonicalDataset,
) -> None:
    # Only the quads with blank nodes are canonicalized; the labels must not change.
    assert shipped.nquads() == canonicalized_whole(shipped.parts)
    assert canonicalize(fixture_parts()).nquads() == canonicalized_whole(fixture_parts())


def test_a_triple_and_a_blank_node_label_in_two_files_of_a_part(tmp_path: Path) -> None:
    first, second = tmp_path / "first.ttl", tmp_path / "second.ttl"
    first.write_text('<urn:a> <urn:p> "x" .\n_:n <urn:q> <urn:a> .\n', encoding="utf-8")
    second.write_text('<urn:a> <urn:p> "x" .\n_:n <urn:r> "y" .\n', encoding="utf-8")
    parts = [Part("data", DATA_GRAPH, (first, second))]
    document = canonicalize(parts).nquads()
    assert document == canonicalized_whole(parts)
    assert document.count(b'<urn:a> <urn:p> "x"') == 1
    assert len(document.splitlines()) == 3


def test_a_literal_with_a_unicode_line_separator_stays_one_line(tmp_path: Path) -> None:
    # Only a line feed ends an N-Quads line; U+2028 and U+0085 are text of the literal.
    data = tmp_path / "data.ttl"
    data.write_text('<urn:a> <urn:p> "x\u2028y\u0085z" .\n', encoding="utf-8")
    document = canonicalize([Part("data", DATA_GRAPH, (data,))]).nquads()
    assert document == f'<urn:a> <urn:p> "x\u2028y\u0085z" <{DATA_GRAPH}> .\n'.encode()


def test_triples_are_each_triple_once_in_ntriples_line_order(shipped: CanonicalDataset) -> None:
    triples = shipped.triples()
    assert set(triples) == {quad.triple for quad in shipped.quads()}
    lines = [pyoxigraph.serialize([t], format=pyoxigraph.RdfFormat.N_TRIPLES) for t in triples]
    assert lines == sorted(set(lines))


def _sort_key(statement: pyoxigraph.Triple) -> tuple[str, bool, str, str]:
    # The order Turtle, TriG and RDF/XML are written in: subjects together, types first.
    is_type = statement.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    return (str(statement.subject), not is_type, str(statement.predicate), str(statement.object))


@pytest.mark.parametrize("name", ["turtle", "trig", "rdfxml"])
def test_grouped_formats_are_written_in_subject_and_type_first_order(name: str) -> None:
    """The writers take the canonical order and only regroup; this sorts from scratch."""
    for dataset in (canonicalize(select_parts()), canonicalize(fixture_parts())):
        if name == "trig":
            statements: list = sorted(
                dataset.quads(), key=lambda quad: (str(quad.graph_name), *_sort_key(quad.triple))
            )
        else:
            statements = sorted(dataset.triples(), key=_sort_key)
        rdf_format = {"turtle": "TURTLE", "trig": "TRIG", "rdfxml": "RDF_XML"}[name]
        expected = pyoxigraph.serialize(
            statements, format=getattr(pyoxigraph.RdfFormat, rdf_format), prefixes=dataset.prefixes
        )
        if name == "rdfxml":
            expected = expected.split(b"\n", 1)[1]  # the XML declaration is dropped
        assert export(dataset, name).data.split(b"\n", 1)[1] == expected


def test_jsonld_written_node_by_node_is_the_document(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    for dataset in (
        canonicalize(fixture_parts()),
        canonicalize([Part("data", DATA_GRAPH, (empty,))]),
    ):
        for form in ("embedded", "remote"):
            written = io.BytesIO()
            write_jsonld(dataset, written, form=form, notice="a notice")
            document = to_jsonld(dataset, form=form, notice="a notice")
            assert json.loads(written.getvalue()) == document
            # The top-level keys in the order written (the notice first), the rest sorted.
            assert list(json.loads(written.getvalue())) == ["notice", "@context", "@graph"]
            body = {key: document[key] for key in ("@context", "@graph")}
            dumped = json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False)
            assert (
                written.getvalue()
                == ('{\n  "notice": "a notice",\n' + dumped.removeprefix("{\n") + "\n").encode()
            )


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_saved_export_is_the_data_and_leaves_no_temporary(name: str, tmp_path: Path) -> None:
    dataset = canonicalize(fixture_parts())
    result = export(dataset, name)
    saved = save_export(result, tmp_path / "out")
    assert saved.read_bytes() == result.data
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_an_export_failing_half_way_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "graph.ttl"
    out.write_text("old\n")

    def fail_half_way(stream: object) -> None:
        stream.write(b"the first half")  # type: ignore[attr-defined]
        raise RuntimeError("broken writer")

    with pytest.raises(RuntimeError):
        save_export(Export(fail_half_way), out)
    assert out.read_text() == "old\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["graph.ttl"]


# --- the command line ----------------------------------------------------------------------


def test_cli_writes_the_file_and_prints_the_fingerprint(tmp_path: Path) -> None:
    out = tmp_path / "graph.nq"
    code, stdout, _ = invoke("export", "--format", "nquads", "--part", "data", "--out", str(out))
    assert code == 0 and stdout == ""
    assert out.read_bytes().startswith(b"# Generated by `kg export` (siege626 ")
    assert b"format nquads, parts data, fingerprint " in out.read_bytes().split(b"\n")[0]
    code, fingerprint, _ = invoke("export", "--fingerprint", "--part", "data")
    assert code == 0
    assert hashlib.sha256(out.read_bytes().split(b"\n", 1)[1]).hexdigest() == fingerprint.strip()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["graph.nq"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "yaml"), "unknown format 'yaml'; expected one of turtle, "),
        (("--part", "ontology,notes"), "unknown part 'notes'; expected one of ontology, data"),
        (("--part", ","), "no part given"),
    ],
)
def test_cli_unknown_format_or_part_is_one_line(args: tuple[str, ...], message: str) -> None:
    code, stdout, stderr = invoke("export", *args)
    assert code == 2 and stdout == ""
    assert_one_line_error(stderr, message)


def test_cli_context_chooses_the_jsonld_context(tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    code, _, _ = invoke("export", "--format", "jsonld", "--part", "data", "--out", str(out))
    assert code == 0 and isinstance(json.loads(out.read_bytes())["@context"], dict)
    code, _, _ = invoke(
        "export", "--format", "jsonld", "--context", "remote", "--part", "data", "--out", str(out)
    )
    assert code == 0 and json.loads(out.read_bytes())["@context"][0] == CONTEXT_IRI
    code, stdout, stderr = invoke("export", "--format", "jsonld", "--context", "inline")
    assert code == 2 and stdout == "" and "Traceback" not in stderr
    # click's own message for a bad choice: one line, after its usage lines.
    assert "Error: Invalid value for '--context': 'inline' is not one of 'embedded', 'remote'." in (
        stderr.splitlines()
    )


def test_cli_unwritable_out_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    code, _, stderr = invoke("export", "--out", str(blocker / "graph.ttl"))
    assert code == 2
    assert_one_line_error(stderr, f"{blocker / 'graph.ttl'}: cannot write")
    code, _, stderr = invoke("export", "--out", str(tmp_path))
    assert code == 2
    assert_one_line_error(stderr, f"{tmp_path}: cannot write (is a directory)")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "graph.ttl"
    out.write_text("old\n")

    def refuse(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", refuse)
    code, _, stderr = invoke("export", "--out", str(out))
    assert code == 2
    assert_one_line_error(stderr, f"{out}: cannot write (No space left on device)")
    assert out.read_text() == "old\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["graph.ttl"]


def test_lpf_on_the_command_line_says_how_many_places_it_left_out() -> None:
    code, stdout, stderr = invoke("export", "--format", "lpf")
    assert code == 0
    collection = json.loads(stdout)
    assert collection["type"] == "FeatureCollection"
    for line in stderr.splitlines():
        assert line.startswith("lpf: ") and " places left out: " in line


def test_cli_context_prints_and_writes_the_context_built_from_the_ontology(
    tmp_path: Path,
) -> None:
    from kg.jsonld import build_context, context_bytes

    ontology = canonicalize(select_parts(["ontology"]))
    expected = context_bytes(build_context(ontology.triples(), ontology.prefixes))
    code, printed, _ = invoke("context")
    assert code == 0
    assert printed.encode() == expected
    target = tmp_path / "context.jsonld"
    code, printed, _ = invoke("context", "--out", str(target))
    assert (code, printed) == (0, "")
    assert target.read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir()] == ["context.jsonld"]
