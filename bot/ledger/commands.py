"""CLI commands of this capability (registered by bot.cli): ``finbot ledger seed | token | show``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Optional

import typer

ledger_app = typer.Typer(help="The customer-account ledger: demo data, session tokens, account views.", no_args_is_help=True)


def _parse_day(value: Optional[str], option: str) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} must be a date like 2026-11-22, got {value!r}") from None


@ledger_app.command("seed")
def seed(
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Anchor date of the demo data (YYYY-MM-DD); default today."),
    db: Optional[Path] = typer.Option(None, "--db", help="SQLite file to write; default settings.ledger_path (data/ledger.sqlite3)."),
) -> None:
    """Create (or re-anchor) the demo customers c-1001…c-1005 in the embedded SQLite ledger. Idempotent."""
    from bot.ledger.seed import seed_demo_ledger
    from bot.settings import get_settings

    report = seed_demo_ledger(db or get_settings().ledger_path, _parse_day(as_of, "--as-of"))
    typer.echo(f"ledger: {report.path} (anchored to {report.seeded_on.isoformat()})")
    for customer in report.customers:
        typer.echo(f"  {customer.profile.customer_id} {customer.profile.name}: {customer.story}")


@ledger_app.command("token")
def token(
    customer_id: str = typer.Argument(..., help="The customer the session token names, e.g. c-1002."),
    ttl: Optional[int] = typer.Option(None, "--ttl", help="Validity in seconds; default settings.token_ttl_seconds."),
) -> None:
    """Print a signed session token naming CUSTOMER_ID (for demos and tests; the app's backend issues real ones)."""
    from bot.auth import issue_token
    from bot.ledger import open_ledger
    from bot.ledger.errors import AccessDenied, LedgerUnavailable

    try:
        open_ledger().profile(customer_id)
    except AccessDenied:
        typer.echo(f"warning: the ledger has no customer {customer_id!r}; sessions with this token will find no account", err=True)
    except LedgerUnavailable as error:
        typer.echo(f"warning: could not check the customer in the ledger: {error.detail_en}", err=True)
    try:
        typer.echo(issue_token(customer_id, ttl))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


@ledger_app.command("show")
def show(
    customer_id: str = typer.Argument(..., help="Customer id, e.g. c-1003."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date of the view (YYYY-MM-DD); default today."),
    as_json: bool = typer.Option(False, "--json", help="Print the overview as JSON."),
) -> None:
    """Show a customer's loans, bill and quotes as the bot would answer them (for agents and demos)."""
    from bot.ledger import open_ledger
    from bot.ledger.errors import LedgerError
    from bot.ledger.quotes import account_overview, hardship_options, open_loans, overdue_cost, payoff_quote

    ledger = open_ledger()
    day = _parse_day(as_of, "--as-of")
    try:
        overview = account_overview(ledger, customer_id, day)
        if as_json:
            typer.echo(json.dumps(overview.to_dict(), ensure_ascii=False, indent=2))
            return
        typer.echo(overview.to_text())
        typer.echo("\n" + overview.bill.to_text())
        for loan in open_loans(ledger, customer_id, day):
            for quote in (payoff_quote, overdue_cost, hardship_options):
                typer.echo("\n" + quote(ledger, customer_id, loan.loan_id, day).to_text())
    except LedgerError as error:
        typer.echo(f"{error.message_zh}\nerror: {error.detail_en}", err=True)
        raise typer.Exit(1) from None


def register(app: typer.Typer, train: typer.Typer, eval: typer.Typer, index: typer.Typer) -> None:
    """Add this capability's commands to the command tree."""
    app.add_typer(ledger_app, name="ledger")
