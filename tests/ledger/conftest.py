"""Fixtures of the ledger tests: a demo ledger seeded on a fixed anchor date, the same data served
by the stand-in core system over HTTP, and both implementations side by side."""

from __future__ import annotations

import pytest
from ledger_oracles import ANCHOR
from standin import PREFIX, STANDIN_API_KEY, create_standin_app, serve_in_thread

from bot.ledger.http_ledger import HttpLedger
from bot.ledger.seed import seed_demo_ledger
from bot.ledger.sqlite_ledger import SqliteLedger


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("ledger") / "ledger.sqlite3"
    seed_demo_ledger(path, ANCHOR)
    return path


@pytest.fixture(scope="session")
def sqlite_ledger(seeded_db):
    return SqliteLedger(seeded_db)


@pytest.fixture(scope="session")
def standin_url(seeded_db):
    with serve_in_thread(create_standin_app(seeded_db, STANDIN_API_KEY)) as url:
        yield url + PREFIX


@pytest.fixture(scope="session")
def http_ledger(standin_url):
    with HttpLedger(standin_url, api_key=STANDIN_API_KEY, timeout=5.0) as ledger:
        yield ledger


@pytest.fixture(scope="session", params=["sqlite", "http"])
def ledger(request):
    """Each test that takes ``ledger`` runs against both implementations."""
    return request.getfixturevalue(f"{request.param}_ledger")
