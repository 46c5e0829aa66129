"""Personal-data masking: applied to every text before it is stored or logged.

What is masked (and how it looks afterwards):

- mainland mobile numbers, with or without ``+86``/``0086``/``86``, spaces or dashes (3-4-4):
  ``13812345678`` → ``138****5678`` (first 3 and last 4 kept, as Chinese apps display them);
- resident ID-card numbers, 18 digits (last may be ``X``) and the old 15-digit form, recognised by
  their structure (a province code and a real birth date): ``110101199003071234`` →
  ``110*************34``;
- bank-card numbers, 16–19 digits, contiguous or in groups of four: ``6222 0212 3456 7890`` →
  ``6222 **** **** 7890``. A bare digit run counts as a card only if it passes the Luhn check
  (that is what keeps long reference numbers and amounts apart from cards), or when the words
  just before it say it is a card (``卡号``, ``银行卡``…);
- e-mail addresses: ``zhangsan@qq.com`` → ``z***@qq.com``;
- verification codes and passwords the customer types after the word for them:
  ``我的验证码是123456`` → ``我的验证码是******``, ``密码：abc123`` → ``密码：******``;
- names the customer gives: ``我叫张三`` → ``我叫张*``, ``本人王小明`` → ``本人王**``,
  ``姓名：赵六`` → ``姓名：赵*``. The surname is kept (agents address customers by it).

Conservative by design: a false mask garbles an amount or a date the bot must answer about, so
only shapes that are very unlikely to be anything else are masked. Amounts (``2万``, ``20000元``),
dates (``20240315``, ``2024-03-15``), loan terms and ordinary words are left alone; so is a number
that the words just before it call an order, contract or transaction number (``订单号``,
``合同编号``…), and any digit run glued to letters (``L20240315000123``, loan and order ids).

Detection runs on a width-folded view of the text (full-width digits and letters mapped to ASCII,
same length) so ``１３８１２３４５６７８`` is caught too; replacements are applied to the
original text, which is otherwise returned unchanged. Masking is idempotent.

For logs, :func:`redact_tokens` removes bearer tokens, JWTs and ``token=…`` values, and
:class:`PiiMaskingFilter` applies both to every log record.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

__all__ = [
    "mask_pii",
    "contains_secret",
    "mask_customer_id",
    "mask_token",
    "redact_tokens",
    "mask_for_log",
    "PiiMaskingFilter",
    "install_pii_filter",
    "luhn_valid",
]

# ----------------------------------------------------------------------------------------------
# Width folding: full-width ASCII (U+FF01..U+FF5E) → ASCII, ideographic space → space. One char
# maps to one char, so spans found in the folded view are valid in the original text.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20


def _fold(text: str) -> str:
    return text.translate(_FOLD)


# A span to replace: (start, end, replacement) in the original text.
_Span = tuple[int, int, str]


def _mask_digits(segment: str, keep_head: int, keep_tail: int) -> str:
    """Replace the digits of ``segment`` by ``*``, except the first ``keep_head`` and last
    ``keep_tail`` digits; separators (spaces, dashes) stay where they are."""
    digit_positions = [i for i, ch in enumerate(segment) if ch.isdigit() or ch in "Xx"]
    hidden = set(digit_positions[keep_head: len(digit_positions) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(segment))


# ----------------------------------------------------------------------------------------------
# Context: the few characters before a number say what it is. The closest keyword wins, so
# "订单号…，手机13812345678" is still a phone number.
_CONTEXT_WINDOW = 8
_REFERENCE_WORDS = re.compile(
    r"订单|单号|流水|合同|借据|交易号|编号|工单|快递|运单|凭证|申请号|业务号|批次|序列号|券码|兑换码"
)
_PERSONAL_WORDS = re.compile(
    r"卡号|银行卡|储蓄卡|信用卡|借记卡|还款卡|收款卡|工资卡|账号|帐号|卡|手机|电话|号码|身份证|证件|联系"
)
_CARD_WORDS = re.compile(r"卡号|银行卡|储蓄卡|信用卡|借记卡|还款卡|收款卡|工资卡|账号|帐号|卡")


def _closest_keyword(view: str, start: int) -> str | None:
    """'reference' or 'personal' for the keyword closest before ``start``, or None."""
    window = view[max(0, start - _CONTEXT_WINDOW): start]
    best: tuple[int, str] | None = None
    for pattern, kind in ((_REFERENCE_WORDS, "reference"), (_PERSONAL_WORDS, "personal")):
        for match in pattern.finditer(window):
            if best is None or match.end() > best[0]:
                best = (match.end(), kind)
    return best[1] if best else None


def _is_reference_number(view: str, start: int) -> bool:
    return _closest_keyword(view, start) == "reference"


# Digit runs must stand alone: not glued to letters or digits, nor continuing a dashed number
# (2024-13812345678). A space before or after is fine: "手机 13812345678 借2万".
_NUM_START = r"(?<![0-9A-Za-z_])(?<![0-9]-)"
_NUM_END = r"(?![0-9A-Za-z_])(?!-[0-9])"

# ----------------------------------------------------------------------------------------------
# E-mail addresses.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")


def _find_emails(view: str) -> Iterable[_Span]:
    # A masked address ("z***@qq.com") no longer matches: "*" is not an address character.
    for m in _EMAIL.finditer(view):
        yield m.start(), m.end(), f"{m.group(1)[0]}***@{m.group(2)}"


# ----------------------------------------------------------------------------------------------
# Resident ID-card numbers. The first two digits are a province-level code.
_PROVINCES = {
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
}
_ID18 = re.compile(_NUM_START + r"([1-9][0-9]{5}) ?((?:18|19|20)[0-9]{6}) ?([0-9]{3}[0-9Xx])(?![0-9A-Za-z_])")
_ID15 = re.compile(_NUM_START + r"([1-9][0-9]{5})([0-9]{6})([0-9]{3})" + _NUM_END)


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        born = _dt.date(year, month, day)
    except ValueError:
        return False
    return born <= _dt.date.today()


def _find_id_cards(view: str) -> Iterable[_Span]:
    for m in _ID18.finditer(view):
        area, birth = m.group(1), m.group(2)
        if int(area[:2]) in _PROVINCES and _real_date(int(birth[:4]), int(birth[4:6]), int(birth[6:])) \
                and not _is_reference_number(view, m.start()):
            yield m.start(), m.end(), _mask_digits(m.group(0), 3, 2)
    for m in _ID15.finditer(view):
        area, birth = m.group(1), m.group(2)
        if int(area[:2]) in _PROVINCES and _real_date(1900 + int(birth[:2]), int(birth[2:4]), int(birth[4:])) \
                and not _is_reference_number(view, m.start()):
            yield m.start(), m.end(), _mask_digits(m.group(0), 3, 2)


# ----------------------------------------------------------------------------------------------
# Bank-card numbers: contiguous 16-19 digits, or groups of four (the last group 1-4 digits),
# or the 6+13 grouping some banks print.
_CARD = re.compile(
    _NUM_START
    + r"([1-9][0-9]{15,18}|[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})?|[0-9]{6}[ -][0-9]{10,13})"
    + _NUM_END
)


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum that every payment-card number carries in its last digit."""
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _find_bank_cards(view: str) -> Iterable[_Span]:
    for m in _CARD.finditer(view):
        digits = re.sub(r"[ -]", "", m.group(0))
        if not 16 <= len(digits) <= 19:
            continue
        context = _closest_keyword(view, m.start())
        if context == "reference":
            continue
        said_to_be_card = context == "personal" and _CARD_WORDS.search(
            view[max(0, m.start() - _CONTEXT_WINDOW): m.start()]) is not None
        if luhn_valid(digits) or said_to_be_card:
            yield m.start(), m.end(), _mask_digits(m.group(0), 4, 4)


# ----------------------------------------------------------------------------------------------
# Mainland mobile numbers: 1[3-9]x, 11 digits, 3-4-4 with optional single spaces/dashes, with an
# optional country prefix.
_PHONE = re.compile(
    _NUM_START
    + r"((?:\+|00)?86[ -]?)?(1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})"
    + _NUM_END
)


def _find_phones(view: str) -> Iterable[_Span]:
    for m in _PHONE.finditer(view):
        if _is_reference_number(view, m.start()):
            continue
        prefix = m.group(1) or ""
        yield m.start(), m.end(), prefix + _mask_digits(m.group(2), 3, 4)


# ----------------------------------------------------------------------------------------------
# Names the customer gives. A name is a known surname followed by one or two given-name
# characters. "Strong" cues (我叫, 姓名：, 名字是) announce a name; "weak" cues (我是, 本人) are
# followed by a name only sometimes (我是学生, 本人已还款), so after them the name must also end
# the clause, and only surnames that rarely begin ordinary words are considered.
_COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵钱严"
    "覃武戴莫孔汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹欧耿关兰焦俞左柳祝包尚舒阮柯纪梅童"
    "裴霍涂苗翁冉骆蓝饶艾尤穆卓吉缪褚娄窦戚岑卫柏瞿桂佟臧闵苟邬卞姬栾隋寇桑郎甄丛虞敖巩佘邝"
)
# Also surnames, but they begin everyday words (于是, 向银行, 成年, 安全, 明天…): strong cues only.
_AMBIGUOUS_SURNAMES = "于向成安常万文明司管路华师连宁甘凌毕季谷盛曲游辛房屈阳项宫费冷景席米宗池沙荣申单解车商党"
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "慕容", "司徒", "东方", "皇甫", "尉迟", "公孙", "令狐", "夏侯",
    "长孙", "宇文", "轩辕", "独孤", "南宫", "端木", "西门", "呼延",
)
# Characters that are (almost) never part of a given name but often follow a surname-like
# character in ordinary speech: function words, money, time, loan vocabulary.
_NOT_GIVEN_NAME = set(
    "的了是在有不没也都就还要想请问吗呢吧啊呀哦嗯么着过和与或跟给让被把从对到去来说讲叫找用借贷款钱元块"
    "号码卡机电话身份证年月日天周期上下前后今昨刚已再又才先现正将会能可以该应需你我他她它们这那哪什怎谁"
    "几多少个些每各所此其之而但如果因为然经办理申逾额度利息账户客服员人经谢您好呗嘛哈啦家里省市区县州"
    "先生女士姐哥叔阿总某座逼匠性手长师工"
)
# Words that a weak cue may precede and that look like surname + given name.
_NOT_A_NAME = {
    "高中", "高中生", "高管", "高手", "高级", "高龄", "黄金", "白户", "白领", "蓝领", "王者", "金卡",
    "金主", "钱包", "房东", "房主", "程序", "程序猿", "石油", "孔乙己", "江湖", "金融", "金牌", "钟点工",
    "龙头", "牛人", "毛头", "叶子", "苗条", "温柔", "丁克", "雷锋", "何时", "何处", "许可",
    "周末", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "周岁",
    "江苏", "江西", "沈阳", "岳阳", "邵阳", "吉林", "秦皇", "温岭", "龙岩", "黄石", "石林",
    "黄牛", "孙子", "罗马", "宋体", "金牛", "董事", "段子", "钟表", "马甲", "朱砂", "高铁", "龙年",
}
_STRONG_CUE = (r"我叫|我的名字(?:是|叫)?|名字(?:是|叫)|姓名(?:是|为|叫)?|户名(?:是)?|持卡人(?:是)?"
               r"|收款人(?:是)?|联系人(?:是)?")
_WEAK_CUE = r"我是|本人"
_CUE = re.compile(rf"(?P<strong>{_STRONG_CUE})|(?P<weak>{_WEAK_CUE})")
_CUE_GAP = re.compile(r"[ \t]*[:：]?[ \t]*")
# After a weak cue the name must end the clause: end of text, punctuation, or one of these words.
_CLAUSE_END = re.compile(
    r"$|[\s,，。.!！?？;；:：、)）~～…]|[0-9]|想|要|请|问|需要|申请|咨询|借|还|来|身份证|手机|电话|卡号|银行卡|本人"
    r"|今天|明天|后天|昨天"
)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _surname_at(view: str, pos: int, strong: bool) -> int:
    """Length of the surname starting at ``pos`` (0 when there is none)."""
    if view[pos: pos + 2] in _COMPOUND_SURNAMES:
        return 2
    ch = view[pos: pos + 1]
    if ch and (ch in _COMMON_SURNAMES or (strong and ch in _AMBIGUOUS_SURNAMES)):
        return 1
    return 0


def _find_names(view: str) -> Iterable[_Span]:
    for cue in _CUE.finditer(view):
        strong = cue.group("strong") is not None
        pos = _CUE_GAP.match(view, cue.end()).end() if strong else cue.end()
        surname_len = _surname_at(view, pos, strong)
        if not surname_len:
            continue
        given_start = pos + surname_len
        given_max = 0
        while given_max < 2 and given_start + given_max < len(view):
            ch = view[given_start + given_max]
            if not _is_han(ch) or ch in _NOT_GIVEN_NAME:
                break
            given_max += 1
        if not given_max:
            continue
        # The longest given name that ends the clause ("我叫张三明天还" → 张三). A weak cue needs
        # one; after a strong cue the longest candidate will do.
        ending = [n for n in range(given_max, 0, -1) if _CLAUSE_END.match(view, given_start + n)]
        if not strong:
            ending = [n for n in ending if view[pos: given_start + n] not in _NOT_A_NAME
                      and view[pos: pos + 2] not in _NOT_A_NAME]
        given_len = ending[0] if ending else (given_max if strong else 0)
        if given_len:
            yield pos, given_start + given_len, view[pos:given_start] + "*" * given_len


# ----------------------------------------------------------------------------------------------
# Detectors in priority order: where spans overlap, the earlier detector wins.
# ----------------------------------------------------------------------------------------------
# Secrets customers type: a verification code or password right after the word for it
# (我的验证码是123456, 密码：abc123, 支付密碼 8888). The word stays, the value becomes ******. The
# value must be at least 4 letters or digits, so 密码是多少 / 验证码收不到 are left alone.
_SECRET_WORDS = (r"(?:短信|手机|动态|安全|登录|登陆|支付|交易|取款|银行卡|卡)?"
                 r"(?:验证码|驗證碼|校验码|校驗碼|动态码|動態碼|密码|密碼|口令|pin码|PIN码|pin|PIN)")
_SECRET = re.compile(rf"(?<![A-Za-z])(?P<word>{_SECRET_WORDS})(?P<gap>(?:是|为|為|[:：=\s])*)(?P<value>[A-Za-z0-9]{{4,}})(?![A-Za-z0-9])")
SECRET_MASK = "******"


def _find_secrets(view: str) -> Iterable[_Span]:
    for match in _SECRET.finditer(view):
        yield match.start("value"), match.end("value"), SECRET_MASK


def contains_secret(text: str) -> bool:
    """True when ``text`` gives away a verification code or password (see :func:`mask_pii`)."""
    return bool(text) and _SECRET.search(_fold(text)) is not None


# Secrets first: 验证码13812345678 is a code, not a phone number to keep half of.
_DETECTORS: tuple[Callable[[str], Iterable[_Span]], ...] = (
    _find_secrets, _find_emails, _find_id_cards, _find_bank_cards, _find_phones, _find_names,
)


def mask_pii(text: str) -> str:
    """Mask phone, ID-card and bank-card numbers, e-mail addresses and given names in ``text``."""
    if not text:
        return text
    view = _fold(text)
    taken: list[_Span] = []
    for detect in _DETECTORS:
        for start, end, replacement in detect(view):
            if any(start < t_end and t_start < end for t_start, t_end, _ in taken):
                continue
            if len(replacement) == end - start:
                # Built from the folded view: keep the original characters wherever nothing is
                # hidden, so full-width digits stay full-width.
                replacement = "".join(o if r == v else r
                                      for r, v, o in zip(replacement, view[start:end], text[start:end]))
            taken.append((start, end, replacement))
    if not taken:
        return text
    out, cursor = [], 0
    for start, end, replacement in sorted(taken):
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def mask_customer_id(customer_id: str | None) -> str:
    """A customer id for logs, the agent console and the ledger's access log (one rule for all, so
    the same customer reads the same everywhere): ``c-1003`` → ``c-***3``,
    ``6222021234567890`` → ``62************90``. Ids of 4 characters or fewer are hidden
    entirely; ``None`` (an anonymous session) gives ``"-"``."""
    if customer_id is None:
        return "-"
    text = str(customer_id)
    if len(text) <= 4:
        return "*" * len(text)
    keep_head, keep_tail = (2, 1) if len(text) < 12 else (2, 2)
    return text[:keep_head] + "*" * (len(text) - keep_head - keep_tail) + text[-keep_tail:]


def mask_token(token: str | None) -> str:
    """A token for logs: never the token, only a short fingerprint, so that two log lines about
    the same token can be matched (``[token#1a2b3c4d]``)."""
    if not token:
        return "[no token]"
    return f"[token#{hashlib.sha256(token.encode('utf-8')).hexdigest()[:8]}]"


_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_BEARER = re.compile(r"(?i)\b(bearer\s+)([A-Za-z0-9._~+/=-]{8,})")
_SECRET_FIELD = re.compile(
    r"""(?ix)\b((?:access_|refresh_|session_|auth_|id_)?token|secret|password|passwd|api_?key|authorization)
        (["']?\s*[:=]\s*["']?)
        (?!\[token\#|-(?:[\s"'&,;}]|$))  # already a fingerprint, or a value the access log removed ("-")
        ([^\s"'&,;}]+)"""
)


def redact_tokens(text: str) -> str:
    """Replace bearer tokens, JWTs and ``token=…``/``"password": "…"`` values by fingerprints."""
    if not text:
        return text
    text = _SECRET_FIELD.sub(lambda m: m.group(1) + m.group(2) + mask_token(m.group(3)), text)
    text = _BEARER.sub(lambda m: m.group(1) + mask_token(m.group(2)), text)
    return _JWT.sub(lambda m: mask_token(m.group(0)), text)


def mask_for_log(text: str) -> str:
    """Everything a log line must not carry: personal data and tokens."""
    return redact_tokens(mask_pii(text))


# ----------------------------------------------------------------------------------------------
# Logging.
_PLAIN_ARG_TYPES = (int, float, Decimal, bool, type(None))


def _mask_arg(value):
    if isinstance(value, str):
        return mask_for_log(value)
    if isinstance(value, _PLAIN_ARG_TYPES):
        return value
    # Any other object is rendered now (as %s would) so that its text can be masked.
    return mask_for_log(str(value))


class PiiMaskingFilter(logging.Filter):
    """Masks personal data and tokens in every record it sees; never drops a record.

    The message template and each argument are masked separately, and the arguments keep their
    shape (tuple or mapping), so formatters that read ``record.args`` (uvicorn's access log) still
    work. Only when the joined message still shows something (a token after a ``Bearer %s``
    template) is the record collapsed into one masked message without arguments. Exception and
    stack texts are rendered and masked here too.

    A filter on a *logger* only sees records logged through that logger, not those propagated from
    its children; a filter on a *handler* sees everything that handler emits. Use
    :func:`install_pii_filter`, which puts it on both.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_pii_masked", False):
            return True
        try:
            if isinstance(record.msg, str):
                record.msg = mask_for_log(record.msg)
            elif record.msg is not None:
                record.msg = mask_for_log(str(record.msg))
            if isinstance(record.args, Mapping):
                record.args = {key: _mask_arg(value) for key, value in record.args.items()}
            elif isinstance(record.args, tuple):
                record.args = tuple(_mask_arg(value) for value in record.args)
            # Something split between template and arguments ("Bearer %s") shows only once they
            # are joined: then the joined, masked text replaces both.
            message = record.getMessage()
            joined = mask_for_log(message)
            if joined != message:
                record.msg, record.args = joined, None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = mask_for_log(record.exc_text)
            if record.stack_info:
                record.stack_info = mask_for_log(record.stack_info)
        except Exception:  # a logging filter must never break the caller
            return True
        record._pii_masked = True
        return True


def install_pii_filter(logger: logging.Logger | None = None) -> PiiMaskingFilter:
    """Install one :class:`PiiMaskingFilter` on ``logger`` (default: the root logger) and on each of
    its current handlers; idempotent. Handlers added later, and loggers that do not propagate
    (``uvicorn.access``), need their own call."""
    logger = logger if logger is not None else logging.getLogger()
    existing = next((f for f in logger.filters if isinstance(f, PiiMaskingFilter)), None)
    masking = existing or PiiMaskingFilter()
    if existing is None:
        logger.addFilter(masking)
    for handler in logger.handlers:
        if not any(isinstance(f, PiiMaskingFilter) for f in handler.filters):
            handler.addFilter(masking)
    return masking
