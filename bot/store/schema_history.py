"""The schema's history: Alembic migrations (``bot/store/migrations/``), configured in code, and the
check every open of the store makes.

Two ways a database moves forward:

- ``finbot db upgrade`` (:func:`upgrade`) applies the migrations it lacks, in one transaction, and
  says which. Run it before starting a new release's replicas (``README.md``, deployment);
- a brand-new database (none of finbot's tables) is created at head by the first open, so that
  ``scripts/run`` and tests need no extra step on a fresh machine.

Everything else is refused at open by :func:`check`, with a :class:`DatabaseError` that says what to
do: a schema older than this code (run ``finbot db upgrade``), a revision this code does not know
(a newer release migrated it: upgrade finbot), or tables with no finbot history. An existing
database is never migrated behind the operator's back, SQLite included: ``scripts/run`` runs
``finbot db upgrade`` itself before serving.

A database made by the store before Alembic carries its own marker, a ``schema_version`` table at
version 1; the first migration adopts its tables as they are (see ``versions/0001_initial.py``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.store.database import SETTING, Database, DatabaseError
from bot.store.schema import metadata

log = logging.getLogger(__name__)
# Alembic says "Context impl SQLiteImpl" at INFO on every look at a database; what an upgrade did is
# reported by upgrade() and `finbot db upgrade` instead.
logging.getLogger("alembic").setLevel(logging.WARNING)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
UPGRADE_COMMAND = "finbot db upgrade"
PRE_ALEMBIC_TABLE = "schema_version"  # the store's own version marker before Alembic
# Alembic runs env.py through a process-wide module proxy (alembic.context), so two upgrades in one
# process must not overlap; across processes env.py's database lock keeps them apart.
_ALEMBIC_IN_USE = threading.Lock()


def alembic_config(connection=None) -> Config:
    """Alembic's configuration, without an alembic.ini: where the scripts are, and the connection
    that env.py runs them on."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def revisions() -> list[str]:
    """Every revision this code knows, oldest first (the history is a line, one head)."""
    scripts = _scripts()
    return [script.revision for script in reversed(list(scripts.walk_revisions("base", scripts.get_current_head())))]


def head() -> str:
    return _scripts().get_current_head()


def describe_revision(revision: str) -> str:
    """``0002 (Claims on the handoff queue…)``: the revision and the first line of its docstring."""
    doc = (_scripts().get_revision(revision).doc or "").strip().splitlines()
    return f"{revision} ({doc[0].rstrip('.')})" if doc else revision


@dataclass(frozen=True)
class SchemaState:
    """What a database holds: its Alembic revision (None without one), whether it carries the
    pre-Alembic marker, and whether it has none of finbot's tables at all."""

    revision: str | None
    pre_alembic: bool
    brand_new: bool


def current_state(db: Database) -> SchemaState:
    with db.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        tables = set(inspect(connection).get_table_names())
    ours = set(metadata.tables) | {PRE_ALEMBIC_TABLE}
    return SchemaState(revision, PRE_ALEMBIC_TABLE in tables, revision is None and not tables & ours)


def _refuse_unknown(db: Database, state: SchemaState) -> None:
    """A schema no migration of this code can start from."""
    if state.revision is not None and state.revision not in revisions():
        raise DatabaseError(
            f"the database schema of {db.target.describe()} is at revision {state.revision}, newer than this "
            f"finbot knows (its newest is {head()}): a later release has migrated it. Upgrade finbot, "
            f"or point {SETTING} at another database"
        )
    if state.revision is None and not state.pre_alembic and not state.brand_new:
        raise DatabaseError(
            f"{db.target.describe()} has some of finbot's tables but no schema history (no alembic_version "
            f"and no {PRE_ALEMBIC_TABLE}): point {SETTING} at finbot's database or at an empty one"
        )


@dataclass(frozen=True)
class Upgrade:
    """What :func:`upgrade` did: the revision before (None: none), the one after, and the steps."""

    before: str | None
    after: str
    applied: list[str] = field(default_factory=list)
    adopted_pre_alembic: bool = False


def upgrade(db: Database) -> Upgrade:
    """Bring the database to head, all steps in one transaction (rolled back if one fails)."""
    state = current_state(db)
    _refuse_unknown(db, state)
    known = revisions()
    with _ALEMBIC_IN_USE, db.engine.begin() as connection:  # SQLite: BEGIN IMMEDIATE, the write lock
        command.upgrade(alembic_config(connection), "head")
    # Another process may have upgraded in the meantime: report from what is there now.
    after = current_state(db).revision
    start = known.index(state.revision) + 1 if state.revision else 0
    applied = known[start:known.index(after) + 1]
    return Upgrade(state.revision, after, applied, state.pre_alembic and state.revision is None)


def check(db: Database) -> str:
    """The start-up check: the revision in place, which must be this code's head. A brand-new
    database is created at head here; anything else that is not at head is refused."""
    state = current_state(db)
    if state.revision == head():
        return state.revision
    _refuse_unknown(db, state)
    if state.brand_new:
        done = upgrade(db)
        log.info("created the store's schema at revision %s in %s", done.after, db.target.describe())
        return done.after
    if state.pre_alembic and state.revision is None:
        raise DatabaseError(
            f"{db.target.describe()} was made by a finbot release before schema migrations; run "
            f"`{UPGRADE_COMMAND}` (it upgrades in place, keeping every row; {SETTING} names the database) "
            "and start again"
        )
    raise DatabaseError(
        f"the database schema of {db.target.describe()} is at revision {state.revision}, older than this "
        f"finbot's {head()}: run `{UPGRADE_COMMAND}` ({SETTING} names the database) and start again"
    )
