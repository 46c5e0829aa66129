"""Repayment-plan generator: exact plans, disclosure, early repayment, overdue, hardship.

Read the modules in this order: ``money`` (the rounding rule), ``dates``, ``terms`` (what a
loan is), ``schedule`` (building a plan), ``apr`` (the disclosed annualised rate), ``early``,
``overdue``, ``hardship``, ``reader`` (numbers from Chinese text), ``render`` (JSON, chat, CSV)
and ``commands`` (``finbot plan``).
"""

from bot.repayment.errors import PlanError
from bot.repayment.schedule import Period, RepaymentPlan, build_plan
from bot.repayment.terms import Coupons, LoanTerms, Method, Price, loan_terms

__all__ = [
    "Coupons",
    "LoanTerms",
    "Method",
    "Period",
    "PlanError",
    "Price",
    "RepaymentPlan",
    "build_plan",
    "loan_terms",
]
