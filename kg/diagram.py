"""A diagram of the ontology's classes and their properties, drawn with Graphviz.

Each class of the ``sg:`` namespace is a box listing the properties whose domain it is
and whose values are literals; an arrow with an open head is ``rdfs:subClassOf``; a
labelled arrow is a property from its domain to its range (dashed: an annotation
property). Properties without a declared domain are named in the caption.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph

from kg.errors import KgError
from kg.export import generated_notice
from kg.namespaces import SG

__all__ = ["ToolMissingError", "diagram_dot", "render_diagram"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_PROPERTY_KINDS = {
    f"{_OWL}ObjectProperty": "object",
    f"{_OWL}DatatypeProperty": "datatype",
    f"{_OWL}AnnotationProperty": "annotation",
}


class ToolMissingError(KgError):
    """An external program that a release step needs is not installed."""


def _short(iri: str) -> str:
    for prefix, namespace in (
        ("", str(SG)),
        ("xsd:", "http://www.w3.org/2001/XMLSchema#"),
        ("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("rdfs:", _RDFS),
    ):
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    return iri


def diagram_dot(triples: Iterable[pyoxigraph.Triple]) -> str:
    """The Graphviz DOT source of the diagram of the ontology given as ``triples``."""
    types: dict[str, set[str]] = defaultdict(set)
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    for triple in triples:
        if isinstance(triple.subject, pyoxigraph.NamedNode):
            subject, predicate = triple.subject.value, triple.predicate.value
            if predicate == _RDF_TYPE:
                types[subject].add(str(triple.object.value))
            elif isinstance(triple.object, pyoxigraph.NamedNode):
                values[(subject, predicate)].add(triple.object.value)
    in_sg = sorted(iri for iri in types if iri.startswith(str(SG)))
    classes = [iri for iri in in_sg if f"{_OWL}Class" in types[iri]]
    rows: dict[str, list[str]] = defaultdict(list)
    edges: list[str] = []
    undrawn: list[str] = []
    for iri in classes:
        for parent in sorted(values[(iri, f"{_RDFS}subClassOf")]):
            if parent in classes:
                edges.append(f'  "{_short(iri)}" -> "{_short(parent)}" [arrowhead=onormal];')
    for iri in in_sg:
        kind = next((_PROPERTY_KINDS[t] for t in sorted(types[iri]) if t in _PROPERTY_KINDS), None)
        if kind is None:
            continue
        domains = sorted(d for d in values[(iri, f"{_RDFS}domain")] if d in classes)
        ranges = sorted(values[(iri, f"{_RDFS}range")])
        if not domains:
            undrawn.append(_short(iri))
            continue
        class_ranges = [r for r in ranges if r in classes]
        for domain in domains:
            if class_ranges:
                style = ", style=dashed" if kind == "annotation" else ""
                for target in class_ranges:
                    edges.append(
                        f'  "{_short(domain)}" -> "{_short(target)}" '
                        f'[label="{_short(iri)}", fontsize=9{style}];'
                    )
            else:
                shown = ", ".join(_short(r) for r in ranges) or "any"
                rows[domain].append(f"{_short(iri)}: {shown}")
    lines = [
        f"// {generated_notice('kg release')}",
        "digraph siege626 {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, labelloc=t,',
        f'         label="{_caption(undrawn)}"];',
        '  node [shape=plain, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", color="#555555"];',
    ]
    for iri in classes:
        lines.append(f'  "{_short(iri)}" [label=<{_node_table(_short(iri), rows[iri])}>];')
    lines.extend(edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _caption(undrawn: list[str]) -> str:
    text = "siege626 ontology: classes and their properties"
    if undrawn:
        text += "\\nNot drawn, no declared domain: " + ", ".join(undrawn)
    return text


def _node_table(name: str, rows: list[str]) -> str:
    cells = [f'<TR><TD BGCOLOR="#dde6f0"><B>{html.escape(name)}</B></TD></TR>']
    cells += [f'<TR><TD ALIGN="LEFT">{html.escape(row)}</TD></TR>' for row in sorted(rows)]
    return (
        '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
        + "".join(cells)
        + "</TABLE>"
    )


def render_diagram(dot_source: str, output_format: str) -> bytes:
    """The diagram drawn by Graphviz's ``dot`` as ``svg`` or ``png``.

    The SVG's XML declaration gives way to a generated-file notice in its first line.
    """
    program = shutil.which("dot")
    if program is None:
        raise ToolMissingError("Graphviz 'dot' is not installed (Debian package graphviz)")
    done = subprocess.run(
        [program, f"-T{output_format}"], input=dot_source.encode(), capture_output=True, timeout=120
    )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise KgError(f"dot failed: {message[0] if message else done.returncode}")
    if output_format != "svg":
        return done.stdout
    declaration, _, rest = done.stdout.partition(b"\n")
    body = rest if declaration.startswith(b"<?xml") else done.stdout
    return f"<!-- {generated_notice('kg release')} -->\n".encode() + body
