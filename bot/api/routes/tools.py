"""Component routes: intent classification (batch), retrieval, repayment plan, fraud check."""

from __future__ import annotations

from fastapi import APIRouter

from bot.api.deps import ServicesDep
from bot.api.errors import ERROR_RESPONSES
from bot.api.schemas import (
    FraudCheckOut,
    FraudCheckRequest,
    IntentBatchOut,
    IntentBatchRequest,
    PlanOut,
    PlanRequest,
    RetrievalOut,
    RetrievalRequest,
)

router = APIRouter(prefix="/v1", tags=["components"], responses=ERROR_RESPONSES)


@router.post("/intent", response_model=IntentBatchOut,
             summary="Classify messages (batch): top-k intents with calibrated probabilities")
def classify(body: IntentBatchRequest, services: ServicesDep):
    predictions = services.intents.predict(body.texts, body.top_k)
    return {"results": [{"text": t, "confident": p.confident,
                         "top": [{"id": s.intent, "probability": round(s.probability, 4)} for s in p.top]}
                        for t, p in zip(body.texts, predictions)]}


@router.post("/retrieve", response_model=RetrievalOut, summary="Knowledge retrieval: hits with scores and sources")
def retrieve(body: RetrievalRequest, services: ServicesDep):
    hits = services.retriever.search(body.query, intent=body.intent, k=body.k, mode=body.mode)
    return {"query": body.query, "hits": [h.as_dict() for h in hits]}


@router.post("/plan", response_model=PlanOut,
             summary="Repayment plan with APR disclosure (same shape as `finbot plan --json`)")
def plan(body: PlanRequest):
    from bot.repayment.render import plan_to_dict
    from bot.repayment.schedule import build_plan
    from bot.repayment.terms import loan_terms

    # A PlanError (bad amount, term, rate or date) becomes a 422 with both languages (bot/api/errors.py).
    terms = loan_terms(body.principal, body.months, body.method, annual_rate=body.annual_rate,
                       daily_rate=body.daily_rate, monthly_fee_rate=body.monthly_fee_rate,
                       start_date=body.start, repayment_day=body.repayment_day, upfront_fee=body.upfront_fee or 0)
    return plan_to_dict(build_plan(terms))


@router.post("/fraud", response_model=FraudCheckOut, summary="Fraud check: level, scenario, score, evidence")
def fraud(body: FraudCheckRequest, services: ServicesDep):
    return services.fraud.assess(body.text).to_dict()
