"""CLI commands of this capability (registered by bot.cli)."""

from __future__ import annotations

import typer


def register(app: typer.Typer, train: typer.Typer, eval: typer.Typer, index: typer.Typer) -> None:
    """Add this capability's commands to the command tree."""
