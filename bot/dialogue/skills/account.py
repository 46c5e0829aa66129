"""Skills over the signed-in customer's own loans (issue 9): the current bill and due date, a
payoff quote, the overdue cost to date, hardship options on the real outstanding balance — with
"which of my loans?" when there are several. Figures come from the ledger and the repayment
generator (``bot.ledger.quotes``) and every reply says as of which date.
"""

from __future__ import annotations

import datetime as dt

from bot.dialogue.skills.base import SkillResult, Suggestion, TurnContext
from bot.ledger import LedgerError, quotes
from bot.wording import say

LOAN_SLOT = "loan"


def loans_overview(ledger, customer_id: str, as_of: dt.date | None = None) -> dict:
    """The customer's loans for the agent console."""
    return quotes.account_overview(ledger, customer_id, as_of or dt.date.today()).to_dict()


class _AccountSkill:
    name = "account"
    needs_loan = True

    def __init__(self, ledger, today=dt.date.today):
        self.ledger = ledger
        self.today = today

    def run(self, ctx: TurnContext) -> SkillResult:
        customer = ctx.state.customer_id
        as_of = self.today()
        try:
            if not self.needs_loan:
                return self.answer(ctx, customer, None, as_of)
            loans = quotes.open_loans(self.ledger, customer, as_of)
            if not loans:
                return SkillResult(say("account.no_open_loans", date=quotes.date_zh(as_of)), self.name)
            chosen = quotes.pick_loan(loans, ctx.text)
            if chosen is None and ctx.state.selected_loan:
                chosen = next((loan for loan in loans if loan.loan_id == ctx.state.selected_loan), None)
            if chosen is None:
                ctx.state.pending_slot = LOAN_SLOT
                names = [loan.label_zh for loan in loans]
                reply = say("account.which_loan", count=len(loans), loans="；".join(names))
                return SkillResult(reply, self.name, quick_replies=names, data={"loans": [l.loan_id for l in loans]})
            ctx.state.pending_slot = None
            ctx.state.selected_loan = chosen.loan_id
            return self.answer(ctx, customer, chosen.loan_id, as_of)
        except LedgerError as exc:
            return SkillResult(exc.message_zh, self.name, quick_replies=["转人工"], data={"error": exc.to_dict()})

    def answer(self, ctx: TurnContext, customer: str, loan_id: str | None, as_of: dt.date) -> SkillResult:
        raise NotImplementedError

    def picks_loan(self, customer: str, text: str) -> bool:
        """Whether ``text`` names one of the customer's open loans ("第一笔", "安心借", "L-2001")."""
        try:
            return quotes.pick_loan(quotes.open_loans(self.ledger, customer, self.today()), text) is not None
        except LedgerError:
            return False

    def _result(self, quote, key: str) -> SkillResult:
        text = quote.to_text()
        return SkillResult(text, self.name, data={key: quote.to_dict()},
                           suggestions=[Suggestion(text, 0.95, "借款账户（核心系统）+ 还款计划生成器", f"客户本人的{key}")])


class BillSkill(_AccountSkill):
    name = "account.bill"
    needs_loan = False

    def answer(self, ctx, customer, loan_id, as_of):
        return self._result(quotes.bill_summary(self.ledger, customer, as_of), "bill")


class PayoffSkill(_AccountSkill):
    name = "account.payoff"

    def answer(self, ctx, customer, loan_id, as_of):
        return self._result(quotes.payoff_quote(self.ledger, customer, loan_id, as_of), "payoff")


class OverdueCostSkill(_AccountSkill):
    name = "account.overdue"

    def answer(self, ctx, customer, loan_id, as_of):
        return self._result(quotes.overdue_cost(self.ledger, customer, loan_id, as_of), "overdue")


class HardshipOptionsSkill(_AccountSkill):
    name = "account.hardship"

    def answer(self, ctx, customer, loan_id, as_of):
        result = self._result(quotes.hardship_options(self.ledger, customer, loan_id, as_of), "hardship")
        result.quick_replies = ["转人工"]
        return result


def account_skills_for(ledger, today=dt.date.today) -> dict:
    """Skill name → account skill; intents.yaml's ``account_skill`` says which intent each serves."""
    skills = (BillSkill(ledger, today), PayoffSkill(ledger, today), OverdueCostSkill(ledger, today),
              HardshipOptionsSkill(ledger, today))
    return {skill.name: skill for skill in skills}
