"""CLI commands of this capability (registered by bot.cli): ``finbot plan``."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from bot.repayment.errors import PlanError
from bot.repayment.render import plan_to_chat, plan_to_csv, plan_to_dict
from bot.repayment.schedule import build_plan
from bot.repayment.terms import Method, loan_terms

# typer shows Enum members as the choices of --method.
MethodChoice = Enum("MethodChoice", {m.name: m.value for m in Method}, type=str)  # type: ignore[misc]


def plan(
    principal: str = typer.Option(..., "--principal", help="Amount borrowed in yuan, e.g. 20000."),
    months: int = typer.Option(..., "--months", help="Number of monthly periods (1–360)."),
    method: MethodChoice = typer.Option(  # type: ignore[valid-type]
        Method.EQUAL_INSTALLMENT.value, "--method", help="Repayment method.", case_sensitive=False
    ),
    annual_rate: Optional[str] = typer.Option(
        None, "--annual-rate", help="Annual interest rate as a fraction: 0.072 = 7.2%."
    ),
    daily_rate: Optional[str] = typer.Option(
        None, "--daily-rate", help="Daily interest rate as a fraction: 0.0005 = 万分之五."
    ),
    monthly_fee_rate: Optional[str] = typer.Option(
        None, "--monthly-fee-rate", help="Monthly fee on the original principal as a fraction: 0.006 = 0.6%."
    ),
    upfront_fee: str = typer.Option("0", "--upfront-fee", help="Fee paid at the start, in yuan."),
    start: Optional[str] = typer.Option(None, "--start", help="Start (disbursement) date, YYYY-MM-DD; default today."),
    repayment_day: Optional[int] = typer.Option(None, "--repayment-day", help="Day of month payments fall due (1–31)."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON (the API's shape)."),
    csv_file: Optional[Path] = typer.Option(None, "--csv", help="Also write the periods to this CSV file."),
) -> None:
    """Build a repayment plan (还款计划) with its annualised rate disclosed by the IRR method."""
    try:
        terms = loan_terms(
            principal,
            months,
            Method(method.value),
            annual_rate=annual_rate,
            daily_rate=daily_rate,
            monthly_fee_rate=monthly_fee_rate,
            start_date=start if start is not None else date.today(),
            repayment_day=repayment_day,
            upfront_fee=upfront_fee,
        )
        repayment_plan = build_plan(terms)
    except PlanError as error:
        typer.echo(f"错误：{error.message_zh}\nerror: {error.detail_en}", err=True)
        raise typer.Exit(code=1) from None
    if csv_file is not None:
        csv_file.write_text(plan_to_csv(repayment_plan), encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(plan_to_dict(repayment_plan), ensure_ascii=False, indent=2))
    else:
        typer.echo(plan_to_chat(repayment_plan))
        if csv_file is not None:
            typer.echo(f"CSV: {csv_file}")


def register(app: typer.Typer, train: typer.Typer, eval: typer.Typer, index: typer.Typer) -> None:
    """Add this capability's commands to the command tree."""
    app.command("plan")(plan)
