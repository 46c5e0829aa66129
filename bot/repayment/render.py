"""Plans and quotes as the API's JSON, as short Chinese chat text, and as CSV.

JSON (``plan_to_dict``) has exactly the shape of ``finbot plan --json``:
``{"periods": [{"index", "due_date", "principal", "interest", "fee", "payment", "balance"}],
"apr", "effective_apr", "total_interest", "total_fees", "total_payment", "flags", "notes_zh",
"warnings_zh"}``; money is a decimal string with two places ("1732.38"), rates a decimal string of
the fraction with six places ("0.072000"), dates ISO.

Chat text shows the first periods, the last period, the totals, the annualised-rate
disclosure line and, when the plan is flagged, its note or the cap warning. The words are templates
in ``knowledge/templates.yaml`` (``plan.*``, ``early.*``, ``late.*``, ``hardship.*``); this module
chooses which sentences an answer has and formats the figures.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from bot.repayment.early import EarlyRepaymentQuote, PrepaymentMode
from bot.repayment.hardship import HardshipComparison
from bot.repayment.money import format_percent, format_yuan, to_cents
from bot.repayment.overdue import OverdueCost, OverdueStatement
from bot.repayment.schedule import FLAG_APR_ABOVE_CAP, FLAG_ZERO_INTEREST_WITH_FEES, Period, RepaymentPlan
from bot.repayment.terms import Method
from bot.wording import say

CSV_COLUMNS = ("index", "due_date", "principal", "interest", "fee", "payment", "balance")
CHAT_FIRST_PERIODS = 3


def money(amount: Decimal) -> str:
    """A money amount for JSON and CSV: "1732.38"."""
    return str(to_cents(amount))


def period_to_dict(period: Period) -> dict[str, object]:
    return {
        "index": period.index,
        "due_date": period.due_date.isoformat(),
        "principal": money(period.principal),
        "interest": money(period.interest),
        "fee": money(period.fee),
        "payment": money(period.payment),
        "balance": money(period.balance),
    }


def plan_to_dict(plan: RepaymentPlan) -> dict[str, object]:
    """The API's plan object (the shape of ``finbot plan --json``)."""
    return {
        "periods": [period_to_dict(p) for p in plan.periods],
        "apr": str(plan.apr),
        "effective_apr": str(plan.effective_apr),
        "total_interest": money(plan.total_interest),
        "total_fees": money(plan.total_fees),
        "total_payment": money(plan.total_payment),
        "flags": list(plan.flags),
        # What the customer must be told beside the figures (the same words as the chat reply).
        "notes_zh": plan_notes(plan),
        "warnings_zh": plan_warnings(plan),
    }


def plan_to_csv(plan: RepaymentPlan) -> str:
    """One row per period, the same columns and formats as the JSON periods."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for period in plan.periods:
        row = period_to_dict(period)
        writer.writerow([row[column] for column in CSV_COLUMNS])
    return buffer.getvalue()


def price_text(plan: RepaymentPlan) -> str:
    """How the price was quoted: "年利率7.20%", "日利率0.0500%（折合年利率18.00%）", "月手续费率0.60%"."""
    price = plan.terms.price
    parts = []
    if price.annual_rate is not None:
        parts.append(say("price.annual", rate=format_percent(price.annual_rate)))
    if price.daily_rate is not None:
        parts.append(say("price.daily", daily_rate=format_percent(price.daily_rate, 4),
                         annual_rate=format_percent(price.annual_interest_rate)))
    if price.monthly_fee_rate is not None:
        parts.append(say("price.monthly_fee", rate=format_percent(price.monthly_fee_rate)))
    return "，".join(parts)


def _period_line(period: Period) -> str:
    fee = say("plan.period_fee", fee=format_yuan(period.fee)) if period.fee else ""
    split = say("plan.period_split", principal=format_yuan(period.principal), interest=format_yuan(period.interest), fee=fee)
    return say("plan.period", index=period.index, due_date=period.due_date.isoformat(), payment=format_yuan(period.payment),
               split=split)


def disclosure_line(plan: RepaymentPlan) -> str:
    return say("plan.disclosure", apr=format_percent(plan.apr), effective_apr=format_percent(plan.effective_apr))


def plan_notes(plan: RepaymentPlan) -> list[str]:
    """What the customer should know about how the plan is priced (a zero-interest plan with fees)."""
    return [say("plan.zero_interest_with_fees")] if FLAG_ZERO_INTEREST_WITH_FEES in plan.flags else []


def plan_warnings(plan: RepaymentPlan) -> list[str]:
    """What the customer must be warned of (an annualised rate above the cap)."""
    if FLAG_APR_ABOVE_CAP not in plan.flags:
        return []
    return [say("plan.apr_above_cap", apr=format_percent(plan.apr), cap=format_percent(plan.apr_cap))]


def plan_terms_line(plan: RepaymentPlan) -> str:
    """The plan's first line: amount, term, method and price ("借款20,000.00元，分12期，…。还款计划：")."""
    terms = plan.terms
    if terms.method is Method.BULLET:
        term = say("plan.term_months", months=terms.months)
    else:
        term = say("plan.term_periods", periods=len(plan.periods))
    upfront = say("plan.upfront_fee", fee=format_yuan(terms.upfront_fee)) if terms.upfront_fee else ""
    return say("plan.terms", principal=format_yuan(terms.principal), term=term, method=terms.method.label_zh,
               price=price_text(plan), upfront_fee=upfront)


def plan_to_chat(plan: RepaymentPlan) -> str:
    """A compact Chinese answer: terms, first periods, last period, totals, disclosure, notes, warnings."""
    periods = plan.periods
    lines = [plan_terms_line(plan)]
    shown = periods if len(periods) <= CHAT_FIRST_PERIODS + 1 else periods[:CHAT_FIRST_PERIODS]
    lines += [_period_line(p) for p in shown]
    if len(periods) > CHAT_FIRST_PERIODS + 1:
        lines.append(say("plan.periods_left_out", count=len(periods) - CHAT_FIRST_PERIODS - 1))
        lines.append(_period_line(periods[-1]))
    lines.append(say("plan.totals", total_payment=format_yuan(plan.total_payment),
                     total_principal=format_yuan(plan.total_principal), total_interest=format_yuan(plan.total_interest),
                     total_fees=format_yuan(plan.total_fees)))
    lines.append(disclosure_line(plan))
    lines += [say("plan.note_line", note=note) for note in plan_notes(plan)]
    lines += [say("plan.warning_line", warning=warning) for warning in plan_warnings(plan)]
    return "\n".join(lines)


# --- early repayment, overdue, hardship --------------------------------------------------


def early_quote_to_dict(quote: EarlyRepaymentQuote) -> dict[str, object]:
    return {
        "on": quote.on.isoformat(),
        "mode": quote.mode.value,
        "periods_paid": quote.periods_paid,
        "outstanding_principal": money(quote.outstanding_principal),
        "prepaid_principal": money(quote.prepaid_principal),
        "accrued_days": quote.accrued_days,
        "accrued_interest": money(quote.accrued_interest),
        "penalty": money(quote.penalty),
        "fees": money(quote.fees),
        "amount_due": money(quote.amount_due),
        "original_remaining_payment": money(quote.original_remaining_payment),
        "new_remaining_payment": money(quote.new_remaining_payment),
        "saving": money(quote.saving),
        "remaining_plan": plan_to_dict(quote.remaining_plan) if quote.remaining_plan else None,
    }


def early_quote_to_chat(quote: EarlyRepaymentQuote) -> str:
    if quote.mode is PrepaymentMode.FULL:
        what = say("early.full")
    else:
        what = say("early.partial", principal=format_yuan(quote.prepaid_principal))
    lines = [say("early.amount_due", on=quote.on.isoformat(), what=what, amount=format_yuan(quote.amount_due),
                 principal=format_yuan(quote.prepaid_principal), days=quote.accrued_days,
                 interest=format_yuan(quote.accrued_interest),
                 penalty=say("early.plus_penalty", amount=format_yuan(quote.penalty)) if quote.penalty else "",
                 fees=say("early.plus_fees", amount=format_yuan(quote.fees)) if quote.fees else "")]
    if quote.remaining_plan is not None:
        remaining = quote.remaining_plan
        how = say("early.shorter_term") if quote.mode is PrepaymentMode.SHORTER_TERM else say("early.lower_payment")
        lines.append(say("early.remaining", principal=format_yuan(remaining.terms.principal), how=how,
                         periods=len(remaining.periods), payment=format_yuan(remaining.periods[0].payment)))
    if quote.saving >= 0:
        lines.append(say("early.saving", amount=format_yuan(quote.saving)))
    else:
        lines.append(say("early.costs_more", amount=format_yuan(-quote.saving)))
    return "\n".join(lines)


def overdue_cost_to_dict(cost: OverdueCost) -> dict[str, object]:
    return {
        "period_index": cost.period_index,
        "due_date": cost.due_date.isoformat(),
        "days_late": cost.days_late,
        "paid_on": cost.paid_on.isoformat(),
        "instalment": money(cost.instalment),
        "overdue_principal": money(cost.overdue_principal),
        "within_grace": cost.within_grace,
        "penalty_interest": money(cost.penalty_interest),
        "late_fee": money(cost.late_fee),
        "total_due": money(cost.total_due),
    }


def overdue_statement_to_dict(statement: OverdueStatement) -> dict[str, object]:
    return {
        "as_of": statement.as_of.isoformat(),
        "penalty_rate": str(statement.penalty_rate),
        "items": [overdue_cost_to_dict(item) for item in statement.items],
        "total_due": money(statement.total_due),
    }


def late_table_to_chat(rows: list[OverdueCost], penalty_rate: Decimal) -> str:
    """“晚还N天要多少钱” as short lines."""
    if not rows:
        return ""
    first = rows[0]
    lines = [say("late.head", index=first.period_index, due_date=first.due_date.isoformat(),
                 instalment=format_yuan(first.instalment))]
    for row in rows:
        if row.within_grace:
            charges = say("late.within_grace")
        elif row.late_fee:
            charges = say("late.penalty_and_fee", penalty=format_yuan(row.penalty_interest), late_fee=format_yuan(row.late_fee))
        else:
            charges = say("late.penalty", penalty=format_yuan(row.penalty_interest))
        lines.append(say("late.row", days=row.days_late, amount=format_yuan(row.total_due), charges=charges))
    lines.append(say("late.rule", rate=format_percent(penalty_rate)))
    return "\n".join(lines)


def hardship_to_dict(comparison: HardshipComparison) -> dict[str, object]:
    return {
        "as_of": comparison.as_of.isoformat(),
        "outstanding_principal": money(comparison.outstanding_principal),
        "periods_left": comparison.periods_left,
        "options": [
            {
                "kind": o.kind,
                "title": o.title,
                "description": o.description,
                "relief_months": o.relief_months,
                "capitalised_interest": money(o.capitalised_interest),
                "next_payment": money(o.next_payment),
                "regular_payment": money(o.regular_payment),
                "months_to_repay": o.months_to_repay,
                "total_payment": money(o.total_payment),
                "total_cost": money(o.total_cost),
                "extra_cost": money(o.extra_cost),
                "plan": plan_to_dict(o.plan),
            }
            for o in comparison.options
        ],
    }


def hardship_to_chat(comparison: HardshipComparison) -> str:
    lines = [say("hardship.trial_head", principal=format_yuan(comparison.outstanding_principal),
                 periods=comparison.periods_left)]
    for number, o in enumerate(comparison.options, start=1):
        extra = "" if o.kind == "current" else say("hardship.extra_cost", amount=format_yuan(o.extra_cost))
        lines.append(say("hardship.trial_option", number=number, title=o.title, next_payment=format_yuan(o.next_payment),
                         regular_payment=format_yuan(o.regular_payment), months=o.months_to_repay,
                         total_payment=format_yuan(o.total_payment), extra=extra, description=o.description))
    lines.append(say("hardship.trial_advice"))
    return "\n".join(lines)
