"""One error body for everything a client can get wrong, and the handlers that produce it.

Every 4xx and 5xx of the API is an :class:`ErrorBody`: a machine-readable ``code``, a Chinese
``message_zh`` the chat window and the console can show as they are, an English ``detail`` for
developers, the HTTP ``status``, and for a 500 an ``error_id`` that names the log line. The
OpenAPI schema documents that body for every status a route can answer (:data:`ERROR_RESPONSES`).

Values the client sent are never echoed into ``detail`` unmasked, and a 500 never carries
traceback text: the traceback goes to the log (through the PII filter), the client gets the id.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.privacy import mask_for_log

log = logging.getLogger("bot.api")

# What the customer or agent reads when nothing more specific was said.
MESSAGE_ZH = {
    400: "请求有误，请检查后重试。",
    401: "身份验证失败，请重新登录。",
    403: "没有权限执行此操作。",
    404: "没有找到您要的内容。",
    405: "不支持这种请求方式。",
    408: "请求发送超时，请重试。",
    409: "操作冲突，请刷新后重试。",
    413: "内容太长了，请精简后再发送。",
    415: "请求格式不正确，请使用 JSON。",
    422: "请求格式不正确，请检查后重试。",
    429: "您操作太频繁了，请稍后再试。",
    500: "系统开小差了，请稍后再试。",
    503: "服务正在准备中，请稍后再试。",
}
CODE = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
        408: "request_timeout", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
        422: "invalid_request", 429: "rate_limited", 500: "internal_error", 503: "not_ready"}
# The database did not answer (connection lost, server down or failing over, pool exhausted, SQLite
# busy past its timeout): the request's transaction was rolled back, so the client may simply retry.
DATABASE_UNAVAILABLE_ZH = "系统繁忙，您的消息暂未保存，请稍后重试。"
DATABASE_RETRY_AFTER_SECONDS = 5


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    code: str = Field(..., description="Machine-readable reason, e.g. invalid_request, not_found, rate_limited.")
    message_zh: str = Field(..., description="What to show the customer or agent (Chinese).")
    detail: str = Field(..., description="What went wrong, for developers (English); never a traceback.")
    status: int = Field(..., ge=400, le=599)
    errors: list[FieldError] | None = Field(None, description="Each invalid field (422 only).")
    error_id: str | None = Field(None, description="Names the log line of an unexpected error (500 only).")


class ApiError(Exception):
    """Raised by routes and dependencies for anything the client got wrong."""

    def __init__(self, status: int, detail: str, message_zh: str | None = None, code: str | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.message_zh = message_zh or MESSAGE_ZH.get(status, MESSAGE_ZH[400])
        self.code = code or CODE.get(status, "error")


def error_response(status: int, detail: str, message_zh: str | None = None, code: str | None = None,
                   headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = ErrorBody(code=code or CODE.get(status, "error"), message_zh=message_zh or MESSAGE_ZH.get(status, MESSAGE_ZH[400]),
                     detail=mask_for_log(detail), status=status, **extra)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


# The first invalid field, said in Chinese for the chat window (pydantic's error types).
_VALIDATION_ZH = {
    "string_too_short": "内容不能为空，请输入后再发送。",
    "missing": "缺少必填内容，请检查后重试。",
    "list_too_short": "内容不能为空，请输入后再发送。",
    "list_too_long": "一次提交的条数太多了，请分批提交。",
    "json_invalid": "请求格式不正确，请使用 JSON。",
    "string_pattern_mismatch": "内容格式不正确，请检查后重试。",
}


def validation_message_zh(errors: list[dict[str, Any]]) -> str:
    first = errors[0] if errors else {}
    kind = first.get("type", "")
    if kind == "string_too_long":
        limit = (first.get("ctx") or {}).get("max_length")
        return f"内容太长了（超过{limit}字），请精简后再发送。" if limit else MESSAGE_ZH[413]
    if kind == "value_error" and "Unicode" in str(first.get("msg", "")):
        return "内容含有无法识别的字符，请删除后重试。"
    if kind == "value_error" and "blank" in str(first.get("msg", "")):
        return _VALIDATION_ZH["string_too_short"]
    return _VALIDATION_ZH.get(kind, MESSAGE_ZH[422])


def _documented(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# The error statuses each kind of route can answer, for ``responses=`` on routers and routes.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("Malformed request (e.g. a bad Authorization header)"),
    408: _documented("Request body not received in time"),
    413: _documented("Request body too large"),
    422: _documented("Invalid fields or values"),
    429: _documented("Too many requests from this client"),
    500: _documented("Unexpected error (an error id, no traceback)"),
    503: _documented("Models or index not loaded yet, or the database unavailable (with Retry-After)"),
}
AUTH_RESPONSES = {401: _documented("Missing, malformed, forged or expired credentials")}
NOT_FOUND_RESPONSES = {404: _documented("Unknown session, suggestion or alert")}
CONFLICT_RESPONSES = {409: _documented("Another agent has claimed the session, or it is closed")}


def install_error_handlers(app: FastAPI) -> None:
    """Every error the app can raise becomes an :class:`ErrorBody` (see the module docstring)."""
    from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from bot.dialogue.service import ChatError
    from bot.repayment.errors import PlanError

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.detail, exc.message_zh, exc.code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        # pydantic's messages name the rule broken, never the value ("String should have at most
        # 2000 characters"); ``input`` is left out on purpose, it may be personal data.
        errors = [FieldError(loc=[str(part) if not isinstance(part, int) else part for part in e.get("loc", ())],
                             msg=mask_for_log(str(e.get("msg", "")))) for e in exc.errors()]
        detail = "invalid request: " + "; ".join(f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in errors)
        return error_response(422, detail, validation_message_zh(exc.errors()), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        # Starlette's own 404/405 (unknown path or method) and any HTTPException left in a library.
        return error_response(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(ChatError)
    async def refused(request: Request, exc: ChatError):
        return error_response(exc.status, exc.detail, exc.message_zh)

    @app.exception_handler(PlanError)
    async def bad_plan(request: Request, exc: PlanError):
        return error_response(422, exc.detail_en, exc.message_zh, code=f"plan_{exc.code}")

    async def database_unavailable(request: Request, exc: Exception):
        # The driver's message names host and cause, never row values; it goes to the log only.
        cause = str(getattr(exc, "orig", None) or exc).strip()
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path,
                    cause.splitlines()[0] if cause else type(exc).__name__)
        return error_response(503, "database unavailable; the request was rolled back, retry later",
                              DATABASE_UNAVAILABLE_ZH, code="database_unavailable",
                              headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})

    for failure in (OperationalError, InterfaceError, DisconnectionError, PoolTimeout):
        app.add_exception_handler(failure, database_unavailable)


class UnexpectedErrorMiddleware:
    """Pure ASGI: any exception a route lets through becomes a JSON 500 with an error id.

    Starlette's own server-error handler re-raises after answering, so the server logs an
    unmasked traceback too; this one logs once, through the PII filter, and swallows it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watching_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception:
            error_id = uuid.uuid4().hex[:12]
            log.exception("unexpected error %s on %s %s", error_id, scope.get("method"), scope.get("path"))
            if not started:
                response = error_response(500, f"unexpected error; quote error id {error_id}", error_id=error_id)
                await response(scope, receive, send)
