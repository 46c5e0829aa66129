"""Health, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.api.deps import get_services
from bot.api.metrics import REGISTRY
from bot.api.services import Services

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz():
    return {"status": "ok"}


@router.get("/readyz", summary="Models and index are loaded; 503 with the reason otherwise")
def readyz(services: Services = Depends(get_services)):
    if services.ready:
        return {"status": "ready"}
    return JSONResponse({"status": "not ready", "problem": services.problem}, status_code=503)


@router.get("/metrics", summary="Prometheus metrics")
def metrics():
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
