"""Reading a loan request from a customer's Chinese message (借2万分12期每月还多少).

:func:`read_loan_request` finds up to four slots and says which required ones are missing:

* amount — "2万", "1.5w", "两千五", "五千块", "3000元", "1万2", "借5000"
* months — "12期", "24个月", "一年", "半年", "一年半", "3年"
* price — "年化7.2%", "利率18%", "日息万五", "日利率0.05%", "月费率0.6%", "月息1%"
* method — "等额本息", "等额本金", "先息后本", "一次性还本付息", "分期手续费"

Prices are read first and cut out of the text, then dates, then terms, and what remains is
searched for the amount, so that "12期" is never read as ¥12 nor "年化7.2%" as a term of 7 years.
:func:`question_for` gives the Chinese question that asks for a missing slot, and
:func:`terms_from_request` turns a complete request into validated loan terms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.repayment.errors import PlanError
from bot.repayment.terms import LoanTerms, Method, loan_terms
from bot.wording import say

REQUIRED_SLOTS = ("amount", "months", "price")

# Slot → the template that asks for it.
_QUESTIONS = {"amount": "ask.amount", "months": "ask.months", "price": "ask.price", "method": "ask.method"}


@dataclass(frozen=True)
class LoanRequest:
    """What a message said about a loan; ``None`` where it said nothing."""

    amount: Decimal | None = None
    months: int | None = None
    annual_rate: Decimal | None = None
    daily_rate: Decimal | None = None
    monthly_fee_rate: Decimal | None = None
    method: Method | None = None

    @property
    def has_price(self) -> bool:
        return any(r is not None for r in (self.annual_rate, self.daily_rate, self.monthly_fee_rate))

    @property
    def missing(self) -> tuple[str, ...]:
        """Required slots not filled yet, in the order they are asked for."""
        present = {"amount": self.amount is not None, "months": self.months is not None, "price": self.has_price}
        return tuple(slot for slot in REQUIRED_SLOTS if not present[slot])

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def updated_with(self, newer: LoanRequest) -> LoanRequest:
        """Slots from a later turn replace earlier ones ("那12期呢" keeps the amount). A new
        interest quote replaces the other kind of interest quote."""
        changes = {f.name: getattr(newer, f.name) for f in fields(newer) if getattr(newer, f.name) is not None}
        if newer.annual_rate is not None:
            changes["daily_rate"] = None
        if newer.daily_rate is not None:
            changes["annual_rate"] = None
        return replace(self, **changes)


def question_for(slot: str) -> str:
    """The Chinese question asking for ``slot`` (amount, months, price or method)."""
    return say(_QUESTIONS[slot])


def next_question(request: LoanRequest) -> str | None:
    """The question for the first missing slot, or ``None`` when the request is complete."""
    return question_for(request.missing[0]) if request.missing else None


def terms_from_request(
    request: LoanRequest,
    *,
    start_date: date | None = None,
    default_method: Method = Method.EQUAL_INSTALLMENT,
) -> LoanTerms:
    """Validated terms from a complete request; otherwise a :class:`PlanError` whose Chinese
    message is the question to ask next."""
    if request.is_empty:
        raise PlanError(
            "no_numbers",
            "没有从您的消息里读到借款金额、期数或利率。您可以这样说：“借2万分12期，年化7.2%”。",
            "no amount, term or price found in the text",
        )
    if request.missing:
        slot = request.missing[0]
        raise PlanError(f"missing_{slot}", question_for(slot), f"the request is missing: {', '.join(request.missing)}")
    method = request.method or (
        Method.FEE_INSTALLMENT
        if request.monthly_fee_rate is not None and request.annual_rate is None and request.daily_rate is None
        else default_method
    )
    return loan_terms(
        request.amount,
        request.months,
        method,
        annual_rate=request.annual_rate,
        daily_rate=request.daily_rate,
        monthly_fee_rate=request.monthly_fee_rate,
        start_date=start_date,
    )


# --- numbers written in Chinese, Arabic digits or both -------------------------------------

_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = (("亿", 10**8), ("万", 10**4))
_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS)
# A number: starts with a digit (or 十, as in 十二) and runs through digits, units and a decimal point.
NUMBER = rf"(?:\d+(?:\.\d+)?|[{''.join(_DIGITS)}十拾])(?:\d|\.\d|点[{''.join(_DIGITS)}\d]|[{_NUMERAL_CHARS}万亿])*"
# A number of periods or years never contains 万, so "2万12期" reads as 2万 and 12期.
SMALL_NUMBER = rf"(?:\d+|[{''.join(_DIGITS)}十拾][{_NUMERAL_CHARS}]*)"


def parse_number(text: str) -> Decimal | None:
    """"2万" → 20000, "1.5w" → 15000, "两千五" → 2500, "一万二" → 12000, "1万2" → 12000,
    "十二" → 12, "一百零五" → 105, "七点二" → 7.2; ``None`` if it is not a number."""
    text = text.replace("w", "万").replace("W", "万").replace("k", "千").replace("K", "千")
    try:
        if "点" in text:  # a Chinese decimal: integer part, then digits one by one
            whole, _, tail = text.partition("点")
            if not tail or any(c not in _DIGITS and not c.isdigit() for c in tail):
                return None
            head = parse_number(whole) if whole else Decimal(0)
            return None if head is None else head + Decimal("0." + "".join(str(_DIGITS.get(c, c)) for c in tail))
        total, rest, last_big = Decimal(0), text, 0
        for unit, value in _BIG_UNITS:
            if unit in rest:
                head, _, rest = rest.partition(unit)
                head_value = _parse_section(head) if head else Decimal(1)
                total += head_value * value
                last_big = value
        if rest:
            if last_big and len(rest) == 1 and rest not in "零〇" and (rest in _DIGITS or rest.isdigit()):
                # Colloquial "一万二" / "1万2": a lone digit after 万 counts in thousands.
                total += Decimal(_DIGITS.get(rest, rest)) * (last_big // 10)
            else:
                total += _parse_section(rest)
        return total
    except (InvalidOperation, ValueError, KeyError):
        return None


def _parse_section(text: str) -> Decimal:
    """A number below 万: Arabic ("2500", "1.5"), Chinese ("两千五百", "两千五", "十二") or mixed ("2千5")."""
    total, current, last_unit, after_zero = Decimal(0), None, 0, False
    for token in re.findall(r"\d+(?:\.\d+)?|.", text):
        if token[0].isdigit():
            current = Decimal(token)
        elif token in _DIGITS:
            if _DIGITS[token] == 0:
                after_zero = True
            else:
                current = Decimal(_DIGITS[token])
        elif token in _SMALL_UNITS:
            unit = _SMALL_UNITS[token]
            total += (current if current is not None else Decimal(1)) * unit
            current, last_unit, after_zero = None, unit, False
        else:
            raise ValueError(token)
    if current is not None:
        # "两千五" means 2500: a trailing digit right after a unit counts in the next lower unit.
        total += current * (last_unit // 10) if last_unit >= 100 and not after_zero else current
    return total


# --- the slots -----------------------------------------------------------------------------

_TRADITIONAL = str.maketrans("萬億兩個額費貸還歲週點", "万亿两个额费贷还岁周点")
_PERCENT = r"[%％]"
_OPTIONAL_VERB = r"(?:是|为|:|：|约|大概|大约|在|只有|才)?\s*"

_DAILY_KEYWORDS = r"(?:日利率|日利息|日费率|日息|日率|每日利息|每天利息|每天)"
# A 年 right after a number belongs to the term ("30年利率4.9%" is 30年 + 利率4.9%).
_ANNUAL_KEYWORDS = rf"(?:(?<![\d{''.join(_DIGITS)}十半])(?:年化利率|年化费率|年化|年利率|年息|年费率|年率)|利率)"
_MONTHLY_FEE_KEYWORDS = (
    r"(?:月费率|月手续费率|月手续费|每月手续费率|每月手续费|每期手续费率|每期手续费|分期手续费率|手续费率|手续费|费率)"
)
_MONTHLY_INTEREST_KEYWORDS = r"(?:月利率|月息|月利息)"


def _rate_after(keywords: str) -> re.Pattern[str]:
    """A percentage after one of ``keywords``: "月费率0.6%", "月费率是百分之零点六"."""
    return re.compile(rf"{keywords}{_OPTIONAL_VERB}({NUMBER})\s*{_PERCENT}|{keywords}{_OPTIONAL_VERB}百分之({NUMBER})")


# 日息万五 / 日利率万分之五: a daily rate in units of 1/10000.
_DAILY_WAN = re.compile(rf"{_DAILY_KEYWORDS}{_OPTIONAL_VERB}万分之({NUMBER})|{_DAILY_KEYWORDS}{_OPTIONAL_VERB}万({NUMBER})")
_DAILY_PERCENT = _rate_after(_DAILY_KEYWORDS)
_MONTHLY_FEE = _rate_after(_MONTHLY_FEE_KEYWORDS)
_MONTHLY_INTEREST = _rate_after(_MONTHLY_INTEREST_KEYWORDS)
# An annual rate may come without "%" ("年化7.2"); group 2 tells whether it had one.
_ANNUAL = re.compile(
    rf"{_ANNUAL_KEYWORDS}{_OPTIONAL_VERB}({NUMBER})\s*({_PERCENT})?|{_ANNUAL_KEYWORDS}{_OPTIONAL_VERB}百分之({NUMBER})"
)
_BARE_PERCENT = re.compile(rf"({NUMBER})\s*{_PERCENT}|百分之({NUMBER})")

_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{1,2}\s*[日号]")
_HALF_YEAR = re.compile(r"半年")
_TERM = re.compile(rf"({SMALL_NUMBER})\s*(个月|期|年半|年)(?![化利息费率])|分\s*({SMALL_NUMBER})\s*(个?月)")
_AMOUNT = re.compile(rf"({NUMBER})\s*(万|[wW]|[kK]|千)?\s*(块钱|块|元|人民币|rmb|RMB)?")
_AMOUNT_CONTEXT = re.compile(r"(借|贷|额度|本金|金额|借款|贷款|取现|提现|分期|花了|花|买)\D{0,4}$")

_METHODS = (
    (re.compile(r"等额本息"), Method.EQUAL_INSTALLMENT),
    (re.compile(r"等额本金"), Method.EQUAL_PRINCIPAL),
    (re.compile(r"先息后本|按月付息[,，]?到期还本|每月还息[,，]?到期还本|每个?月只还利息"), Method.INTEREST_FIRST),
    (re.compile(r"一次性还本付息|到期一次性还本付息|到期还本付息|利随本清|到期一次性还清?"), Method.BULLET),
    (re.compile(r"分期手续费|手续费分期|按手续费分期"), Method.FEE_INSTALLMENT),
)


class _Message:
    """The text being read. What has been read is blanked out, so later patterns skip it."""

    def __init__(self, text: str) -> None:
        self.text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)

    def blank(self, match: re.Match[str]) -> None:
        start, end = match.span()
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]


def read_loan_request(text: str) -> LoanRequest:
    """The slots found in ``text`` (any of them may be ``None``)."""
    message = _Message(text)
    found: dict[str, object] = {}
    method = next((method for pattern, method in _METHODS if pattern.search(message.text)), None)
    if method is not None:
        found["method"] = method
    found.update(_read_price(message))
    for match in list(_DATE.finditer(message.text)):
        message.blank(match)
    months = _read_months(message)
    if months is not None:
        found["months"] = months
    amount = _read_amount(message.text)
    if amount is not None:
        found["amount"] = amount
    return LoanRequest(**found)  # type: ignore[arg-type]


def _first_number(match: re.Match[str]) -> Decimal | None:
    for group in match.groups():
        if group and group not in ("%", "％"):
            value = parse_number(group)
            if value is not None:
                return value
    return None


def _read_price(message: _Message) -> dict[str, Decimal]:
    hundred, ten_thousand = Decimal(100), Decimal(10000)

    def take(pattern: re.Pattern[str], scale: Decimal) -> Decimal | None:
        match = pattern.search(message.text)
        if not match:
            return None
        message.blank(match)
        value = _first_number(match)
        return None if value is None else value / scale

    daily = take(_DAILY_WAN, ten_thousand)
    if daily is None:
        daily = take(_DAILY_PERCENT, hundred)
    fee = take(_MONTHLY_FEE, hundred)
    monthly_interest = take(_MONTHLY_INTEREST, hundred)

    annual = None
    match = _ANNUAL.search(message.text)
    if match and (value := _first_number(match)) is not None:
        has_percent = bool(match.group(2)) or match.group(3) is not None
        if has_percent:
            annual = value / hundred
        elif value < 1:  # "年化0.072" is already a fraction
            annual = value
        elif value < 100:  # "年化7.2" means 7.2 %
            annual = value / hundred
        if annual is not None:
            message.blank(match)
    if annual is None and monthly_interest is not None:
        annual = monthly_interest * 12
    if annual is None and daily is None:
        # A bare percentage: 1 % and above reads as an annual rate, 0.1 % and below as a daily one.
        match = _BARE_PERCENT.search(message.text)
        if match and (value := _first_number(match)) is not None:
            message.blank(match)
            if value >= 1:
                annual = value / hundred
            elif value <= Decimal("0.1"):
                daily = value / hundred

    quoted = {"annual_rate": annual, "daily_rate": daily, "monthly_fee_rate": fee}
    return {name: rate for name, rate in quoted.items() if rate is not None}


def _read_months(message: _Message) -> int | None:
    """"12期", "24个月", "分6月", "一年", "一年半", "3年"; failing those, "半年"."""
    for match in _TERM.finditer(message.text):
        number_text, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        value = parse_number(number_text)
        if value is None or value <= 0:
            continue
        if unit == "年半":
            value = value * 12 + 6
        elif unit == "年":
            value *= 12
        if value != value.to_integral_value() or value > 1200:
            continue
        message.blank(match)
        return int(value)
    half = _HALF_YEAR.search(message.text)
    if half:
        message.blank(half)
        return 6
    return None


def _read_amount(text: str) -> Decimal | None:
    """The first number with a money unit (万, 千, 元, 块) or after a borrowing word (借5000);
    failing that, a lone number of 100 or more."""
    bare: list[Decimal] = []
    for match in _AMOUNT.finditer(text):
        value = parse_number(match.group(1))
        if value is None or value <= 0:
            continue
        unit, currency = match.group(2), match.group(3)
        if unit in ("万", "w", "W"):
            value *= 10000
        elif unit in ("千", "k", "K"):
            value *= 1000
        has_money_word = bool(unit or currency) or any(u in match.group(1) for u in "万千百亿")
        if has_money_word or (_AMOUNT_CONTEXT.search(text[: match.start()]) and value >= 100):
            return _plain(value)
        if value >= 100:
            bare.append(value)
    return _plain(bare[0]) if len(bare) == 1 else None


def _plain(amount: Decimal) -> Decimal:
    """15000.0 → 15000 (an amount as a customer would write it)."""
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


__all__ = [
    "REQUIRED_SLOTS",
    "LoanRequest",
    "next_question",
    "parse_number",
    "question_for",
    "read_loan_request",
    "terms_from_request",
]
