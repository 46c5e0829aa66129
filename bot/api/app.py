"""The FastAPI application: ``create_app()`` is the factory ``finbot serve`` runs."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bot.api.routes import agent, chat, health, tools
from bot.api.services import Services, load_services
from bot.dialogue.service import ChatError
from bot.repayment.errors import PlanError
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from bot.privacy import PiiMaskingFilter

        for handler in logging.getLogger().handlers:
            handler.addFilter(PiiMaskingFilter())
        app.state.services = services or load_services(settings)
        yield

    app = FastAPI(title="finbot", version="0.1.0", lifespan=lifespan,
                  description="消费金融智能客服 API: chat turns (JSON and SSE), agent assist, intent, retrieval, "
                              "repayment plans, fraud checks.")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        # Invalid JSON or fields: a clear 422 in both languages, never a stack trace.
        errors = [{"loc": list(e.get("loc", [])), "msg": e.get("msg")} for e in exc.errors()]
        return JSONResponse(status_code=422, content={
            "detail": "invalid request: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors),
            "message_zh": "请求格式不正确，请检查后重试。", "errors": errors})

    @app.exception_handler(ChatError)
    async def refused(request: Request, exc: ChatError):
        return JSONResponse(status_code=exc.status, content={"detail": exc.detail, "message_zh": exc.message_zh})

    @app.exception_handler(PlanError)
    async def bad_plan(request: Request, exc: PlanError):
        return JSONResponse(status_code=422, content={"detail": exc.detail_en, "message_zh": exc.message_zh})

    for module in (chat, agent, tools, health):
        app.include_router(module.router)
    from bot.web import mount_pages

    mount_pages(app)
    return app
