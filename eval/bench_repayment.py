"""Benchmark: how long the repayment generator takes to build a plan.

Prints the median wall time to build a complete plan — schedule, totals, IRR disclosure and
flags — for a 360-month and a 12-month loan, with the disclosed annualised rate of each.
Target (issue 5): a 360-month schedule in ≤ 5 ms.

    python eval/bench_repayment.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from decimal import Decimal

from bot.repayment import LoanTerms, Method, RepaymentPlan, build_plan, loan_terms
from bot.repayment.money import format_percent

TARGET_360_MS = 5.0
CASES = (
    ("360 months, ¥1,000,000, 4.9 %, 等额本息", 1_000_000, 360, Method.EQUAL_INSTALLMENT, {"annual_rate": "0.049"}),
    ("360 months, ¥1,000,000, 4.9 %, 等额本金", 1_000_000, 360, Method.EQUAL_PRINCIPAL, {"annual_rate": "0.049"}),
    ("12 months, ¥20,000, 7.2 %, 等额本息", 20_000, 12, Method.EQUAL_INSTALLMENT, {"annual_rate": "0.072"}),
    ("12 months, ¥12,000, 月费率0.6 %, 分期手续费", 12_000, 12, Method.FEE_INSTALLMENT, {"monthly_fee_rate": "0.006"}),
)


def median_ms(terms: LoanTerms, repeat: int) -> tuple[float, RepaymentPlan]:
    build_plan(terms, apr_cap=Decimal("0.24"))  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        plan = build_plan(terms, apr_cap=Decimal("0.24"))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    worst_360 = 0.0
    for name, principal, months, method, price in CASES:
        terms = loan_terms(principal, months, method, start_date="2026-01-31", **price)
        ms, plan = median_ms(terms, args.repeat)
        if terms.months == 360:
            worst_360 = max(worst_360, ms)
        print(
            f"{name}: median {ms:.3f} ms over {args.repeat} builds; "
            f"APR {format_percent(plan.apr)} (effective {format_percent(plan.effective_apr)}), "
            f"total interest {plan.total_interest}, flags {list(plan.flags)}"
        )
    verdict = "meets" if worst_360 <= TARGET_360_MS else "MISSES"
    print(f"360-month plan: {worst_360:.3f} ms median — {verdict} the {TARGET_360_MS:.0f} ms target")


if __name__ == "__main__":
    main()
