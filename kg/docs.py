"""HTML documentation of the ontology files, written by pyLODE."""

from __future__ import annotations

import logging
from pathlib import Path

from kg.diagram import ToolMissingError
from kg.export import generated_notice

__all__ = ["ontology_page"]


def ontology_page(path: Path) -> bytes:
    """pyLODE's HTML page for the ontology in ``path``, with a generated-file notice first."""
    try:
        from pylode import OntPub  # imported here: it is slow to import and only docs need it
    except ImportError as error:
        raise ToolMissingError(f"pyLODE is not installed ({error})") from None
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    page = OntPub(ontology=str(path)).make_html()
    return f"<!-- {generated_notice('kg release')} -->\n{page}".encode()
