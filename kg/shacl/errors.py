"""Why the fast engine leaves a shape to the reference engine."""

from __future__ import annotations

__all__ = ["Unsupported"]


class Unsupported(Exception):
    """A shape uses something the fast engine does not compile; pyshacl validates it."""
