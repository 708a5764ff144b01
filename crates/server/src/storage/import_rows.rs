//! Multi-row upserts for the importer.
//!
//! One upsert per fixture line costs one database round trip per line. That is cheap on
//! SQLite (a function call) but not on PostgreSQL, where it made imports about four times
//! slower. So rows of one shape wait here and go out as one `INSERT … VALUES (…), (…), …`
//! statement, a few hundred at a time, on both engines.
//!
//! A multi-row upsert differs from running its rows one by one in two ways, and this module
//! keeps both from showing:
//!
//! - PostgreSQL refuses `ON CONFLICT DO UPDATE` that meets the same key twice in one
//!   statement, and in any case the later line must win. So a row whose key is already
//!   waiting first sends everything that waits for its table.
//! - Some columns keep their stored value when a line leaves them out (`COALESCE($n, stored)`
//!   in a one-row upsert). In a multi-row statement the update side sees only `excluded`,
//!   which cannot tell "left out" from "given". So rows are grouped by which of those
//!   optional values they give, and each group's statement updates just those columns.
//!
//! sqlx's `QueryBuilder::push_values` builds multi-row inserts too, but it cannot number
//! placeholders inside a row expression such as `COALESCE(CAST($5 AS BIGINT), $7)`, nor keep
//! the statement text fixed for the prepared-statement cache; hence the small renumbering
//! below.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

/// The hasher of row keys. Every row of an import is hashed, twice with the standard
/// library's SipHash (once into [`key_of`], once into [`Batch::keys`]): 1.5 % of a 1 M import's
/// samples. A collision only sends rows early, so a fast unkeyed hash is enough; foldhash is
/// already in the tree through sqlx's hashbrown.
type KeyHasher = foldhash::fast::FixedState;

/// At most this many rows go into one statement.
const MAX_ROWS: usize = 1_000;

/// How many parameters one statement binds at most, per engine.
///
/// PostgreSQL allows 65,535; every statement is a round trip, so statements are large.
/// On SQLite, sqlx looks up each parameter's name as it binds it, a lookup SQLite answers by
/// scanning the statement's list of named parameters: with `$n` placeholders binding cost
/// grew with the square of a statement's parameters (27 % of an import's time at 256 per
/// statement). So SQLite statements get anonymous `?` placeholders, which are not in that
/// list, and the values are laid out in the order the placeholders appear
/// ([`StatementSize::Sqlite`] in [`Batch::ready`]); statements can then be large too.
#[derive(Debug, Clone, Copy)]
pub(super) enum StatementSize {
    Sqlite,
    Postgres,
}

impl StatementSize {
    fn max_params(self) -> usize {
        match self {
            StatementSize::Sqlite => SQLITE_MAX_PARAMS,
            StatementSize::Postgres => 8_000,
        }
    }
}

const SQLITE_MAX_PARAMS: usize = 4_096;

/// The shape of one multi-row upsert.
#[derive(Debug)]
pub(super) struct RowsSql {
    /// Everything before the rows, ending in `VALUES`.
    pub(super) head: &'static str,
    /// One row, its parameters numbered from `$1`.
    pub(super) row: &'static str,
    /// How many parameters one row binds (the largest `$n` in `row`).
    pub(super) params: usize,
    /// `ON CONFLICT (…)`, or empty for a plain insert.
    pub(super) conflict: &'static str,
    /// `SET` clauses applied to every conflicting row.
    pub(super) always: &'static [&'static str],
    /// `SET` clauses applied only when the row gives that value: clause `i` belongs to bit
    /// `i` of the row's `given` mask.
    pub(super) optional: &'static [&'static str],
}

impl RowsSql {
    /// The statement for `rows` rows that give the optional values in `given`.
    pub(super) fn sql(&self, rows: usize, given: u8, size: StatementSize) -> String {
        let mut sql = String::with_capacity(self.head.len() + rows * (self.row.len() + 8) + 200);
        sql.push_str(self.head);
        for index in 0..rows {
            sql.push_str(if index == 0 { " " } else { ", " });
            match size {
                StatementSize::Sqlite => push_anonymous(&mut sql, self.row),
                StatementSize::Postgres => push_renumbered(&mut sql, self.row, index * self.params),
            }
        }
        if !self.conflict.is_empty() {
            sql.push(' ');
            sql.push_str(self.conflict);
            let optional = self
                .optional
                .iter()
                .enumerate()
                .filter(|(bit, _)| given & (1 << bit) != 0)
                .map(|(_, clause)| clause);
            let set: Vec<&str> = self.always.iter().chain(optional).copied().collect();
            if set.is_empty() {
                sql.push_str(" DO NOTHING");
            } else {
                sql.push_str(" DO UPDATE SET ");
                sql.push_str(&set.join(", "));
            }
        }
        sql
    }

    /// How many rows one full statement carries.
    fn rows_per_statement(&self, size: StatementSize) -> usize {
        (size.max_params() / self.params.max(1)).clamp(1, MAX_ROWS)
    }
}

/// Appends `row` with every `$n` turned into `$(n + offset)`.
fn push_renumbered(out: &mut String, row: &str, offset: usize) {
    let mut rest = row;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(number) => out.push_str(&(number + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
}

/// Appends `row` with every `$n` turned into `?`; see [`placeholder_order`] for the values.
fn push_anonymous(out: &mut String, row: &str) {
    let mut rest = row;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        out.push('?');
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        rest = &rest[digits..];
    }
    out.push_str(rest);
}

/// The `n` of each `$n` in `row`, in the order they appear: the order [`push_anonymous`]'s
/// placeholders take their values in (a parameter used twice is bound twice).
fn placeholder_order(row: &str) -> Vec<usize> {
    let mut order = Vec::new();
    let mut rest = row;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let Ok(number) = rest[..digits].parse::<usize>() {
            order.push(number);
        }
        rest = &rest[digits..];
    }
    order
}

/// One bound value of a waiting row.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Int(Some(value))
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Value {
        Value::Int(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Value {
        Value::Bool(Some(value))
    }
}

impl From<Option<bool>> for Value {
    fn from(value: Option<bool>) -> Value {
        Value::Bool(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Text(Some(value.to_owned()))
    }
}

impl From<Option<&str>> for Value {
    fn from(value: Option<&str>) -> Value {
        Value::Text(value.map(str::to_owned))
    }
}

/// Rows ready to send: one statement's worth or fewer, all with the same `given` mask.
#[derive(Debug)]
pub(super) struct Ready {
    pub(super) sql: Arc<str>,
    /// Whether the statement text recurs (a full batch) and is worth preparing once.
    pub(super) persistent: bool,
    pub(super) values: Vec<Value>,
    pub(super) first_line: i64,
    pub(super) last_line: i64,
}

/// Rows waiting for one `given` mask, their values in row order.
#[derive(Debug)]
struct Waiting {
    given: u8,
    values: Vec<Value>,
    first_line: i64,
    last_line: i64,
}

impl Waiting {
    fn rows(&self, params: usize) -> usize {
        self.values.len() / params.max(1)
    }
}

/// The waiting rows of one table.
#[derive(Debug)]
pub(super) struct Batch {
    shape: &'static RowsSql,
    size: StatementSize,
    full: usize,
    waiting: Vec<Waiting>,
    /// Hashes of the keys that wait. A hash collision only sends the rows a little early,
    /// which is always correct, so the keys themselves need not be kept.
    keys: HashSet<u64, KeyHasher>,
    /// SQLite: the `$n` of each placeholder in the order they appear, unless that is just
    /// `1..=params` (then a row's values go out as they are, without a copy).
    reorder: Option<Vec<usize>>,
    /// The text of a full statement for each `given` mask met so far: built once, since
    /// nearly every statement of a large import is a full one (building it anew was 2.8 %
    /// of the importer's samples).
    full_sql: Vec<(u8, Arc<str>)>,
}

impl Batch {
    pub(super) fn new(shape: &'static RowsSql, size: StatementSize) -> Batch {
        let order = placeholder_order(shape.row);
        let in_order = order.iter().copied().eq(1..=shape.params);
        let reorder = match size {
            StatementSize::Sqlite if !in_order => Some(order),
            _ => None,
        };
        Batch {
            shape,
            size,
            full: shape.rows_per_statement(size),
            waiting: Vec::new(),
            keys: HashSet::with_hasher(KeyHasher::default()),
            reorder,
            full_sql: Vec::new(),
        }
    }

    /// Adds a row with the key from [`key_of`] (`None` for rows that never conflict), and
    /// returns the statements to send now, in order: everything that waited, if a row with
    /// the same key was among it (the later line must win, and PostgreSQL refuses one
    /// statement that updates a row twice); and the row's group once it fills a statement.
    pub(super) fn push(
        &mut self,
        key: Option<u64>,
        given: u8,
        line: i64,
        values: Vec<Value>,
    ) -> Vec<Ready> {
        debug_assert_eq!(values.len(), self.shape.params);
        let mut ready = Vec::new();
        if let Some(key) = key {
            if self.keys.contains(&key) {
                ready = self.drain();
            }
            self.keys.insert(key);
        }
        let index = match self.waiting.iter().position(|group| group.given == given) {
            Some(index) => index,
            None => {
                self.waiting.push(Waiting {
                    given,
                    values: Vec::new(),
                    first_line: line,
                    last_line: line,
                });
                self.waiting.len() - 1
            }
        };
        let group = &mut self.waiting[index];
        group.values.extend(values);
        group.last_line = line;
        if group.rows(self.shape.params) == self.full {
            let group = self.waiting.swap_remove(index);
            if self.waiting.is_empty() {
                self.keys.clear();
            }
            ready.push(self.ready(group));
        }
        ready
    }

    /// The statement text for `rows` rows giving `given` (see [`Self::full_sql`]).
    fn sql(&mut self, rows: usize, given: u8) -> Arc<str> {
        if rows != self.full {
            return self.shape.sql(rows, given, self.size).into();
        }
        if let Some((_, sql)) = self.full_sql.iter().find(|(mask, _)| *mask == given) {
            return Arc::clone(sql);
        }
        let sql: Arc<str> = self.shape.sql(rows, given, self.size).into();
        self.full_sql.push((given, Arc::clone(&sql)));
        sql
    }

    /// Everything that waits, as statements.
    pub(super) fn drain(&mut self) -> Vec<Ready> {
        self.keys.clear();
        let groups = std::mem::take(&mut self.waiting);
        groups.into_iter().map(|group| self.ready(group)).collect()
    }

    fn ready(&mut self, group: Waiting) -> Ready {
        let rows = group.rows(self.shape.params);
        let values = match &self.reorder {
            None => group.values,
            Some(order) => group
                .values
                .chunks(self.shape.params.max(1))
                .flat_map(|row| order.iter().map(move |&number| row[number - 1].clone()))
                .collect(),
        };
        Ready {
            sql: self.sql(rows, group.given),
            persistent: rows == self.full,
            values,
            first_line: group.first_line,
            last_line: group.last_line,
        }
    }
}

/// A row's conflict key, hashed, as [`Batch::push`] takes it.
pub(super) fn key_of(key: &impl Hash) -> u64 {
    KeyHasher::default().hash_one(key)
}

#[cfg(test)]
mod tests;
