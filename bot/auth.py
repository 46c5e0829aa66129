"""Signed session tokens naming the customer (issue 9).

The lender's app opens an authenticated chat session with a token that names the customer; the
bot answers questions about that customer's own loans only. A session without a token is
anonymous and gets general answers.

Format: a compact JSON Web Token signed with HMAC-SHA256 (``HS256``), written with the standard
library only (``hmac``, ``hashlib``, ``base64``, ``json``), so that a lender's app backend can issue
tokens with any JWT library and the shared secret::

    base64url({"alg":"HS256","typ":"JWT"}) . base64url({"sub": customer_id, "iat": …, "exp": …}) . base64url(HMAC-SHA256)

Verification never trusts the header: the signature is always recomputed with HS256 (so
``"alg": "none"`` or an RS256 header cannot switch it off) and compared in constant time
(:func:`hmac.compare_digest`) before the payload is even parsed. Expiry is checked after the
signature; ``exp`` is required.

Tokens are credentials: they are never logged. Log :func:`redact_token` instead (a short
fingerprint that lets two log lines be matched without revealing the token), and
:func:`install_token_redaction` adds a logging filter that masks anything shaped like a token
that slips into a log message anyway.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

ALGORITHM = "HS256"
MAX_TOKEN_CHARS = 4096  # far above any real token; longer input is malformed, not parsed
MIN_SECRET_BYTES = 32  # shorter HMAC keys are accepted but warned about
_HEADER = {"alg": ALGORITHM, "typ": "JWT"}
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class InvalidToken(ValueError):
    """A token that does not prove who the customer is. ``reason`` is one of
    ``malformed``, ``bad_signature``, ``expired``."""

    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"

    def __init__(self, reason: str, detail: str) -> None:
        # The message names the reason, never the token.
        super().__init__(f"invalid session token ({reason}): {detail}")
        self.reason = reason
        self.detail = detail


def issue_token(
    customer_id: str,
    ttl: int | None = None,
    *,
    settings: Settings | None = None,
    secret: str | None = None,
    now: float | None = None,
) -> str:
    """A signed token naming ``customer_id``, valid for ``ttl`` seconds (default
    ``settings.token_ttl_seconds``), signed with ``secret`` (default ``settings.token_secret``).
    ``settings`` defaults to :func:`bot.settings.get_settings`."""
    if not isinstance(customer_id, str) or not customer_id.strip():
        raise ValueError("customer_id must be a non-empty string")
    limits = _settings(settings)
    if ttl is None:
        ttl = limits.token_ttl_seconds
    if ttl <= 0:
        raise ValueError("ttl must be a positive number of seconds")
    if ttl > limits.token_max_ttl_seconds:
        raise ValueError(f"ttl over the longest token lifetime ({limits.token_max_ttl_seconds} s)")
    issued_at = int(time.time() if now is None else now)
    payload = {"sub": customer_id, "iat": issued_at, "exp": issued_at + int(ttl)}
    signing_input = _b64encode(_json(_HEADER)) + "." + _b64encode(_json(payload))
    return signing_input + "." + _b64encode(_sign(signing_input, _secret_bytes(secret, settings)))


def verify_token(
    token: str, settings: Settings | None = None, *, secret: str | None = None, now: float | None = None
) -> str:
    """The customer id a valid token names; :class:`InvalidToken` otherwise. The secret is
    ``secret``, else ``settings.token_secret`` (``settings`` defaults to ``get_settings()``)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise InvalidToken(InvalidToken.MALFORMED, "not a token")
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts) or not all(_B64URL.match(part) for part in parts):
        raise InvalidToken(InvalidToken.MALFORMED, "expected three base64url parts separated by dots")
    header_part, payload_part, signature_part = parts
    signature = _b64decode(signature_part)

    expected = _sign(f"{header_part}.{payload_part}", _secret_bytes(secret, settings))
    if not hmac.compare_digest(signature, expected):
        raise InvalidToken(InvalidToken.BAD_SIGNATURE, "the signature does not match")

    # Signed by us: the rest can only be wrong if the issuer was, but check it all the same.
    header = _decode_json(header_part)
    payload = _decode_json(payload_part)
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(InvalidToken.MALFORMED, f"unsupported algorithm (only {ALGORITHM})")
    customer_id, expires_at = payload.get("sub"), payload.get("exp")
    if not isinstance(customer_id, str) or not customer_id.strip():
        raise InvalidToken(InvalidToken.MALFORMED, "the token names no customer")
    if not isinstance(expires_at, int) or isinstance(expires_at, bool):
        raise InvalidToken(InvalidToken.MALFORMED, "the token has no expiry")
    if (time.time() if now is None else now) >= expires_at:
        raise InvalidToken(InvalidToken.EXPIRED, "the token has expired")
    # The lifetime is counted from "iat" when the issuer gave one (an app backend may not), else from now.
    issued_at = payload.get("iat")
    start = issued_at if isinstance(issued_at, int) and not isinstance(issued_at, bool) else (time.time() if now is None else now)
    if expires_at - start > _settings(settings).token_max_ttl_seconds:
        # Signed by us, but for longer than tokens may live now (the cap was lowered since).
        raise InvalidToken(InvalidToken.EXPIRED, "the token's lifetime is over the allowed maximum")
    return customer_id


def redact_token(token: str | None) -> str:
    """What may be logged instead of a token: ``tok:1a2b3c4d`` (first 8 hex digits of its SHA-256)."""
    if not token:
        return "tok:none"
    return "tok:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:8]


# Anything that looks like a compact JWT: three base64url parts, the first two starting like JSON.
TOKEN_PATTERN = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}")


class TokenRedactingFilter(logging.Filter):
    """Replaces token-shaped strings in log records by their :func:`redact_token` fingerprint."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_PATTERN.search(message):
            record.msg = TOKEN_PATTERN.sub(lambda m: redact_token(m.group(0)), message)
            record.args = None
        return True


def install_token_redaction(logger: logging.Logger | None = None) -> TokenRedactingFilter:
    """Add the redacting filter to every handler of ``logger`` (default: the root logger).

    Handler filters also see records propagated from child loggers, which logger filters do not."""
    target = logger or logging.getLogger()
    token_filter = TokenRedactingFilter()
    for handler in target.handlers:
        if not any(isinstance(f, TokenRedactingFilter) for f in handler.filters):
            handler.addFilter(token_filter)
    return token_filter


# --- internals ----------------------------------------------------------------------------


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    from bot.settings import get_settings

    return get_settings()


def _secret_bytes(secret: str | None, settings: Settings | None) -> bytes:
    if secret is None:
        from bot.settings import Settings

        secret = _settings(settings).token_secret
        if secret == Settings.model_fields["token_secret"].default:
            _warn_once("dev_secret", "session tokens use the development secret; set FINBOT_TOKEN_SECRET in production")
    if not secret:
        raise ValueError("the token secret is empty; set FINBOT_TOKEN_SECRET")
    key = secret.encode("utf-8")
    if len(key) < MIN_SECRET_BYTES:
        _warn_once("short_secret", f"the token secret is shorter than {MIN_SECRET_BYTES} bytes; use a longer random secret")
    return key


_warned: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    """Configuration warnings are logged once per process, not on every token."""
    if key not in _warned:
        _warned.add(key)
        log.warning(message)


def _sign(signing_input: str, key: bytes) -> bytes:
    return hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()


def _json(value: dict) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken(InvalidToken.MALFORMED, "a part is not valid base64url") from None


def _decode_json(part: str) -> dict:
    try:
        value = json.loads(_b64decode(part).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidToken(InvalidToken.MALFORMED, "a part is not valid JSON") from None
    if not isinstance(value, dict):
        raise InvalidToken(InvalidToken.MALFORMED, "a part is not a JSON object")
    return value
