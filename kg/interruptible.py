"""Run a long call so that Ctrl-C and a deadline still reach the main thread.

pyoxigraph evaluates a query in Rust and does not come back to Python until it is done,
so a SIGINT is never seen and nothing can stop it from within. It does release the GIL
while it works (tests/test_interruptible.py checks), so the call runs in a daemon
thread and the main thread waits for it: the wait wakes up for Ctrl-C (KeyboardInterrupt
is raised in the main thread as usual) and at the deadline. The thread cannot be killed;
it is abandoned and ends with the process, which is why this is for the command line,
whose process exits right after, and not for the library API.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from kg.big_stack import start_thread
from kg.errors import QueryTimeoutError

__all__ = ["call_interruptibly"]

T = TypeVar("T")


def call_interruptibly(
    function: Callable[..., T], *args: Any, timeout: float | None = None, **kwargs: Any
) -> T:
    """``function(*args, **kwargs)`` in a daemon thread; its result or its exception.

    Raises QueryTimeoutError when it has not returned after ``timeout`` seconds (None:
    wait as long as it takes). KeyboardInterrupt reaches the caller while it waits.
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = function(*args, **kwargs)
        except BaseException as error:  # handed to the waiting thread, raised there
            outcome["error"] = error

    # On a large stack: Oxigraph recurses once per operand of a long chain (kg.big_stack).
    worker = start_thread(work, name="kg-query")
    # Waiting in short joins keeps the main thread where Python checks for signals.
    deadline = None if timeout is None else time.monotonic() + timeout
    while worker.is_alive():
        left = 0.25 if deadline is None else deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeoutError(timeout)
        worker.join(min(left, 0.25))
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
