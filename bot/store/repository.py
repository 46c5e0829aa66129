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

from sqlalchemy import func, insert, select, update

from bot.privacy import mask_customer_id, mask_for_log, mask_pii
from bot.settings import Settings
from bot.store import schema_history
from bot.store.database import Database, open_database, utc_now
from bot.store.schema import access_log, alerts, feedback, sessions, turns
from bot.store.schema import suggestions as suggestions_table  # "suggestions" is add_suggestions' argument

ROLES = ("customer", "bot", "agent")
VERDICTS = ("used", "edited", "rejected")
FRAUD_LEVELS = ("none", "notice", "warning", "critical")  # in increasing order of risk
SESSION_STATUSES = ("active", "with_agent", "closed")
SESSION_FIELDS = ("state_json", "handoff", "handoff_reason", "handoff_summary_json", "status")
NO_INTENT = "(none)"  # the feedback report's key for suggestions on turns without an intent

class NotFound(LookupError):
    """No row with this id: ``kind`` is what was looked for (``"session"``, ``"turn"``…)."""

    def __init__(self, kind: str, key: Any):
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class ClaimConflict(RuntimeError):
    """A session that another agent has claimed (``claimed_by``), or one that is closed."""

    def __init__(self, session_id: str, claimed_by: str | None, status: str):
        reason = (f"claimed by {claimed_by}" if claimed_by else "it is closed" if status == "closed"
                  else "another agent is claiming it")
        super().__init__(f"session {session_id} cannot be claimed: {reason}")
        self.session_id = session_id
        self.claimed_by = claimed_by
        self.status = status


def _latest_verdict():
    """The latest verdict on the suggestion of the enclosing query (None before any feedback)."""
    return (select(feedback.c.verdict).where(feedback.c.suggestion_id == suggestions_table.c.id)
            .order_by(feedback.c.id.desc()).limit(1).scalar_subquery())


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
        # The start-up check (bot.store.schema_history): a brand-new database is created at head;
        # one older or newer than this code is refused with a message naming the command to run.
        self.schema_version = schema_history.check(db)

    @classmethod
    def open(cls, url: str | None = None, data_dir: Path | None = None,
             settings: Settings | None = None) -> ConversationStore:
        """Open the store at ``url`` (default: the ``database_url`` setting; empty means the SQLite
        file under ``data_dir``), creating the schema in a brand-new database. ``settings`` sizes
        the connection pool (default: :func:`bot.settings.get_settings`)."""
        db = open_database(url, data_dir, settings)
        try:
            return cls(db)
        except BaseException:
            db.close()
            raise

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
    def create_session(self, customer_id: str | None, channel: str, state_json: Any = None) -> dict[str, Any]:
        """A new session with an unguessable id (uuid4 hex, 122 random bits). ``customer_id`` is
        None for an anonymous session; it is stored as given (the ownership check of issue 9
        needs it) and masked wherever it is listed. ``state_json``, the dialogue's first state, is
        stored in the same insert (checked and masked as ``update_session`` does)."""
        if customer_id is not None and (not isinstance(customer_id, str) or not customer_id.strip()):
            raise ValueError(f"customer_id: expected a non-empty string or None, got {customer_id!r}")
        channel = _label("channel", channel)
        if channel is None:
            raise ValueError("channel: required")
        state = _json_in("state_json", state_json)
        session_id = uuid.uuid4().hex
        now = utc_now()
        with self.db.transaction():
            self.db.execute(insert(sessions).values(
                id=session_id, customer_id=customer_id, channel=channel, status="active",
                state_json=state, started_at=now, updated_at=now))
            return self.get_session(session_id)

    def _session_row(self, session_id: Any, *, for_update: bool = False) -> dict[str, Any]:
        """The session's row. ``for_update`` (inside a write transaction) locks it on PostgreSQL
        until the commit, so that a read-then-write on one session (the highest fraud level, the
        handoff time) cannot interleave with another replica's; SQLite's write lock already does."""
        row = None
        if isinstance(session_id, str):
            statement = select(sessions).where(sessions.c.id == session_id)
            row = self.db.query_one(statement.with_for_update() if for_update else statement)
        if row is None:
            raise NotFound("session", session_id)
        return row

    def get_session(self, session_id: str) -> dict[str, Any]:
        """Everything about one session, ``customer_id`` unmasked (for ownership checks)."""
        return _session_out(self._session_row(session_id))

    def list_sessions(self, status: str | None = None, limit: int = 50, *,
                      handoff: bool | None = None) -> list[dict[str, Any]]:
        """Sessions for the agent console, most recently active first: id, customer (masked; None
        when anonymous), channel, status, started_at, last_message_at, last_intent, fraud_level
        (the highest seen), fraud_scenario, turn_count, handoff, handoff_reason, claimed_by."""
        _choice("status", status, SESSION_STATUSES, optional=True)
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise ValueError(f"limit: expected 1..1000, got {limit!r}")
        c = sessions.c
        statement = select(c.id, c.customer_id, c.channel, c.status, c.started_at, c.last_message_at,
                           c.last_intent, c.fraud_level, c.fraud_scenario, c.turn_count, c.handoff,
                           c.handoff_reason, c.claimed_by)
        if status is not None:
            statement = statement.where(c.status == status)
        if handoff is not None:
            statement = statement.where(c.handoff == int(bool(handoff)))
        statement = statement.order_by(func.coalesce(c.last_message_at, c.started_at).desc(), c.id).limit(limit)
        return [
            {
                "id": row["id"],
                "customer": mask_customer_id(row["customer_id"]) if row["customer_id"] is not None else None,
                **{key: value for key, value in row.items() if key not in ("id", "customer_id", "handoff")},
                "handoff": bool(row["handoff"]),
            }
            for row in self.db.query(statement)
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
            current = self._session_row(session_id, for_update=True)
            if not columns:
                return _session_out(current)
            now = utc_now()
            if columns.get("handoff") == 1 and current["handoff_at"] is None:
                columns["handoff_at"] = now
            columns["updated_at"] = now
            self.db.execute(update(sessions).where(sessions.c.id == session_id).values(**columns))
            return self.get_session(session_id)

    # -- claims on the handoff queue ------------------------------------------------------------
    def claim_session(self, session_id: str, agent_id: str) -> dict[str, Any]:
        """An agent takes a session (from the handoff queue): ``claimed_by`` and ``claimed_at`` are
        set and the status becomes ``with_agent``. Atomic across replicas: of two agents claiming
        one session at once, exactly one wins and the other gets :class:`ClaimConflict`. Claiming a
        session one already holds returns it unchanged; a closed session cannot be claimed.

        On PostgreSQL the candidate row is first locked with ``FOR UPDATE SKIP LOCKED``, so a second
        claimer does not queue behind the first but leaves at once; on both databases the write is
        an ``UPDATE … WHERE claimed_by IS NULL`` whose row count says whether this claim won."""
        agent_id = _label("agent_id", agent_id)
        if agent_id is None:
            raise ValueError("agent_id: required")
        c = sessions.c
        unclaimed = (c.id == session_id) & c.claimed_by.is_(None) & (c.status != "closed")
        with self.db.transaction():
            if isinstance(session_id, str):
                candidate = self.db.query_one(select(c.id).where(unclaimed).with_for_update(skip_locked=True))
            else:
                candidate = None
            now = utc_now()
            won = candidate is not None and self.db.change(
                update(sessions).where(unclaimed).values(claimed_by=agent_id, claimed_at=now,
                                                         status="with_agent", updated_at=now)) == 1
            session = self.get_session(session_id)  # NotFound for an unknown id
            if not won and session["claimed_by"] != agent_id:
                raise ClaimConflict(session_id, session["claimed_by"], session["status"])
            return session

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
            session = self._session_row(session_id, for_update=True)
            turn_id = self.db.insert(insert(turns).values(
                session_id=session_id, role=role, text=text, intent=intent, confidence=confidence,
                fraud_level=fraud_level, fraud_scenario=fraud_scenario, skill=skill, data_json=data,
                created_at=now).returning(turns.c.id))
            level = _max_level(session["fraud_level"], fraud_level)
            raised = level != session["fraud_level"]
            self.db.execute(update(sessions).where(sessions.c.id == session_id).values(
                turn_count=sessions.c.turn_count + 1, last_message_at=now, updated_at=now,
                last_intent=intent if role == "customer" and intent else session["last_intent"],
                fraud_level=level,
                fraud_scenario=fraud_scenario if raised and fraud_scenario else session["fraud_scenario"]))
        return turn_id

    def get_turn(self, turn_id: int) -> dict[str, Any]:
        row = self.db.query_one(select(turns).where(turns.c.id == turn_id)) if _row_id(turn_id) else None
        if row is None:
            raise NotFound("turn", turn_id)
        return _with_json(row, "data_json")

    def list_turns(self, session_id: str, after_id: int | None = None) -> list[dict[str, Any]]:
        """The session's turns in order (only those after ``after_id`` when given, for polling)."""
        self.get_session(session_id)
        rows = self.db.query(select(turns).where(turns.c.session_id == session_id,
                                                 turns.c.id > (after_id if after_id is not None else 0))
                             .order_by(turns.c.id))
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
            rows.append({
                "ordinal": position,
                "text": mask_pii(text),
                "confidence": _confidence(suggestion.get("confidence")),
                "source": _text_in(f"suggestions[{position}].source", suggestion.get("source")),
                "why": _text_in(f"suggestions[{position}].why", suggestion.get("why")),
                "kind": _label(f"suggestions[{position}].kind", suggestion.get("kind")),
                "data_json": _json_in(f"suggestions[{position}]", extra) if extra else None,
            })
        now = utc_now()
        with self.db.transaction():
            self.get_turn(turn_id)
            return [
                self.db.insert(insert(suggestions_table).values(turn_id=turn_id, created_at=now, **row)
                               .returning(suggestions_table.c.id))
                for row in rows
            ]

    @staticmethod
    def _suggestion_select():
        """Suggestions with their turn's session and intent, and the latest verdict on each."""
        s, t = suggestions_table.c, turns.c
        return (select(suggestions_table, t.session_id, t.intent, _latest_verdict().label("verdict"))
                .select_from(suggestions_table.join(turns, t.id == s.turn_id)))

    def get_suggestion(self, suggestion_id: int) -> dict[str, Any]:
        """One suggestion with its turn's ``session_id`` and ``intent`` and the latest ``verdict``
        (None before any feedback): enough for the API to check that it belongs to the session."""
        row = self.db.query_one(self._suggestion_select().where(suggestions_table.c.id == suggestion_id)) \
            if _row_id(suggestion_id) else None
        if row is None:
            raise NotFound("suggestion", suggestion_id)
        return _with_json(row, "data_json")

    def list_suggestions(self, turn_id: int) -> list[dict[str, Any]]:
        self.get_turn(turn_id)
        rows = self.db.query(self._suggestion_select().where(suggestions_table.c.turn_id == turn_id)
                             .order_by(suggestions_table.c.ordinal))
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
            return self.db.insert(insert(feedback).values(
                suggestion_id=suggestion_id, verdict=verdict, final_text=final_text, agent_id=agent_id,
                created_at=utc_now()).returning(feedback.c.id))

    def feedback_report(self) -> dict[str, Any]:
        """Acceptance of suggestions, per intent of the turn they were made for and overall:
        ``shown`` (suggestions stored), ``with_feedback``, ``used``, ``edited``, ``rejected`` (the
        latest verdict of each suggestion) and ``acceptance_rate`` = (used + edited) / with_feedback
        (None when no feedback yet). Returns ``{"per_intent": {intent: counts}, "overall": counts}``;
        turns without an intent are reported under ``"(none)"``."""
        rows = self.db.query(
            select(turns.c.intent, _latest_verdict().label("verdict"))
            .select_from(suggestions_table.join(turns, turns.c.id == suggestions_table.c.turn_id)))

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
            return self.db.insert(insert(alerts).values(
                session_id=session_id, level=level, scenario=scenario, text=text, created_at=utc_now())
                .returning(alerts.c.id))

    def get_alert(self, alert_id: int) -> dict[str, Any]:
        row = self.db.query_one(select(alerts).where(alerts.c.id == alert_id)) if _row_id(alert_id) else None
        if row is None:
            raise NotFound("alert", alert_id)
        row["acknowledged"] = bool(row["acknowledged"])
        return row

    def list_alerts(self, unacknowledged_only: bool = False, limit: int = 100) -> list[dict[str, Any]]:
        """Alerts, newest first."""
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise ValueError(f"limit: expected 1..1000, got {limit!r}")
        statement = select(alerts).order_by(alerts.c.id.desc()).limit(limit)
        if unacknowledged_only:
            statement = statement.where(alerts.c.acknowledged == 0)
        rows = self.db.query(statement)
        for row in rows:
            row["acknowledged"] = bool(row["acknowledged"])
        return rows

    def acknowledge_alert(self, alert_id: int, agent_id: str | None = None) -> dict[str, Any]:
        """Mark an alert handled (idempotent: the first acknowledgement's time and agent stay, also
        when two agents acknowledge at once: the update only touches an unacknowledged alert)."""
        agent_id = _label("agent_id", agent_id)
        with self.db.transaction():
            self.get_alert(alert_id)
            self.db.execute(update(alerts).where(alerts.c.id == alert_id, alerts.c.acknowledged == 0)
                            .values(acknowledged=1, acknowledged_at=utc_now(), acknowledged_by=agent_id))
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
        return self.db.insert(insert(access_log).values(
            at=utc_now(), customer=mask_customer_id(customer_id), action=action,
            detail=mask_for_log(detail) if detail else detail).returning(access_log.c.id))

    def list_access_log(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest entries of the access log first."""
        if not isinstance(limit, int) or not 1 <= limit <= 10000:
            raise ValueError(f"limit: expected 1..10000, got {limit!r}")
        return self.db.query(select(access_log).order_by(access_log.c.id.desc()).limit(limit))
