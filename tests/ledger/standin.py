"""A stand-in for a lender's core loan system: the HTTP contract of bot/ledger/openapi.yaml
served from a seeded SQLite ledger, for the contract tests of the HTTP adapter.

It answers like a careful core system would: 401 without the right API key, 403 for a loan that
exists but belongs to another customer, 404 for an unknown customer or loan. It is served under
a path prefix (``/core/v1``) to prove the adapter keeps the prefix of its base URL.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.responses import JSONResponse

from bot.ledger.codec import loan_to_json, payment_to_json, period_to_json, profile_to_json
from bot.ledger.errors import AccessDenied
from bot.ledger.sqlite_ledger import SqliteLedger

PREFIX = "/core/v1"
STANDIN_API_KEY = "standin-test-key-4f1c9a"


class _Refused(Exception):
    def __init__(self, status: int, error: str, detail: str) -> None:
        self.status, self.error, self.detail = status, error, detail


def create_standin_app(db_path: Path, api_key: str) -> FastAPI:
    ledger = SqliteLedger(db_path)
    app = FastAPI(title="stand-in core loan system")
    router = APIRouter(prefix=PREFIX)

    @app.exception_handler(_Refused)
    async def refused(request: Request, error: _Refused) -> JSONResponse:
        return JSONResponse({"error": error.error, "detail": error.detail}, status_code=error.status)

    def authorise(authorization: str | None) -> None:
        if authorization != f"Bearer {api_key}":
            raise _Refused(401, "unauthorized", "missing or wrong API key")

    def not_yours(loan_id: str | None) -> _Refused:
        """403 when the loan exists under another customer, 404 otherwise."""
        if loan_id is not None:
            with sqlite3.connect(db_path) as db:
                if db.execute("SELECT 1 FROM loans WHERE loan_id = ?", (loan_id,)).fetchone():
                    return _Refused(403, "forbidden", "this loan is not the customer's")
        return _Refused(404, "not_found", "no such customer or loan")

    @router.get("/customers/{customer_id}/profile")
    def profile(customer_id: str, authorization: str | None = Header(None)) -> dict:
        authorise(authorization)
        try:
            return profile_to_json(ledger.profile(customer_id))
        except AccessDenied:
            raise not_yours(None) from None

    @router.get("/customers/{customer_id}/loans")
    def loans(customer_id: str, authorization: str | None = Header(None)) -> dict:
        authorise(authorization)
        try:
            return {"customer_id": customer_id, "loans": [loan_to_json(loan) for loan in ledger.loans(customer_id)]}
        except AccessDenied:
            raise not_yours(None) from None

    @router.get("/customers/{customer_id}/loans/{loan_id}/schedule")
    def schedule(customer_id: str, loan_id: str, authorization: str | None = Header(None)) -> dict:
        authorise(authorization)
        try:
            periods = ledger.schedule(customer_id, loan_id)
        except AccessDenied:
            raise not_yours(loan_id) from None
        return {"customer_id": customer_id, "loan_id": loan_id, "periods": [period_to_json(p) for p in periods]}

    @router.get("/customers/{customer_id}/loans/{loan_id}/payments")
    def payments(customer_id: str, loan_id: str, authorization: str | None = Header(None)) -> dict:
        authorise(authorization)
        try:
            records = ledger.payments(customer_id, loan_id)
        except AccessDenied:
            raise not_yours(loan_id) from None
        return {"customer_id": customer_id, "loan_id": loan_id, "payments": [payment_to_json(p) for p in records]}

    app.include_router(router)
    return app


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 and a free port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it, Nagle + delayed ACK add 40 ms to every answer.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the stand-in server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
