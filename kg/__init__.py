"""Validate and query the siege626 knowledge graph.

>>> import kg
>>> [query.name for query in kg.list_queries()]  # doctest: +SKIP
>>> kg.run_query("some-query", place="constantinople")  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module

# Not imported from typing: `kg` (the command) imports this package first, and the less
# it does before kg.cli can catch Ctrl-C, the smaller the window for a traceback.
TYPE_CHECKING = False

__version__ = "0.1.0"

if TYPE_CHECKING:
    from typing import Any

    from kg.loading import load_dataset, load_graph
    from kg.notebook import run_query
    from kg.queries import list_queries
    from kg.validation import validate

__all__ = ["__version__", "list_queries", "load_dataset", "load_graph", "run_query", "validate"]

# Each name is imported on first use: `kg query` imports the package but needs neither
# the validation nor the notebook helpers, and every import shows in its start-up time.
_HOMES = {
    "load_dataset": "kg.loading",
    "load_graph": "kg.loading",
    "run_query": "kg.notebook",
    "list_queries": "kg.queries",
    "validate": "kg.validation",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
