"""Settings refuse what would make the service unsafe, at start-up, with a message that says what to set."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from bot.settings import PROJECT_ROOT, Settings

GOOD_SECRET = "a-token-secret-of-our-own-0123456789"
GOOD_KEY = "an-agent-key-of-our-own-0123"


@pytest.mark.parametrize("changes,message", [
    ({"token_secret": ""}, "FINBOT_TOKEN_SECRET must be at least 16 characters"),
    ({"token_secret": "short"}, "FINBOT_TOKEN_SECRET must be at least 16 characters"),
    ({"agent_api_key": "   "}, "FINBOT_AGENT_API_KEY must be at least 12 characters"),
    ({"environment": "production"}, "FINBOT_TOKEN_SECRET is still the development default"),
    ({"environment": "production", "token_secret": GOOD_SECRET}, "FINBOT_AGENT_API_KEY is still the development default"),
    ({"host": "0.0.0.0"}, "FINBOT_TOKEN_SECRET is still the development default"),
    ({"token_ttl_seconds": 7 * 24 * 3600}, "FINBOT_TOKEN_TTL_SECONDS (604800) is over FINBOT_TOKEN_MAX_TTL_SECONDS"),
])
def test_unsafe_settings_are_refused(changes, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings(**changes)


def test_safe_settings_are_accepted():
    production = Settings(environment="production", host="0.0.0.0", token_secret=GOOD_SECRET, agent_api_key=GOOD_KEY)
    assert not production.docs_enabled and not production.metrics_enabled
    assert Settings().docs_enabled  # development on loopback: the defaults are fine, /docs is on
    assert Settings(environment="production", token_secret=GOOD_SECRET, agent_api_key=GOOD_KEY,
                    expose_docs=True).docs_enabled


def test_serve_refuses_to_start_on_a_public_address_with_the_default_secrets():
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINBOT_")}
    run = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--no-build", "--host", "0.0.0.0"],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "FINBOT_TOKEN_SECRET is still the development default" in run.stderr
