"""Contract tests of the HTTP adapter: the stand-in core system (a real FastAPI app on loopback,
serving the seeded SQLite data) answers exactly as bot/ledger/openapi.yaml says, and the HTTP
ledger gives the same answers as the embedded one. Misbehaving core systems are played by real
HTTP servers on loopback that tamper with the contract's answers."""

from __future__ import annotations

import asyncio
import json
import socket
from contextlib import contextmanager
from datetime import date

import httpx
import pytest
from ledger_openapi_check import errors, openapi, response_schema
from ledger_oracles import ANCHOR
from standin import PREFIX, STANDIN_API_KEY, create_standin_app, serve_in_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.ledger import AccessDenied, InconsistentLedger, LedgerUnavailable, open_ledger
from bot.ledger.codec import loan_to_json, payment_to_json, period_to_json, profile_to_json
from bot.ledger.http_ledger import HttpLedger
from bot.ledger.quotes import account_overview, hardship_options, open_loans, overdue_cost, payoff_quote
from bot.ledger.seed import DEMO_CUSTOMER_IDS
from bot.ledger.sqlite_ledger import SqliteLedger
from bot.settings import Settings

DAYS = [ANCHOR, date(2026, 12, 4), date(2027, 1, 15)]


# --- the stand-in answers as the contract says ------------------------------------------------


def test_standin_serves_exactly_the_contracts_paths(seeded_db):
    app = create_standin_app(seeded_db, "k")
    served = {path.removeprefix(PREFIX) for path in app.openapi()["paths"]}
    assert served == set(openapi()["paths"])


def test_every_standin_answer_conforms_to_the_schemas(standin_url, sqlite_ledger):
    headers = {"Authorization": f"Bearer {STANDIN_API_KEY}"}
    checked = 0
    with httpx.Client(base_url=standin_url + "/", headers=headers) as client:
        for customer in DEMO_CUSTOMER_IDS:
            for path in ("profile", "loans"):
                response = client.get(f"customers/{customer}/{path}")
                assert response.status_code == 200
                assert errors(response.json(), response_schema(f"/customers/{{customer_id}}/{path}", "200")) == []
                checked += 1
            for loan in sqlite_ledger.loans(customer):
                for path in ("schedule", "payments"):
                    response = client.get(f"customers/{customer}/loans/{loan.loan_id}/{path}")
                    assert response.status_code == 200
                    schema = response_schema(f"/customers/{{customer_id}}/loans/{{loan_id}}/{path}", "200")
                    assert errors(response.json(), schema) == []
                    checked += 1
    assert checked == 5 * 2 + 5 * 2


def test_standin_error_answers_conform(standin_url):
    schedule_path = "/customers/{customer_id}/loans/{loan_id}/schedule"
    with httpx.Client(base_url=standin_url + "/") as client:
        unauthorised = client.get("customers/c-1002/loans")
        assert unauthorised.status_code == 401
        assert errors(unauthorised.json(), response_schema("/customers/{customer_id}/loans", "401")) == []
        client.headers["Authorization"] = f"Bearer {STANDIN_API_KEY}"
        forbidden = client.get("customers/c-1003/loans/L-2001/schedule")  # exists, another customer's
        missing = client.get("customers/c-1003/loans/L-9999/schedule")
        assert (forbidden.status_code, missing.status_code) == (403, 404)
        assert errors(forbidden.json(), response_schema(schedule_path, "403")) == []
        assert errors(missing.json(), response_schema(schedule_path, "404")) == []


def test_schema_checker_rejects_what_breaks_the_contract():
    schema = {"$ref": "#/components/schemas/Payment"}
    good = {
        "payment_id": "P-1", "loan_id": "L-1", "paid_on": "2026-11-01", "kind": "instalment", "period_index": 1,
        "amount": "275.04", "principal": "244.16", "interest": "30.88", "fee": "0.00", "charges": "0.00",
    }
    assert errors(good, schema) == []
    assert errors({**good, "amount": 275.04}, schema)  # a float amount
    assert errors({**good, "kind": "refund"}, schema)
    assert errors({**good, "paid_on": "2026-02-30"}, schema)
    assert errors({k: v for k, v in good.items() if k != "charges"}, schema)
    assert errors({**good, "extra": 1}, schema)


# --- both implementations give the same answers ---------------------------------------------------


def test_http_ledger_reads_equal_sqlite_reads(sqlite_ledger, http_ledger):
    for customer in DEMO_CUSTOMER_IDS:
        assert http_ledger.profile(customer) == sqlite_ledger.profile(customer)
        loans = sqlite_ledger.loans(customer)
        assert http_ledger.loans(customer) == loans
        for loan in loans:
            assert http_ledger.schedule(customer, loan.loan_id) == sqlite_ledger.schedule(customer, loan.loan_id)
            assert http_ledger.payments(customer, loan.loan_id) == sqlite_ledger.payments(customer, loan.loan_id)


def test_http_ledger_views_and_quotes_equal_sqlite_ones(sqlite_ledger, http_ledger):
    for day in DAYS:
        for customer in DEMO_CUSTOMER_IDS:
            assert http_ledger.current_bill(customer, day) == sqlite_ledger.current_bill(customer, day)
            assert http_ledger.overdue_status(customer, day) == sqlite_ledger.overdue_status(customer, day)
            assert account_overview(http_ledger, customer, day).to_dict() == account_overview(sqlite_ledger, customer, day).to_dict()
            for loan in open_loans(sqlite_ledger, customer, day):
                for quote in (payoff_quote, overdue_cost, hardship_options):
                    assert quote(http_ledger, customer, loan.loan_id, day).to_dict() == quote(
                        sqlite_ledger, customer, loan.loan_id, day
                    ).to_dict()


def test_wrong_api_key_is_reported_as_unavailable(standin_url):
    with HttpLedger(standin_url, api_key="not-the-key") as ledger:
        with pytest.raises(LedgerUnavailable, match="401"):
            ledger.profile("c-1002")


def test_unreachable_core_system_is_reported_as_unavailable():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with HttpLedger(f"http://127.0.0.1:{port}/core", timeout=2.0) as ledger:
        with pytest.raises(LedgerUnavailable) as raised:
            ledger.loans("c-1002")
    assert "查询不到" in raised.value.message_zh


# --- a misbehaving core system -----------------------------------------------------------------


class Broken:
    """What a misbehaving core system sends instead of the contract's answer."""

    def __init__(self, status: int, text: str) -> None:
        self.status, self.text = status, text


@contextmanager
def core_system(sqlite_ledger: SqliteLedger, tamper=None, delay: float = 0.0):  # type: ignore[no-untyped-def]
    """A real HTTP server on loopback that answers like the contract from the SQLite ledger, with
    ``tamper`` applied to (path parts, body) before it is sent (a body, or a ``Broken`` answer);
    yields its base URL and the requests it saw (path and headers)."""
    seen: list[dict] = []

    async def handle(request: Request) -> Response:
        seen.append({"path": request.url.path, "headers": dict(request.headers)})
        if delay:
            await asyncio.sleep(delay)
        parts = request.url.path.removeprefix("/core/v1/").split("/")
        customer = parts[1]
        try:
            if parts[2] == "profile":
                body = profile_to_json(sqlite_ledger.profile(customer))
            elif len(parts) == 3:
                body = {"customer_id": customer, "loans": [loan_to_json(x) for x in sqlite_ledger.loans(customer)]}
            elif parts[4] == "schedule":
                body = {"customer_id": customer, "loan_id": parts[3],
                        "periods": [period_to_json(p) for p in sqlite_ledger.schedule(customer, parts[3])]}
            else:
                body = {"customer_id": customer, "loan_id": parts[3],
                        "payments": [payment_to_json(p) for p in sqlite_ledger.payments(customer, parts[3])]}
        except AccessDenied:
            return JSONResponse({"error": "not_found", "detail": "no such loan"}, status_code=404)
        if tamper is not None:
            body = tamper(parts, body)
            if isinstance(body, Broken):
                return Response(body.text, status_code=body.status)
        return Response(json.dumps(body), media_type="application/json")

    with serve_in_thread(Starlette(routes=[Route("/core/v1/{rest:path}", handle)])) as url:
        yield f"{url}/core/v1", seen


def test_requests_carry_the_key_and_encode_ids_as_single_segments(sqlite_ledger):
    with core_system(sqlite_ledger) as (url, seen):
        with HttpLedger(url, api_key="k-123") as ledger:
            ledger.schedule("c-1002", "L-2001")
    (request,) = seen
    assert request["path"] == "/core/v1/customers/c-1002/loans/L-2001/schedule"
    assert request["headers"]["authorization"] == "Bearer k-123"
    assert len(request["headers"]["x-request-id"]) == 32


def test_hostile_ids_never_reach_the_core_system(sqlite_ledger):
    with core_system(sqlite_ledger) as (url, seen):
        with HttpLedger(url) as ledger:
            for loan_id in ("../../c-1002/loans", "L-2001/../L-3001", "..", "L 2001", "L-2001?x=1"):
                with pytest.raises(AccessDenied):
                    ledger.payments("c-1003", loan_id)
    assert seen == []


@pytest.mark.parametrize(
    "tamper",
    [
        # the profile of someone else
        lambda parts, body: {**body, "customer_id": "c-1002"} if parts[2] == "profile" else body,
        # a list that names another customer
        lambda parts, body: {**body, "customer_id": "c-1002"} if parts[2:] == ["loans"] else body,
        # another customer's loan slipped into the list
        lambda parts, body: {**body, "loans": body["loans"] + [{**body["loans"][0], "customer_id": "c-1002", "loan_id": "L-2001"}]}
        if parts[2:] == ["loans"] else body,
        # the schedule of another loan
        lambda parts, body: {**body, "loan_id": "L-2001"} if len(parts) == 5 and parts[4] == "schedule" else body,
        # a payment of another loan
        lambda parts, body: {**body, "payments": [{**body["payments"][0], "loan_id": "L-2001"}]}
        if len(parts) == 5 and parts[4] == "payments" else body,
    ],
    ids=["foreign-profile", "foreign-list", "foreign-loan-in-list", "foreign-schedule", "foreign-payment"],
)
def test_foreign_records_from_the_core_system_are_refused(sqlite_ledger, tamper):
    with core_system(sqlite_ledger, tamper) as (url, _), HttpLedger(url) as ledger:
        with pytest.raises(AccessDenied):
            ledger.profile("c-1003")
            account_overview(ledger, "c-1003", ANCHOR)


@pytest.mark.parametrize(
    "tamper, error",
    [
        (lambda parts, body: Broken(500, "boom"), LedgerUnavailable),
        (lambda parts, body: Broken(200, "<html>maintenance</html>"), LedgerUnavailable),
        (lambda parts, body: [body], LedgerUnavailable),
        (lambda parts, body: {k: v for k, v in body.items() if k != "loans"}, LedgerUnavailable),
        # amounts as JSON numbers (floats) break the contract
        (lambda parts, body: {**body, "periods": [{**p, "payment": float(p["payment"])} for p in body["periods"]]}
         if parts[-1] == "schedule" else body, LedgerUnavailable),
        # a schedule that does not repay the loan is reported, not computed on
        (lambda parts, body: {**body, "periods": body["periods"][:-1]} if parts[-1] == "schedule" else body,
         InconsistentLedger),
    ],
    ids=["status-500", "not-json", "not-an-object", "missing-field", "float-amounts", "short-schedule"],
)
def test_broken_answers_are_errors_not_guesses(sqlite_ledger, tamper, error):
    with core_system(sqlite_ledger, tamper) as (url, _), HttpLedger(url) as ledger:
        with pytest.raises(error):
            ledger.profile("c-1003")
            payoff_quote(ledger, "c-1003", "L-3001", ANCHOR)


def test_timeout_is_reported_as_unavailable(sqlite_ledger):
    # The core system answers, but only after the adapter's timeout.
    with core_system(sqlite_ledger, delay=3.0) as (url, _), HttpLedger(url, timeout=0.5) as ledger:
        with pytest.raises(LedgerUnavailable, match="in time"):
            ledger.loans("c-1002")


# --- choosing the implementation ------------------------------------------------------------------


def test_open_ledger_follows_the_settings(tmp_path, seeded_db, standin_url):
    embedded = open_ledger(Settings(data_dir=tmp_path, ledger_url=""))
    assert isinstance(embedded, SqliteLedger) and embedded.path == tmp_path / "ledger.sqlite3"
    with pytest.raises(LedgerUnavailable, match="finbot ledger seed"):
        embedded.loans("c-1002")  # not seeded there

    other = open_ledger(Settings(ledger_url=f"sqlite:///{seeded_db}"))
    assert isinstance(other, SqliteLedger) and other.profile("c-1001").name == "林晓雨"

    remote = open_ledger(Settings(ledger_url=standin_url, ledger_api_key=STANDIN_API_KEY))
    assert isinstance(remote, HttpLedger) and remote.profile("c-1001").name == "林晓雨"
    remote.close()

    with pytest.raises(ValueError):
        open_ledger(Settings(ledger_url="ftp://core"))
