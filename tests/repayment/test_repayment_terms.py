"""Loan terms: conversion of loose input and every rejection, each with a Chinese message for
the customer and an English detail for the API."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from bot.repayment import Coupons, Method, PlanError, loan_terms
from bot.repayment.dates import parse_date

VALID = {
    "principal": "20000",
    "months": 12,
    "method": "equal_installment",
    "annual_rate": "0.072",
    "start_date": "2026-01-15",
}


def terms_with(**changes):
    arguments = {**VALID, **changes}
    principal, months, method = arguments.pop("principal"), arguments.pop("months"), arguments.pop("method")
    return loan_terms(principal, months, method, **arguments)


def test_loose_input_becomes_exact_decimals():
    terms = terms_with(principal=20000, annual_rate=0.072, upfront_fee="1,000")
    assert terms.principal == Decimal("20000")
    assert terms.price.annual_rate == Decimal("0.072")  # not 0.07199999999999999
    assert terms.upfront_fee == Decimal("1000")
    assert terms.method is Method.EQUAL_INSTALLMENT
    assert terms.start_date == date(2026, 1, 15)
    assert terms.repayment_day == 15  # defaults to the start date's day
    assert terms.monthly_interest_rate == Decimal("0.006")


def test_a_daily_rate_is_a_360_day_year():
    terms = terms_with(annual_rate=None, daily_rate="0.0005")
    assert terms.annual_interest_rate == Decimal("0.18")
    assert terms.monthly_interest_rate == Decimal("0.015")


def test_a_rate_discount_coupon_lowers_the_charged_rate():
    terms = terms_with(annual_rate="0.18", coupons=Coupons(rate_discount=Decimal("0.2")))  # 利率八折
    assert terms.annual_interest_rate == Decimal("0.144")


def test_fee_only_pricing_is_zero_interest():
    terms = terms_with(method="fee_installment", annual_rate=None, monthly_fee_rate="0.006")
    assert terms.annual_interest_rate == 0
    assert terms.price.fee_rate == Decimal("0.006")


def test_start_date_defaults_to_today():
    assert loan_terms(1000, 3, annual_rate="0.1").start_date == date.today()


BAD_INPUT = [
    ({"principal": 0}, "principal_not_positive"),
    ({"principal": "-5000"}, "principal_not_positive"),
    ({"principal": "abc"}, "not_a_number"),
    ({"principal": "nan"}, "not_a_number"),
    ({"principal": "inf"}, "not_a_number"),
    ({"principal": "200000000"}, "principal_too_large"),
    ({"principal": "100.001"}, "principal_not_cents"),
    ({"months": 0}, "months_out_of_range"),
    ({"months": -3}, "months_out_of_range"),
    ({"months": 361}, "months_out_of_range"),
    ({"months": "2.5"}, "bad_months"),
    ({"months": "十二"}, "bad_months"),
    ({"annual_rate": "1"}, "rate_too_high"),
    ({"annual_rate": "7.2"}, "rate_too_high"),  # a percentage typed where a fraction belongs
    ({"annual_rate": "-0.01"}, "negative_rate"),
    ({"annual_rate": None, "daily_rate": "0.003"}, "rate_too_high"),  # 0.3 % a day = 108 % a year
    ({"annual_rate": None, "daily_rate": "-0.0001"}, "negative_rate"),
    ({"annual_rate": None, "monthly_fee_rate": "0.09"}, "rate_too_high"),  # 108 % a year
    ({"daily_rate": "0.0005"}, "two_interest_quotes"),
    ({"annual_rate": None}, "price_missing"),
    ({"method": "fee_installment"}, "fee_rate_missing"),
    ({"method": "balloon"}, "unknown_method"),
    ({"upfront_fee": "-1"}, "bad_upfront_fee"),
    ({"upfront_fee": "20000"}, "bad_upfront_fee"),
    ({"upfront_fee": "0.001"}, "bad_upfront_fee"),
    ({"repayment_day": 0}, "bad_repayment_day"),
    ({"repayment_day": 32}, "bad_repayment_day"),
    ({"start_date": "2026-02-30"}, "date_does_not_exist"),
    ({"start_date": "2026-02-29"}, "date_does_not_exist"),  # 2026 is not a leap year
    ({"start_date": "2025-13-01"}, "date_does_not_exist"),
    ({"start_date": "2026-04-31"}, "date_does_not_exist"),
    ({"start_date": "next tuesday"}, "bad_date"),
    ({"start_date": "1960-01-01"}, "date_out_of_range"),
    ({"coupons": Coupons(interest_free_periods=13)}, "bad_coupon"),
    ({"coupons": Coupons(interest_free_days=-1)}, "bad_coupon"),
    ({"coupons": Coupons(rate_discount=Decimal("1.5"))}, "bad_coupon"),
]


@pytest.mark.parametrize(("changes", "code"), BAD_INPUT)
def test_bad_input_is_rejected_with_both_messages(changes, code):
    with pytest.raises(PlanError) as caught:
        terms_with(**changes)
    error = caught.value
    assert error.code == code
    assert re.search(r"[\u4e00-\u9fff]", error.message_zh), "the customer message is Chinese"
    # The API detail is an English sentence (it may quote the customer's own input).
    own_words = re.sub(r"'[^']*'", "", error.detail_en)
    assert own_words.isascii() and len(re.findall(r"\b[a-z]{2,}\b", own_words)) >= 3, error.detail_en
    assert error.to_dict() == {"error": code, "message": error.message_zh, "detail": error.detail_en}
    assert str(error) == error.detail_en


def test_leap_day_and_other_date_spellings_are_accepted():
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("2026/1/5") == date(2026, 1, 5)
    assert parse_date("2026年1月5日") == date(2026, 1, 5)
    assert parse_date("20260105") == date(2026, 1, 5)


def test_terms_are_immutable():
    terms = terms_with()
    with pytest.raises(AttributeError):
        terms.principal = Decimal(1)  # type: ignore[misc]
