"""The FastAPI application: ``create_app()`` is the factory ``finbot serve`` runs."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.api.errors import UnexpectedErrorMiddleware, install_error_handlers
from bot.api.guards import RequestGuard
from bot.api.routes import agent, chat, health, tools
from bot.api.server import install_log_filters
from bot.api.services import Services, load_services
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        install_log_filters()  # uvicorn has set up its loggers by now
        app.state.services = services or load_services(settings)
        yield

    docs = settings.docs_enabled
    app = FastAPI(title="finbot", version="0.1.0", lifespan=lifespan,
                  docs_url="/docs" if docs else None, redoc_url="/redoc" if docs else None,
                  openapi_url="/openapi.json" if docs else None,
                  description="消费金融智能客服 API: chat turns (JSON and SSE), agent assist, intent, retrieval, "
                              "repayment plans, fraud checks. Every error is an `ErrorBody`.")
    install_error_handlers(app)
    # Added innermost first: the guard runs inside the catch-all, so a 413/408/429 is its own answer
    # and anything unexpected, the guard included, still becomes a JSON 500.
    app.add_middleware(RequestGuard, settings=settings)
    app.add_middleware(UnexpectedErrorMiddleware)

    for module in (chat, agent, tools, health):
        app.include_router(module.router)
    if settings.metrics_enabled:
        app.include_router(health.metrics_router)
    from bot.web import mount_pages

    mount_pages(app)
    return app
