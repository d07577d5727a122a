"""Answers of repeated queries, kept in memory within a fixed number of bytes.

The data never changes while the server runs, so an answer stays right. An entry is
found by the SHA-256 digest of what was asked — never by the request itself, whose
query text may be a megabyte — and counts its body, its media type and its digest
against the limit, so the limit bounds what the cache really holds.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Sequence

from kg.serve.sparql.pool import QueryOutcome

__all__ = ["AnswerCache", "ENTRY_OVERHEAD"]

# Bytes an entry costs beside its body: the digest, the outcome object, the dict slot.
ENTRY_OVERHEAD = 512


class AnswerCache:
    """Least recently used out first; at most ``limit`` bytes; one entry ≤ limit / 8."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._entries: OrderedDict[bytes, QueryOutcome] = OrderedDict()

    @staticmethod
    def key(*parts: str | int | Sequence[str] | None) -> bytes:
        """The digest that stands for a request made of ``parts``."""
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).digest()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: bytes) -> QueryOutcome | None:
        outcome = self._entries.get(key)
        if outcome is not None:
            self._entries.move_to_end(key)
        return outcome

    def put(self, key: bytes, outcome: QueryOutcome) -> None:
        cost = _cost(outcome)
        if cost > self.limit // 8 or key in self._entries:
            return
        self._entries[key] = outcome
        self.size += cost
        while self.size > self.limit and self._entries:
            _, old = self._entries.popitem(last=False)
            self.size -= _cost(old)


def _cost(outcome: QueryOutcome) -> int:
    return len(outcome.body) + len(outcome.media_type) + ENTRY_OVERHEAD
