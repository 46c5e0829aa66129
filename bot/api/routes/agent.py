"""Agent-console routes (X-Agent-Key): live sessions, transcripts, suggestions, feedback, alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from bot.api.deps import ServicesDep, agent_key
from bot.api.errors import AUTH_RESPONSES, CONFLICT_RESPONSES, ERROR_RESPONSES, NOT_FOUND_RESPONSES, ApiError
from bot.api.guards import AGENT_PREFIX
from bot.api.schemas import (
    AgentReplyRequest,
    AlertsOut,
    ClaimOut,
    ClaimRequest,
    FeedbackReportOut,
    FeedbackRequest,
    HandoffsOut,
    OkOut,
    RowId,
    SessionDetailOut,
    SessionId,
    SessionsOut,
    SessionStatus,
    TurnIdOut,
)
from bot.api.services import Services

# The guard checks the key on every path under AGENT_PREFIX: the router must live there.
router = APIRouter(prefix=AGENT_PREFIX.rstrip("/"), tags=["agent"], dependencies=[Depends(agent_key)],
                   responses={**ERROR_RESPONSES, **AUTH_RESPONSES})
SessionPath = Annotated[SessionId, Path(description="The session id (32 hex digits)")]
IdPath = Annotated[RowId, Path(description="A positive 64-bit id")]


def _session(services: Services, session_id: str) -> dict:
    from bot.store import NotFound

    try:
        return services.store.get_session(session_id)
    except NotFound:
        raise ApiError(404, f"unknown session id {session_id}", "会话不存在。") from None


@router.get("/sessions", response_model=SessionsOut, summary="Live sessions, newest activity first")
def sessions(services: ServicesDep, status: SessionStatus | None = None,
             limit: Annotated[int, Query(ge=1, le=1000)] = 50):
    return {"sessions": services.store.list_sessions(status=status, limit=limit)}


@router.get("/handoffs", response_model=HandoffsOut, summary="The handoff queue, with each session's summary")
def handoffs(services: ServicesDep):
    queue = [{**session, "summary": _session(services, session["id"]).get("handoff_summary_json") or {}}
             for session in services.store.list_sessions(limit=200, handoff=True) if session["status"] != "closed"]
    return {"handoffs": queue}


@router.get("/sessions/{session_id}", response_model=SessionDetailOut, responses=NOT_FOUND_RESPONSES,
            summary="Transcript, suggestions of the latest customer message, slots, flags")
def session_detail(session_id: SessionPath, services: ServicesDep):
    from bot.dialogue.state import SessionState

    session = _session(services, session_id)
    turns = services.store.list_turns(session_id)
    state = SessionState.from_json(session.get("state_json"))
    latest = next((t for t in reversed(turns) if t["role"] == "customer"), None)
    suggestions = services.store.list_suggestions(latest["id"]) if latest else []
    loans = None
    if state.customer_id and services.ledger is not None:
        from bot.dialogue.skills.account import loans_overview
        from bot.ledger import LedgerError

        try:
            loans = loans_overview(services.ledger, state.customer_id, services.settings.business_date)
        except LedgerError as exc:  # the console still shows the transcript
            loans = {"error": exc.message_zh}
    return {
        "session": {k: v for k, v in session.items() if k not in ("state_json", "handoff_summary_json")},
        "turns": turns,
        "suggestions": suggestions,
        "slots": state.slots,
        "fraud_flags": state.fraud_flags,
        "handoff_summary": session.get("handoff_summary_json"),
        "loans": loans,
    }


@router.post("/sessions/{session_id}/reply", response_model=TurnIdOut, responses=NOT_FOUND_RESPONSES,
             summary="Send an agent's reply into the session")
def agent_reply(session_id: SessionPath, body: AgentReplyRequest, services: ServicesDep):
    from bot.fraud.policy import check_reply_safe

    _session(services, session_id)
    safety = check_reply_safe(body.text)  # agents are held to the same rule as the bot
    if not safety.safe:
        raise ApiError(422, "reply refused: " + "; ".join(safety.reasons),
                       "这条回复不能发送：" + "；".join(safety.reasons), code="reply_refused")
    with services.store.transaction():
        turn_id = services.store.add_turn(session_id, "agent", body.text, skill="agent")
        services.store.update_session(session_id, status="with_agent")
    return {"turn_id": turn_id}


@router.post("/sessions/{session_id}/claim", response_model=ClaimOut,
             responses={**NOT_FOUND_RESPONSES, **CONFLICT_RESPONSES},
             summary="Take a session from the handoff queue (atomic: of two agents, one gets it)")
def claim_session(session_id: SessionPath, body: ClaimRequest, services: ServicesDep):
    from bot.store import ClaimConflict

    _session(services, session_id)
    try:
        session = services.store.claim_session(session_id, body.agent_id)
    except ClaimConflict as conflict:
        if conflict.status == "closed":
            raise ApiError(409, str(conflict), "会话已结束，无法接入。", code="session_closed") from None
        raise ApiError(409, str(conflict), "这位客户已由其他客服接待。", code="already_claimed") from None
    return {"session_id": session_id, **{key: session[key] for key in ("claimed_by", "claimed_at", "status")}}


@router.post("/sessions/{session_id}/close", response_model=OkOut, responses=NOT_FOUND_RESPONSES,
             summary="Close a session: it leaves the live list and the handoff queue")
def close_session(session_id: SessionPath, services: ServicesDep):
    _session(services, session_id)
    services.store.update_session(session_id, status="closed", handoff=False)
    return {"ok": True}


@router.post("/suggestions/{suggestion_id}/feedback", response_model=OkOut, responses=NOT_FOUND_RESPONSES,
             summary="Mark a suggestion used, edited or rejected")
def feedback(suggestion_id: IdPath, body: FeedbackRequest, services: ServicesDep):
    from bot.store import NotFound

    try:
        services.store.add_feedback(suggestion_id, body.verdict, body.final_text, body.agent_id)
    except NotFound:
        raise ApiError(404, f"unknown suggestion id {suggestion_id}", "没有找到这条建议回复。") from None
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    return {"ok": True}


@router.get("/feedback/report", response_model=FeedbackReportOut, summary="Suggestion acceptance per intent")
def feedback_report(services: ServicesDep):
    return services.store.feedback_report()


@router.get("/alerts", response_model=AlertsOut, summary="Fraud alerts")
def alerts(services: ServicesDep, unacknowledged_only: bool = True):
    return {"alerts": services.store.list_alerts(unacknowledged_only)}


@router.post("/alerts/{alert_id}/ack", response_model=OkOut, responses=NOT_FOUND_RESPONSES,
             summary="Acknowledge a fraud alert")
def acknowledge(alert_id: IdPath, services: ServicesDep):
    from bot.store import NotFound

    try:
        services.store.acknowledge_alert(alert_id)
    except NotFound:
        raise ApiError(404, f"unknown alert id {alert_id}", "没有找到这条预警。") from None
    return {"ok": True}
