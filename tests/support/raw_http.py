"""HTTP spoken over a plain socket, for what urllib cannot do: a request whose body arrives slowly
or never, and a second request pipelined on a connection that is still busy with the first."""

from __future__ import annotations

import http.client
import socket
from contextlib import suppress
from typing import BinaryIO, Self

from tests.support.http import Response


def request_head(method: str, path: str, headers: dict[str, str]) -> bytes:
    """The request line and headers of a keep-alive HTTP/1.1 request, ready to send."""
    lines = [f"{method} {path} HTTP/1.1", "host: 127.0.0.1", "connection: keep-alive",
             *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class RawConnection:
    """One TCP connection to a server on loopback; responses are read in order from one buffer,
    so a response that arrived together with the previous one is not lost."""

    def __init__(self, port: int, timeout: float) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._incoming: BinaryIO = self.sock.makefile("rb")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_response(self, method: str = "GET") -> Response:
        """The next response (raises TimeoutError past the socket's timeout)."""
        reply = http.client.HTTPResponse(self, method=method)  # type: ignore[arg-type]
        reply.begin()
        body = reply.read()
        return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, body)

    def makefile(self, *_args: object, **_kwargs: object) -> _KeptOpen:
        """What http.client reads a response from: the one buffer of this connection, which
        http.client closes after each response and which must stay open for the next."""
        return _KeptOpen(self._incoming)

    def closed_by_peer(self) -> bool:
        """Whether the server has closed the connection (end of stream or reset), without waiting."""
        try:
            return self._incoming.read(1) == b""
        except TimeoutError:
            return False
        except OSError:
            return True

    def close(self) -> None:
        with suppress(OSError):
            self._incoming.close()
        with suppress(OSError):
            self.sock.close()


class _KeptOpen:
    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def close(self) -> None:
        pass
