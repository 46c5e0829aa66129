"""Core commands: build artefacts, report their state, serve the API, chat in the terminal."""

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
    if build_missing_artefacts:
        build_missing()
    run(settings, settings.host, port or settings.port)


def register(app: typer.Typer, train: typer.Typer, eval: typer.Typer, index: typer.Typer) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app.command()(build)
    app.command()(doctor)
    app.command()(serve)
