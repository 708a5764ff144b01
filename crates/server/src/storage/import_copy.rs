//! Plain rows sent with PostgreSQL's `COPY … FROM STDIN` instead of multi-row upserts.
//!
//! A multi-row `INSERT … ON CONFLICT` makes PostgreSQL parse and plan a statement of
//! thousands of parameters, then probe the key for every row. `COPY` streams rows straight
//! into the table: the 1 M-chat import's chats, sessions, bindings and CRM records took 14.3 s
//! as upserts and 6.0 s as `COPY` (BENCHMARKS.md §1). `COPY` cannot resolve a conflict, so
//! only rows known not to meet one go this way:
//!
//! - rows without a conflict key (the shorthand sessions and their bindings, whose ids the
//!   importer chooses: [`super::import_fast`]);
//! - a chat or CRM record whose table held no rows as the import began, the first time the
//!   file names it. Ids are remembered in bounded bitmaps ([`IdBitmap`]); an id the bitmap has
//!   no room for, and every later line for an id already sent, goes as an upsert as before.
//!
//! Rows wait in a buffer per table and go out as one `COPY` once the buffer is large, and
//! before any other statement runs in the import's transaction (see
//! [`super::import::ImportWriter`]), so a later statement always sees them; in particular an
//! upsert of a repeated id runs after the `COPY` that wrote the id first.
//!
//! The text format is written here: sqlx sends `COPY` data but leaves its encoding to the
//! caller, and the format is four escapes and `\N`.

use super::import_fast::{type_slot, IdBitmap, MAX_CHAT_BLOCKS, MAX_CRM_BLOCKS};
use super::import_rows::{RowsSql, Value};
use super::import_sql::Table;
use std::collections::BTreeMap;

/// A buffer is sent once it holds this many bytes: large enough that a `COPY`'s round trips
/// do not count, small enough that memory stays flat.
const SEND_AT_BYTES: usize = 1 << 20;

/// One value of a `COPY` row: a parameter of the row's upsert (`$n`, from 1) or `NULL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Param(usize),
    Null,
}

/// The `COPY` form of a [`RowsSql`]: its statement and where each column's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CopySql {
    pub(super) statement: String,
    fields: Vec<Field>,
}

impl CopySql {
    /// The `COPY` of `shape`, when its head is `INSERT INTO t (columns) VALUES` and each value
    /// of its row is a plain `$n` or `NULL`; `None` otherwise (such rows stay upserts).
    pub(super) fn of(shape: &RowsSql) -> Option<CopySql> {
        let target = shape
            .head
            .strip_prefix("INSERT INTO ")?
            .strip_suffix(" VALUES")?;
        let fields = shape
            .row
            .strip_prefix('(')?
            .strip_suffix(')')?
            .split(',')
            .map(|value| match value.trim() {
                "NULL" => Some(Field::Null),
                other => other.strip_prefix('$')?.parse().ok().map(Field::Param),
            })
            .collect::<Option<Vec<Field>>>()?;
        let fits = fields.iter().all(|field| {
            matches!(field, Field::Null)
                || matches!(field, Field::Param(n) if (1..=shape.params).contains(n))
        });
        fits.then(|| CopySql {
            statement: format!("COPY {target} FROM STDIN"),
            fields,
        })
    }

    /// Appends one row of `values` (the upsert's parameters, in order) in the text format.
    fn encode(&self, values: &[Value], out: &mut Vec<u8>) {
        for (at, field) in self.fields.iter().enumerate() {
            if at > 0 {
                out.push(b'\t');
            }
            match field {
                Field::Null => out.extend_from_slice(b"\\N"),
                Field::Param(number) => encode_value(&values[number - 1], out),
            }
        }
        out.push(b'\n');
    }
}

fn encode_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Int(Some(value)) => out.extend_from_slice(value.to_string().as_bytes()),
        Value::Bool(Some(value)) => out.push(if *value { b't' } else { b'f' }),
        Value::Text(Some(text)) => {
            for byte in text.bytes() {
                match byte {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    other => out.push(other),
                }
            }
        }
        Value::Int(None) | Value::Bool(None) | Value::Text(None) => {
            out.extend_from_slice(b"\\N");
        }
    }
}

/// The rows of one table waiting for their `COPY`.
#[derive(Debug)]
pub(super) struct CopyRows {
    pub(super) sql: CopySql,
    pub(super) data: Vec<u8>,
    pub(super) first_line: i64,
    pub(super) last_line: i64,
}

/// What goes by `COPY` in one PostgreSQL import, and the rows that wait (see the module doc).
#[derive(Debug)]
pub(super) struct CopyIn {
    /// Chats sent by `COPY`; `None` when `chats` held rows as the import began.
    chats: Option<IdBitmap>,
    /// CRM records sent by `COPY`, one set per type; `None` when `crm_records` held rows.
    crm: Option<[IdBitmap; 4]>,
    waiting: BTreeMap<Table, CopyRows>,
}

impl CopyIn {
    pub(super) fn new(chats_empty: bool, crm_empty: bool) -> CopyIn {
        CopyIn {
            chats: chats_empty.then(|| IdBitmap::with_max_blocks(MAX_CHAT_BLOCKS)),
            crm: crm_empty
                .then(|| std::array::from_fn(|_| IdBitmap::with_max_blocks(MAX_CRM_BLOCKS))),
            waiting: BTreeMap::new(),
        }
    }

    /// Whether the row of chat `id` may be copied: the first row of it, into a table that
    /// was empty. Remembers it.
    pub(super) fn fresh_chat(&mut self, id: i64) -> bool {
        self.chats.as_mut().is_some_and(|sent| first_time(sent, id))
    }

    /// [`Self::fresh_chat`] for a CRM record (`deal`, as the importer writes the type).
    pub(super) fn fresh_crm(&mut self, entity_type: &str, id: i64) -> bool {
        match (self.crm.as_mut(), type_slot(entity_type)) {
            (Some(sets), Some(slot)) => first_time(&mut sets[slot], id),
            _ => false,
        }
    }

    /// Queues a row of `table` from `line`; returns `false` when the table's rows cannot be
    /// copied (the caller then upserts it). Whether a buffer is due: [`Self::due`].
    pub(super) fn push(&mut self, table: Table, line: i64, values: &[Value]) -> bool {
        debug_assert_eq!(values.len(), table.shape().params);
        let rows = match self.waiting.entry(table) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => {
                let Some(sql) = CopySql::of(table.shape()) else {
                    return false;
                };
                entry.insert(CopyRows {
                    sql,
                    data: Vec::with_capacity(SEND_AT_BYTES + 4096),
                    first_line: line,
                    last_line: line,
                })
            }
        };
        if rows.data.is_empty() {
            rows.first_line = line;
        }
        rows.last_line = line;
        rows.sql.encode(values, &mut rows.data);
        true
    }

    /// Whether `table`'s buffer is large enough to send.
    pub(super) fn due(&self, table: Table) -> bool {
        self.waiting
            .get(&table)
            .is_some_and(|rows| rows.data.len() >= SEND_AT_BYTES)
    }

    /// Takes the waiting rows of `table`, if any, leaving its buffer empty for reuse.
    pub(super) fn take(&mut self, table: Table) -> Option<CopyRows> {
        let rows = self.waiting.get_mut(&table)?;
        if rows.data.is_empty() {
            return None;
        }
        let data = std::mem::replace(&mut rows.data, Vec::with_capacity(SEND_AT_BYTES + 4096));
        Some(CopyRows {
            sql: rows.sql.clone(),
            data,
            first_line: rows.first_line,
            last_line: rows.last_line,
        })
    }

    /// The tables with rows waiting.
    pub(super) fn waiting_tables(&self) -> Vec<Table> {
        self.waiting
            .iter()
            .filter(|(_, rows)| !rows.data.is_empty())
            .map(|(table, _)| *table)
            .collect()
    }
}

/// Adds `id` to `sent`; true only if it was not there and there was room for it.
fn first_time(sent: &mut IdBitmap, id: i64) -> bool {
    !sent.contains(id) && sent.insert(id)
}

#[cfg(test)]
mod tests;
