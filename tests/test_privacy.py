"""Personal-data masking: what must be masked, what must stay exactly as written, and the log filter."""

from __future__ import annotations

import io
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy import (
    PiiMaskingFilter,
    contains_secret,
    install_pii_filter,
    luhn_valid,
    mask_customer_id,
    mask_for_log,
    mask_pii,
    mask_token,
    redact_tokens,
)


# Test data generators, written independently of bot.privacy.
def with_luhn_digit(prefix: str) -> str:
    """``prefix`` plus the Luhn check digit that makes it a well-formed card number."""
    total = 0
    for position, ch in enumerate(reversed(prefix)):
        value = int(ch) * (2 if position % 2 == 0 else 1)  # the check digit will sit at position 0
        total += value - 9 if value > 9 else value
    return prefix + str((10 - total % 10) % 10)


def with_id_check_digit(body17: str) -> str:
    """GB 11643: the 18th character of a resident ID number."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights)) % 11]


def id_ending_in_x() -> str:
    for serial in range(1000):
        number = with_id_check_digit(f"32058319880516{serial:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit found")


CARD_19 = with_luhn_digit("621700001234567890")   # UnionPay debit, 19 digits
CARD_16 = with_luhn_digit("622588001234567")      # 16 digits
ID_18 = with_id_check_digit("11010119900307123")
ID_X = id_ending_in_x()


def test_generated_numbers_are_well_formed():
    assert luhn_valid(CARD_19) and luhn_valid(CARD_16)
    assert luhn_valid("4111111111111111") and luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112")
    assert ID_X.endswith("X") and len(ID_X) == 18


# ---------------------------------------------------------------------------------------------
# Phones
@pytest.mark.parametrize("text, expected", [
    ("13812345678", "138****5678"),
    ("我的手机是15900001111", "我的手机是159****1111"),
    ("手机号：199 8888 0000，请回电", "手机号：199 **** 0000，请回电"),
    ("138-1234-5678", "138-****-5678"),
    ("+8613812345678", "+86138****5678"),
    ("+86 138 1234 5678", "+86 138 **** 5678"),
    ("0086-13812345678", "0086-138****5678"),
    ("电话17712345678还有18612345678", "电话177****5678还有186****5678"),
    ("１３８１２３４５６７８", "１３８****５６７８"),  # full width: masked, the rest kept as typed
    ("手机13812345678 借20000元", "手机138****5678 借20000元"),
    ("订单号20240315，手机13812345678", "订单号20240315，手机138****5678"),
])
def test_mobile_numbers_are_masked(text, expected):
    assert mask_pii(text) == expected


# ---------------------------------------------------------------------------------------------
# ID cards
@pytest.mark.parametrize("text, expected", [
    (f"身份证{ID_18}", f"身份证110*************{ID_18[-2:]}"),
    (f"我的身份证号是{ID_X}。", f"我的身份证号是320*************{ID_X[-2:]}。"),
    (f"{ID_X[:-1]}x", f"320*************{ID_X[-2]}x"),
    (f"身份证 {ID_18[:6]} {ID_18[6:14]} {ID_18[14:]}", f"身份证 110*** ******** **{ID_18[-2:]}"),
    ("老身份证号110101900307123", "老身份证号110**********23"),
])
def test_id_card_numbers_are_masked(text, expected):
    assert mask_pii(text) == expected


def test_an_id_number_with_a_wrong_check_digit_is_still_masked():
    # A mistyped ID number is still somebody's ID number: the structure decides, not the checksum.
    wrong = ID_18[:-1] + str((int(ID_18[-1]) + 1) % 10) if ID_18[-1] != "X" else ID_18[:-1] + "0"
    assert "0307" not in mask_pii(f"身份证{wrong}")


# ---------------------------------------------------------------------------------------------
# Bank cards
@pytest.mark.parametrize("text, expected", [
    (CARD_19, CARD_19[:4] + "*" * 11 + CARD_19[-4:]),
    (f"还款卡{CARD_16}", f"还款卡{CARD_16[:4]}{'*' * 8}{CARD_16[-4:]}"),
    (" ".join([CARD_16[i:i + 4] for i in range(0, 16, 4)]),
     f"{CARD_16[:4]} **** **** {CARD_16[-4:]}"),
    ("-".join([CARD_19[i:i + 4] for i in range(0, 19, 4)]),
     f"{CARD_19[:4]}-****-****-***{CARD_19[15]}-{CARD_19[16:]}"),
    ("4111111111111111", "4111********1111"),
])
def test_bank_card_numbers_are_masked(text, expected):
    assert mask_pii(text) == expected


def test_a_number_called_a_card_is_masked_even_without_a_valid_checksum():
    not_luhn = CARD_16[:-1] + str((int(CARD_16[-1]) + 1) % 10)
    assert not luhn_valid(not_luhn)
    assert mask_pii(f"我的银行卡号{not_luhn}") == f"我的银行卡号{not_luhn[:4]}{'*' * 8}{not_luhn[-4:]}"
    assert mask_pii(not_luhn) == not_luhn  # without the word, a random 16-digit number is left alone


# ---------------------------------------------------------------------------------------------
# E-mail
@pytest.mark.parametrize("text, expected", [
    ("邮箱zhangsan@qq.com", "邮箱z***@qq.com"),
    ("发到 li.si+loan@example.com.cn 谢谢", "发到 l***@example.com.cn 谢谢"),
    ("13812345678@163.com", "1***@163.com"),
])
def test_emails_are_masked(text, expected):
    assert mask_pii(text) == expected


# ---------------------------------------------------------------------------------------------
# Names
@pytest.mark.parametrize("text, expected", [
    ("我叫张三", "我叫张*"),
    ("我是李四", "我是李*"),
    ("本人王小明", "本人王**"),
    ("姓名：赵六", "姓名：赵*"),
    ("姓名: 孙七", "姓名: 孙*"),
    ("你好，我叫刘德华，想问一下还款", "你好，我叫刘**，想问一下还款"),
    ("我叫张三想问一下提前还款", "我叫张*想问一下提前还款"),
    ("我叫张三明天还款", "我叫张*明天还款"),
    ("我是陈静，上个月借了2万", "我是陈*，上个月借了2万"),
    ("本人周杰想申请延期", "本人周*想申请延期"),
    ("我的名字是欧阳娜娜", "我的名字是欧阳**"),
    ("持卡人：黄小燕", "持卡人：黄**"),
    ("收款人张伟", "收款人张*"),
    ("我是韩梅梅想问问", "我是韩**想问问"),
    ("姓名是万小芳", "姓名是万**"),  # an ambiguous surname is accepted after an explicit cue
])
def test_names_given_by_the_customer_are_masked(text, expected):
    assert mask_pii(text) == expected


# ---------------------------------------------------------------------------------------------
# What must stay exactly as written
@pytest.mark.parametrize("text", [
    # amounts
    "我想借2万分12期",
    "借款20000元，每月还1833.33元",
    "额度50000，已用13500.00",
    "借150000能批吗",
    "利息一共1380元",
    "年化利率7.2%，日利率0.02%",
    "还了12345678元",  # phone-like but 8 digits
    "总共10000000000",  # 11 digits, but not a mobile prefix
    # dates and times
    "2024-03-15到期",
    "20240315还款",
    "2024年3月15日借的",
    "2024/03/15 14:30 扣款失败",
    "扣款时间20240315143000",
    # loan terms and ordinary numbers
    "分3期、6期、12期、24期、36期",
    "逾期12天了",
    "尾号5678的卡",
    # reference numbers
    f"订单号：{with_luhn_digit('202403151234567890')}",
    f"交易流水号 {with_luhn_digit('620000001111222')}",
    f"合同编号{ID_18}",
    "借据号L20240315000123456",
    "订单号 2024031512345678",
    "订单编号13812345678",
    # ordinary words after weak name cues
    "我是学生",
    "我是新用户",
    "我是高中生",
    "我是黄金会员",
    "我是程序员",
    "我是周末还的",
    "我是江苏的",
    "我是王先生",
    "我是朱总",
    "我是董事长",
    "我是赵总的秘书",
    "我是郑州人",
    "我是毛毛的妈妈",
    "我是马上消费的客户",
    "我是余额宝用户",
    "我是许多人推荐来的",
    "我是曾经逾期过",
    "我是不是逾期了",
    "我是想问提前还款",
    "本人已还款",
    "本人于2023年借款",
    "本人同意授权",
    "本人名下有两笔贷款",
    "姓名不对怎么改",
    "我叫客服帮我查",
    "",
])
def test_ordinary_text_is_not_masked(text):
    assert mask_pii(text) == text


@pytest.mark.parametrize("text,expected", [
    ("我的验证码是846213", "我的验证码是******"),
    ("验证码：8462", "验证码：******"),
    ("短信验证码 846213 请查收", "短信验证码 ****** 请查收"),
    ("我的密码是Qw8x7Zp2，帮我看看", "我的密码是******，帮我看看"),
    ("支付密碼 8888", "支付密碼 ******"),
    ("口令2468有效吗", "口令******有效吗"),
    ("PIN码1234", "PIN码******"),
    ("验证码13812345678", "验证码******"),  # a code, not a phone number to keep half of
])
def test_codes_and_passwords_are_masked(text, expected):
    assert mask_pii(text) == expected
    assert contains_secret(text) and not contains_secret(expected)


@pytest.mark.parametrize("text", ["密码是多少", "验证码收不到", "忘记密码怎么办", "密码错误3次被锁了", "验证码是几位数",
                                  "shopping1234", "我要改交易密码"])
def test_talk_about_codes_and_passwords_is_not_masked(text):
    assert mask_pii(text) == text and not contains_secret(text)


def test_masking_everything_in_one_message():
    text = (f"我叫张三，身份证{ID_18}，手机13812345678，"
            f"还款卡{CARD_19}，邮箱zs@qq.com，想借2万分12期，2024-03-15到期")
    masked = mask_pii(text)
    assert masked == (f"我叫张*，身份证110*************{ID_18[-2:]}，手机138****5678，"
                      f"还款卡{CARD_19[:4]}{'*' * 11}{CARD_19[-4:]}，邮箱z***@qq.com，想借2万分12期，2024-03-15到期")


_texty = st.text(alphabet=st.sampled_from(list("0123456789 -+@.:：，我是叫张三李四本人姓名借还款元万期abcX")),
                 max_size=60)


@settings(max_examples=300, deadline=None)
@given(_texty)
def test_masking_is_idempotent(text):
    once = mask_pii(text)
    assert mask_pii(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 -，我是叫张三本人借还款元万期")), max_size=60))
def test_masking_without_emails_only_replaces_characters_by_stars(text):
    masked = mask_pii(text)
    assert len(masked) == len(text)
    assert all(m == t or m == "*" for m, t in zip(masked, text))


# ---------------------------------------------------------------------------------------------
# Ids and tokens
def test_customer_ids_keep_two_characters_at_each_end():
    assert mask_customer_id("C000123456") == "C0*******6"
    assert mask_customer_id("abcde") == "ab**e"
    assert mask_customer_id("abcd") == "****"
    assert mask_customer_id(None) == "-"


def test_tokens_become_fingerprints():
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDMDAwMSJ9.c2lnbmF0dXJlMTIz"
    fingerprint = mask_token(token)
    assert token not in fingerprint and fingerprint.startswith("[token#")
    assert mask_token(token) == fingerprint != mask_token(token + "x")
    assert mask_token(None) == mask_token("") == "[no token]"
    for text in (f"Authorization: Bearer {token}", f"GET /v1/chat?token={token}&x=1", f'{{"token": "{token}"}}',
                 f"opened with {token}", "password=hunter2secret"):
        redacted = redact_tokens(text)
        assert token not in redacted and "hunter2secret" not in redacted, redacted
    assert redact_tokens("借2万分12期") == "借2万分12期"


# ---------------------------------------------------------------------------------------------
# Logging
@pytest.fixture
def captured_logger():
    """A private logger with a handler writing to a buffer, restored afterwards."""
    logger = logging.getLogger("finbot.test.privacy")
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, buffer
    logger.removeHandler(handler)
    logger.filters.clear()


def test_log_records_are_masked_in_message_and_arguments(captured_logger):
    logger, buffer = captured_logger
    install_pii_filter(logger)
    logger.info("customer 我叫张三 phone %s id %s", "13812345678", ID_18)
    logger.info("card %(card)s amount %(amount)s", {"card": CARD_19, "amount": 20000})
    logger.info("turn %s", {"text": "手机13812345678"})  # a non-string argument is rendered, then masked
    logger.info("auth Bearer %s", "abcdefghijklmnopqrstuvwxyz")
    out = buffer.getvalue()
    for secret in ("张三", "13812345678", ID_18, CARD_19, "abcdefghijklmnopqrstuvwxyz"):
        assert secret not in out
    assert "我叫张*" in out and "138****5678" in out and "amount 20000" in out


def test_records_of_child_loggers_are_masked_by_the_handler_filter(captured_logger):
    logger, buffer = captured_logger
    install_pii_filter(logger)
    logging.getLogger("finbot.test.privacy.child").warning("客户手机%s", "15900001111")
    assert "159****1111" in buffer.getvalue() and "15900001111" not in buffer.getvalue()


def test_exception_text_is_masked(captured_logger):
    logger, buffer = captured_logger
    install_pii_filter(logger)
    try:
        raise ValueError("bad phone 13812345678")
    except ValueError:
        logger.exception("failed for %s", "我叫李四")
    out = buffer.getvalue()
    assert "13812345678" not in out and "138****5678" in out and "我叫李*" in out
    assert "Traceback" in out


def test_argument_shapes_survive_for_formatters_that_read_args(captured_logger):
    logger, _ = captured_logger
    record = logger.makeRecord(logger.name, logging.INFO, __file__, 1, '%s - "%s %s" %d',
                               ("127.0.0.1:5000", "GET", "/v1/sessions?phone=13812345678", 200), None)
    assert PiiMaskingFilter().filter(record) is True
    assert isinstance(record.args, tuple) and record.args[3] == 200
    assert record.getMessage() == '127.0.0.1:5000 - "GET /v1/sessions?phone=138****5678" 200'


def test_install_is_idempotent_and_covers_the_root_handlers():
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root.addHandler(handler)
    try:
        first = install_pii_filter()
        assert install_pii_filter() is first
        assert sum(isinstance(f, PiiMaskingFilter) for f in handler.filters) == 1
        logging.getLogger("finbot.some.module").warning("我的手机是%s", "13812345678")
        assert "138****5678" in buffer.getvalue() and "13812345678" not in buffer.getvalue()
    finally:
        root.removeHandler(handler)
        root.filters[:] = [f for f in root.filters if not isinstance(f, PiiMaskingFilter)]


def test_mask_for_log_combines_both():
    assert mask_for_log("手机13812345678 token=abcdefgh12345678") == \
        f"手机138****5678 token={mask_token('abcdefgh12345678')}"


@settings(max_examples=300, deadline=None)
@given(amount=st.integers(min_value=0, max_value=9_999_999_999), cents=st.integers(0, 99),
       months=st.sampled_from([3, 6, 9, 12, 18, 24, 36]))
def test_amounts_and_terms_are_never_masked(amount, cents, months):
    for text in (f"借{amount}元分{months}期", f"还款金额{amount}.{cents:02d}", f"{amount:,}元",
                 f"额度 {amount} 已用 {cents}", f"{amount}"):
        assert mask_pii(text) == text


@settings(max_examples=300, deadline=None)
@given(day=st.dates(), hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_dates_and_times_are_never_masked(day, hour, minute):
    for text in (day.strftime("%Y-%m-%d"), day.strftime("%Y%m%d"), f"{day.year}年{day.month}月{day.day}日到期",
                 day.strftime("%Y/%m/%d") + f" {hour:02d}:{minute:02d}", day.strftime("%Y%m%d") + f"{hour:02d}{minute:02d}00"):
        assert mask_pii(text) == text
