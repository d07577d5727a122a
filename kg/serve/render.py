"""The HTML of every page: Jinja2 templates, autoescaped, in ``templates/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

__all__ = ["render"]

_TEMPLATES = Path(__file__).with_name("templates")
_environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context: Any) -> str:
    """``template`` filled with ``context``; every value is escaped unless marked safe."""
    if "place_map" not in _environment.globals:
        # A place's small map is drawn by the map pages' module, wherever a place is shown.
        from kg.serve.pages.map import place_map

        _environment.globals["place_map"] = place_map
    if "heard" not in _environment.globals:
        # Every sentence a page writes is handed on as it is rendered (kg.serve.sentences).
        from kg.serve.sentences import heard

        _environment.globals["heard"] = heard
    return _environment.get_template(template).render(**context)
