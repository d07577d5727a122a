"""The order of the story: dated days first by day, the rest by the text and the graph.

Pure logic, no graph: the timeline view (views/timeline.py) reads the events and their
relations and hands them here as :class:`Item` and :class:`Constraint`. The order is a
topological sort of

* the days the text gives (events of one day are merged into one step, and the days
  follow one another by their day numbers), and
* the graph's before/after relations (``Constraint``: ``earlier`` begins first),

and where those leave a choice, the text's own order (line, then place in the line)
decides. An undated event thus stands where the text tells it, unless a relation of the
graph or a day moves it; its step says which.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Constraint", "Item", "Reason", "Step", "order_story"]

# An event the text never quotes sorts after every one it does.
_UNQUOTED = (10**9, 10**9)


@dataclass(frozen=True)
class Item:
    """One event: its key, its name, its day number if the text dates it, its place in the text."""

    key: str
    label: str
    day: int | None = None
    text: tuple[int, int] | None = None  # (line, character offset) of its first words


@dataclass(frozen=True)
class Constraint:
    """``earlier`` begins before ``later``, as the graph says in ``words``.

    ``sequence`` is true for a relation that says one event follows the other (after,
    prompted by); false for one that only orders beginnings (part of, during), which
    explains a place only where it moves an event from where the text tells it.
    """

    earlier: str
    later: str
    words: str
    sequence: bool = True
    fact: object = None  # the triple of the graph that says it, for the sentence that tells it


@dataclass(frozen=True)
class Reason:
    """Why an event stands where it does: a relation of the graph, or the text's order."""

    words: str
    other: str  # the key of the other event
    label: str = ""  # its name
    constraint: Constraint | None = None

    def __str__(self) -> str:
        if not self.label:
            return self.words
        where = " in the text" if self.constraint is None else ""
        return f"{self.words} “{self.label}”{where}"


@dataclass
class Step:
    """One step of the story: a day with its events, or one undated event and why it is there."""

    day: int | None
    keys: list[str]
    reasons: dict[str, list[Reason]] = field(default_factory=dict)


def order_story(items: Sequence[Item], constraints: Sequence[Constraint]) -> list[Step]:
    """The steps of the story, in order (see the module's description)."""
    by_key = {item.key: item for item in items}
    node_of = _nodes(items)
    members: dict[str, list[str]] = defaultdict(list)
    for item in sorted(items, key=_text_key):
        members[node_of[item.key]].append(item.key)
    edges: dict[str, set[str]] = defaultdict(set)
    for before, after in _day_chain(items):
        edges[before].add(after)
    for constraint in constraints:
        if constraint.earlier in node_of and constraint.later in node_of:
            a, b = node_of[constraint.earlier], node_of[constraint.later]
            if a != b:
                edges[a].add(b)
    for node, keys in members.items():
        if len(keys) > 1:
            # Events of one day: the graph's relations between them order them, then the text.
            inner: dict[str, set[str]] = defaultdict(set)
            for c in constraints:
                if c.sequence and c.earlier in keys and c.later in keys:
                    inner[c.earlier].add(c.later)
            order = {k: (i, 0) for i, k in enumerate(keys)}
            members[node] = _sorted_topologically(list(keys), inner, order)
    priority = {node: min(_text_key(by_key[k]) for k in keys) for node, keys in members.items()}
    steps = [
        Step(by_key[members[node][0]].day, members[node])
        for node in _sorted_topologically(list(members), edges, priority)
    ]
    _explain(steps, items, constraints)
    return steps


def _text_key(item: Item) -> tuple[int, int]:
    return item.text if item.text is not None else _UNQUOTED


def _nodes(items: Sequence[Item]) -> dict[str, str]:
    """Each item's node: its day's for a dated item, its own for an undated one."""
    return {item.key: f"day:{item.day}" if item.day is not None else item.key for item in items}


def _day_chain(items: Sequence[Item]) -> list[tuple[str, str]]:
    days = sorted({item.day for item in items if item.day is not None})
    return [(f"day:{a}", f"day:{b}") for a, b in zip(days, days[1:], strict=False)]


def _sorted_topologically(
    nodes: list[str], edges: dict[str, set[str]], priority: dict[str, tuple[int, int]]
) -> list[str]:
    """Kahn's sort, taking the ready node that comes first in the text.

    Should the graph contradict itself (a cycle), the node first in the text among those
    left is taken, so that every event is still shown once.
    """
    waiting = {node: 0 for node in nodes}
    for targets in edges.values():
        for target in targets:
            waiting[target] += 1
    ready = [(priority[node], node) for node in nodes if waiting[node] == 0]
    heapq.heapify(ready)
    done: list[str] = []
    left = set(nodes)
    while left:
        if not ready:
            stuck = min(left, key=lambda node: (priority[node], node))
            waiting[stuck] = 0
            ready.append((priority[stuck], stuck))
        _, node = heapq.heappop(ready)
        if node not in left:
            continue
        left.discard(node)
        done.append(node)
        for target in sorted(edges.get(node, ())):
            waiting[target] -= 1
            if waiting[target] == 0 and target in left:
                heapq.heappush(ready, (priority[target], target))
    return done


def _explain(steps: list[Step], items: Sequence[Item], constraints: Sequence[Constraint]) -> None:
    """Why each undated event stands where it does: the graph's relations, else the text."""
    by_key = {item.key: item for item in items}
    for step in steps:
        for key in step.keys:
            relations = [
                Reason(c.words, c.earlier, by_key[c.earlier].label, c)
                for c in constraints
                if c.later == key
                and c.earlier in by_key
                and (c.sequence or _text_key(by_key[c.earlier]) > _text_key(by_key[key]))
            ]
            if step.day is not None:
                # On a day, only what orders the day's own events.
                step.reasons[key] = [r for r in relations if r.other in step.keys]
            else:
                step.reasons[key] = relations + _text_reason(by_key[key], items)


def _text_reason(item: Item, items: Sequence[Item]) -> list[Reason]:
    """Where the text tells the event: after the last event told before its words."""
    if item.text is None:
        return []
    before = [other for other in items if other.text is not None and other.text < item.text]
    if before:
        previous = max(before, key=lambda other: (_text_key(other), other.key))
        return [Reason("told after", previous.key, previous.label)]
    return [Reason("told first in the text", "")]
