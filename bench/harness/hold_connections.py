"""Opens N keep-alive connections to a server on loopback, one request each, and holds them open.

    python hold_connections.py HOST PORT PATH COUNT

Prints {"opened": n, "errors": e} once every connection is open (or failed), then holds them
until a line arrives on stdin (or stdin closes), and prints {"closed_by_server": c} before
closing them: connections the server dropped while they were held. Run by bench/harness/idle.py
in its own process, pinned to the load generator's core.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys

# Connections being opened at once: more would overflow the server's accept backlog and turn
# into SYN retries a second later, which measures the kernel rather than the server.
OPENING_AT_ONCE = 256
STEP_TIMEOUT_SECONDS = 30


def raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


async def open_one(
    host: str, port: int, request: bytes, held: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
) -> bool:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), STEP_TIMEOUT_SECONDS)
    writer.write(request)
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), STEP_TIMEOUT_SECONDS)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {
        name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])
    }
    await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", "0"))), STEP_TIMEOUT_SECONDS)
    held.append((reader, writer))
    return status == 200 and headers.get("connection", "keep-alive").lower() != "close"


async def main(host: str, port: int, path: str, count: int) -> None:
    raise_file_limit(count + 64)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n\r\n".encode()
    held: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    async def guarded() -> bool:
        async with gate:
            try:
                return await open_one(host, port, request, held)
            except (
                OSError,
                ValueError,
                IndexError,
                TimeoutError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
            ):
                return False

    outcomes = await asyncio.gather(*(guarded() for _ in range(count)))
    print(json.dumps({"opened": len(held), "errors": outcomes.count(False)}), flush=True)

    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await asyncio.sleep(0)  # let pending EOFs reach the readers
    print(json.dumps({"closed_by_server": sum(reader.at_eof() for reader, _ in held)}), flush=True)
    for _, writer in held:
        writer.close()


if __name__ == "__main__":
    host_arg, port_arg, path_arg, count_arg = sys.argv[1:5]
    asyncio.run(main(host_arg, int(port_arg), path_arg, int(count_arg)))
