"""Serving the app with uvicorn, with a deadline for slow clients.

uvicorn closes idle keep-alive connections, but its timer stops at the first byte a client sends, and a
new connection has no timer at all: a client that sends its request line and headers a byte at a time
holds a connection for as long as it likes (200 such clients were held for 40 s and more). Here every
request's headers must arrive within ``header_seconds`` of the connection opening or the previous
response ending; the body has its own deadline in the app (``app._Guard``).

``crosswire serve`` has uvicorn bind its socket first (``bind``), so a busy port is one sentence before
any model loads, and says where it listens once uvicorn has started (``run``).
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from crosswire.errors import ConfigError

HEADER_SECONDS = 10.0
LOG = logging.getLogger("crosswire.web")


class _TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline for each request's headers."""

    header_seconds = HEADER_SECONDS
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._arm()  # before the next pipelined request is read, which disarms it again
        super().on_response_complete()

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request's headers are complete
            self._disarm()

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        if not self.transport.is_closing():
            client = "%s:%d" % self.client if self.client else "a client"  # noqa: UP031
            LOG.info("closed %s: no complete request within %g s", client, self.header_seconds)
            self.transport.close()


def server_config(
    app: Any, host: str, port: int, log_level: str = "warning", header_seconds: float = HEADER_SECONDS
) -> uvicorn.Config:
    """A uvicorn configuration for the app whose connections must send each request's headers within
    ``header_seconds``."""
    protocol = type("TimedH11Protocol", (_TimedH11Protocol,), {"header_seconds": header_seconds})
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, http=protocol)


def bind(host: str, port: int) -> Any:
    """A TCP socket bound to ``host``:``port`` (port 0: any free port) by uvicorn, for ``run``.

    Raises:
        ConfigError: the port is taken or not allowed, or the host is not an address of this machine.
    """
    failures: list[OSError] = []

    def keep(record: logging.LogRecord) -> bool:  # uvicorn logs the OSError, then exits: keep it instead
        if isinstance(record.msg, OSError):
            failures.append(record.msg)
            return False
        return True

    log = logging.getLogger("uvicorn.error")
    log.addFilter(keep)
    try:
        return uvicorn.Config("crosswire", host=host, port=port, log_level="warning").bind_socket()
    except SystemExit:
        raise ConfigError(_bind_problem(host, port, failures[0] if failures else None)) from None
    finally:
        log.removeFilter(keep)


def _bind_problem(host: str, port: int, exc: OSError | None) -> str:
    """Why ``host``:``port`` cannot be served on, and what to do, in one sentence."""
    if exc is not None and exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another crosswire serve?); "
            f"stop that program or pick another port with --port {port + 1 if port < 65535 else 8000}"
        )
    if exc is not None and exc.errno == errno.EACCES:
        return f"port {port} needs administrator rights on this system; pick a port from 1024 up with --port 8000"
    if exc is not None and exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot serve on {host}: not an address of this machine; leave --host out to serve on 127.0.0.1"
    reason = (exc.strerror or str(exc)) if exc is not None else "uvicorn could not bind it"
    return f"cannot serve on {host} port {port} ({reason}); leave --host out to serve on 127.0.0.1"


def address(sock: Any) -> str:
    """The URL a browser opens for a bound socket ("http://127.0.0.1:8000/", "http://[::1]:8000/")."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):  # every address of this machine: name its own
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class _Server(uvicorn.Server):
    """uvicorn's server, which calls ``ready`` once it accepts connections."""

    def __init__(self, config: uvicorn.Config, ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[Any] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            self._ready()


def run(config: uvicorn.Config, sock: Any, ready: Callable[[], None]) -> bool:
    """Serve ``config``'s app on the bound ``sock`` until Ctrl-C (or SIGTERM); ``ready`` is called once
    connections are accepted. Ctrl-C ends it, after a clean shutdown, with ``KeyboardInterrupt`` or,
    depending on when the signal lands, by returning. Returns whether the server had started."""
    server = _Server(config, ready)
    server.run(sockets=[sock])
    return bool(server.started)
