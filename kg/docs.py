"""HTML documentation of the ontology files, written by pyLODE."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kg.diagram import ToolMissingError
from kg.export import generated_notice

__all__ = ["ontology_page"]


def ontology_page(path: Path) -> bytes:
    """pyLODE's HTML page for the ontology in ``path``, with a generated-file notice first.

    pyLODE 3.3 documents classes and properties but not named individuals; the page
    gets a section "Named Individuals" (roles, qualifiers, statuses, units, calendars…)
    in the same form, listed in the table of contents.
    """
    try:
        from pylode import OntPub  # imported here: it is slow to import and only docs need it
    except ImportError as error:
        raise ToolMissingError(f"pyLODE is not installed ({error})") from None
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    page = _with_named_individuals(OntPub)(ontology=str(path)).make_html()
    return f"<!-- {generated_notice('kg release')} -->\n{page}".encode()


def _with_named_individuals(base: type) -> type:
    from dominate.tags import a, h4, li, ul
    from pylode.rdf_elements import ONTDOC
    from pylode.utils import section_html
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

    # What pyLODE shows of an individual: its classes and its definition (pyLODE reads
    # skos:definition as dcterms:description), as it shows a class's.
    properties = [
        RDFS.isDefinedBy,
        DCTERMS.title,
        DCTERMS.description,
        SKOS.scopeNote,
        SKOS.example,
        SKOS.note,
        ONTDOC.hasInstance,
    ]

    class WithNamedIndividuals(base):  # type: ignore[misc, valid-type]
        def _make_main_sections(self) -> None:
            super()._make_main_sections()
            if (None, RDF.type, OWL.NamedIndividual) not in self.ont:
                return
            with self.content:
                section_html(
                    "Named Individuals",
                    self.ont,
                    self.back_onts,
                    self.ns,
                    OWL.NamedIndividual,
                    properties,
                    self.toc,
                    "namedindividuals",
                    self.fids,
                    self.props_labeled,
                ).render()

        def _make_toc(self) -> None:
            super()._make_toc()
            entries: Any = self.toc.get("namedindividuals")
            if not entries:
                return
            toc = self.doc.body.get(id="toc")[0]
            first = toc.get("ul", _class="first")[0]
            item = li(h4(a("Named Individuals", href="#namedindividuals")))
            second = ul(_class="second")
            for anchor, title in entries:
                second.add(li(a(title, href=anchor)))
            item.add(second)
            # Before the namespaces and the legend, as pyLODE orders its own sections.
            first.children.insert(max(len(first.children) - 2, 0), item)
            item.parent = first

    return WithNamedIndividuals
