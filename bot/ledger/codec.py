"""The ledger's records as JSON: the wire format of the HTTP contract (``openapi.yaml``).

Money and rates travel as decimal strings ("3000.00", "0.18") so that no amount passes through
a binary float; dates are ISO strings. ``*_to_json`` writes what a core system serves,
``*_from_json`` reads it back strictly: a missing field, a wrong type or a float amount is a
:class:`CodecError`, never a guess.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.ledger.models import (
    CustomerProfile,
    HardshipArrangement,
    Loan,
    LoanStatus,
    Payment,
    PaymentKind,
)
from bot.repayment.dates import DayCount
from bot.repayment.early import EarlyRepaymentRules, PenaltyKind, PrepaymentPenalty
from bot.repayment.overdue import OverdueRules
from bot.repayment.render import money, period_to_dict
from bot.repayment.schedule import Period
from bot.repayment.terms import Method, Price


class CodecError(ValueError):
    """A record that does not follow the contract."""


# --- writing ------------------------------------------------------------------------------


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def profile_to_json(profile: CustomerProfile) -> dict[str, Any]:
    return {
        "customer_id": profile.customer_id,
        "name": profile.name,
        "phone_masked": profile.phone_masked,
        "registered_on": profile.registered_on.isoformat(),
        "credit_limit": money(profile.credit_limit),
    }


def loan_to_json(loan: Loan) -> dict[str, Any]:
    early, overdue, arrangement = loan.early_rules, loan.overdue_rules, loan.arrangement
    return {
        "loan_id": loan.loan_id,
        "customer_id": loan.customer_id,
        "product_name": loan.product_name,
        "principal": money(loan.principal),
        "price": {
            "annual_rate": _opt(loan.price.annual_rate),
            "daily_rate": _opt(loan.price.daily_rate),
            "monthly_fee_rate": _opt(loan.price.monthly_fee_rate),
        },
        "method": loan.method.value,
        "months": loan.months,
        "start_date": loan.start_date.isoformat(),
        "repayment_day": loan.repayment_day,
        "status": loan.status.value,
        "prepayment": {
            "day_count": early.day_count.value,
            "penalty": {"kind": early.penalty.kind.value, "rate": str(early.penalty.rate), "days": early.penalty.days},
            "charge_remaining_fees": early.charge_remaining_fees,
        },
        "overdue": {
            "penalty_markup": str(overdue.penalty_markup),
            "penalty_annual_rate": _opt(overdue.penalty_annual_rate),
            "late_fee": money(overdue.late_fee),
            "grace_days": overdue.grace_days,
            "day_count": overdue.day_count.value,
            "compound_on_interest": overdue.compound_on_interest,
        },
        "arrangement": None
        if arrangement is None
        else {
            "kind": arrangement.kind,
            "agreed_on": arrangement.agreed_on.isoformat(),
            "first_period": arrangement.first_period,
            "outstanding_principal": money(arrangement.outstanding_principal),
            "description": arrangement.description,
        },
        "settled_on": None if loan.settled_on is None else loan.settled_on.isoformat(),
    }


def period_to_json(period: Period) -> dict[str, Any]:
    return period_to_dict(period)


def payment_to_json(payment: Payment) -> dict[str, Any]:
    return {
        "payment_id": payment.payment_id,
        "loan_id": payment.loan_id,
        "paid_on": payment.paid_on.isoformat(),
        "kind": payment.kind.value,
        "period_index": payment.period_index,
        "amount": money(payment.amount),
        "principal": money(payment.principal),
        "interest": money(payment.interest),
        "fee": money(payment.fee),
        "charges": money(payment.charges),
    }


# --- reading ------------------------------------------------------------------------------


def _field(record: Any, name: str) -> Any:
    if not isinstance(record, dict):
        raise CodecError(f"expected an object holding {name!r}")
    if name not in record:
        raise CodecError(f"missing field {name!r}")
    return record[name]


def _str(record: Any, name: str) -> str:
    value = _field(record, name)
    if not isinstance(value, str):
        raise CodecError(f"{name!r} must be a string")
    return value


def _int(record: Any, name: str) -> int:
    value = _field(record, name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CodecError(f"{name!r} must be an integer")
    return value


def _opt_int(record: Any, name: str) -> int | None:
    return None if _field(record, name) is None else _int(record, name)


def _bool(record: Any, name: str) -> bool:
    value = _field(record, name)
    if not isinstance(value, bool):
        raise CodecError(f"{name!r} must be true or false")
    return value


def _decimal(record: Any, name: str) -> Decimal:
    value = _field(record, name)
    if not isinstance(value, str):  # floats are refused on purpose: amounts are exact strings
        raise CodecError(f"{name!r} must be a decimal string")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CodecError(f"{name!r} is not a decimal number") from None
    if not number.is_finite():
        raise CodecError(f"{name!r} is not a finite number")
    return number


def _opt_decimal(record: Any, name: str) -> Decimal | None:
    return None if _field(record, name) is None else _decimal(record, name)


def _date(record: Any, name: str) -> date:
    try:
        return date.fromisoformat(_str(record, name))
    except ValueError:
        raise CodecError(f"{name!r} is not an ISO date") from None


def _opt_date(record: Any, name: str) -> date | None:
    return None if _field(record, name) is None else _date(record, name)


def _enum(enum: type, record: Any, name: str) -> Any:
    try:
        return enum(_str(record, name))
    except ValueError:
        raise CodecError(f"{name!r} has an unknown value") from None


def profile_from_json(record: Any) -> CustomerProfile:
    return CustomerProfile(
        customer_id=_str(record, "customer_id"),
        name=_str(record, "name"),
        phone_masked=_str(record, "phone_masked"),
        registered_on=_date(record, "registered_on"),
        credit_limit=_decimal(record, "credit_limit"),
    )


def loan_from_json(record: Any) -> Loan:
    price = _field(record, "price")
    prepayment = _field(record, "prepayment")
    penalty = _field(prepayment, "penalty")
    overdue = _field(record, "overdue")
    arrangement = _field(record, "arrangement")
    return Loan(
        loan_id=_str(record, "loan_id"),
        customer_id=_str(record, "customer_id"),
        product_name=_str(record, "product_name"),
        principal=_decimal(record, "principal"),
        price=Price(
            annual_rate=_opt_decimal(price, "annual_rate"),
            daily_rate=_opt_decimal(price, "daily_rate"),
            monthly_fee_rate=_opt_decimal(price, "monthly_fee_rate"),
        ),
        method=_enum(Method, record, "method"),
        months=_int(record, "months"),
        start_date=_date(record, "start_date"),
        repayment_day=_int(record, "repayment_day"),
        status=_enum(LoanStatus, record, "status"),
        early_rules=EarlyRepaymentRules(
            day_count=_enum(DayCount, prepayment, "day_count"),
            penalty=PrepaymentPenalty(
                kind=_enum(PenaltyKind, penalty, "kind"), rate=_decimal(penalty, "rate"), days=_int(penalty, "days")
            ),
            charge_remaining_fees=_bool(prepayment, "charge_remaining_fees"),
        ),
        overdue_rules=OverdueRules(
            penalty_markup=_decimal(overdue, "penalty_markup"),
            penalty_annual_rate=_opt_decimal(overdue, "penalty_annual_rate"),
            late_fee=_decimal(overdue, "late_fee"),
            grace_days=_int(overdue, "grace_days"),
            day_count=_enum(DayCount, overdue, "day_count"),
            compound_on_interest=_bool(overdue, "compound_on_interest"),
        ),
        arrangement=None
        if arrangement is None
        else HardshipArrangement(
            kind=_str(arrangement, "kind"),
            agreed_on=_date(arrangement, "agreed_on"),
            first_period=_int(arrangement, "first_period"),
            outstanding_principal=_decimal(arrangement, "outstanding_principal"),
            description=_str(arrangement, "description"),
        ),
        settled_on=_opt_date(record, "settled_on"),
    )


def period_from_json(record: Any) -> Period:
    return Period(
        index=_int(record, "index"),
        due_date=_date(record, "due_date"),
        principal=_decimal(record, "principal"),
        interest=_decimal(record, "interest"),
        fee=_decimal(record, "fee"),
        payment=_decimal(record, "payment"),
        balance=_decimal(record, "balance"),
    )


def payment_from_json(record: Any) -> Payment:
    return Payment(
        payment_id=_str(record, "payment_id"),
        loan_id=_str(record, "loan_id"),
        paid_on=_date(record, "paid_on"),
        kind=_enum(PaymentKind, record, "kind"),
        period_index=_opt_int(record, "period_index"),
        amount=_decimal(record, "amount"),
        principal=_decimal(record, "principal"),
        interest=_decimal(record, "interest"),
        fee=_decimal(record, "fee"),
        charges=_decimal(record, "charges"),
    )
