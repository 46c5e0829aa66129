"""Bounded work per request, before any route runs: body size and time, rate limits, the agent key.

One pure-ASGI middleware (:class:`RequestGuard`) does, in this order:

1. **the agent key** on ``/v1/agent/*``: checked before the body is read, so a caller without the
   key learns nothing from how a malformed body is answered;
2. **a per-client rate limit** on the endpoints anyone can call without logging in (the chat and
   the component tools), with the ``limits`` library: a moving window per client address, in
   memory by default or shared by every replica with ``FINBOT_RATE_LIMIT_STORAGE=redis://…``;
3. **the body**: a declared ``Content-Length`` over the cap is refused at once (413); a body that
   streams past the cap is cut off (413); a client that stops sending half-way is answered 408
   after ``body_timeout`` seconds instead of holding the worker.

The request head (a client that never finishes its headers) is bounded by the server protocol
(:mod:`bot.api.server`), since no ASGI code runs before the head is complete.
"""

from __future__ import annotations

import asyncio
import hmac
import math
import time

from fastapi import HTTPException
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.api.errors import error_response
from bot.settings import Settings

AGENT_PREFIX = "/v1/agent/"
# Anonymous endpoints: reachable without an agent key or a customer login.
RATE_LIMITED_PREFIXES = ("/v1/chat", "/v1/sessions", "/v1/intent", "/v1/retrieve", "/v1/plan", "/v1/fraud")


def agent_key_valid(key: str | None, settings: Settings) -> bool:
    expected = settings.agent_api_key
    return bool(key) and hmac.compare_digest(key.encode(), expected.encode())


class BodyRefused(HTTPException):
    """Raised from inside the body read: FastAPI passes an HTTPException through unchanged, so the
    client gets this status (413 or 408) and not a generic "error parsing the body"."""


class RequestGuard:
    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings
        self.max_body = settings.max_body_bytes
        self.body_timeout = settings.body_timeout_seconds
        self.rate = parse(settings.rate_limit) if settings.rate_limit else None
        self.limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage)) if self.rate else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path: str = scope.get("path", "")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}

        if path.startswith(AGENT_PREFIX) and not agent_key_valid(headers.get("x-agent-key"), self.settings):
            response = error_response(401, "agent endpoints need a valid X-Agent-Key header",
                                      "请先以客服身份登录。")
            return await response(scope, receive, send)

        if self.limiter and path.startswith(RATE_LIMITED_PREFIXES):
            client = (scope.get("client") or ("unknown", 0))[0]
            if not self.limiter.hit(self.rate, "anonymous", client):
                reset_at = self.limiter.get_window_stats(self.rate, "anonymous", client).reset_time
                response = error_response(429, f"rate limit {self.settings.rate_limit} per client exceeded",
                                          headers={"Retry-After": str(max(1, math.ceil(reset_at - time.time())))})
                return await response(scope, receive, send)

        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                return await error_response(400, "Content-Length is not a number")(scope, receive, send)
            if int(declared) > self.max_body:
                return await error_response(413, f"request body over {self.max_body} bytes")(scope, receive, send)

        received = 0
        body_complete = False

        async def bounded_receive():
            nonlocal received, body_complete
            if body_complete:  # later reads wait for the disconnect, as long as a stream lasts
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except asyncio.TimeoutError:
                raise BodyRefused(408, f"request body not received within {self.body_timeout:g} s") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyRefused(413, f"request body over {self.max_body} bytes")
                body_complete = not message.get("more_body", False)
            return message

        await self.app(scope, bounded_receive, send)
