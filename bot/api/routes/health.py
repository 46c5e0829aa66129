"""Health, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.api.deps import AnyServicesDep
from bot.api.metrics import REGISTRY
from bot.api.schemas import HealthOut, MetaOut, ReadyOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, summary="The process is up")
def healthz():
    return {"status": "ok"}


@router.get("/readyz", response_model=ReadyOut, summary="Models and index are loaded; 503 with the reason otherwise",
            responses={503: {"model": ReadyOut, "description": "Not ready, with the reason"}})
def readyz(services: AnyServicesDep):
    if services.ready:
        return {"status": "ready"}
    return JSONResponse({"status": "not ready", "problem": services.problem}, status_code=503)


@router.get("/v1/meta", response_model=MetaOut,
            summary="Chinese names of intents and scam scenarios, and the pages' own sentences")
def meta(services: AnyServicesDep):
    from bot.fraud.catalogue import load_catalogue
    from bot.intent.taxonomy import core_intents
    from bot.wording import page_wording

    # The detector's catalogue once the service is ready; read from its file only before that.
    catalogue = services.fraud.catalogue if services.fraud is not None else load_catalogue()
    return {"intents": core_intents(), "scenarios": {sid: scenario.name for sid, scenario in catalogue.scenarios.items()},
            "wording": page_wording()}


# Mounted only where settings.metrics_enabled (bot/api/app.py).
metrics_router = APIRouter(tags=["health"])


@metrics_router.get("/metrics", summary="Prometheus metrics", response_class=Response,
                    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}})
def metrics():
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
