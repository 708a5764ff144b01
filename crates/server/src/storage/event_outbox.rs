//! The delivery side of the outbox: claiming due rows, recording each attempt, and what the
//! admin endpoint shows.
//!
//! Several servers may share one database. A row is delivered by whoever claims it: the claim
//! is one UPDATE that writes the claimer's id only where the row is still unclaimed (or its
//! claim is stale, the claimer having died), so two claimers never both get a row.
//! PostgreSQL also skips rows another claimer has locked (`SKIP LOCKED`) rather than wait;
//! SQLite runs one writer at a time anyway. Only the head of each handler URL's queue is due,
//! so a handler receives its events in the order they were raised, through whichever of its
//! bindings, also across servers.

use super::db::query;
use super::{Store, StoreError};
use serde::Serialize;

/// Whether any row is due by `$1` (ms) or has a stale claim: a read, so that an idle server's
/// polling never takes SQLite's write lock (the claim is an UPDATE). `$2` as the claim's `$3`.
pub(super) const ANY_DUE: &str = "
    SELECT CAST(1 AS BIGINT) FROM event_outbox
    WHERE state = 'pending' AND due_at_ms <= $1 AND (claimed_by IS NULL OR claimed_at_ms < $2)
    LIMIT 1";

/// Claims up to `$4` rows due by `$5` (ms) for `$1` at `$2` (ms); a claim older than `$3`
/// (ms) is stale. `$5` is `$2` unless a delivery delay fault holds rows back.
pub(super) const CLAIM_SQLITE: &str = "
    UPDATE event_outbox SET claimed_by = $1, claimed_at_ms = $2
    WHERE id IN (
        SELECT o.id FROM event_outbox o
        WHERE o.state = 'pending' AND o.due_at_ms <= $5
          AND (o.claimed_by IS NULL OR o.claimed_at_ms < $3)
          AND NOT EXISTS (SELECT 1 FROM event_outbox e
                          WHERE e.handler_url = o.handler_url AND e.state = 'pending' AND e.id < o.id)
        ORDER BY o.id LIMIT $4)
      AND state = 'pending' AND (claimed_by IS NULL OR claimed_at_ms < $3)";

/// [`CLAIM_SQLITE`] with PostgreSQL's `SKIP LOCKED`.
pub(super) const CLAIM_PG: &str = "
    UPDATE event_outbox SET claimed_by = $1, claimed_at_ms = $2
    WHERE id IN (
        SELECT o.id FROM event_outbox o
        WHERE o.state = 'pending' AND o.due_at_ms <= $5
          AND (o.claimed_by IS NULL OR o.claimed_at_ms < $3)
          AND NOT EXISTS (SELECT 1 FROM event_outbox e
                          WHERE e.handler_url = o.handler_url AND e.state = 'pending' AND e.id < o.id)
        ORDER BY o.id LIMIT $4
        FOR UPDATE SKIP LOCKED)
      AND state = 'pending' AND (claimed_by IS NULL OR claimed_at_ms < $3)";

/// The rows claimed by `$1`, with what delivery needs of their handler.
pub(super) const CLAIMED: &str = "
    SELECT o.id, o.event, o.data, o.actor_id, o.created_at, o.attempts,
           h.id AS handler_id, h.handler, h.client_id, h.auth_type, h.scopes
    FROM event_outbox o JOIN event_handlers h ON h.id = o.handler_id
    WHERE o.claimed_by = $1 AND o.state = 'pending' ORDER BY o.id";

/// Records one attempt of row `$1` claimed by `$9` and releases the claim.
pub(super) const RECORD_ATTEMPT: &str = "
    UPDATE event_outbox SET state = $2, attempts = attempts + 1, last_status = $3,
        last_error = $4, last_attempt_at_ms = $5, last_duration_ms = $6, due_at_ms = $7,
        delivered_at_ms = $8, claimed_by = NULL, claimed_at_ms = NULL
    WHERE id = $1 AND claimed_by = $9";

/// How many rows still wait, and when the next is due.
pub(super) const PENDING: &str =
    "SELECT COUNT(*), MIN(due_at_ms) FROM event_outbox WHERE state = 'pending'";

/// The newest `$1` rows, for the admin endpoint.
pub(super) const RECENT: &str = "
    SELECT o.id, o.event, o.handler_id, h.handler, o.data, o.state, o.attempts, o.last_status,
           o.last_error, o.created_at, o.last_attempt_at_ms, o.last_duration_ms, o.delivered_at_ms
    FROM event_outbox o LEFT JOIN event_handlers h ON h.id = o.handler_id
    ORDER BY o.id DESC LIMIT $1";

/// A claimed delivery.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub event: String,
    pub data: String,
    pub actor_id: i64,
    pub created_at: i64,
    pub attempts: i64,
    pub handler_id: i64,
    pub handler: String,
    pub client_id: String,
    pub auth_type: i64,
    pub scopes: String,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// `delivered`, `pending` (retry at `due_at_ms`) or `failed` (no more tries).
    pub state: &'static str,
    /// The handler's HTTP status, if it answered.
    pub status: Option<i64>,
    /// Why it did not count as delivered.
    pub error: Option<String>,
    pub at_ms: i64,
    pub duration_ms: i64,
    pub due_at_ms: i64,
}

/// A row as the admin endpoint shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub event: String,
    pub handler_id: i64,
    pub handler: Option<String>,
    pub data: String,
    pub state: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub last_attempt_at_ms: Option<i64>,
    pub last_duration_ms: Option<i64>,
    pub delivered_at_ms: Option<i64>,
}

impl Store {
    /// Claims up to `limit` due rows for `claimer` and returns them.
    pub async fn claim_deliveries(
        &self,
        claimer: &str,
        now_ms: i64,
        stale_before_ms: i64,
        limit: i64,
        due_by_ms: i64,
    ) -> Result<Vec<Claimed>, StoreError> {
        let db = self.db();
        let due: Option<(i64,)> = query(ANY_DUE)
            .bind(due_by_ms)
            .bind(stale_before_ms)
            .fetch_optional(db)
            .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let claimed = query(db.engine().pick(CLAIM_SQLITE, CLAIM_PG))
            .bind(claimer)
            .bind(now_ms)
            .bind(stale_before_ms)
            .bind(limit)
            .bind(due_by_ms)
            .execute(db)
            .await?;
        if claimed == 0 {
            return Ok(Vec::new());
        }
        query(CLAIMED).bind(claimer).fetch_all(db).await
    }

    /// Records how an attempt of a claimed row ended.
    pub async fn record_attempt(
        &self,
        id: i64,
        claimer: &str,
        attempt: &Attempt,
    ) -> Result<(), StoreError> {
        let delivered_at = (attempt.state == "delivered").then_some(attempt.at_ms);
        query(RECORD_ATTEMPT)
            .bind(id)
            .bind(attempt.state)
            .bind(attempt.status)
            .bind(attempt.error.as_deref())
            .bind(attempt.at_ms)
            .bind(attempt.duration_ms)
            .bind(attempt.due_at_ms)
            .bind(delivered_at)
            .bind(claimer)
            .execute(self.db())
            .await?;
        Ok(())
    }

    /// How many deliveries still wait, and when the next one is due (ms).
    pub async fn pending_deliveries(&self) -> Result<(i64, Option<i64>), StoreError> {
        query(PENDING).fetch_one(self.db()).await
    }

    /// The newest `limit` deliveries, newest first.
    pub async fn recent_deliveries(&self, limit: i64) -> Result<Vec<DeliveryRow>, StoreError> {
        query(RECENT).bind(limit).fetch_all(self.db()).await
    }
}
