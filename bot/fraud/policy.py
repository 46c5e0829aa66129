"""What the bot does with a fraud assessment, and the check every bot reply passes.

* A ``warning`` or ``critical`` assessment puts the scenario's warning, followed by the steps to
  take now, *before* whatever else the bot answers: the warning takes precedence over any reply.
* ``critical`` also alerts the agent console and offers the customer a human agent.
* ``check_reply_safe`` rejects any reply of the bot that asks the customer for a password, a
  verification code, card security data, or a transfer — the requests that define these scams, so
  the bot must never make them, whatever a knowledge entry or a template says. Warnings that tell
  the customer *not* to share or transfer are, of course, safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.fraud.catalogue import Catalogue
from bot.fraud.detector import FraudAssessment
from bot.fraud.normalize import fold

# Shown when the lender's hotline is not configured: never an invented number.
HOTLINE_PLACEHOLDER = "（请以本公司官方 App 或官网公布的客服电话为准）"
# The warning names what gave the scam away in this very message (the lexicon's evidence).
SIGNS_LINE = "这条消息里要警惕的可疑说法：{signs}。"  # 警惕: the reply check reads it as a warning
MAX_SIGNS = 6
HUMAN_OFFER = "如需人工帮助，请点击「转人工」，客服会马上为您处理；我们已同步提醒值班客服关注。"
# Said instead of a reply that failed the safety check.
SAFE_FALLBACK_REPLY = "为了您的资金安全，本公司不会向您索要验证码、密码，也不会要求您转账。请问还有什么可以帮您？"


@dataclass(frozen=True)
class FraudResponse:
    level: str
    scenario: str | None
    banner: str | None  # the warning put before the reply; None below the warning level
    alert_agent: bool  # raise an alert in the agent console
    offer_human: bool  # offer the customer a human agent

    def apply(self, reply: str) -> str:
        """The reply the customer sees: the warning first, then the rest of the answer."""
        if not self.banner:
            return reply
        return f"{self.banner}\n\n{reply}" if reply.strip() else self.banner


def load_hotline(company_file: Path | None = None) -> str:
    """The lender's official hotline from knowledge/company.yaml, or a neutral placeholder.
    Read again only when the file changes (an edit takes effect without a restart)."""
    if company_file is None:
        from bot.settings import get_settings

        company_file = get_settings().company_file
    try:
        stamp = Path(company_file).stat().st_mtime_ns
    except OSError:
        return HOTLINE_PLACEHOLDER
    return _read_hotline(str(company_file), stamp)


@lru_cache(maxsize=4)
def _read_hotline(company_file: str, _stamp: int) -> str:
    try:
        company = yaml.safe_load(Path(company_file).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return HOTLINE_PLACEHOLDER
    hotline = company.get("hotline") if isinstance(company, dict) else None
    return str(hotline).strip() if hotline else HOTLINE_PLACEHOLDER


def warning_text(catalogue: Catalogue, scenario_id: str, hotline: str, critical: bool = False,
                 signs: tuple[str, ...] = ()) -> str:
    """What is happening (the scenario's warning), the tell-tale signs found in this message, and
    what to do now (the shared steps)."""
    scenario = catalogue.scenarios[scenario_id]
    parts = [scenario.warning.format(hotline=hotline)]
    if signs:
        parts.append(SIGNS_LINE.format(signs="".join(f"「{sign}」" for sign in signs)))
    parts.append(catalogue.warning_actions.format(hotline=hotline))
    if critical:
        parts.append(HUMAN_OFFER)
    return "\n".join(part.strip() for part in parts)


def respond(assessment: FraudAssessment, catalogue: Catalogue, hotline: str | None = None) -> FraudResponse:
    """The policy for one assessment."""
    if not assessment.alert or assessment.scenario is None:
        return FraudResponse(assessment.level, assessment.scenario, None, False, False)
    critical = assessment.level == "critical"
    signs = tuple(dict.fromkeys(item.term for item in assessment.evidence))[:MAX_SIGNS]
    banner = warning_text(catalogue, assessment.scenario, hotline or load_hotline(), critical, signs)
    return FraudResponse(assessment.level, assessment.scenario, banner, alert_agent=critical, offer_human=critical)


# --- the reply check ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ReplySafety:
    safe: bool
    reasons: tuple[str, ...]  # what was found, with the offending clause

    def __bool__(self) -> bool:
        return self.safe


# Secrets the bot must never ask for.
_SECRET = r"(?:验证码|动态码|动态密码|校验码|短信码|密码|口令|cvv2?|cvn|安全码|卡背面[^，。]{0,6}(?:三位|数字)|背面三位)"
# Verbs that hand a secret over to someone (entering a code into the app itself is not one).
_HAND_OVER = r"(?:提供|告诉|告知|发送给|发给|发过来|发一下|报给|报一下|报出|回复|念给|念一下|读给|读一下|说出|说一下|截图|转发|给我|发我)"
_ASK_SECRET = [
    re.compile(_HAND_OVER + r"[^，。！？；]{0,12}?" + _SECRET),
    re.compile(_SECRET + r"[^，。！？；]{0,12}?(?:告诉我|发给我|给我|发我|发过来|报给我|回复给我|报一下|念一下|读一下|说一下|是多少|是什么)"),
    re.compile(r"(?:您|你)的" + _SECRET + r"(?:是|为)"),
]
_ASK_TRANSFER = [
    re.compile(
        r"(?:请|麻烦|需要|务必|尽快|马上|立即|立刻|先|把|将)[^，。！？；]{0,12}?"
        r"(?:转账|转帐|汇款|打款|转入|转到|汇到|打到|转给|汇给|转至|汇至)"
    ),
    re.compile(r"(?:转账|转帐|汇款|打款)(?:到|至|给|进)[^，。！？；]{0,10}?(?:账户|账号|卡号|银行卡|卡上|支付宝|微信)"),
    re.compile(r"安全账户|监管账户|核查账户|清查账户"),
]
# A clause that forbids or denies the request is a warning, not a request.
_NEGATION = re.compile(r"不要|不会|不能|不得|不可|不用|不需要|别|勿|切勿|绝不|从不|从来不|禁止|谨防|警惕|小心|拒绝|防止|千万不要|不存在|没有")
_CLAUSE = re.compile(r"[^。！？!?；;\n，,]+")


def check_reply_safe(text: str) -> ReplySafety:
    """Whether a reply of the bot is free of requests for secrets or transfers."""
    reasons = []
    for clause in _CLAUSE.findall(fold(text)):
        if _NEGATION.search(clause):
            continue
        if any(pattern.search(clause) for pattern in _ASK_SECRET):
            reasons.append(f"asks for a password or verification code: {clause.strip()}")
        if any(pattern.search(clause) for pattern in _ASK_TRANSFER):
            reasons.append(f"asks for a transfer: {clause.strip()}")
    return ReplySafety(not reasons, tuple(reasons))


def safe_reply(text: str) -> str:
    """``text`` when it passes :func:`check_reply_safe`, otherwise a safe fixed reply."""
    return text if check_reply_safe(text).safe else SAFE_FALLBACK_REPLY
