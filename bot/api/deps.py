"""FastAPI dependencies, as ``Annotated`` aliases the routes declare: the loaded services, the
calling customer, the agent check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from bot.api.errors import ApiError
from bot.api.services import Services

# Declared as security schemes so that /docs and the OpenAPI schema show how to authenticate.
customer_bearer = HTTPBearer(auto_error=False, description="Signed customer token from the lender's app.")
agent_key_header = APIKeyHeader(name="X-Agent-Key", auto_error=False, description="The agent console's key.")


def get_services(request: Request) -> Services:
    return request.app.state.services


def ready_services(services: Annotated[Services, Depends(get_services)]) -> Services:
    if not services.ready:
        raise ApiError(503, f"service not ready: {services.problem}")
    return services


def current_customer(request: Request, services: Annotated[Services, Depends(get_services)],
                     credentials: Annotated[HTTPAuthorizationCredentials | None, Security(customer_bearer)] = None,
                     ) -> str | None:
    """The customer named by a valid ``Authorization: Bearer <token>``, or None for anonymous.
    A token that is present but invalid is refused (401), never treated as anonymous; so is an
    Authorization header of another scheme."""
    if credentials is None:
        if request.headers.get("authorization"):
            raise ApiError(401, "malformed Authorization header (expected: Bearer <token>)")
        return None
    from bot.auth import InvalidToken, verify_token

    try:
        return verify_token(credentials.credentials.strip(), services.settings)
    except InvalidToken as exc:
        raise ApiError(401, f"invalid token: {exc}") from None


def agent_key(key: Annotated[str | None, Security(agent_key_header)] = None) -> str | None:
    """Declares the agent key on the agent routes, so /docs and the OpenAPI schema show it. The key is
    checked once, by the request guard, before the body is read (bot/api/guards.py)."""
    return key


ServicesDep = Annotated[Services, Depends(ready_services)]
AnyServicesDep = Annotated[Services, Depends(get_services)]
CustomerDep = Annotated[str | None, Depends(current_customer)]
