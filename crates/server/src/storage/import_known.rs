//! Ids of the small tables a record may refer to (connectors, lines, users) that the importer
//! already knows to exist: read from the database when the import begins, or written by an
//! earlier line of the file.
//!
//! A record whose references are all known here cannot fail the reference checks at the end
//! (an import only adds and updates rows of these tables, it never removes one), so its line
//! number need not be staged for them. That skips the staging row of nearly every chat and
//! CRM record of a large file. A reference not found here is staged and checked at the end as
//! before, so each set may stop growing at [`MAX_KNOWN`] ids without changing any outcome;
//! that keeps an import's memory bounded whatever the size of these tables.

use std::collections::HashSet;

/// How many ids each set holds at most.
pub(super) const MAX_KNOWN: usize = 65_536;

/// See the module doc.
#[derive(Debug, Default)]
pub(super) struct KnownIds {
    connectors: HashSet<String>,
    lines: HashSet<i64>,
    users: HashSet<i64>,
}

impl KnownIds {
    pub(super) fn add_connector(&mut self, id: &str) {
        if self.connectors.len() < MAX_KNOWN && !self.connectors.contains(id) {
            self.connectors.insert(id.to_owned());
        }
    }

    pub(super) fn add_line(&mut self, id: i64) {
        if self.lines.len() < MAX_KNOWN {
            self.lines.insert(id);
        }
    }

    pub(super) fn add_user(&mut self, id: i64) {
        if self.users.len() < MAX_KNOWN {
            self.users.insert(id);
        }
    }

    pub(super) fn has_connector(&self, id: &str) -> bool {
        self.connectors.contains(id)
    }

    pub(super) fn has_line(&self, id: i64) -> bool {
        self.lines.contains(&id)
    }

    /// Whether an optional user reference cannot dangle (none given counts as known).
    pub(super) fn has_user_or_none(&self, id: Option<i64>) -> bool {
        id.is_none_or(|id| self.users.contains(&id))
    }
}

#[cfg(test)]
mod tests;
