"""Plans and quotes as the API's JSON, as short Chinese chat text, and as CSV.

JSON (``plan_to_dict``) has exactly the shape of ``finbot plan --json``:
``{"periods": [{"index", "due_date", "principal", "interest", "fee", "payment", "balance"}],
"apr", "effective_apr", "total_interest", "total_fees", "total_payment", "flags"}``;
money is a decimal string with two places ("1732.38"), rates a decimal string of the
fraction with six places ("0.072000"), dates ISO.

Chat text shows the first periods, the last period, the totals, the annualised-rate
disclosure line and, when the plan is flagged, the cap warning.
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
        "warnings_zh": [w for w in (cap_warning(plan),) if w],
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
    """How the price was quoted: "年利率7.20%", "日利率0.0500%（折合年利率18.00%）", "月费率0.60%"."""
    price = plan.terms.price
    parts = []
    if price.annual_rate is not None:
        parts.append(f"年利率{format_percent(price.annual_rate)}")
    if price.daily_rate is not None:
        parts.append(f"日利率{format_percent(price.daily_rate, 4)}（折合年利率{format_percent(price.annual_interest_rate)}）")
    if price.monthly_fee_rate is not None:
        parts.append(f"月手续费率{format_percent(price.monthly_fee_rate)}")
    return "，".join(parts)


def _period_line(period: Period) -> str:
    parts = f"本金{format_yuan(period.principal)} + 利息{format_yuan(period.interest)}"
    if period.fee:
        parts += f" + 手续费{format_yuan(period.fee)}"
    return f"第{period.index}期 {period.due_date.isoformat()} 还{format_yuan(period.payment)}元（{parts}）"


def disclosure_line(plan: RepaymentPlan) -> str:
    return f"年化利率（按内部收益率IRR计算）：{format_percent(plan.apr)}，复利实际年化{format_percent(plan.effective_apr)}。"


def cap_warning(plan: RepaymentPlan) -> str | None:
    if FLAG_APR_ABOVE_CAP not in plan.flags:
        return None
    return (
        f"⚠️ 提醒：这个方案的年化利率为{format_percent(plan.apr)}，超过了{format_percent(plan.apr_cap)}的上限，"
        "借款成本较高，请谨慎考虑，也可以咨询官方客服了解其他方案。"
    )


def plan_to_chat(plan: RepaymentPlan) -> str:
    """A compact Chinese answer: terms, first periods, last period, totals, disclosure, warnings."""
    terms = plan.terms
    periods = plan.periods
    term = f"期限{terms.months}个月" if terms.method is Method.BULLET else f"分{len(periods)}期"
    lines = [
        f"借款{format_yuan(terms.principal)}元，{term}，{terms.method.label_zh}，{price_text(plan)}"
        + (f"，前期费用{format_yuan(terms.upfront_fee)}元" if terms.upfront_fee else "")
        + "。还款计划："
    ]
    shown = periods if len(periods) <= CHAT_FIRST_PERIODS + 1 else periods[:CHAT_FIRST_PERIODS]
    lines += [_period_line(p) for p in shown]
    if len(periods) > CHAT_FIRST_PERIODS + 1:
        hidden = len(periods) - CHAT_FIRST_PERIODS - 1
        lines.append(f"……（中间{hidden}期略）")
        lines.append(_period_line(periods[-1]))
    lines.append(
        f"合计：总还款{format_yuan(plan.total_payment)}元，其中本金{format_yuan(plan.total_principal)}元、"
        f"利息{format_yuan(plan.total_interest)}元、费用{format_yuan(plan.total_fees)}元。"
    )
    lines.append(disclosure_line(plan))
    if FLAG_ZERO_INTEREST_WITH_FEES in plan.flags:
        lines.append("注意：这个方案虽然利息为0，但收取手续费，实际借款成本以上面的年化利率为准。")
    warning = cap_warning(plan)
    if warning:
        lines.append(warning)
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
    head = "全部提前还清" if quote.mode is PrepaymentMode.FULL else f"提前还本金{format_yuan(quote.prepaid_principal)}元"
    lines = [
        f"如果在{quote.on.isoformat()}{head}，当天需还{format_yuan(quote.amount_due)}元："
        f"本金{format_yuan(quote.prepaid_principal)}元 + {quote.accrued_days}天利息{format_yuan(quote.accrued_interest)}元"
        + (f" + 违约金{format_yuan(quote.penalty)}元" if quote.penalty else "")
        + (f" + 手续费{format_yuan(quote.fees)}元" if quote.fees else "")
        + "。"
    ]
    if quote.remaining_plan is not None:
        remaining = quote.remaining_plan
        how = "缩短期限" if quote.mode is PrepaymentMode.SHORTER_TERM else "减少每期还款额"
        lines.append(
            f"之后剩余本金{format_yuan(remaining.terms.principal)}元按{how}处理：还剩{len(remaining.periods)}期，"
            f"下一期还{format_yuan(remaining.periods[0].payment)}元。"
        )
    if quote.saving >= 0:
        lines.append(f"和按原计划还款相比，一共可以少付{format_yuan(quote.saving)}元。")
    else:
        lines.append(f"由于违约金，和按原计划还款相比反而多付{format_yuan(-quote.saving)}元。")
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
    lines = [
        f"第{first.period_index}期（{first.due_date.isoformat()}到期，应还{format_yuan(first.instalment)}元）如果晚还："
    ]
    for row in rows:
        extra = (
            "在宽限期内，不收罚息"
            if row.within_grace
            else f"罚息{format_yuan(row.penalty_interest)}元"
            + (f" + 违约金{format_yuan(row.late_fee)}元" if row.late_fee else "")
        )
        lines.append(f"晚{row.days_late}天：共还{format_yuan(row.total_due)}元（{extra}）")
    lines.append(
        f"罚息按逾期本金每天计收，罚息年利率{format_percent(penalty_rate)}。逾期还可能影响个人征信，请尽量按时还款；"
        "确有困难可以申请延期或重新分期。"
    )
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
    lines = [
        f"您目前剩余本金{format_yuan(comparison.outstanding_principal)}元、还剩{comparison.periods_left}期。"
        "如果暂时还不上，可以向我们申请以下方案（以审核结果为准）："
    ]
    for number, o in enumerate(comparison.options, start=1):
        extra = "" if o.kind == "current" else f"，比原计划多付{format_yuan(o.extra_cost)}元"
        lines.append(
            f"{number}. {o.title}：下期还{format_yuan(o.next_payment)}元，之后每期约{format_yuan(o.regular_payment)}元，"
            f"{o.months_to_repay}个月还清，剩余总还款{format_yuan(o.total_payment)}元{extra}。{o.description}"
        )
    lines.append("延期和重新分期会增加总利息，请按自己的实际情况选择。主动联系我们协商，比逾期更能保护您的征信。")
    return "\n".join(lines)
