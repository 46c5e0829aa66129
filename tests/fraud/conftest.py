"""Examples shared by the fraud tests: what must fire and what must stay quiet."""

from __future__ import annotations

import pytest

from bot.fraud.catalogue import load_catalogue
from bot.fraud.patterns import PatternMatcher

# (message, scenario it is) — scammers' own messages pasted by customers, and customers' accounts.
MUST_FIRE = [
    ("有人打电话说我校园贷没注销", "student_loan_cancel"),
    ("【公安局】您涉嫌洗钱，请立即将资金转入安全账户配合调查，案情保密", "impersonate_authority"),
    ("贷款app说我银行卡号填错了，资金被冻结，要交3000解冻费才能放款", "upfront_fee_loan"),
    ("客服让我把收到的验证码发给他，说是帮我取消会员", "verification_code"),
    ("刚才有人打电话让我报一下手机上收到的验证码", "verification_code"),
    ("对方让我下载腾讯会议，打开屏幕共享，说要指导我操作退款", "screen_share"),
    ("有个中介说花三千块能把我征信上的逾期记录删掉", "credit_repair"),
    ("有个公司说可以代理退息，把利息全部退回来，要先交两千定金", "debt_relief_agent"),
    ("兼职群让我做刷单任务，前两单返利了，第三单要我先垫付五千", "task_rebate"),
    ("群里的导师带单炒币，说稳赚不赔，让我在你们这借钱入金", "fake_investment"),
    ("老板加我新微信说在开会不方便接电话，让我先转五万给供应商", "impersonate_acquaintance"),
    ("自称京东客服的人说我开通了百万保障，要我把借出来的钱转到指定账户才能关闭", "fake_customer_service"),
    ("說我的貸款卡號填錯了資金被凍結，要先交解凍費才能放款，是真的嗎", "upfront_fee_loan"),
]

# Ordinary questions that share the scams' words.
MUST_STAY_QUIET = [
    "怎么注销账户",
    "征信有误怎么申诉",
    "我要投诉催收",
    "提前还款有违约金吗",
    "验证码收不到怎么办",
    "保证金是什么",
    "手续费怎么算",
    "屏幕怎么截图",
    "客服电话多少",
    "可以转账还款吗",
    "我的额度被冻结了怎么解冻",
    "停息挂账是什么意思",
    "註銷帳戶要怎麼做",
]


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def matcher(catalogue):
    return PatternMatcher(catalogue)
