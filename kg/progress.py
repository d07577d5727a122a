"""A progress bar for loads on a terminal (rich, on stderr); nothing when not a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from kg.stores.loading import SilentProgress

__all__ = ["TerminalProgress", "count_progress", "load_progress"]


class TerminalProgress:
    """One bar per part, counting triples, with the current step beside the part's name."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def begin(self, part: str, triples: int) -> None:
        self._tasks[part] = self._progress.add_task(part, total=max(triples, 1), step="waiting")

    def step(self, part: str, step: str) -> None:
        task = self._tasks.get(part)
        if task is not None:
            self._progress.update(task, step=step)
            if step == "check":
                self._progress.update(task, completed=self._progress.tasks[task].total)

    def advance(self, part: str, triples: int) -> None:
        task = self._tasks.get(part)
        if task is not None:
            self._progress.advance(task, triples)


@contextmanager
def load_progress(console: Console | None = None) -> Iterator[TerminalProgress | SilentProgress]:
    """A reporter for :func:`kg.stores.loading.load_into_store`: a bar when stderr is a terminal."""
    console = console if console is not None else Console(stderr=True)
    if not console.is_terminal:
        yield SilentProgress()
        return
    progress = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("triples  {task.fields[step]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    with progress:
        yield TerminalProgress(progress)


@contextmanager
def count_progress(
    description: str, total: int, unit: str, console: Console | None = None
) -> Iterator[Callable[[int], None]]:
    """A function that advances one bar of ``total`` ``unit``; silent when not a terminal."""
    console = console if console is not None else Console(stderr=True)
    if not console.is_terminal:
        yield lambda count: None
        return
    progress = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    with progress:
        task = progress.add_task(description, total=max(total, 1))
        yield lambda count: progress.advance(task, count)
