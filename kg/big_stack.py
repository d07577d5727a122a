"""Calls on a thread with a large stack, for engines that recurse as deep as their input.

pyoxigraph's parser, optimiser and evaluator recurse once per operand of a long chain
(``{…} UNION {…} UNION …``, ``1 + 1 + …``, a group of many triple patterns): about 1.6 KB
of stack each, so a main thread's 8 MB ends at a few thousand operands with a
segmentation fault, which no Python code can catch. The query-running threads of
``kg query``, ``kg validate`` and the server's workers therefore get
:data:`QUERY_STACK_BYTES`, enough for well over 100,000 operands. A thread's stack is
address space reserved at its start; memory is used only as deep as a query reaches.

This module imports only the standard library: the server's query workers run it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["QUERY_STACK_BYTES", "call_on_big_stack", "start_thread"]

QUERY_STACK_BYTES = 256 * 2**20

T = TypeVar("T")

# threading.stack_size is one setting for the whole process, read when a thread starts.
_stack_size_setting = threading.Lock()


def start_thread(
    target: Callable[[], object], name: str, stack_bytes: int = QUERY_STACK_BYTES
) -> threading.Thread:
    """Start a daemon thread running ``target`` with a stack of ``stack_bytes``."""
    with _stack_size_setting:
        previous = threading.stack_size(stack_bytes)
        try:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    return thread


def call_on_big_stack(function: Callable[[], T], name: str = "big-stack") -> T:
    """``function()`` run on a thread of :func:`start_thread`; its result or its exception."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            outcome.append((False, error))

    start_thread(run, name).join()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]
