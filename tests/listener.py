"""A stand-in for another host: a loopback socket that counts the connections made to it.

The tests that no query, shape or page makes the server or the validator reach another
host point SERVICE (or any other call) at it, and assert that it saw no connection.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator


class Listener:
    """A TCP socket on loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self.connections = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self.socket.close()


def listening() -> Iterator[Listener]:
    """A Listener for a fixture's lifetime, closed after it."""
    other_host = Listener()
    try:
        yield other_host
    finally:
        other_host.close()
