"""The conversation store: sessions, turns, suggested replies, agents' feedback, fraud alerts and
the access log, behind one class that the dialogue pipeline and the API call.

Rules the store enforces, so that callers cannot forget them:

- every free-text value (turn text, reasons, suggestion texts, alert texts, access details, and
  every string inside the ``*_json`` values) passes through :func:`bot.privacy.mask_pii` before it
  is written; identifiers and enumerations are validated instead;
- a write method returns only after its transaction is committed (and, on SQLite, fsynced):
  a turn whose id was returned survives a kill of the process. Inside ``with store.transaction():``
  the writes of the block are committed together when the block ends;
- unknown ids raise :class:`NotFound`; invalid values (a role, verdict or fraud level that is not
  one of ours, a confidence outside [0, 1]) raise ``ValueError`` naming the field.

Rows come back as plain dicts (JSON-ready: str, int, float, bool, None, and decoded JSON for the
``*_json`` columns). ``*_json`` arguments take a JSON-serialisable value (dict, list; ``Decimal``
becomes a string, dates ISO text, pydantic models their JSON dump) or a string of JSON text; they
are returned decoded. Timestamps are ISO-8601 UTC strings.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.privacy import mask_customer_id, mask_for_log, mask_pii
from bot.store.database import Database, open_database, utc_now

ROLES = ("customer", "bot", "agent")
VERDICTS = ("used", "edited", "rejected")
FRAUD_LEVELS = ("none", "notice", "warning", "critical")  # in increasing order of risk
SESSION_STATUSES = ("active", "with_agent", "closed")
SESSION_FIELDS = ("state_json", "handoff", "handoff_reason", "handoff_summary_json", "status")
NO_INTENT = "(none)"  # the feedback report's key for suggestions on turns without an intent

MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            customer_id TEXT,
            channel TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            last_message_at TEXT,
            last_intent TEXT,
            fraud_level TEXT NOT NULL DEFAULT 'none',
            fraud_scenario TEXT,
            turn_count INTEGER NOT NULL DEFAULT 0,
            state_json TEXT,
            handoff INTEGER NOT NULL DEFAULT 0,
            handoff_reason TEXT,
            handoff_summary_json TEXT,
            handoff_at TEXT
        )""",
        "CREATE INDEX sessions_by_activity ON sessions (status, last_message_at)",
        "CREATE INDEX sessions_by_customer ON sessions (customer_id)",
        """CREATE TABLE turns (
            id {id},
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('customer', 'bot', 'agent')),
            text TEXT NOT NULL,
            intent TEXT,
            confidence DOUBLE PRECISION,
            fraud_level TEXT,
            fraud_scenario TEXT,
            skill TEXT,
            data_json TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX turns_by_session ON turns (session_id, id)",
        """CREATE TABLE suggestions (
            id {id},
            turn_id BIGINT NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            confidence DOUBLE PRECISION,
            source TEXT,
            why TEXT,
            kind TEXT,
            data_json TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX suggestions_by_turn ON suggestions (turn_id)",
        """CREATE TABLE feedback (
            id {id},
            suggestion_id BIGINT NOT NULL REFERENCES suggestions (id) ON DELETE CASCADE,
            verdict TEXT NOT NULL CHECK (verdict IN ('used', 'edited', 'rejected')),
            final_text TEXT,
            agent_id TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX feedback_by_suggestion ON feedback (suggestion_id, id)",
        """CREATE TABLE alerts (
            id {id},
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            level TEXT NOT NULL,
            scenario TEXT,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            acknowledged INTEGER NOT NULL DEFAULT 0,
            acknowledged_at TEXT,
            acknowledged_by TEXT
        )""",
        "CREATE INDEX alerts_by_state ON alerts (acknowledged, id)",
        """CREATE TABLE access_log (
            id {id},
            at TEXT NOT NULL,
            customer TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT
        )""",
    ]),
]


class NotFound(LookupError):
    """No row with this id: ``kind`` is what was looked for (``"session"``, ``"turn"``…)."""

    def __init__(self, kind: str, key: Any):
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


# ----------------------------------------------------------------------------------------------
# Values on their way in.
def _plain(value: Any) -> Any:
    """What json.dumps cannot write by itself."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if hasattr(value, "model_dump"):  # pydantic models
        return value.model_dump(mode="json")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _mask_tree(value: Any) -> Any:
    """mask_pii on every string of a decoded JSON value; long integers too (a phone number typed
    as a number is still a phone number)."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {key: _mask_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_tree(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**10:
        masked = mask_pii(str(value))
        return value if masked == str(value) else masked
    return value


def _json_in(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"{field}: not valid JSON text ({exc})") from None
    try:
        decoded = json.loads(json.dumps(value, default=_plain, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{field}: cannot be stored as JSON ({exc})") from None
    return json.dumps(_mask_tree(decoded), ensure_ascii=False, separators=(",", ":"))


def _json_out(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _text_in(field: str, value: Any, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise ValueError(f"{field}: required")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field}: expected text, got {type(value).__name__}")
    return mask_pii(value)


def _choice(field: str, value: Any, allowed: tuple[str, ...], *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if value not in allowed:
        raise ValueError(f"{field}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _confidence(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(f"confidence: expected a number in [0, 1], got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"confidence: expected a number in [0, 1], got {value!r}")
    return value


def _label(field: str, value: Any) -> str | None:
    """An identifier-like label (intent id, skill, scenario, channel, agent id): short text, checked
    for shape, and masked like free text, because channel and agent ids come from callers and
    a phone or ID number has been typed into them."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        raise ValueError(f"{field}: expected a short non-empty label, got {len(value) if isinstance(value, str) else type(value).__name__}"
                         f"{' characters' if isinstance(value, str) else ''}")
    return mask_pii(value)


def _row_id(value: Any) -> bool:
    """An id that can name a row: an int in the signed 64-bit range both databases store (a larger
    one is simply not found, instead of overflowing the driver)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2**63 - 1


def _max_level(a: str | None, b: str | None) -> str:
    levels = [level for level in (a, b) if level]
    return max(levels, key=FRAUD_LEVELS.index) if levels else "none"


# ----------------------------------------------------------------------------------------------
# Rows on their way out.
def _session_out(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["handoff"] = bool(row["handoff"])
    row["state_json"] = _json_out(row["state_json"])
    row["handoff_summary_json"] = _json_out(row["handoff_summary_json"])
    return row


def _with_json(row: dict[str, Any], *columns: str) -> dict[str, Any]:
    row = dict(row)
    for column in columns:
        row[column] = _json_out(row[column])
    return row


class ConversationStore:
    """The repository. Thread-safe: share one instance between the service's threads."""

    def __init__(self, db: Database):
        self.db = db
        self.schema_version = db.migrate(MIGRATIONS)

    @classmethod
    def open(cls, url: str | None = None, data_dir: Path | None = None) -> ConversationStore:
        """Open (creating and migrating as needed) the store at ``url`` (default: the
        ``database_url`` setting; empty means the SQLite file under ``data_dir``)."""
        return cls(open_database(url, data_dir))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[ConversationStore]:
        """Group several writes into one commit (one fsync): all or nothing."""
        with self.db.transaction():
            yield self

    # -- sessions -------------------------------------------------------------------------------
    def create_session(self, customer_id: str | None, channel: str) -> dict[str, Any]:
        """A new session with an unguessable id (uuid4 hex, 122 random bits). ``customer_id`` is
        None for an anonymous session; it is stored as given (the ownership check of issue 9
        needs it) and masked wherever it is listed."""
        if customer_id is not None and (not isinstance(customer_id, str) or not customer_id.strip()):
            raise ValueError(f"customer_id: expected a non-empty string or None, got {customer_id!r}")
        channel = _label("channel", channel)
        if channel is None:
            raise ValueError("channel: required")
        session_id = uuid.uuid4().hex
        now = utc_now()
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO sessions (id, customer_id, channel, status, started_at, updated_at)"
                " VALUES (?, ?, ?, 'active', ?, ?)",
                (session_id, customer_id, channel, now, now),
            )
            return self.get_session(session_id)

    def get_session(self, session_id: str) -> dict[str, Any]:
        """Everything about one session, ``customer_id`` unmasked (for ownership checks)."""
        row = self.db.query_one("SELECT * FROM sessions WHERE id = ?", (str(session_id),)) \
            if isinstance(session_id, str) else None
        if row is None:
            raise NotFound("session", session_id)
        return _session_out(row)

    def list_sessions(self, status: str | None = None, limit: int = 50, *,
                      handoff: bool | None = None) -> list[dict[str, Any]]:
        """Sessions for the agent console, most recently active first: id, customer (masked; None
        when anonymous), channel, status, started_at, last_message_at, last_intent, fraud_level
        (the highest seen), fraud_scenario, turn_count, handoff, handoff_reason."""
        _choice("status", status, SESSION_STATUSES, optional=True)
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise ValueError(f"limit: expected 1..1000, got {limit!r}")
        where, params = [], []
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if handoff is not None:
            where.append("handoff = ?")
            params.append(int(bool(handoff)))
        sql = ("SELECT id, customer_id, channel, status, started_at, last_message_at, last_intent,"
               " fraud_level, fraud_scenario, turn_count, handoff, handoff_reason FROM sessions"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY COALESCE(last_message_at, started_at) DESC, id LIMIT ?")
        rows = self.db.query(sql, (*params, limit))
        return [
            {
                "id": row["id"],
                "customer": mask_customer_id(row["customer_id"]) if row["customer_id"] is not None else None,
                **{key: value for key, value in row.items() if key not in ("id", "customer_id", "handoff")},
                "handoff": bool(row["handoff"]),
            }
            for row in rows
        ]

    def update_session(self, session_id: str, **fields: Any) -> dict[str, Any]:
        """Change any of: state_json, handoff (bool), handoff_reason, handoff_summary_json, status.
        Returns the updated session. Turning handoff on stamps ``handoff_at`` (once)."""
        unknown = sorted(set(fields) - set(SESSION_FIELDS))
        if unknown:
            raise ValueError(f"update_session: unknown field(s) {', '.join(unknown)}; "
                             f"allowed: {', '.join(SESSION_FIELDS)}")
        columns: dict[str, Any] = {}
        if "state_json" in fields:
            columns["state_json"] = _json_in("state_json", fields["state_json"])
        if "handoff_summary_json" in fields:
            columns["handoff_summary_json"] = _json_in("handoff_summary_json", fields["handoff_summary_json"])
        if "handoff_reason" in fields:
            columns["handoff_reason"] = _text_in("handoff_reason", fields["handoff_reason"])
        if "status" in fields:
            columns["status"] = _choice("status", fields["status"], SESSION_STATUSES)
        if "handoff" in fields:
            if not isinstance(fields["handoff"], bool):
                raise ValueError(f"handoff: expected true or false, got {fields['handoff']!r}")
            columns["handoff"] = int(fields["handoff"])
        with self.db.transaction():
            current = self.get_session(session_id)
            if not columns:
                return current
            now = utc_now()
            if columns.get("handoff") == 1 and current["handoff_at"] is None:
                columns["handoff_at"] = now
            columns["updated_at"] = now
            assignments = ", ".join(f"{name} = ?" for name in columns)  # names from our own list
            self.db.execute(f"UPDATE sessions SET {assignments} WHERE id = ?",
                            (*columns.values(), session_id))
            return self.get_session(session_id)

    # -- turns ----------------------------------------------------------------------------------
    def add_turn(self, session_id: str, role: str, text: str, intent: str | None = None,
                 confidence: float | None = None, fraud_level: str | None = None,
                 fraud_scenario: str | None = None, skill: str | None = None,
                 data_json: Any = None) -> int:
        """Store one message of a session and return its id once it is committed. Also moves the
        session's last activity, last intent (customer turns) and highest fraud level."""
        role = _choice("role", role, ROLES)
        text = _text_in("text", text, required=True)
        intent = _label("intent", intent)
        confidence = _confidence(confidence)
        fraud_level = _choice("fraud_level", fraud_level, FRAUD_LEVELS, optional=True)
        fraud_scenario = _label("fraud_scenario", fraud_scenario)
        skill = _label("skill", skill)
        data = _json_in("data_json", data_json)
        now = utc_now()
        with self.db.transaction():
            session = self.get_session(session_id)
            turn_id = self.db.insert(
                "INSERT INTO turns (session_id, role, text, intent, confidence, fraud_level,"
                " fraud_scenario, skill, data_json, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (session_id, role, text, intent, confidence, fraud_level, fraud_scenario, skill, data, now),
            )
            level = _max_level(session["fraud_level"], fraud_level)
            raised = level != session["fraud_level"]
            self.db.execute(
                "UPDATE sessions SET turn_count = turn_count + 1, last_message_at = ?, updated_at = ?,"
                " last_intent = ?, fraud_level = ?, fraud_scenario = ? WHERE id = ?",
                (now, now,
                 intent if role == "customer" and intent else session["last_intent"],
                 level,
                 fraud_scenario if raised and fraud_scenario else session["fraud_scenario"],
                 session_id),
            )
        return turn_id

    def get_turn(self, turn_id: int) -> dict[str, Any]:
        row = self.db.query_one("SELECT * FROM turns WHERE id = ?", (turn_id,)) \
            if _row_id(turn_id) else None
        if row is None:
            raise NotFound("turn", turn_id)
        return _with_json(row, "data_json")

    def list_turns(self, session_id: str, after_id: int | None = None) -> list[dict[str, Any]]:
        """The session's turns in order (only those after ``after_id`` when given, for polling)."""
        self.get_session(session_id)
        rows = self.db.query(
            "SELECT * FROM turns WHERE session_id = ? AND id > ? ORDER BY id",
            (session_id, after_id if after_id is not None else 0),
        )
        return [_with_json(row, "data_json") for row in rows]

    # -- suggestions and feedback ---------------------------------------------------------------
    def add_suggestions(self, turn_id: int, suggestions: list[Mapping[str, Any]]) -> list[int]:
        """Store the replies suggested to the agent for a (customer) turn, in rank order. Each is a
        mapping with ``text`` (required) and optional ``confidence``, ``source``, ``why``, ``kind``;
        any other keys are kept in ``data_json``. Returns the new ids in the same order."""
        if not isinstance(suggestions, (list, tuple)):
            raise ValueError("suggestions: expected a list of mappings")
        rows = []
        for position, suggestion in enumerate(suggestions):
            if not isinstance(suggestion, Mapping):
                raise ValueError(f"suggestions[{position}]: expected a mapping, got {type(suggestion).__name__}")
            text = suggestion.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"suggestions[{position}].text: required non-empty text")
            extra = {k: v for k, v in suggestion.items() if k not in ("text", "confidence", "source", "why", "kind")}
            rows.append((
                position,
                mask_pii(text),
                _confidence(suggestion.get("confidence")),
                _text_in(f"suggestions[{position}].source", suggestion.get("source")),
                _text_in(f"suggestions[{position}].why", suggestion.get("why")),
                _label(f"suggestions[{position}].kind", suggestion.get("kind")),
                _json_in(f"suggestions[{position}]", extra) if extra else None,
            ))
        now = utc_now()
        with self.db.transaction():
            self.get_turn(turn_id)
            return [
                self.db.insert(
                    "INSERT INTO suggestions (turn_id, ordinal, text, confidence, source, why, kind,"
                    " data_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (turn_id, *row, now),
                )
                for row in rows
            ]

    _SUGGESTION_SELECT = (
        "SELECT s.*, t.session_id, t.intent,"
        " (SELECT f.verdict FROM feedback f WHERE f.suggestion_id = s.id ORDER BY f.id DESC LIMIT 1) AS verdict"
        " FROM suggestions s JOIN turns t ON t.id = s.turn_id"
    )

    def get_suggestion(self, suggestion_id: int) -> dict[str, Any]:
        """One suggestion with its turn's ``session_id`` and ``intent`` and the latest ``verdict``
        (None before any feedback): enough for the API to check that it belongs to the session."""
        row = self.db.query_one(self._SUGGESTION_SELECT + " WHERE s.id = ?", (suggestion_id,)) \
            if _row_id(suggestion_id) else None
        if row is None:
            raise NotFound("suggestion", suggestion_id)
        return _with_json(row, "data_json")

    def list_suggestions(self, turn_id: int) -> list[dict[str, Any]]:
        self.get_turn(turn_id)
        rows = self.db.query(self._SUGGESTION_SELECT + " WHERE s.turn_id = ? ORDER BY s.ordinal", (turn_id,))
        return [_with_json(row, "data_json") for row in rows]

    def add_feedback(self, suggestion_id: int, verdict: str, final_text: str | None = None,
                     agent_id: str | None = None) -> int:
        """Record an agent's verdict on a suggestion: ``used`` (sent as is), ``edited`` (sent after
        changes: ``final_text`` required) or ``rejected``. A later verdict on the same suggestion
        supersedes the earlier one in the report; all are kept."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict: {verdict!r} is not one of {', '.join(VERDICTS)}")
        if verdict == "edited" and (not isinstance(final_text, str) or not final_text.strip()):
            raise ValueError("final_text: required when the verdict is 'edited' (the text the agent sent)")
        final_text = _text_in("final_text", final_text)
        agent_id = _label("agent_id", agent_id)
        with self.db.transaction():
            self.get_suggestion(suggestion_id)
            return self.db.insert(
                "INSERT INTO feedback (suggestion_id, verdict, final_text, agent_id, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (suggestion_id, verdict, final_text, agent_id, utc_now()),
            )

    def feedback_report(self) -> dict[str, Any]:
        """Acceptance of suggestions, per intent of the turn they were made for and overall:
        ``shown`` (suggestions stored), ``with_feedback``, ``used``, ``edited``, ``rejected`` (the
        latest verdict of each suggestion) and ``acceptance_rate`` = (used + edited) / with_feedback
        (None when no feedback yet). Returns ``{"per_intent": {intent: counts}, "overall": counts}``;
        turns without an intent are reported under ``"(none)"``."""
        rows = self.db.query(
            "SELECT t.intent,"
            " (SELECT f.verdict FROM feedback f WHERE f.suggestion_id = s.id ORDER BY f.id DESC LIMIT 1) AS verdict"
            " FROM suggestions s JOIN turns t ON t.id = s.turn_id"
        )

        def empty() -> dict[str, Any]:
            return {"shown": 0, "with_feedback": 0, "used": 0, "edited": 0, "rejected": 0}

        per_intent: dict[str, dict[str, Any]] = {}
        overall = empty()
        for row in rows:
            counts = per_intent.setdefault(row["intent"] or NO_INTENT, empty())
            for bucket in (counts, overall):
                bucket["shown"] += 1
                if row["verdict"]:
                    bucket["with_feedback"] += 1
                    bucket[row["verdict"]] += 1
        for bucket in (*per_intent.values(), overall):
            answered = bucket["with_feedback"]
            bucket["acceptance_rate"] = (bucket["used"] + bucket["edited"]) / answered if answered else None
        return {"per_intent": dict(sorted(per_intent.items())), "overall": overall}

    # -- fraud alerts for the agent console -----------------------------------------------------
    def add_alert(self, session_id: str, level: str, scenario: str | None, text: str) -> int:
        level = _choice("level", level, FRAUD_LEVELS)
        scenario = _label("scenario", scenario)
        text = _text_in("text", text, required=True)
        with self.db.transaction():
            self.get_session(session_id)
            return self.db.insert(
                "INSERT INTO alerts (session_id, level, scenario, text, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (session_id, level, scenario, text, utc_now()),
            )

    def get_alert(self, alert_id: int) -> dict[str, Any]:
        row = self.db.query_one("SELECT * FROM alerts WHERE id = ?", (alert_id,)) \
            if _row_id(alert_id) else None
        if row is None:
            raise NotFound("alert", alert_id)
        row["acknowledged"] = bool(row["acknowledged"])
        return row

    def list_alerts(self, unacknowledged_only: bool = False, limit: int = 100) -> list[dict[str, Any]]:
        """Alerts, newest first."""
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise ValueError(f"limit: expected 1..1000, got {limit!r}")
        rows = self.db.query(
            "SELECT * FROM alerts" + (" WHERE acknowledged = 0" if unacknowledged_only else "")
            + " ORDER BY id DESC LIMIT ?", (limit,))
        for row in rows:
            row["acknowledged"] = bool(row["acknowledged"])
        return rows

    def acknowledge_alert(self, alert_id: int, agent_id: str | None = None) -> dict[str, Any]:
        """Mark an alert handled (idempotent: the first acknowledgement's time and agent stay)."""
        agent_id = _label("agent_id", agent_id)
        with self.db.transaction():
            alert = self.get_alert(alert_id)
            if not alert["acknowledged"]:
                self.db.execute(
                    "UPDATE alerts SET acknowledged = 1, acknowledged_at = ?, acknowledged_by = ? WHERE id = ?",
                    (utc_now(), agent_id, alert_id))
            return self.get_alert(alert_id)

    # -- access log (issue 9) -------------------------------------------------------------------
    def log_access(self, customer_id: str | None, action: str, detail: str | None = None) -> int:
        """Record an access to a customer's data. Only the masked customer id is stored, and the
        detail is masked for personal data and tokens."""
        action = _label("action", action)
        if action is None:
            raise ValueError("action: required")
        if detail is not None and not isinstance(detail, str):
            raise ValueError(f"detail: expected text, got {type(detail).__name__}")
        return self.db.insert(
            "INSERT INTO access_log (at, customer, action, detail) VALUES (?, ?, ?, ?) RETURNING id",
            (utc_now(), mask_customer_id(customer_id), action, mask_for_log(detail) if detail else detail),
        )

    def list_access_log(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest entries of the access log first."""
        if not isinstance(limit, int) or not 1 <= limit <= 10000:
            raise ValueError(f"limit: expected 1..10000, got {limit!r}")
        return self.db.query("SELECT * FROM access_log ORDER BY id DESC LIMIT ?", (limit,))
