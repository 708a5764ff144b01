//! Open-line session statuses (spec §8.1) and what "active" means (§8.2).

/// A session status code as Bitrix24 stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionStatus(pub i64);

impl SessionStatus {
    /// New, waiting in the queue.
    pub const NEW: SessionStatus = SessionStatus(0);
    /// Skipped by an operator, back in the queue.
    pub const SKIP: SessionStatus = SessionStatus(5);
    /// Taken by an operator.
    pub const ANSWER: SessionStatus = SessionStatus(10);
    /// The client waits for an answer.
    pub const CLIENT: SessionStatus = SessionStatus(20);
    /// The client wrote again after an answer.
    pub const CLIENT_AFTER_OPERATOR: SessionStatus = SessionStatus(25);
    /// The operator answered.
    pub const OPERATOR: SessionStatus = SessionStatus(40);
    /// Closing: waiting for the vote, or after an auto-answer.
    pub const WAIT_CLIENT: SessionStatus = SessionStatus(50);
    /// Closed.
    pub const CLOSE: SessionStatus = SessionStatus(60);
    /// Marked as spam, or closed by force.
    pub const SPAM: SessionStatus = SessionStatus(65);
    /// Closed as a duplicate.
    pub const DUPLICATE: SessionStatus = SessionStatus(69);
    /// Closed silently.
    pub const SILENTLY_CLOSE: SessionStatus = SessionStatus(75);

    /// Every documented status code.
    pub const KNOWN: [SessionStatus; 11] = [
        Self::NEW,
        Self::SKIP,
        Self::ANSWER,
        Self::CLIENT,
        Self::CLIENT_AFTER_OPERATOR,
        Self::OPERATOR,
        Self::WAIT_CLIENT,
        Self::CLOSE,
        Self::SPAM,
        Self::DUPLICATE,
        Self::SILENTLY_CLOSE,
    ];

    /// The lowest status `ACTIVE_ONLY=Y` lists (inclusive).
    pub const ACTIVE_FROM: i64 = 10;
    /// The first status `ACTIVE_ONLY=Y` no longer lists (exclusive).
    pub const ACTIVE_UNTIL: i64 = 50;

    /// Active as `imopenlines.crm.chat.get` means it: `10 <= status < 50`. Queued sessions
    /// (0, 5) and closing ones (50) are not active (spec §8.2).
    pub fn is_active(self) -> bool {
        (Self::ACTIVE_FROM..Self::ACTIVE_UNTIL).contains(&self.0)
    }

    /// Whether the code is one Bitrix24 documents.
    pub fn is_known(self) -> bool {
        Self::KNOWN.contains(&self)
    }
}

/// Which sessions count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionFilter {
    /// Only sessions with an active status (10 ≤ s < 50).
    ActiveOnly,
    /// Sessions of every status.
    All,
}

/// A status change of the operator methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Take the dialog (from the queue, or again by its own operator): status 10.
    Answer { operator: i64 },
    /// Close the caller's own dialog: status 60.
    Finish { operator: i64 },
    /// Close whoever's dialog: status 60.
    FinishAny,
    /// Give the dialog back to the queue: status 5, no operator.
    Skip { operator: i64 },
    /// Mark as spam and close: status 65.
    Spam,
    /// Hand the dialog to another operator.
    TransferToUser { operator: i64 },
    /// Hand the dialog back to the queue: status 0, no operator.
    TransferToQueue,
}

#[cfg(test)]
mod tests;
