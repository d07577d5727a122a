"""A pool of SPARQL worker processes, each query under a time limit.

Every query goes to an idle worker (:mod:`kg.serve.worker`). A query that outlives the
limit gets its worker killed — that one process, by its PID — and replaced in the
background, so the server itself never blocks and the other workers go on answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import struct
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["QueryOutcome", "QueryRequest", "WorkerPool"]

_WORKER_SCRIPT = Path(__file__).with_name("worker.py")


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL query and the media types the client accepts for each kind of result."""

    query: str
    results_type: str | None
    graph_type: str | None
    default_graph: tuple[str, ...] | None = None
    named_graph: tuple[str, ...] | None = None


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


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

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

    async def kill(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        with contextlib.suppress(Exception):
            await self.process.wait()


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
        self.size = size
        self.time_limit = time_limit
        self.max_bytes = max_bytes
        self.memory_limit = memory_limit
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._spawning: set[asyncio.Task[None]] = set()
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
        )
        worker = _Worker(process)
        self._all.add(worker)
        await worker.send({"load": self.graphs, "memory_limit": self.memory_limit})
        json.loads(await worker.receive())
        return worker

    def _replace_in_background(self) -> None:
        async def replace() -> None:
            try:
                worker = await self._spawn()
            except Exception:  # noqa: BLE001 - retried on the next replacement
                return
            if self._closed:
                await worker.kill()
            elif self._idle is not None:
                self._idle.put_nowait(worker)

        task = asyncio.get_running_loop().create_task(replace())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    @property
    def pids(self) -> list[int]:
        return [worker.pid for worker in self._all if worker.process.returncode is None]

    async def run(self, request: QueryRequest) -> QueryOutcome:
        """Answer ``request`` within the time limit (waiting for a free worker included)."""
        if self._idle is None:
            raise RuntimeError("the worker pool has not been started")
        deadline = time.monotonic() + self.time_limit
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=self.time_limit)
        except TimeoutError:
            return _error(
                503, f"every query worker stayed busy for {self.time_limit:g} s; try again later"
            )
        try:
            await worker.send(
                {
                    "query": request.query,
                    "results_type": request.results_type,
                    "graph_type": request.graph_type,
                    "default_graph": request.default_graph,
                    "named_graph": request.named_graph,
                    "max_bytes": self.max_bytes,
                }
            )
            remaining = max(deadline - time.monotonic(), 0.001)
            header = json.loads(await asyncio.wait_for(worker.receive(), timeout=remaining))
            body = await asyncio.wait_for(worker.receive(), timeout=self.time_limit)
        except TimeoutError:
            await self._retire(worker)
            return _error(
                503, f"query cut off: it ran longer than the time limit of {self.time_limit:g} s"
            )
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError):
            await self._retire(worker)
            return _error(500, "query failed: it exhausted the worker's memory limit")
        except asyncio.CancelledError:
            # The client went away mid-query: the worker may still be busy, so replace it.
            await asyncio.shield(self._retire(worker))
            raise
        self._idle.put_nowait(worker)
        if header["status"] != "ok":
            return _error(int(header["code"]), str(header["message"]))
        return QueryOutcome(200, header["media_type"], body, header["form"])

    async def _retire(self, worker: _Worker) -> None:
        self._all.discard(worker)
        await worker.kill()
        if not self._closed:
            self._replace_in_background()

    async def close(self) -> None:
        self._closed = True
        for task in list(self._spawning):
            task.cancel()
        for worker in list(self._all):
            if worker.process.stdin is not None:
                worker.process.stdin.close()
            await worker.kill()
        self._all.clear()


def _error(status: int, message: str) -> QueryOutcome:
    return QueryOutcome(status, "text/plain; charset=utf-8", (message + "\n").encode())
