"""Claims on the handoff queue are atomic across replicas: of agents claiming one session at once,
exactly one wins. Each "replica" here is a store of its own (its own engine and pool) on one database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.store import ClaimConflict, ConversationStore, NotFound


@pytest.fixture
def two_replicas(backend):
    with ConversationStore.open(backend.url) as first, ConversationStore.open(backend.url) as second:
        yield first, second


def handoff_session(store):
    session = store.create_session("C30001", "app")
    store.update_session(session["id"], handoff=True, handoff_reason="requested")
    return session["id"]


def claim(store, session_id, agent_id):
    """The agent who got the session, or None when the claim lost."""
    try:
        return store.claim_session(session_id, agent_id)["claimed_by"]
    except ClaimConflict:
        return None


def test_two_agents_claiming_one_session_at_once_exactly_one_wins(two_replicas):
    first, second = two_replicas
    for _ in range(20):  # a race: repeated so that the claims really overlap some of the times
        session_id = handoff_session(first)
        start = threading.Barrier(2)

        def attempt(args):
            store, agent_id = args
            start.wait()
            return claim(store, session_id, agent_id)

        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(attempt, [(first, "agent-a"), (second, "agent-b")]))
        winners = [agent for agent in results if agent is not None]
        assert len(winners) == 1, results
        stored = second.get_session(session_id)
        assert (stored["claimed_by"], stored["status"]) == (winners[0], "with_agent")
        assert stored["claimed_at"] is not None


def test_a_claim_does_not_wait_behind_another_replicas_uncommitted_claim(postgresql_backend):
    # PostgreSQL only: on SQLite (one writer at a time) the second claim waits for the first commit.
    url = postgresql_backend.url
    with ConversationStore.open(url) as first, ConversationStore.open(url) as second:
        session_id = handoff_session(first)
        outcome = {}
        with first.transaction():  # replica A holds its claim, not yet committed…
            assert first.claim_session(session_id, "agent-a")["claimed_by"] == "agent-a"
            worker = threading.Thread(target=lambda: outcome.update(b=claim(second, session_id, "agent-b")))
            worker.start()
            worker.join(timeout=5)  # …and B's claim returns at once (SKIP LOCKED), a loser
            assert not worker.is_alive() and outcome == {"b": None}
        assert second.get_session(session_id)["claimed_by"] == "agent-a"


def test_claims_are_idempotent_for_the_holder_and_refused_for_others(two_replicas):
    first, second = two_replicas
    session_id = handoff_session(first)
    taken = first.claim_session(session_id, "agent-a")
    assert second.claim_session(session_id, "agent-a") == taken  # the same agent again: unchanged
    with pytest.raises(ClaimConflict, match="claimed by agent-a") as refused:
        second.claim_session(session_id, "agent-b")
    assert refused.value.claimed_by == "agent-a"


def test_a_closed_or_unknown_session_cannot_be_claimed(two_replicas):
    first, _ = two_replicas
    session_id = handoff_session(first)
    first.update_session(session_id, status="closed", handoff=False)
    with pytest.raises(ClaimConflict, match="closed"):
        first.claim_session(session_id, "agent-a")
    with pytest.raises(NotFound):
        first.claim_session("0" * 32, "agent-a")
    with pytest.raises(ValueError, match="agent_id"):
        first.claim_session(session_id, "")
