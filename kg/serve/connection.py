"""The HTTP connections of ``kg serve``: a request must arrive whole within a time limit.

uvicorn closes a keep-alive connection that stays idle, but it waits for ever on a client
that sends the head or the body of a request a few bytes at a time ("slowloris"): each
such connection holds a socket and a place in the server for as long as the client
likes. Here every connection has a deadline for the request it is receiving, from the
moment it is ready for one (when it opens, or when the previous answer is sent); a
connection whose request is not whole by then is closed. Once a request has arrived, the
application's own limits (the SPARQL time limit) apply, not this one.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["REQUEST_SECONDS", "with_request_deadline"]

REQUEST_SECONDS = 10.0  # how long a client may take to send one request, head and body


def with_request_deadline(seconds: float = REQUEST_SECONDS) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing a connection whose request takes over ``seconds``."""

    class RequestDeadlineProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._start_the_clock()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._start_the_clock()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_the_clock()
            super().connection_lost(exc)

        def _start_the_clock(self) -> None:
            self._stop_the_clock()
            if not self.transport.is_closing():
                self._deadline = self.loop.call_later(seconds, self._request_overdue)

        def _stop_the_clock(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _request_overdue(self) -> None:
            self._deadline = None
            # IDLE: the head has not arrived whole; SEND_BODY: the body has not.
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
                if not self.transport.is_closing():
                    self.transport.close()

    return RequestDeadlineProtocol
