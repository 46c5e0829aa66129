"""Money and rates as :class:`decimal.Decimal`, and THE rounding rule.

The rounding rule, stated once for the whole generator
-------------------------------------------------------
Every amount of money the customer sees is an exact quantity, computed with 40 significant
digits and never rounded on the way, that is rounded **once, to the cent, half up**
(``ROUND_HALF_UP``: 0.005 → 0.01, 0.0049 → 0.00) by :func:`to_cents`. Nothing else in the
package rounds money. Where a column must add up exactly (principal to the amount borrowed),
the last period takes whatever is left, so the rounding residue lands there and nowhere else.

Rates (annual, daily, monthly fee) stay unrounded; only disclosed annualised rates are
rounded, by :func:`to_rate`, to six decimal places of a fraction (0.0001 %).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import ContextManager

from bot.repayment.errors import PlanError

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
# Precision of intermediate arithmetic: (1 + r)^360 and 40-digit balances stay exact far below
# a cent, for any amount the generator accepts (at most 10^8 yuan).
EXACT_DIGITS = 40
# Disclosed rates: a fraction with six decimal places, i.e. to 0.0001 %.
RATE_QUANTUM = Decimal("0.000001")
# The precision a customer sees a rate with (7.20 %), and the one the cap is checked against.
PERCENT_QUANTUM = Decimal("0.0001")


def to_cents(amount: Decimal) -> Decimal:
    """THE rounding rule: to the cent, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_rate(rate: Decimal, quantum: Decimal = RATE_QUANTUM) -> Decimal:
    """A disclosed rate (fraction), half up to ``quantum`` (default 0.0001 %)."""
    return rate.quantize(quantum, rounding=ROUND_HALF_UP)


def exact_arithmetic() -> ContextManager[Context]:
    """``with exact_arithmetic():`` — 40-digit intermediate arithmetic."""
    return localcontext(prec=EXACT_DIGITS)


def as_decimal(value: object, field: str) -> Decimal:
    """Read a user-given number (str, int, float or Decimal) as a finite Decimal.

    Floats go through ``repr`` so that 0.072 stays 0.072 and not its binary neighbour.
    """
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, bool):
            raise TypeError
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, (int, str)):
            number = Decimal(str(value).strip().replace(",", ""))
        else:
            raise TypeError
    except (InvalidOperation, TypeError, ValueError):
        raise PlanError(
            "not_a_number", f"“{value}”不是有效的数字，请重新输入。", f"{field} must be a number, got {value!r}"
        ) from None
    if not number.is_finite():
        raise PlanError("not_a_number", f"“{value}”不是有效的数字，请重新输入。", f"{field} must be a finite number")
    return number


def is_whole_cents(amount: Decimal) -> bool:
    return amount == amount.quantize(CENT)


def format_yuan(amount: Decimal) -> str:
    """20000 → ``20,000.00`` (always two decimals, thousands separated)."""
    return f"{to_cents(amount):,.2f}"


def format_percent(rate: Decimal, places: int = 2) -> str:
    """0.072 → ``7.20%``."""
    quantum = Decimal(1).scaleb(-places)
    return f"{(rate * 100).quantize(quantum, rounding=ROUND_HALF_UP)}%"
