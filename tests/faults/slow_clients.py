"""Clients that send a request a byte at a time, as a slowloris attack does, and how long the server
lets each of them hold its connection."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress
from dataclasses import dataclass

from tests.support.raw_http import RawConnection, request_head

#: A slow client gives up by itself after this long; a connection still open then was never cut.
GIVE_UP_S = 30.0


@dataclass(frozen=True)
class SlowClient:
    held_s: float
    #: The status the server answered before closing (408), or None when it closed without one.
    status: int | None


def hold_slowly(port: int, path: str, *, count: int, interval_s: float, slow_part: str) -> list[SlowClient]:
    """`count` clients at once, each sending a request to `path` one byte every `interval_s`.

    `slow_part` is "body" (headers sent at once, then a 10 kB body byte by byte) or "headers" (the
    headers themselves, byte by byte, never finished). Returns how long each connection stayed open.
    """
    results: list[SlowClient] = []
    lock = threading.Lock()

    def one() -> None:
        started = time.monotonic()
        status = None
        with RawConnection(port, timeout=GIVE_UP_S) as connection:
            if slow_part == "body":
                connection.send(request_head("POST", path, {"content-type": "application/json",
                                                            "content-length": "10000"}))
                trickle = b"{" + b" " * 9999
            else:
                trickle = f"GET {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n".encode() + b"x-padding: " + b"a" * 9999
            connection.sock.settimeout(interval_s)
            for byte in trickle:
                if time.monotonic() - started > GIVE_UP_S:
                    break
                try:
                    connection.send(bytes([byte]))
                    data = connection.sock.recv(65536, socket.MSG_PEEK)
                except TimeoutError:
                    continue  # nothing from the server yet: the next byte
                except OSError:
                    break  # closed by the server
                if data:
                    connection.sock.settimeout(5)
                    with suppress(OSError, ValueError):
                        status = connection.read_response().status
                    break
                break  # end of stream: closed without an answer
        with lock:
            results.append(SlowClient(time.monotonic() - started, status))

    threads = [threading.Thread(target=one, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(GIVE_UP_S + 10)
    return results
