"""Core commands: build artefacts, report their state, upgrade the database, serve the API."""

from __future__ import annotations

import json
import logging

import typer

BUILD_TARGETS = {"all": None, "backbone": ["backbone"], "encoder": ["encoder"], "intent": ["intent_model"],
                 "fraud": ["fraud_model"], "index": ["index"]}


def build(
    target: str = typer.Argument("all", help="all | backbone | encoder | intent | fraud | index"),
    force: bool = typer.Option(False, "--force", help="Rebuild even if the artefact is present and valid."),
) -> None:
    """Build what is missing (backbone → encoder → intent model → fraud model → index), with progress bars."""
    from bot.doctor import build_missing

    if target not in BUILD_TARGETS:
        raise typer.BadParameter(f"unknown target {target!r}; choose from {', '.join(BUILD_TARGETS)}")
    state = build_missing(BUILD_TARGETS[target], force=force)
    for name, entry in state.items():
        if BUILD_TARGETS[target] is None or name in BUILD_TARGETS[target]:
            typer.echo(f"{'✔' if entry['ok'] else '✘'} {name}: {entry.get('path', entry.get('error'))}")


def doctor(as_json: bool = typer.Option(False, "--json", help="Print the state as JSON.")) -> None:
    """Report the state of every artefact; exit code 0 only when all are ok."""
    from bot.doctor import report

    state = report()
    if as_json:
        typer.echo(json.dumps(state, ensure_ascii=False, indent=2))
    else:
        for name, entry in state.items():
            line = f"{'✔' if entry['ok'] else '✘'} {name}: {entry.get('path', '')}"
            if not entry["ok"]:
                line += f"\n    {entry.get('error', '')}\n    build with: {entry.get('build', '')}"
            typer.echo(line)
    raise typer.Exit(0 if all(e["ok"] for e in state.values()) else 1)


def serve(
    host: str = typer.Option(None, help="Interface to listen on (default from settings: 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default from settings: 8000)."),
    build_missing_artefacts: bool = typer.Option(True, "--build/--no-build", help="Build missing artefacts first."),
) -> None:
    """Start the HTTP service (API, chat window at /, agent console at /console)."""
    from pydantic import ValidationError

    from bot.api.server import run
    from bot.doctor import build_missing
    from bot.settings import Settings, get_settings

    try:
        settings = get_settings()
        if host and host != settings.host:  # the secrets check depends on where it listens
            settings = Settings(**{**settings.model_dump(), "host": host})
    except ValidationError as exc:
        for error in exc.errors():
            typer.echo(f"finbot serve: {error['msg'].removeprefix('Value error, ')}", err=True)
        raise typer.Exit(2) from None
    # The database is checked before anything is built or loaded: a bad FINBOT_DATABASE_URL, a server
    # that does not answer or a schema to upgrade stops the start-up here, with what to do.
    from bot.store import DatabaseError, open_store

    try:
        open_store(settings).close()
    except DatabaseError as exc:
        typer.echo(f"finbot serve: {exc}", err=True)
        raise typer.Exit(2) from None
    if build_missing_artefacts:
        build_missing()
    run(settings, settings.host, port or settings.port)


# -- finbot db: the conversation database's schema (bot.store.schema_history) --------------------
db_app = typer.Typer(help="The conversation database (FINBOT_DATABASE_URL): schema migrations.", no_args_is_help=True)


def _open_database():
    from bot.store import DatabaseError, open_database

    try:
        return open_database()
    except DatabaseError as error:
        typer.echo(f"finbot db: {error}", err=True)
        raise typer.Exit(2) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the configured database (FINBOT_DATABASE_URL; empty: the SQLite file under FINBOT_DATA_DIR)
    to this release's schema, in one transaction. Run it before starting the new release's replicas."""
    from bot.store import DatabaseError
    from bot.store.schema_history import describe_revision, upgrade

    with _open_database() as db:
        try:
            done = upgrade(db)
        except DatabaseError as error:
            typer.echo(f"finbot db upgrade: {error}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"database: {db.target.describe()}")
        if not done.applied:
            typer.echo(f"already at revision {describe_revision(done.after)}: nothing to do")
            return
        before = "an empty database" if done.before is None and not done.adopted_pre_alembic else \
            "the schema of the release before migrations" if done.before is None else f"revision {done.before}"
        typer.echo(f"upgraded from {before} to revision {done.after}:")
        for revision in done.applied:
            typer.echo(f"  applied {describe_revision(revision)}")


@db_app.command("current")
def db_current() -> None:
    """Print the configured database's schema revision and this release's; exit 1 unless they match."""
    from bot.store.schema_history import UPGRADE_COMMAND, current_state, describe_revision, head, revisions

    with _open_database() as db:
        state = current_state(db)
        typer.echo(f"database: {db.target.describe()}")
    if state.revision is None:
        found = ("none (made by the release before schema migrations)" if state.pre_alembic
                 else "none (brand-new: the first open creates it)" if state.brand_new else "none")
    elif state.revision in revisions():
        found = describe_revision(state.revision)
    else:
        found = f"{state.revision} (unknown to this release: a newer one migrated it)"
    typer.echo(f"revision: {found}")
    typer.echo(f"this release: {describe_revision(head())}")
    if state.revision != head():
        if state.revision is None or state.revision in revisions():
            typer.echo(f"run `{UPGRADE_COMMAND}` to upgrade it")
        raise typer.Exit(1)


def register(app: typer.Typer, train: typer.Typer, eval: typer.Typer, index: typer.Typer) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # Alembic chats at INFO on every import and every look at a database; `finbot db` says what it did.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app.command()(build)
    app.command()(doctor)
    app.command()(serve)
    app.add_typer(db_app, name="db")
