"""How ``finbot serve`` runs the app: uvicorn with every connection bounded, and logs without secrets.

uvicorn times out idle keep-alive connections, but not a client that connects and then sends
its request head a byte at a time (or never): :class:`BoundedH11Protocol` closes such a
connection after ``header_timeout_seconds``. The body is bounded in the app
(:mod:`bot.api.guards`), concurrency and header size by uvicorn's own settings.

Access lines keep the path but not the query values (``/?token=…`` is logged as
``/?token=-``): tokens, ids and phone numbers travel in query strings, and the access log is the
one log that sees every request.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.settings import Settings

# Loggers that do not propagate to the root logger and so need the masking filter themselves.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on the request head (see the module docstring)."""

    header_timeout: float = 10.0
    _head_deadline = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._start_head_deadline()

    def data_received(self, data: bytes) -> None:
        if self._waiting_for_head():
            self._start_head_deadline()
        super().data_received(data)
        if not self._waiting_for_head():
            self._cancel_head_deadline()

    def connection_lost(self, exc) -> None:
        self._cancel_head_deadline()
        super().connection_lost(exc)

    def _waiting_for_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _start_head_deadline(self) -> None:
        if self._head_deadline is None:
            self._head_deadline = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self._waiting_for_head() and not self.transport.is_closing():
            self.transport.close()


def scrub_query(path: str) -> str:
    """``/x?token=abc&status=1`` → ``/x?token=-&status=-``: the names stay, the values go."""
    base, sep, query = path.partition("?")
    if not sep:
        return path
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return base + "?" + urlencode([(name, "-") for name in names], safe="-")


class AccessLogScrubber(logging.Filter):
    """uvicorn's access record is ``(client, method, path, http_version, status)``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            record.args = record.args[:2] + (scrub_query(record.args[2]),) + record.args[3:]
        return True


def install_log_filters() -> None:
    """The PII filter on the root logger and uvicorn's own loggers and handlers; the query scrubber
    on the access log. Idempotent; called when the app starts (uvicorn has set up its loggers)."""
    from bot.privacy import install_pii_filter

    install_pii_filter()
    for name in SERVER_LOGGERS:
        install_pii_filter(logging.getLogger(name))
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogScrubber) for f in access.filters):
        # First, before the PII filter: that one may join the arguments into one masked message.
        access.filters.insert(0, AccessLogScrubber())


def run(settings: Settings, host: str, port: int) -> None:
    BoundedH11Protocol.header_timeout = settings.header_timeout_seconds
    uvicorn.run("bot.api.app:create_app", factory=True, host=host, port=port, http=BoundedH11Protocol,
                log_level=settings.log_level.lower(), timeout_keep_alive=settings.keep_alive_seconds,
                limit_concurrency=settings.max_connections, h11_max_incomplete_event_size=settings.max_header_bytes,
                server_header=False)
