"""A TCP proxy on loopback that a test puts between a process and one of its dependencies, to fail
that dependency the ways networks fail, without touching the shared server behind it.

- ``cut()``: the dependency is down. Every open connection is reset and new ones are refused (the
  listening socket stays bound, so the port is not lost to another process).
- ``reset()``: a blip. Every open connection is reset (RST); new connections go through at once.
- ``blackhole()``: the dependency stops answering without closing anything. Connections stay open
  and new ones are accepted, but every byte in either direction is dropped.
- ``partition()``: the network between them is partitioned. Connections stay open and new ones are
  accepted, but no byte moves until ``restore()``; then what was held back is delivered, as TCP
  delivers it once a partition heals before its retransmissions give up.
- ``restore()``: back to passing everything through.

Only loopback addresses. Threads, no asyncio: a test drives it from its own thread.
"""

from __future__ import annotations

import socket
import struct
import threading
from contextlib import suppress
from enum import Enum
from types import TracebackType


class Mode(Enum):
    PASS = "pass"
    DOWN = "down"
    BLACKHOLE = "blackhole"
    PARTITION = "partition"


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._mode = Mode.PASS
        self._changed = threading.Condition()
        self._closed = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._resetting: set[socket.socket] = set()
        #: Connections accepted since the proxy started (a client reconnecting shows here).
        self.accepted = 0
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    @property
    def up(self) -> bool:
        return self._mode is Mode.PASS

    @property
    def mode(self) -> Mode:
        return self._mode

    def url(self, url: str) -> str:
        """`url` (scheme://[credentials@]host:port/rest) pointed at this proxy instead."""
        scheme, rest = url.split("://", 1)
        credentials, _, location = rest.rpartition("@")
        _, _, path = location.partition("/")
        prefix = f"{credentials}@" if credentials else ""
        return f"{scheme}://{prefix}127.0.0.1:{self.port}" + (f"/{path}" if path else "")

    def cut(self) -> None:
        """Resets every connection through the proxy and refuses new ones until `restore()`."""
        self._set(Mode.DOWN)
        self._reset_all()

    def reset(self) -> None:
        """Resets every open connection; new connections go through."""
        self._reset_all()

    def blackhole(self) -> None:
        """Drops every byte from now on, in both directions, closing nothing."""
        self._set(Mode.BLACKHOLE)

    def partition(self) -> None:
        """Holds every byte back until `restore()`, closing nothing."""
        self._set(Mode.PARTITION)

    def restore(self) -> None:
        self._set(Mode.PASS)

    def close(self) -> None:
        self._closed.set()
        self._set(Mode.DOWN)
        self._reset_all()
        with suppress(OSError):
            self._listener.close()
        self._thread.join(timeout=5)

    def _set(self, mode: Mode) -> None:
        with self._changed:
            self._mode = mode
            self._changed.notify_all()

    def _reset_all(self) -> None:
        with self._changed:
            sockets, self._sockets = self._sockets, set()
            self._resetting |= sockets
        for sock in sockets:
            _reset(sock)
        with self._changed:
            self._resetting -= sockets

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            if self._mode is Mode.DOWN:
                _reset(client)  # refused, as by a server that is down
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._changed:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if not self._deliverable():
                    continue  # blackholed: the bytes are gone
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._changed:
                being_reset = source in self._resetting or sink in self._resetting
            # One side ended: end the other, unless a reset is under way (a FIN would beat its RST).
            for sock in () if being_reset else (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _deliverable(self) -> bool:
        """Waits out a partition; False when the bytes must be dropped (blackhole)."""
        with self._changed:
            while self._mode is Mode.PARTITION and not self._closed.is_set():
                self._changed.wait(0.2)
            return self._mode is not Mode.BLACKHOLE


def _reset(sock: socket.socket) -> None:
    """Closes with an RST instead of a FIN, as a crashed peer or a middlebox does."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    # Wakes the pump blocked in recv() on it without sending a FIN; close() then sends the RST.
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RD)
    with suppress(OSError):
        sock.close()
