"""The web app's guard: what every request and response passes through, whatever the page.

Every response carries a strict Content-Security-Policy and related headers; the app answers only to
IP addresses and ``localhost`` in the Host header (DNS rebinding); request bodies are limited in size
and must arrive in time; posts are taken only from the app's own pages (cross-site form posts).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import PlainTextResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_IDLE_SECONDS = 10.0  # longest wait for the next part of a request body


BODY_SECONDS = 30.0  # a request body must arrive within this, plus a second for every BODY_RATE bytes


BODY_RATE = 100_000


CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",  # "no-referrer" would make browsers send "Origin: null" on posts
    "cross-origin-resource-policy": "same-origin",
}


LOG = logging.getLogger("crosswire.web")


def check_origin(request: Request) -> None:
    """Refuse posts from other sites: a page elsewhere must not add documents to this store."""
    origin = request.headers.get("origin")
    site = request.headers.get("sec-fetch-site")
    if origin == "null":  # an opaque origin: only trust it when the browser says the post is same-origin
        foreign = site != "same-origin"
    else:
        foreign = origin is not None and urlsplit(origin).netloc != request.headers.get("host")
    if foreign or site not in (None, "same-origin", "none"):
        raise HTTPException(403, f"uploads are taken only from crosswire's own pages, not from {origin or site}")


def _host_allowed(host: str | None, allowed: tuple[str, ...]) -> bool:
    if not host:
        return True
    try:
        name = urlsplit("//" + host).hostname or ""
    except ValueError:  # "[" or "[::1": not a host at all
        return False
    if name == "localhost" or name in {a.lower() for a in allowed}:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Guard:
    """ASGI middleware: Host check, request-size limit, a deadline for request bodies, security headers
    on every response (errors included), one log line for a client that went away."""

    def __init__(self, app: ASGIApp, max_body: int, allowed_hosts: tuple[str, ...]) -> None:
        self.app, self.max_body, self.allowed_hosts = app, max_body, allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        headers = Headers(scope=scope)
        host = headers.get("host")
        if not _host_allowed(host, self.allowed_hosts):
            message = (
                f"crosswire answers only to IP addresses and localhost, not to {host!r} "
                "(a guard against DNS rebinding); open it by address, e.g. http://127.0.0.1:8000/"
            )
            await PlainTextResponse(message, status_code=400)(scope, receive, send_with_headers)
            return
        where = f"{scope.get('method')} {scope.get('path')}"
        try:
            await self.app(scope, self._limited(receive, headers.get("content-length", "0")), send_with_headers)
        except ClientDisconnect:
            LOG.warning("client went away before %s was read; nothing was stored", where)
        except Exception:
            LOG.exception("internal error serving %s", where)  # a bug: the traceback is the report
            if not started:
                text = "internal error in crosswire (logged on the server); please report it"
                await PlainTextResponse(text, status_code=500)(scope, receive, send_with_headers)

    def _limited(self, receive: Receive, declared: str) -> Receive:
        """``receive`` for the request body: at most ``max_body`` bytes, each part within
        BODY_IDLE_SECONDS, the whole within BODY_SECONDS plus a second per BODY_RATE bytes declared."""
        if not declared.isdigit() or int(declared) > self.max_body:
            too_big = f"an upload is at most {self.max_body:,} bytes; this one is {declared}"
        else:
            too_big = ""
        deadline = asyncio.get_running_loop().time() + BODY_SECONDS + int(declared or 0) / BODY_RATE
        received, complete = 0, False

        async def limited_receive() -> Message:
            nonlocal received, complete
            if too_big:
                raise HTTPException(413, too_big)
            if complete:  # the body is read: what comes next is a disconnect, whenever it comes
                return await receive()
            wait = min(BODY_IDLE_SECONDS, deadline - asyncio.get_running_loop().time())
            try:
                message = await asyncio.wait_for(receive(), timeout=max(wait, 0.0))
            except TimeoutError as exc:
                raise HTTPException(408, "the upload arrived too slowly and was dropped; send it again") from exc
            received += len(message.get("body", b""))
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            if received > self.max_body:
                raise HTTPException(413, f"an upload is at most {self.max_body:,} bytes; split it")
            return message

        return limited_receive
