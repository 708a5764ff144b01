//! The chat shorthand written as its line arrives, for an import into a database without
//! sessions (a first load: BENCHMARKS.md §1).
//!
//! Staging each shorthand and its bindings and inserting them at the end cost a temporary row
//! per chat and binding, then two joins over them. When `sessions` and `session_crm_bindings`
//! are empty as the import begins, no stored shorthand session can be the one a chat line
//! updates, so a chat's first shorthand line writes its session and bindings at once, with
//! an id chosen here ([`FastShorthand`]). The rule for those ids (docs/FIXTURES.md):
//!
//! - they are handed out in the order of the chat lines, after every id `sessions` ever held
//!   and every id an earlier `session` line of the file gave;
//! - a later `session` line that names one of them takes it: the shorthand session moves to
//!   the next free id ([`FastShorthand::explicit_session`]), with its bindings.
//!
//! A later shorthand line for the same chat is staged and applied at the end as before, which
//! updates the session written here (found by `shorthand_chat_id`). Chats are remembered in a
//! bitmap of bounded size; once it is full, further chats are staged too, so every outcome
//! is the same, only slower. The chat index is filled at the end from the tables, as before.

use crate::domain::crm::CrmEntityType;
use std::collections::HashMap;

/// Ids per bitmap block (8 words).
const BLOCK_IDS: i64 = 512;

/// Blocks of the chat bitmap at most: 64 bytes of bits plus the map's own entry each, so
/// about 20 MiB even for ids so sparse that each has a block of its own, and room for 134 M
/// dense ids.
pub(super) const MAX_CHAT_BLOCKS: usize = 262_144;

/// Blocks of each CRM type's bitmap at most (about 5 MiB each, room for 33 M dense ids): a
/// record missing there only costs its bindings a staged row.
pub(super) const MAX_CRM_BLOCKS: usize = 65_536;

/// How many runs of shorthand session ids are remembered at most (16 bytes each). A file
/// whose explicit sessions keep interleaving with new shorthand chats splits the ids into
/// many runs; past this, further chats are staged.
const MAX_RUNS: usize = 1 << 20;

/// A set of ids kept as bits in blocks of [`BLOCK_IDS`]: dense ids (the usual case) cost a
/// bit each.
#[derive(Debug)]
pub(super) struct IdBitmap {
    blocks: HashMap<i64, [u64; 8]>,
    max_blocks: usize,
}

impl IdBitmap {
    pub(super) fn with_max_blocks(max_blocks: usize) -> IdBitmap {
        IdBitmap {
            blocks: HashMap::new(),
            max_blocks,
        }
    }

    fn place(id: i64) -> (i64, usize, u64) {
        let offset = id.rem_euclid(BLOCK_IDS) as usize;
        (id.div_euclid(BLOCK_IDS), offset / 64, 1 << (offset % 64))
    }

    pub(super) fn contains(&self, id: i64) -> bool {
        let (block, word, bit) = Self::place(id);
        self.blocks
            .get(&block)
            .is_some_and(|words| words[word] & bit != 0)
    }

    /// Adds `id`, unless that needs a block beyond its maximum; says whether it is in.
    pub(super) fn insert(&mut self, id: i64) -> bool {
        let (block, word, bit) = Self::place(id);
        if !self.blocks.contains_key(&block) && self.blocks.len() >= self.max_blocks {
            return false;
        }
        self.blocks.entry(block).or_insert([0; 8])[word] |= bit;
        true
    }
}

/// What the shorthand of one chat line does (see [`FastShorthand::claim`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Claim {
    /// Written now, as the session with this id.
    Session(i64),
    /// Staged and applied at the end: the chat had a shorthand earlier in the file, or the
    /// bounded sets are full.
    Staged,
}

/// See the module doc.
#[derive(Debug)]
pub(super) struct FastShorthand {
    /// The id the next shorthand session gets; `None` once ids ran out (then all is staged).
    next_id: Option<i64>,
    /// The ids given to shorthand sessions, as ascending runs `start..=last`.
    runs: Vec<(i64, i64)>,
    /// Chats whose shorthand session was written here.
    chats: IdBitmap,
    /// CRM records written by the file so far, one set per type (see [`Self::has_crm`]).
    crm: [IdBitmap; 4],
}

impl FastShorthand {
    /// Starts above `last_id`, the largest session id the table ever held.
    pub(super) fn new(last_id: i64) -> FastShorthand {
        FastShorthand {
            next_id: last_id.checked_add(1),
            runs: Vec::new(),
            chats: IdBitmap::with_max_blocks(MAX_CHAT_BLOCKS),
            crm: std::array::from_fn(|_| IdBitmap::with_max_blocks(MAX_CRM_BLOCKS)),
        }
    }

    /// The shorthand of a chat line for `chat_id`.
    pub(super) fn claim(&mut self, chat_id: i64) -> Claim {
        if self.chats.contains(chat_id) || self.runs.len() >= MAX_RUNS {
            return Claim::Staged;
        }
        let Some(id) = self.next_id else {
            return Claim::Staged;
        };
        if !self.chats.insert(chat_id) {
            return Claim::Staged;
        }
        self.take(id);
        Claim::Session(id)
    }

    /// Hands out `id`, which is `next_id`.
    fn take(&mut self, id: i64) {
        self.next_id = id.checked_add(1);
        match self.runs.last_mut() {
            // `last < id`, so `last + 1` cannot overflow.
            Some((_, last)) if *last + 1 == id => *last = id,
            _ => self.runs.push((id, id)),
        }
    }

    /// A `session` line with `id`. Says whether `id` was handed to a shorthand session: the
    /// caller then moves that session, unless an earlier `session` line moved it already
    /// (it asks the database), to [`Self::move_target`].
    pub(super) fn explicit_session(&mut self, id: i64) -> bool {
        match self.next_id {
            Some(next) if id >= next => {
                // Later shorthand sessions go above it (none has it yet).
                self.next_id = id.checked_add(1);
                false
            }
            _ => {
                let at = self.runs.partition_point(|&(_, last)| last < id);
                self.runs.get(at).is_some_and(|&(start, _)| start <= id)
            }
        }
    }

    /// The new id of a shorthand session that a `session` line took the id of; `None` when
    /// ids ran out (the caller then fails the import, as the database would).
    pub(super) fn move_target(&mut self) -> Option<i64> {
        let id = self.next_id?;
        self.take(id);
        Some(id)
    }

    /// Whether a shorthand session was written here (a handed-out id, moved or not).
    pub(super) fn wrote(&self) -> bool {
        !self.runs.is_empty()
    }

    /// Notes a CRM record the file wrote (an import never removes one).
    pub(super) fn add_crm(&mut self, entity_type: &str, id: i64) {
        if let Some(set) = type_slot(entity_type).map(|slot| &mut self.crm[slot]) {
            set.insert(id);
        }
    }

    /// Whether a binding to this record cannot dangle: an earlier line wrote the record.
    pub(super) fn has_crm(&self, entity_type: &str, id: i64) -> bool {
        type_slot(entity_type).is_some_and(|slot| self.crm[slot].contains(id))
    }
}

/// The place of a CRM type (as the importer writes it: `deal`) in [`FastShorthand::crm`].
pub(super) fn type_slot(entity_type: &str) -> Option<usize> {
    CrmEntityType::ALL
        .iter()
        .position(|known| known.as_str() == entity_type)
}

#[cfg(test)]
mod tests;
