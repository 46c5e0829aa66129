"""FastAPI dependencies: the loaded services, the calling customer, the agent check."""

from __future__ import annotations

import hmac

from fastapi import Depends, Header, HTTPException, Request

from bot.api.services import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


def ready_services(services: Services = Depends(get_services)) -> Services:
    if not services.ready:
        raise HTTPException(503, detail=f"service not ready: {services.problem}")
    return services


def current_customer(authorization: str | None = Header(None), services: Services = Depends(get_services)) -> str | None:
    """The customer named by a valid ``Authorization: Bearer <token>``, or None for anonymous.
    A token that is present but invalid is refused (401), never treated as anonymous."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, detail="malformed Authorization header (expected: Bearer <token>)")
    from bot.auth import InvalidToken, verify_token

    try:
        return verify_token(token.strip(), services.settings)
    except InvalidToken as exc:
        raise HTTPException(401, detail=f"invalid token: {exc}") from None


def require_agent(x_agent_key: str | None = Header(None), services: Services = Depends(get_services)) -> str:
    """Agent endpoints (transcripts, suggestions, queue) need the agent key: customers never get them."""
    expected = services.settings.agent_api_key
    if not x_agent_key or not hmac.compare_digest(x_agent_key.encode(), expected.encode()):
        raise HTTPException(401, detail="agent endpoints need a valid X-Agent-Key header")
    return "agent"
