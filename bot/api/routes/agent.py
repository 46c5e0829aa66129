"""Agent-console routes (X-Agent-Key): live sessions, transcripts, suggestions, feedback, alerts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from bot.api.deps import ready_services, require_agent
from bot.api.schemas import AgentReplyRequest, FeedbackRequest
from bot.api.services import Services

router = APIRouter(prefix="/v1/agent", tags=["agent"], dependencies=[Depends(require_agent)])


def _session(services: Services, session_id: str) -> dict:
    from bot.store import NotFound

    try:
        return services.store.get_session(session_id)
    except NotFound:
        raise HTTPException(404, detail=f"unknown session id {session_id!r}") from None


@router.get("/sessions", summary="Live sessions, newest activity first")
def sessions(status: str | None = None, limit: int = 50, services: Services = Depends(ready_services)):
    return {"sessions": services.store.list_sessions(status=status, limit=limit)}


@router.get("/handoffs", summary="The handoff queue, with each session's summary")
def handoffs(services: Services = Depends(ready_services)):
    queue = [{**session, "summary": _session(services, session["id"]).get("handoff_summary_json") or {}}
             for session in services.store.list_sessions(limit=200, handoff=True) if session["status"] != "closed"]
    return {"handoffs": queue}


@router.get("/sessions/{session_id}", summary="Transcript, suggestions of the latest customer message, slots, flags")
def session_detail(session_id: str, services: Services = Depends(ready_services)):
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


@router.post("/sessions/{session_id}/reply", summary="Send an agent's reply into the session")
def agent_reply(session_id: str, body: AgentReplyRequest, services: Services = Depends(ready_services)):
    from bot.fraud.policy import check_reply_safe

    _session(services, session_id)
    safety = check_reply_safe(body.text)  # agents are held to the same rule as the bot
    if not safety.safe:
        raise HTTPException(422, detail="reply refused: " + "; ".join(safety.reasons))
    with services.store.transaction():
        turn_id = services.store.add_turn(session_id, "agent", body.text, skill="agent")
        services.store.update_session(session_id, status="with_agent")
    return {"turn_id": turn_id}


@router.post("/sessions/{session_id}/close", summary="Close a session: it leaves the live list and the handoff queue")
def close_session(session_id: str, services: Services = Depends(ready_services)):
    _session(services, session_id)
    services.store.update_session(session_id, status="closed", handoff=False)
    return {"ok": True}


@router.post("/suggestions/{suggestion_id}/feedback", summary="Mark a suggestion used, edited or rejected")
def feedback(suggestion_id: int, body: FeedbackRequest, services: Services = Depends(ready_services)):
    from bot.store import NotFound

    try:
        services.store.add_feedback(suggestion_id, body.verdict, body.final_text, body.agent_id)
    except NotFound:
        raise HTTPException(404, detail=f"unknown suggestion id {suggestion_id}") from None
    except ValueError as exc:
        raise HTTPException(422, detail=str(exc)) from None
    return {"ok": True}


@router.get("/feedback/report", summary="Suggestion acceptance per intent")
def feedback_report(services: Services = Depends(ready_services)):
    return services.store.feedback_report()


@router.get("/alerts", summary="Fraud alerts")
def alerts(unacknowledged_only: bool = True, services: Services = Depends(ready_services)):
    return {"alerts": services.store.list_alerts(unacknowledged_only)}


@router.post("/alerts/{alert_id}/ack", summary="Acknowledge a fraud alert")
def acknowledge(alert_id: int, services: Services = Depends(ready_services)):
    from bot.store import NotFound

    try:
        services.store.acknowledge_alert(alert_id)
    except NotFound:
        raise HTTPException(404, detail=f"unknown alert id {alert_id}") from None
    return {"ok": True}
