"""A store's answer read with a bound on its size, counted as decoded bytes.

A store is a server the user named, not one the toolkit trusts: it may answer without
end, or send a small gzip body that inflates to gigabytes. The body is therefore read as
it arrives, decoded here with zlib (``max_length`` bounds what one step may produce), and
the reading stops as soon as the decoded bytes pass the limit; the compressed bytes
count too, so a stream of empty compressed blocks also ends. Only the encodings the
request offered are read (:data:`ACCEPT_ENCODING`); any other is refused, not guessed at.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

__all__ = ["ACCEPT_ENCODING", "AnswerTooLarge", "BadEncoding", "StoreAnswer", "read_body"]

# What a request offers; both are decoded below with a bound, so a store may compress.
ACCEPT_ENCODING = "gzip, deflate"
# The most one decoding step may produce, whatever the compression ratio.
_STEP = 1 << 16
# zlib's window bits for "a zlib or a gzip header, whichever is there".
_ZLIB_OR_GZIP = 32 + zlib.MAX_WBITS


class AnswerTooLarge(Exception):
    """The body passed the limit; nothing more was read."""


class BadEncoding(Exception):
    """A body in an encoding that was not offered, or that does not decode."""


@dataclass(frozen=True)
class StoreAnswer:
    """A complete answer: status, headers and the decoded body."""

    status_code: int
    reason_phrase: str
    content_type: str
    # The charset the Content-Type names, or None.
    charset: str | None
    content: bytes


async def read_body(response: httpx.Response, limit: int, *, truncate: bool = False) -> bytes:
    """The decoded body of ``response``, at most ``limit`` bytes.

    Raises AnswerTooLarge past the limit, or returns the first ``limit`` bytes when
    ``truncate`` (for an error page, of which only the first line is shown).
    """
    inflater = _inflater(response.headers.get("content-encoding", ""))
    parts: list[bytes] = []
    decoded = raw = 0
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        for piece in _decode(inflater, chunk):
            decoded += len(piece)
            if decoded > limit or raw > limit:
                if truncate:
                    parts.append(piece)
                    return b"".join(parts)[:limit]
                raise AnswerTooLarge
            parts.append(piece)
    if inflater is not None and raw and not inflater.eof and not truncate:
        raise BadEncoding("its compressed body is cut short")
    return b"".join(parts)


def _inflater(header: str) -> zlib._Decompress | None:
    codings = [coding.strip().lower() for coding in header.split(",")]
    codings = [coding for coding in codings if coding and coding != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(_ZLIB_OR_GZIP)
    # Several codings, or one that was not offered (br, zstd, compress…).
    shown = ", ".join(codings) if header.isprintable() else repr(header)
    raise BadEncoding(f"it sent content encoding {shown[:60]}, which was not offered")


def _decode(inflater: zlib._Decompress | None, chunk: bytes) -> Iterator[bytes]:
    """``chunk`` decoded, in pieces of at most ``_STEP`` bytes, so that the caller can stop
    between two of them."""
    if inflater is None:
        yield chunk
        return
    pending = chunk
    while pending:
        if inflater.eof:
            raise BadEncoding("it sent data after the end of its compressed body")
        try:
            piece = inflater.decompress(pending, _STEP)
        except zlib.error:
            raise BadEncoding("its compressed body does not decode") from None
        if inflater.unused_data:
            raise BadEncoding("it sent data after the end of its compressed body")
        yield piece
        pending = inflater.unconsumed_tail
