"""Serving the app with uvicorn, with a deadline for slow clients.

uvicorn closes idle keep-alive connections, but its timer stops at the first byte a client sends, and a
new connection has no timer at all: a client that sends its request line and headers a byte at a time
holds a connection for as long as it likes (200 such clients were held for 40 s and more). Here every
request's headers must arrive within ``header_seconds`` of the connection opening or the previous
response ending; the body has its own deadline in the app (``app._Guard``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

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
