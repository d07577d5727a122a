"""A pool of SPARQL worker processes, each query under a time limit.

Every query goes to an idle worker (:mod:`kg.serve.sparql.worker`). A query that outlives the
limit gets its worker killed — that one process, by its PID — and replaced in the
background, so the server itself never blocks and the other workers go on answering.
One deadline covers the whole request: the wait for a free worker, the query and the
reading of its answer. Killing never waits: the dead process is collected in the
background, and a replacement that fails to start is tried again until one does.

A worker answers every query, evaluation errors included; one that dies mid-query is
replaced, and the client told only what is known of why: its memory limit when the
allocator's last words on its stderr say so, else the signal or status it ended with.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import struct
import sys
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.namespaces import KNOWN_PREFIXES

__all__ = ["QueryOutcome", "QueryRequest", "WorkerPool"]

_WORKER_SCRIPT = Path(__file__).with_name("worker.py")
# How long a killed worker may take to be collected, in the background.
_REAP_SECONDS = 10.0


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL query and the media types the client accepts for each kind of result."""

    query: str
    results_type: str | None
    graph_type: str | None
    default_graph: tuple[str, ...] | None = None
    named_graph: tuple[str, ...] | None = None
    # For a page: at most this many rows, as SPARQL JSON (see kg.serve.sparql.worker).
    page_rows: int | None = None
    cell_chars: int | None = None  # for a page: the characters of a term it shows
    page_bytes: int | None = None  # for a page: the bytes its rows may take


@dataclass(frozen=True)
class QueryOutcome:
    """HTTP status, media type and body of an answer (an error has a one-line message)."""

    status: int
    media_type: str
    body: bytes
    form: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


# The line Rust's allocator writes to stderr just before it aborts the process: the one
# sign that a worker died of its memory limit (RLIMIT_AS), not of something else.
_OUT_OF_MEMORY = b"memory allocation of "
# How much of a worker's last stderr output is kept to tell why it died.
_STDERR_TAIL = 4096
# How long to wait, after a worker's pipe broke, for it to exit and say why.
_DEATH_SECONDS = 2.0


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.stderr_tail = b""
        self.relay: asyncio.Task[None] | None = None

    async def relay_stderr(self) -> None:
        """Copy the worker's stderr to the server's, keeping its end to tell why it died."""
        assert self.process.stderr is not None
        while chunk := await self.process.stderr.read(1 << 16):
            self.stderr_tail = (self.stderr_tail + chunk)[-_STDERR_TAIL:]
            _to_stderr(chunk)

    async def cause_of_death(self) -> str:
        """Why the worker stopped answering, as far as its exit and its last words tell."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_DEATH_SECONDS):
                await self.process.wait()
                if self.relay is not None:
                    await self.relay
        if _OUT_OF_MEMORY in self.stderr_tail:
            return "it exhausted the worker's memory limit"
        code = self.process.returncode
        if code is None:
            return "its worker stopped answering"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"its worker died of signal {signal.Signals(-code).name}"
        return f"its worker exited with status {code}"

    @property
    def pid(self) -> int:
        return self.process.pid

    async def send(self, payload: dict[str, object]) -> None:
        assert self.process.stdin is not None
        body = json.dumps(payload).encode()
        self.process.stdin.write(struct.pack(">I", len(body)) + body)
        await self.process.stdin.drain()

    async def receive(self) -> bytes:
        assert self.process.stdout is not None
        (length,) = struct.unpack(">I", await self.process.stdout.readexactly(4))
        return await self.process.stdout.readexactly(length)

    def kill(self) -> None:
        """Kill the process now; never waits (see :meth:`reap`)."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    async def reap(self, patience: float = _REAP_SECONDS) -> None:
        """Collect the killed process, reading away what it left in its pipe.

        asyncio's ``Process.wait()`` returns only once stdout reaches its end, and a
        reader paused on a large unread result never reads that far: so the pipe is
        drained first, and the whole wait is bounded.
        """
        self.kill()
        if self.process.stdin is not None:
            self.process.stdin.close()

        async def drain_and_wait() -> None:
            if self.process.stdout is not None:
                while await self.process.stdout.read(1 << 20):
                    pass
            await self.process.wait()
            if self.relay is not None:
                await self.relay

        with contextlib.suppress(Exception):
            await asyncio.wait_for(drain_and_wait(), timeout=patience)


class WorkerPool:
    """``size`` worker processes holding the graphs ``(graph IRI, Turtle file)``."""

    def __init__(
        self,
        graphs: Sequence[tuple[str, Path]],
        *,
        size: int = 2,
        time_limit: float = 10.0,
        max_bytes: int = 10_000_000,
        memory_limit: int | None = 2 * 1024**3,
    ) -> None:
        self.graphs = [[iri, str(path)] for iri, path in graphs]
        # The prefixes a query may use without declaring them (kg query --prefixes).
        self.prefixes = dict(KNOWN_PREFIXES)
        self.size = size
        self.time_limit = time_limit
        self.max_bytes = max_bytes
        self.memory_limit = memory_limit
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._background: set[asyncio.Task[None]] = set()
        self._closed = False

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def _spawn(self) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",  # isolated: the worker imports nothing from the working directory
            str(_WORKER_SCRIPT),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        worker = _Worker(process)
        self._all.add(worker)
        worker.relay = asyncio.get_running_loop().create_task(worker.relay_stderr())
        try:
            await worker.send(
                {
                    "load": self.graphs,
                    "memory_limit": self.memory_limit,
                    "prefixes": self.prefixes,
                }
            )
            json.loads(await worker.receive())
        except BaseException:
            self._all.discard(worker)
            self._in_background(worker.reap())
            raise
        return worker

    def _in_background(self, job: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(job)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _replace(self) -> None:
        """Start a worker in place of a retired one, trying again until one starts."""
        delay = 0.1
        while not self._closed:
            try:
                worker = await self._spawn()
            except Exception:  # noqa: BLE001 - e.g. out of memory for a moment: retry
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            if self._closed:
                self._in_background(worker.reap())
            elif self._idle is not None:
                self._idle.put_nowait(worker)
            return

    @property
    def pids(self) -> list[int]:
        return [worker.pid for worker in self._all if worker.process.returncode is None]

    async def run(self, request: QueryRequest) -> QueryOutcome:
        """Answer ``request`` within the time limit, waiting for a free worker included."""
        if self._idle is None:
            raise RuntimeError("the worker pool has not been started")
        deadline = asyncio.get_running_loop().time() + self.time_limit
        try:
            async with asyncio.timeout_at(deadline):
                worker = await self._idle.get()
        except TimeoutError:
            return _error(
                503, f"every query worker stayed busy for {self.time_limit:g} s; try again later"
            )
        try:
            async with asyncio.timeout_at(deadline):
                await worker.send(
                    {
                        "query": request.query,
                        "results_type": request.results_type,
                        "graph_type": request.graph_type,
                        "default_graph": request.default_graph,
                        "named_graph": request.named_graph,
                        "max_bytes": self.max_bytes,
                        "page_rows": request.page_rows,
                        "cell_chars": request.cell_chars,
                        "page_bytes": request.page_bytes,
                    }
                )
                header = json.loads(await worker.receive())
                body = await worker.receive()
        except TimeoutError:
            self._retire(worker)
            return _error(
                503, f"query cut off: it ran longer than the time limit of {self.time_limit:g} s"
            )
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError):
            # Why it died is read before it is killed: killing polls the process, which
            # would collect its exit status before asyncio's child watcher saw it.
            try:
                cause = await worker.cause_of_death()
            finally:
                self._retire(worker)
            return _error(500, f"query failed: {cause}")
        except BaseException:
            # The client went away mid-query (cancelled): the worker may still be busy.
            self._retire(worker)
            raise
        self._idle.put_nowait(worker)
        if header["status"] != "ok":
            return _error(int(header["code"]), str(header["message"]))
        return QueryOutcome(200, header["media_type"], body, header["form"])

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and start its replacement, both without waiting for either."""
        self._all.discard(worker)
        worker.kill()
        self._in_background(worker.reap())
        if not self._closed:
            self._in_background(self._replace())

    async def close(self) -> None:
        self._closed = True
        for task in list(self._background):
            task.cancel()
        workers = list(self._all)
        self._all.clear()
        await asyncio.gather(*(worker.reap() for worker in workers))


def _to_stderr(chunk: bytes) -> None:
    """Write a worker's output to the server's stderr, whatever that stream is now."""
    with contextlib.suppress(OSError, ValueError):
        binary = getattr(sys.stderr, "buffer", None)
        if binary is not None:
            binary.write(chunk)
        else:
            sys.stderr.write(chunk.decode("utf-8", "replace"))
        sys.stderr.flush()


def _error(status: int, message: str) -> QueryOutcome:
    return QueryOutcome(status, "text/plain; charset=utf-8", (message + "\n").encode())
