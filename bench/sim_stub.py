"""Cheap simulator targets for ``bench simulate``: one asyncio loop listening on many ports.

``python -m bench.sim_stub N`` listens on N free loopback ports and answers every request
as a healthy MiniTwit API does: the simulator's writes ``204`` without a body, ``GET
/latest`` with ``{"latest": N}`` (the last ``latest=`` seen on that port); then it closes
the connection (the simulator sends ``Connection: close``). Prints ``ready PORT...`` once every port
listens (the ports are the kernel's choice: no race with another process picking ports).
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable

_LATEST = re.compile(rb"[?&]latest=(-?\d+)")
_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)


def handler(
    latest: list[int],
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    """A connection handler sharing one port's ``latest``."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = _LENGTH.search(head)
            if length:
                await reader.readexactly(int(length.group(1)))
            line = head.split(b"\r\n", 1)[0]
            if line.startswith(b"GET /latest"):
                body = b'{"latest": %d}' % latest[0]
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
                )
            else:
                found = _LATEST.search(line)
                if found:
                    latest[0] = int(found.group(1))
                writer.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    return handle


async def serve(count: int) -> None:
    """Listen on ``count`` free ports until killed."""
    servers = [
        await asyncio.start_server(handler([-1]), "127.0.0.1", 0, backlog=64) for _ in range(count)
    ]
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    print("ready", *ports, flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
