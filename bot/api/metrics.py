"""Prometheus metrics of the service."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()
TURNS = Counter("finbot_turns_total", "Chat turns", ["intent", "skill"], registry=REGISTRY)
FRAUD = Counter("finbot_fraud_warnings_total", "Fraud warnings by level", ["level", "scenario"], registry=REGISTRY)
HANDOFFS = Counter("finbot_handoffs_total", "Handoffs to a human", ["reason"], registry=REGISTRY)
TURN_SECONDS = Histogram("finbot_turn_seconds", "Time to answer a chat turn", registry=REGISTRY,
                         buckets=(0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1, 2))


def observe_turn(result, seconds: float) -> None:
    TURNS.labels(result.intent.intent, result.skill).inc()
    if result.fraud.level != "none":
        FRAUD.labels(result.fraud.level, result.fraud.scenario or "").inc()
    if result.handoff:
        HANDOFFS.labels(result.handoff_reason or "").inc()
    TURN_SECONDS.observe(seconds)
