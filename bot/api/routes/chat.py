"""Customer-facing chat routes: open a session, send a turn (JSON or streamed), ask for a human."""

from __future__ import annotations

import json
import time
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse

from bot.api import metrics
from bot.api.deps import CustomerDep, ServicesDep
from bot.api.errors import AUTH_RESPONSES, ERROR_RESPONSES, NOT_FOUND_RESPONSES, ApiError
from bot.api.schemas import (
    ChatRequest,
    ChatResponse,
    HandoffOut,
    HistoryOut,
    SessionId,
    SessionOpenRequest,
    SessionOut,
)
from bot.api.services import Services

router = APIRouter(prefix="/v1", tags=["chat"], responses={**ERROR_RESPONSES, **AUTH_RESPONSES})
SessionPath = Annotated[SessionId, Path(description="The session id (32 hex digits)")]
# The customer token is optional: an anonymous chat is allowed, a bad token is refused (401).
OPTIONAL_BEARER = {"security": [{}, {"HTTPBearer": []}]}


def to_response(turn) -> ChatResponse:
    r = turn.result
    return ChatResponse(
        session_id=turn.session_id, turn_id=turn.turn_id, reply=r.reply, answer=r.answer, warning=r.warning,
        intent={"id": r.intent.intent, "confidence": round(r.intent.confidence, 4),
                "top": [{"id": s.intent, "probability": round(s.probability, 4)} for s in r.intent.top]},
        fraud=r.fraud.to_dict(),
        skill=r.skill, sources=r.sources, quick_replies=r.quick_replies, plan=r.plan, lead=r.lead, data=r.data,
        handoff=r.handoff,
        suggestions=[{"id": sid, **s.as_dict()} for sid, s in zip(turn.suggestion_ids, r.suggestions)],
    )


def run_turn(services: Services, body: ChatRequest, customer: str | None):
    started = time.perf_counter()
    turn = services.chat.chat(body.message, body.session_id, customer)  # ChatError → 4xx (see app.py)
    metrics.observe_turn(turn.result, time.perf_counter() - started)
    return turn


@router.post("/sessions", response_model=SessionOut, summary="Open a chat session (anonymous, or with a customer token)")
def open_session(body: SessionOpenRequest, services: ServicesDep):
    customer = None
    if body.token:
        from bot.auth import InvalidToken, verify_token

        try:
            customer = verify_token(body.token, services.settings)
        except InvalidToken as exc:
            raise ApiError(401, f"invalid token: {exc}") from None
    return SessionOut(session_id=services.chat.open_session(customer, body.channel), authenticated=customer is not None)


@router.post("/chat", response_model=ChatResponse, summary="One chat turn", responses=NOT_FOUND_RESPONSES,
             openapi_extra=OPTIONAL_BEARER)
def chat(body: ChatRequest, services: ServicesDep, customer: CustomerDep):
    return to_response(run_turn(services, body, customer))


@router.post("/chat/stream", summary="One chat turn streamed as server-sent events",
             description="Events: `meta` (session, intent, fraud, warning), `delta` (answer text pieces), "
                         "`done` (the full ChatResponse). The turn is stored before the first event.",
             response_class=StreamingResponse, openapi_extra=OPTIONAL_BEARER,
             responses={**NOT_FOUND_RESPONSES, 200: {
                 "description": "The event stream: each event's data is a JSON object",
                 "content": {"text/event-stream": {"schema": {"type": "object"}}}}})
def chat_stream(body: ChatRequest, services: ServicesDep, customer: CustomerDep):
    response = to_response(run_turn(services, body, customer))

    def events():
        meta = {"session_id": response.session_id, "intent": response.intent.model_dump(),
                "fraud": response.fraud.model_dump(), "warning": response.warning}
        yield f"event: meta\ndata: {json.dumps(meta, ensure_ascii=False)}\n\n"
        text = response.answer
        for start in range(0, len(text), 12):
            yield f"event: delta\ndata: {json.dumps({'text': text[start:start + 12]}, ensure_ascii=False)}\n\n"
        yield f"event: done\ndata: {response.model_dump_json()}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.get("/sessions/{session_id}/history", response_model=HistoryOut, summary="The customer's own transcript",
            responses=NOT_FOUND_RESPONSES, openapi_extra=OPTIONAL_BEARER)
def history(session_id: SessionPath, services: ServicesDep, customer: CustomerDep):
    services.chat.session_for(session_id, customer)
    turns = []
    for turn in services.store.list_turns(session_id):
        item = {"role": turn["role"], "text": turn["text"], "created_at": turn["created_at"]}
        if turn["role"] == "bot":  # enough to redraw the banner, sources and plan after a reload
            data = turn.get("data_json") or {}
            item.update(warning=data.get("warning"), sources=data.get("sources") or [], plan=data.get("plan"),
                        lead=data.get("lead"),
                        fraud={"level": turn.get("fraud_level"), "scenario": turn.get("fraud_scenario")})
        turns.append(item)
    return {"session_id": session_id, "turns": turns}


@router.post("/sessions/{session_id}/handoff", response_model=HandoffOut, summary="The customer asks for a human agent",
             responses=NOT_FOUND_RESPONSES, openapi_extra=OPTIONAL_BEARER)
def handoff(session_id: SessionPath, services: ServicesDep, customer: CustomerDep):
    return {"session_id": session_id, "handoff": True, "summary": services.chat.request_handoff(session_id, customer)}
