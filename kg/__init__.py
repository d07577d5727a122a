"""Validate and query the siege626 knowledge graph.

>>> import kg
>>> [query.name for query in kg.list_queries()]  # doctest: +SKIP
>>> kg.run_query("some-query", place="constantinople")  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from kg.loading import load_dataset, load_graph
from kg.notebook import run_query
from kg.queries import list_queries
from kg.validation import validate

__all__ = ["__version__", "list_queries", "load_dataset", "load_graph", "run_query", "validate"]
