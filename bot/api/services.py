"""The components one service process holds, loaded once at start-up and injected into routes."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:  # the heavy modules load in load_services, not on import
    from bot.dialogue.pipeline import Pipeline
    from bot.dialogue.service import ChatService
    from bot.fraud.detector import FraudDetector
    from bot.intent.modeling import IntentClassifier
    from bot.knowledge.retriever import Retriever
    from bot.ledger import LoanLedger
    from bot.store import ConversationStore

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    ready: bool = False
    problem: str | None = None  # why the service is not ready (missing artefact + build command)
    intents: IntentClassifier | None = None
    fraud: FraudDetector | None = None
    retriever: Retriever | None = None
    pipeline: Pipeline | None = None
    store: ConversationStore | None = None
    chat: ChatService | None = None
    ledger: LoanLedger | None = None


def load_services(settings: Settings) -> Services:
    """Load every component; on a missing or corrupt artefact the service still starts, not ready."""
    from bot.artifacts import ArtifactError
    from bot.dialogue.pipeline import Pipeline
    from bot.dialogue.service import ChatService
    from bot.dialogue.skills.account import account_skills_for
    from bot.fraud.detector import FraudDetector
    from bot.intent.artefact import load_shipped_classifier
    from bot.knowledge.artefact import load_retriever
    from bot.ledger import open_ledger
    from bot.ledger.seed import seed_demo_ledger
    from bot.products import reload_product_names
    from bot.store import open_store

    settings = settings.model_copy(update={"torch_threads": settings.serve_threads})
    # A missing or bad company file stops the start-up here, naming the file and the entry
    # (ProductNamesError), rather than serving with names nobody configured.
    reload_product_names(settings.company_file)
    services = Services(settings)
    services.store = open_store(settings)
    try:
        services.intents = load_shipped_classifier(settings)
        services.retriever = load_retriever(settings)
        services.fraud = FraudDetector.load(settings)
    except ArtifactError as exc:
        services.problem = str(exc)
        log.error("service not ready: %s", exc)
        return services
    today = (lambda: settings.business_date) if settings.business_date else dt.date.today
    if not settings.ledger_url and not settings.ledger_path.exists():
        log.info("no loan ledger configured: seeding the embedded demo ledger at %s", settings.ledger_path)
        seed_demo_ledger(settings.ledger_path, as_of=settings.business_date)
    services.ledger = open_ledger(settings)
    account_skills = account_skills_for(services.ledger, today=today)
    services.pipeline = Pipeline(services.intents, services.fraud, services.retriever, account_skills, today=today)
    services.chat = ChatService(services.pipeline, services.store, settings.max_message_chars)
    services.ready = True
    return services
