"""Content decoding as the simulator's ``requests`` client does it (urllib3's decoders).

``requests`` reads every body and decodes ``Content-Encoding: gzip``, ``x-gzip`` and
``deflate`` (a list such as ``gzip, deflate`` is undone right to left, at most 5 links);
a body that does not decode raises ``ContentDecodingError``. The course simulator runs
without the brotli and zstandard packages, so ``br`` and ``zstd`` bodies stay as they are.
Only the transport's rare path calls this: a non-empty body with a ``Content-Encoding``.
"""

from __future__ import annotations

import zlib

CONTENT_DECODING_ERROR = "ContentDecodingError"

#: The codings urllib3 decodes without optional packages.
DECODED = frozenset({"gzip", "x-gzip", "deflate"})
#: urllib3's limit on chained codings in one header.
MAX_LINKS = 5


class DecodeError(Exception):
    """The body does not decode under its ``Content-Encoding``."""


def _gunzip(data: bytes) -> bytes:
    """Gzip members one after the other; garbage after a complete member is ignored."""
    out = bytearray()
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    first_member = True
    while True:
        try:
            out += decoder.decompress(data)
        except zlib.error as exc:
            if first_member:
                raise DecodeError(str(exc)) from None
            return bytes(out)  # trailing garbage, as urllib3 (and other clients) accept
        data = decoder.unused_data
        if not data or not decoder.eof:
            return bytes(out + decoder.flush())
        first_member = False
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)


def _inflate(data: bytes) -> bytes:
    """zlib-wrapped deflate, falling back to raw deflate when that fails (urllib3)."""
    if not data:
        return data
    try:
        decoder = zlib.decompressobj()
        return decoder.decompress(data) + decoder.flush()
    except zlib.error:
        pass
    try:
        raw = zlib.decompressobj(-zlib.MAX_WBITS)
        return raw.decompress(data) + raw.flush()
    except zlib.error as exc:
        raise DecodeError(str(exc)) from None


def _decode_one(coding: str, data: bytes) -> bytes:
    # urllib3 builds a deflate decoder for any coding it does not know inside a list.
    return _gunzip(data) if coding in ("gzip", "x-gzip") else _inflate(data)


def decode_body(body: bytes, content_encoding: str | list[str]) -> bytes:
    """``body`` decoded like ``requests`` decodes it; raises :class:`DecodeError`.

    ``content_encoding``: the header's value, or its values when it came more than once.
    """
    if isinstance(content_encoding, list):  # repeated header lines: urllib3 joins them
        content_encoding = ", ".join(content_encoding)
    mode = content_encoding.lower()
    if mode in DECODED:
        return _decode_one(mode, body)
    if "," not in mode:
        return body
    codings = [c.strip() for c in mode.split(",")]
    if not any(c in DECODED for c in codings):
        return body
    if len(codings) > MAX_LINKS:
        raise DecodeError(f"too many content codings: {len(codings)} > {MAX_LINKS}")
    for coding in reversed(codings):
        body = _decode_one(coding, body)
    return body
