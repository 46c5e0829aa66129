"""Session tokens: valid, forged, expired, malformed, wrong secret; never logged."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

import pytest

import bot.auth as auth
from bot.auth import (
    InvalidToken,
    TokenRedactingFilter,
    install_token_redaction,
    issue_token,
    redact_token,
    verify_token,
)

SECRET = "test-secret-0123456789abcdef-0123456789"
OTHER_SECRET = "another-secret-0123456789abcdef-01234567"
NOW = 1_790_000_000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict, payload: dict, secret: str = SECRET) -> str:
    """A compact HS256 JWT built here, independently of bot.auth."""
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)


def test_valid_token_names_the_customer():
    token = issue_token("c-1002", 600, secret=SECRET, now=NOW)
    assert verify_token(token, secret=SECRET, now=NOW) == "c-1002"
    assert verify_token(token, secret=SECRET, now=NOW + 599) == "c-1002"


def test_token_is_a_standard_hs256_jwt():
    token = issue_token("c-1003", 600, secret=SECRET, now=NOW)
    header, payload, _ = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "HS256", "typ": "JWT"}
    assert json.loads(base64.urlsafe_b64decode(payload + "==")) == {"sub": "c-1003", "iat": NOW, "exp": NOW + 600}
    # A token made by another issuer with the shared secret (as a lender's app backend would) verifies.
    other = hand_made({"alg": "HS256", "typ": "JWT"}, {"sub": "c-1005", "exp": NOW + 60})
    assert verify_token(other, secret=SECRET, now=NOW) == "c-1005"


def test_forged_signature_is_refused():
    token = issue_token("c-1003", 600, secret=SECRET, now=NOW)
    header, payload, signature = token.split(".")
    # Claim another customer, keep the signature.
    forged_payload = b64(json.dumps({"sub": "c-1002", "iat": NOW, "exp": NOW + 600}).encode())
    with pytest.raises(InvalidToken) as raised:
        verify_token(f"{header}.{forged_payload}.{signature}", secret=SECRET, now=NOW)
    assert raised.value.reason == "bad_signature"
    # A tampered signature.
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(InvalidToken) as raised:
        verify_token(f"{header}.{payload}.{flipped}", secret=SECRET, now=NOW)
    assert raised.value.reason == "bad_signature"


def test_alg_none_and_header_tricks_are_refused():
    unsigned = b64(json.dumps({"alg": "none"}).encode()) + "." + b64(json.dumps({"sub": "c-1002", "exp": NOW + 60}).encode())
    with pytest.raises(InvalidToken) as raised:
        verify_token(unsigned + ".", secret=SECRET, now=NOW)
    assert raised.value.reason == "malformed"
    with pytest.raises(InvalidToken) as raised:
        verify_token(unsigned + "." + b64(b"x" * 32), secret=SECRET, now=NOW)
    assert raised.value.reason == "bad_signature"
    # Even signed with our secret, only HS256 is accepted.
    with pytest.raises(InvalidToken) as raised:
        verify_token(hand_made({"alg": "none"}, {"sub": "c-1002", "exp": NOW + 60}), secret=SECRET, now=NOW)
    assert raised.value.reason == "malformed"


def test_expired_token_is_refused():
    token = issue_token("c-1002", 60, secret=SECRET, now=NOW)
    with pytest.raises(InvalidToken) as raised:
        verify_token(token, secret=SECRET, now=NOW + 60)
    assert raised.value.reason == "expired"


@pytest.mark.parametrize(
    "token",
    ["", "   ", "abc", "a.b", "a.b.c.d", "a..c", "a.b.c!", "a.b.c d", "x" * 5000, None, 12345],
)
def test_malformed_tokens_are_refused(token):
    with pytest.raises(InvalidToken) as raised:
        verify_token(token, secret=SECRET, now=NOW)  # type: ignore[arg-type]
    assert raised.value.reason in ("malformed", "bad_signature")


@pytest.mark.parametrize(
    "payload",
    [{"exp": NOW + 60}, {"sub": "", "exp": NOW + 60}, {"sub": 1002, "exp": NOW + 60}, {"sub": "c-1002"},
     {"sub": "c-1002", "exp": "tomorrow"}],
    ids=["no-sub", "empty-sub", "numeric-sub", "no-exp", "text-exp"],
)
def test_signed_but_incomplete_claims_are_malformed(payload):
    with pytest.raises(InvalidToken) as raised:
        verify_token(hand_made({"alg": "HS256", "typ": "JWT"}, payload), secret=SECRET, now=NOW)
    assert raised.value.reason == "malformed"


def test_wrong_secret_is_refused():
    token = issue_token("c-1002", 600, secret=SECRET, now=NOW)
    with pytest.raises(InvalidToken) as raised:
        verify_token(token, secret=OTHER_SECRET, now=NOW)
    assert raised.value.reason == "bad_signature"


def test_signatures_are_compared_in_constant_time(monkeypatch):
    calls = []
    original = hmac.compare_digest

    def recording(a, b):  # type: ignore[no-untyped-def]
        calls.append((len(a), len(b)))
        return original(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", recording)
    token = issue_token("c-1002", 600, secret=SECRET, now=NOW)
    verify_token(token, secret=SECRET, now=NOW)
    assert calls == [(32, 32)]


def test_issue_rejects_bad_input():
    with pytest.raises(ValueError):
        issue_token("", 60, secret=SECRET)
    with pytest.raises(ValueError):
        issue_token("c-1002", 0, secret=SECRET)
    with pytest.raises(ValueError):
        issue_token("c-1002", 60, secret="")


def test_configured_secret_and_dev_warning(monkeypatch, caplog):
    from bot.settings import get_settings

    monkeypatch.setenv("FINBOT_TOKEN_SECRET", SECRET)
    monkeypatch.setenv("FINBOT_TOKEN_TTL_SECONDS", "120")
    get_settings.cache_clear()
    try:
        token = issue_token("c-1004", now=NOW)
        assert verify_token(token, secret=SECRET, now=NOW + 119) == "c-1004"
        with pytest.raises(InvalidToken):
            verify_token(token, secret=SECRET, now=NOW + 120)  # the configured ttl
        monkeypatch.delenv("FINBOT_TOKEN_SECRET")
        get_settings.cache_clear()
        auth._warned.clear()
        caplog.set_level(logging.WARNING, logger="bot.auth")
        with pytest.raises(InvalidToken):
            verify_token(token, now=NOW)  # signed with SECRET, checked with the dev default
        issue_token("c-1004", now=NOW)
        warnings = [r for r in caplog.records if "development secret" in r.getMessage()]
        assert len(warnings) == 1  # once per process, not per token
    finally:
        get_settings.cache_clear()


def test_tokens_never_appear_in_errors_or_logs(caplog):
    token = issue_token("c-1002", 60, secret=SECRET, now=NOW)
    with pytest.raises(InvalidToken) as raised:
        verify_token(token, secret=SECRET, now=NOW + 61)
    assert token not in str(raised.value) and token.split(".")[2] not in repr(raised.value)

    fingerprint = redact_token(token)
    assert fingerprint.startswith("tok:") and len(fingerprint) == 12
    assert all(part not in fingerprint for part in token.split("."))
    assert redact_token(token) == fingerprint and redact_token(token + "x") != fingerprint

    logger = logging.getLogger("finbot.test.tokens")
    handler = logging.Handler()
    seen: list[str] = []
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        install_token_redaction(logger)
        assert any(isinstance(f, TokenRedactingFilter) for f in handler.filters)
        logger.warning("chat opened with token %s for %s", token, "c-***2")
        logger.warning("Authorization: Bearer " + token)
    finally:
        logger.removeHandler(handler)
    assert len(seen) == 2 and all(token not in line and fingerprint in line for line in seen)


def test_settings_object_gives_secret_and_ttl():
    # The API passes its own Settings: verify_token(token, settings).
    from bot.settings import Settings

    settings = Settings(token_secret=SECRET, token_ttl_seconds=90)
    token = issue_token("c-1005", settings=settings, now=NOW)
    assert verify_token(token, settings, now=NOW + 89) == "c-1005"
    with pytest.raises(InvalidToken) as raised:
        verify_token(token, settings, now=NOW + 90)
    assert raised.value.reason == "expired"
    with pytest.raises(InvalidToken) as raised:
        verify_token(token, Settings(token_secret=OTHER_SECRET), now=NOW)
    assert raised.value.reason == "bad_signature"
