"""Reading amounts, terms, prices and methods from customers' Chinese messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.repayment import Method, PlanError
from bot.repayment.reader import (
    LoanRequest,
    next_question,
    parse_number,
    question_for,
    read_loan_request,
    terms_from_request,
)

D = Decimal
EI, EP, IF, BU, FI = (Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL, Method.INTEREST_FIRST, Method.BULLET,
                      Method.FEE_INSTALLMENT)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2万", 20000), ("1.5w", 15000), ("两千五", 2500), ("1万2", 12000), ("一万二", 12000),
        ("2万5千", 25000), ("两万五千", 25000), ("十万", 100000), ("三十万", 300000), ("5k", 5000),
        ("十二", 12), ("二十四", 24), ("一百零五", 105), ("一千零五十", 1050), ("一百五", 150),
        ("七点二", D("7.2")), ("壹万贰仟", 12000), ("3000", 3000),
    ],
)  # fmt: skip
def test_numbers(text, value):
    assert parse_number(text) == D(value)


# text → (amount, months, annual_rate, daily_rate, monthly_fee_rate, method); None = not said
CASES = [
    # the issue's own examples
    ("借2万分12期每月还多少", (20000, 12, None, None, None, None)),
    ("借1.5w分6期", (15000, 6, None, None, None, None)),
    ("两千五分3个月", (2500, 3, None, None, None, None)),
    ("借五千块一年", (5000, 12, None, None, None, None)),
    ("3000元分12期年化7.2%", (3000, 12, "0.072", None, None, None)),
    ("1万2分24个月日息万五", (12000, 24, None, "0.0005", None, None)),
    ("借10000，日利率0.05%，12期", (10000, 12, None, "0.0005", None, None)),
    ("月费率0.6%，借一万二，分12期", (12000, 12, None, None, "0.006", None)),
    ("利率18%借2万还一年", (20000, 12, "0.18", None, None, None)),
    ("借3万半年 等额本金", (30000, 6, None, None, None, EP)),
    ("先息后本借5万，两年，年化8%", (50000, 24, "0.08", None, None, IF)),
    # amounts
    ("我想借20000分12期", (20000, 12, None, None, None, None)),
    ("借一万块钱分三期", (10000, 3, None, None, None, None)),
    ("借兩萬分12期 年化7.2%", (20000, 12, "0.072", None, None, None)),  # Traditional characters
    ("借２万分１２期", (20000, 12, None, None, None, None)),  # full-width digits
    ("我要借30000块，分36期，日息0.03%", (30000, 36, None, "0.0003", None, None)),
    ("借款金额：50000，期限1年", (50000, 12, None, None, None, None)),
    ("借8百块 还三个月", (800, 3, None, None, None, None)),
    ("一千五分五期", (1500, 5, None, None, None, None)),
    ("借十二万分三十六期", (120000, 36, None, None, None, None)),
    ("额度5万 想分24期", (50000, 24, None, None, None, None)),
    ("借3k 6个月", (3000, 6, None, None, None, None)),
    ("贷款20万30年利率4.9%", (200000, 360, "0.049", None, None, None)),
    ("2026年1月15日借了3万，分12期", (30000, 12, None, None, None, None)),  # a date is not a term
    ("每月15号还款，借5000分6期", (5000, 6, None, None, None, None)),
    ("年化0.072借2万12期", (20000, 12, "0.072", None, None, None)),
    ("借2万 7.2% 12期", (20000, 12, "0.072", None, None, None)),  # a bare percentage reads as annual
    # terms
    ("借2万一年半 年化6%", (20000, 18, "0.06", None, None, None)),
    ("借1万 分十二期", (10000, 12, None, None, None, None)),
    ("借5000 三年", (5000, 36, None, None, None, None)),
    ("两年年利率10%借3万", (30000, 24, "0.1", None, None, None)),
    ("分6月还 借6000", (6000, 6, None, None, None, None)),
    ("那12期呢", (None, 12, None, None, None, None)),
    ("换成24期", (None, 24, None, None, None, None)),
    # prices
    ("年化7.2", (None, None, "0.072", None, None, None)),
    ("年利率是18%", (None, None, "0.18", None, None, None)),
    ("年化百分之十", (None, None, "0.1", None, None, None)),
    ("年化利率百分之九点六", (None, None, "0.096", None, None, None)),
    ("日息万分之三 借8千 12个月", (8000, 12, None, "0.0003", None, None)),
    ("日利率万2.5借1万", (10000, None, None, "0.00025", None, None)),
    ("每天万五的利息", (None, None, None, "0.0005", None, None)),
    ("日息0.05%", (None, None, None, "0.0005", None, None)),
    ("借8千，月息1%，分10期", (8000, 10, "0.12", None, None, None)),  # monthly interest × 12
    ("借5千，每期手续费0.5%，分12期", (5000, 12, None, None, "0.005", None)),
    ("手续费率百分之零点六", (None, None, None, None, "0.006", None)),
    ("0.05%", (None, None, None, "0.0005", None, None)),  # a tiny bare percentage reads as daily
    # methods
    ("借1万等额本息 利率7.2%", (10000, None, "0.072", None, None, EI)),
    ("等额本金借3万分两年，年化百分之十", (30000, 24, "0.1", None, None, EP)),
    ("按月付息到期还本", (None, None, None, None, None, IF)),
    ("一次性还本付息 借1万 6个月 年化12%", (10000, 6, "0.12", None, None, BU)),
    ("到期还本付息", (None, None, None, None, None, BU)),
    ("分期手续费怎么算 借6000分6期", (6000, 6, None, None, None, FI)),
    ("等額本金", (None, None, None, None, None, EP)),
    # nothing to read
    ("提前还款要多少钱", (None, None, None, None, None, None)),
    ("逾期了会怎样", (None, None, None, None, None, None)),
    ("还不上怎么办", (None, None, None, None, None, None)),
    ("万一还不上怎么办", (None, None, None, None, None, None)),
    ("利息2000", (2000, None, None, None, None, None)),  # not a rate: too large for a percentage
    ("你好", (None, None, None, None, None, None)),
    ("", (None, None, None, None, None, None)),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_read_loan_request(text, expected):
    amount, months, annual, daily, fee, method = expected
    request = read_loan_request(text)
    assert request.amount == (None if amount is None else D(amount))
    assert request.months == months
    assert request.annual_rate == (None if annual is None else D(annual))
    assert request.daily_rate == (None if daily is None else D(daily))
    assert request.monthly_fee_rate == (None if fee is None else D(fee))
    assert request.method == method


def test_missing_slots_and_their_questions():
    request = read_loan_request("借2万分12期每月还多少")
    assert request.missing == ("price",)
    assert next_question(request) == question_for("price") and "利率" in question_for("price")
    assert read_loan_request("我想借钱").missing == ("amount", "months", "price")
    assert "多少钱" in question_for("amount") and "几期" in question_for("months")
    assert "等额本息" in question_for("method")
    assert next_question(read_loan_request("借2万12期年化7.2%")) is None


def test_slots_carry_over_between_turns():
    first = read_loan_request("借2万分12期，年化7.2%")
    second = first.updated_with(read_loan_request("那24期呢"))
    assert (second.amount, second.months, second.annual_rate) == (D(20000), 24, D("0.072"))
    third = second.updated_with(read_loan_request("日息万五呢"))
    assert (third.annual_rate, third.daily_rate) == (None, D("0.0005"))


def test_terms_from_a_complete_request():
    terms = terms_from_request(read_loan_request("借2万分12期，年化7.2%，等额本金"), start_date=date(2026, 1, 15))
    assert (terms.principal, terms.months, terms.method) == (D(20000), 12, EP)
    assert terms.price.annual_rate == D("0.072")
    default = terms_from_request(read_loan_request("借2万分12期，年化7.2%"), start_date=date(2026, 1, 15))
    assert default.method is EI
    fee_only = terms_from_request(read_loan_request("借1万2分12期，月费率0.6%"), start_date=date(2026, 1, 15))
    assert fee_only.method is FI


def test_text_with_no_numbers_is_a_clear_error():
    with pytest.raises(PlanError) as caught:
        terms_from_request(read_loan_request("还款计划怎么算"))
    assert caught.value.code == "no_numbers"
    assert "借2万分12期" in caught.value.message_zh
    assert caught.value.detail_en == "no amount, term or price found in the text"


def test_an_incomplete_request_asks_for_what_is_missing():
    with pytest.raises(PlanError) as caught:
        terms_from_request(read_loan_request("借2万"))
    assert caught.value.code == "missing_months"
    assert caught.value.message_zh == question_for("months")


def test_read_values_are_still_validated():
    with pytest.raises(PlanError) as caught:
        terms_from_request(LoanRequest(amount=D(20000), months=500, annual_rate=D("0.1")))
    assert caught.value.code == "months_out_of_range"
