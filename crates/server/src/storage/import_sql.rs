//! The SQL of the fixture importer ([`super::import`]): its temporary staging tables, the
//! reference checks that name the fixture line of every dangling reference, the statements
//! that apply staged sessions and bindings at the end, and the shape of each multi-row
//! upsert ([`RowsSql`]).
//!
//! While a file loads, a record's line number goes into `import_lines`, so the checks at the
//! end can run in SQL (constant memory, however large the file) and still say which line is
//! wrong; a record whose references are known to exist as it arrives is left out (see
//! [`super::import_known`]). The chat shorthand's sessions and all CRM bindings are staged the
//! same way and applied at the end, so lines may come in any order (into a database without
//! sessions, a chat's first shorthand is written as it arrives: [`super::import_fast`]).

use super::import_rows::RowsSql;

/// The staging tables go away at commit (and with the connection, on rollback).
pub(super) const DROP_TEMP_TABLES: &[&str] = &[
    "DROP TABLE IF EXISTS import_lines",
    "DROP TABLE IF EXISTS import_bindings",
    "DROP TABLE IF EXISTS import_binding_owners",
    "DROP TABLE IF EXISTS import_shorthand",
    "DROP TABLE IF EXISTS import_chats",
];

/// The staging tables; every statement below that names `import_*` needs them.
pub(super) const CREATE_TEMP_TABLES: &[&str] = &[
    "CREATE TEMPORARY TABLE import_lines (kind TEXT NOT NULL, int_id BIGINT NOT NULL, text_id TEXT NOT NULL, line BIGINT NOT NULL, PRIMARY KEY (kind, int_id, text_id))",
    "CREATE TEMPORARY TABLE import_bindings (owner TEXT NOT NULL, owner_id BIGINT NOT NULL, entity_type TEXT NOT NULL, entity_id BIGINT NOT NULL, line BIGINT NOT NULL)",
    // The last line that gave each session bindings: only that line's bindings count, so a
    // later line replaces an earlier one's (or clears them with `"crm": []`). A chat's
    // shorthand bindings count from its last line in `import_shorthand`, which is the same
    // line, so chats are not listed here (one staged row less for every chat).
    "CREATE TEMPORARY TABLE import_binding_owners (owner TEXT NOT NULL, owner_id BIGINT NOT NULL, line BIGINT NOT NULL, PRIMARY KEY (owner, owner_id))",
    "CREATE TEMPORARY TABLE import_shorthand (chat_id BIGINT PRIMARY KEY, status BIGINT NOT NULL, line BIGINT NOT NULL)",
    // The chats whose chat.get index rows the import may change ([`TOUCHED_CHATS`]).
    "CREATE TEMPORARY TABLE import_chats (chat_id BIGINT PRIMARY KEY)",
];

/// Run once every line is staged: no autovacuum ever looks at temporary tables, and without
/// statistics PostgreSQL plans the joins below for tables of a few rows.
pub(super) const ANALYZE_STAGING: &[&str] = &[
    "ANALYZE import_lines",
    "ANALYZE import_bindings",
    "ANALYZE import_binding_owners",
    "ANALYZE import_shorthand",
];

/// Before imported session rows overwrite stored ones, the chats those sessions belonged to
/// (`$1`, the session ids: a JSON array on SQLite, an array on PostgreSQL): a session moved to
/// another chat changes the index rows of the chat it left too.
pub(super) const SESSIONS_OLD_CHATS_SQLITE: &str = "
    INSERT INTO import_chats (chat_id)
    SELECT DISTINCT chat_id FROM sessions WHERE id IN (SELECT value FROM json_each($1))
    ON CONFLICT DO NOTHING";

/// See [`SESSIONS_OLD_CHATS_SQLITE`].
pub(super) const SESSIONS_OLD_CHATS_PG: &str = "
    INSERT INTO import_chats (chat_id)
    SELECT DISTINCT chat_id FROM sessions WHERE id = ANY($1)
    ON CONFLICT DO NOTHING";

/// The other chats whose index rows the import may change: every imported chat (its
/// connector, its shorthand session and bindings) and the chat of every imported session
/// (its status, times and bindings). Messages, members and CRM records do not enter the index.
pub(super) const TOUCHED_CHATS: &[&str] = &[
    "INSERT INTO import_chats (chat_id)
     SELECT int_id FROM import_lines WHERE kind = 'chat'
     ON CONFLICT DO NOTHING",
    "INSERT INTO import_chats (chat_id)
     SELECT DISTINCT s.chat_id FROM import_lines l JOIN sessions s ON s.id = l.int_id
     WHERE l.kind = 'session'
     ON CONFLICT DO NOTHING",
    // Filled after ANALYZE_STAGING; without statistics PostgreSQL would guess its size.
    "ANALYZE import_chats",
];

/// The ids of the small tables the reference checks look into, read when the import begins
/// (see [`super::import_known`]; at most `MAX_KNOWN` of each, the limit written in).
pub(super) const KNOWN_CONNECTORS: &str = "SELECT id FROM connectors LIMIT 65536";

/// See [`KNOWN_CONNECTORS`].
pub(super) const KNOWN_LINES: &str = "SELECT id FROM lines LIMIT 65536";

/// See [`KNOWN_CONNECTORS`].
pub(super) const KNOWN_USERS: &str = "SELECT id FROM users LIMIT 65536";

/// Whether the table holds any row, asked before the import writes to it: an import into
/// empty tables skips the statements that only fix up earlier rows.
pub(super) const SESSIONS_EXIST: &str = "SELECT EXISTS (SELECT 1 FROM sessions)";

/// See [`SESSIONS_EXIST`].
pub(super) const CHATS_EXIST: &str = "SELECT EXISTS (SELECT 1 FROM chats)";

/// Whether any CRM record is stored.
pub(super) const CRM_RECORDS_EXIST: &str = "SELECT EXISTS (SELECT 1 FROM crm_records)";

/// See [`SESSIONS_EXIST`].
pub(super) const BINDINGS_EXIST: &str = "SELECT EXISTS (SELECT 1 FROM session_crm_bindings)";

/// See [`SESSIONS_EXIST`].
pub(super) const CHAT_INDEX_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM crm_chat_index)";

/// Each check lists `(line, what is wrong)` for references that are still missing, at most
/// `$1` ([`MAX_REPORTED`]) of them.
pub(super) const REFERENCE_CHECKS: &[&str] = &[
    "SELECT l.line, 'department ' || d.id || ' refers to parent department ' || d.parent_id || ', which does not exist'
     FROM import_lines l JOIN departments d ON l.kind = 'department' AND d.id = l.int_id
     WHERE d.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM departments p WHERE p.id = d.parent_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'user ' || u.id || ' refers to department ' || u.department_id || ', which does not exist'
     FROM import_lines l JOIN users u ON l.kind = 'user' AND u.id = l.int_id
     WHERE u.department_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM departments d WHERE d.id = u.department_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, l.kind || ' refers to user ' || l.int_id || ', who does not exist'
     FROM import_lines l
     WHERE l.kind IN ('permission', 'webhook', 'token') AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.int_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, l.text_id || ' ' || r.id || ' is assigned to user ' || r.assigned_by_id || ', who does not exist'
     FROM import_lines l JOIN crm_records r ON l.kind = 'crm' AND r.entity_type = l.text_id AND r.id = l.int_id
     WHERE r.assigned_by_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = r.assigned_by_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'chat ' || c.id || ' uses connector ' || c.connector_id || ', which does not exist (add a connector record)'
     FROM import_lines l JOIN chats c ON l.kind = 'chat' AND c.id = l.int_id
     WHERE NOT EXISTS (SELECT 1 FROM connectors k WHERE k.id = c.connector_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'chat ' || c.id || ' belongs to line ' || c.line_id || ', which does not exist'
     FROM import_lines l JOIN chats c ON l.kind = 'chat' AND c.id = l.int_id
     WHERE NOT EXISTS (SELECT 1 FROM lines n WHERE n.id = c.line_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'session ' || s.id || ' belongs to chat ' || s.chat_id || ', which does not exist'
     FROM import_lines l JOIN sessions s ON l.kind = 'session' AND s.id = l.int_id
     WHERE NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = s.chat_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'session ' || s.id || ' has operator ' || s.operator_id || ', who does not exist'
     FROM import_lines l JOIN sessions s ON l.kind = 'session' AND s.id = l.int_id
     WHERE s.operator_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.operator_id)
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'member of chat ' || l.int_id || ' refers to a chat or user that does not exist'
     FROM import_lines l
     WHERE l.kind = 'member' AND (NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = l.int_id)
        OR NOT EXISTS (SELECT 1 FROM chat_members m JOIN users u ON u.id = m.user_id
                       WHERE m.chat_id = l.int_id AND CAST(m.user_id AS TEXT) = l.text_id))
     ORDER BY 1 LIMIT $1",
    "SELECT l.line, 'message ' || m.id || ' refers to a chat or author that does not exist'
     FROM import_lines l JOIN messages m ON l.kind = 'message' AND m.id = l.int_id
     WHERE NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = m.chat_id)
        OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = m.author_id)
     ORDER BY 1 LIMIT $1",
    BINDING_CHECK,
];

/// PostgreSQL: memory for the sorts and hashes of the statements at the end, and for the
/// index builds of [`SECONDARY_INDEXES_PG`]. At the default 4 MB the chat index fill of a 1 M
/// file spilled its sort to disk; set for this transaction only.
pub(super) const SORT_MEMORY_PG: &str = "SET LOCAL work_mem = '256MB'";

/// See [`SORT_MEMORY_PG`].
pub(super) const INDEX_BUILD_MEMORY_PG: &str = "SET LOCAL maintenance_work_mem = '256MB'";

/// PostgreSQL: for each non-unique index of table `$1`, the statement that drops it and the
/// one that builds it again. A table that was empty gets its rows at the end in one
/// statement; inserting them into its secondary indexes one by one, at random places in
/// B-trees larger than the buffer cache, took twice as long as building those indexes
/// afterwards (BENCHMARKS.md §1). Unique indexes stay: conflicts need them. The definitions
/// are read from the catalog, so they follow the migrations; the drop and rebuild happen in
/// the import's transaction, so a failed import leaves the indexes as they were.
pub(super) const SECONDARY_INDEXES_PG: &str = "
    SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
    FROM pg_index i WHERE i.indrelid = CAST($1 AS TEXT)::regclass AND NOT i.indisunique
    ORDER BY i.indexrelid";

/// SQLite: [`SECONDARY_INDEXES_PG`]'s list for table `$1` (the non-unique indexes; those a
/// key or `UNIQUE` made have no `sql` and are not listed by `unique = 0` either). For the
/// 1.25 M bindings of a 1 M file, 4.2 s with the two indexes kept against 0.9 s without them
/// and 1.8 s to build them afterwards.
pub(super) const SECONDARY_INDEXES_SQLITE: &str = "
    SELECT 'DROP INDEX \"' || replace(l.name, '\"', '\"\"') || '\"', m.sql
    FROM pragma_index_list($1) l JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name
    WHERE l.\"unique\" = 0 AND m.sql IS NOT NULL
    ORDER BY l.name";

/// PostgreSQL: the primary key of table `$1`, as the statement that drops it and the one that
/// adds it again. Only for a table filled from empty by a statement that cannot repeat a key
/// ([`INSERT_STAGED_BINDINGS_INTO_EMPTY_PG`]): keeping the key up to date row by row cost
/// three times as much as adding it afterwards.
pub(super) const PRIMARY_KEY_PG: &str = "
    SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,
                  pg_get_constraintdef(c.oid))
    FROM pg_constraint c WHERE c.conrelid = CAST($1 AS TEXT)::regclass AND c.contype = 'p'";

/// The last of [`REFERENCE_CHECKS`]: bindings to CRM records that do not exist.
///
/// PostgreSQL misjudges the join of the staged bindings with their owners' lines (it
/// multiplies the selectivities of `owner_id` and `line`, which go together) and expects a
/// few rows, so it probes `crm_records` once per binding through a nested loop: 10.5 s for
/// the 1.25 M bindings of a 1 M file, whose fresh rows are not yet visible to an index-only
/// scan. When many bindings are staged, [`NESTED_LOOPS_OFF_PG`] lets it hash instead (3.3 s).
pub(super) const BINDING_CHECK: &str = "SELECT b.line, 'binding to ' || b.entity_type || ' ' || b.entity_id || ', which does not exist'
     FROM (SELECT b.line, b.entity_type, b.entity_id FROM import_bindings b
           JOIN import_binding_owners o ON o.owner = b.owner AND o.owner_id = b.owner_id AND o.line = b.line
           UNION ALL
           SELECT b.line, b.entity_type, b.entity_id FROM import_bindings b
           JOIN import_shorthand h ON b.owner = 'chat' AND h.chat_id = b.owner_id AND h.line = b.line
           UNION ALL
           SELECT b.line, b.entity_type, b.entity_id FROM import_bindings b
           WHERE b.owner = 'shorthand' AND NOT EXISTS (SELECT 1 FROM import_shorthand h WHERE h.chat_id = b.owner_id)) b
     WHERE NOT EXISTS (SELECT 1 FROM crm_records r WHERE r.entity_type = b.entity_type AND r.id = b.entity_id)
     ORDER BY 1 LIMIT $1";

/// The rows `import_bindings` holds with owner `shorthand` are the bindings of a shorthand
/// session written as its line arrived ([`super::import_fast`]) whose record was not known
/// then; they count unless a later line of the same chat was staged (`import_shorthand`),
/// whose bindings replace them.
///
/// From this many staged bindings on, the binding check runs without nested loops.
pub(super) const HASHED_BINDING_CHECK_FROM: u64 = 50_000;

/// See [`BINDING_CHECK`]; for that statement only, in this transaction only.
pub(super) const NESTED_LOOPS_OFF_PG: &str = "SET LOCAL enable_nestloop = off";

/// Undoes [`NESTED_LOOPS_OFF_PG`].
pub(super) const NESTED_LOOPS_ON_PG: &str = "SET LOCAL enable_nestloop = on";

/// How many reference problems are reported at most.
pub(super) const MAX_REPORTED: i64 = 50;

/// Sessions created by a staged chat shorthand take the engine's next ids (see
/// `super::ids`), in the order of their chats. Explicit session lines were written before this
/// runs, so on PostgreSQL the sequence is first lifted above them (`RAISE_SESSIONS_PG`). (Into
/// a database without sessions most shorthands are not staged: [`super::import_fast`].)
pub(super) const CREATE_SHORTHAND_SESSIONS: &str = "
    INSERT INTO sessions (chat_id, status, operator_id, created_at, modified_at, shorthand_chat_id)
    SELECT h.chat_id, h.status, NULL, $1, $1, h.chat_id
    FROM import_shorthand h
    WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.shorthand_chat_id = h.chat_id)
    ORDER BY h.chat_id";

/// The largest id `sessions` ever held (its `AUTOINCREMENT` counter): shorthand sessions
/// written from the stream go above it ([`super::import_fast`]).
pub(super) const LAST_SESSION_ID_SQLITE: &str = "
    SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'sessions'), 0),
               COALESCE((SELECT MAX(id) FROM sessions), 0))";

/// See [`LAST_SESSION_ID_SQLITE`]; the sequence's last value counts once it was used.
pub(super) const LAST_SESSION_ID_PG: &str = "
    SELECT GREATEST(CASE WHEN is_called THEN last_value ELSE last_value - 1 END,
                    (SELECT COALESCE(MAX(id), 0) FROM sessions))
    FROM sessions_id_seq";

/// The chat whose shorthand session has id `$1`, if that session is one (see
/// [`super::import_fast`]: a `session` line then takes the id, and the shorthand moves).
pub(super) const SHORTHAND_OF_SESSION: &str =
    "SELECT shorthand_chat_id FROM sessions WHERE id = $1 AND shorthand_chat_id IS NOT NULL";

/// Moves session `$1` to id `$2` (a shorthand session whose id a `session` line took).
pub(super) const MOVE_SESSION: &str = "UPDATE sessions SET id = $2 WHERE id = $1";

/// Moves the bindings of session `$1` with it, to `$2`.
pub(super) const MOVE_SESSION_BINDINGS: &str =
    "UPDATE session_crm_bindings SET session_id = $2 WHERE session_id = $1";

/// See [`CREATE_SHORTHAND_SESSIONS`].
pub(super) const RAISE_SESSIONS_PG: &str =
    "SELECT openlines_raise_sequence('sessions_id_seq', (SELECT COALESCE(MAX(id), 0) FROM sessions))";

/// A shorthand whose status changed moves its session and marks it modified now.
pub(super) const UPDATE_SHORTHAND_SESSIONS: &str = "
    UPDATE sessions
    SET status = (SELECT h.status FROM import_shorthand h WHERE h.chat_id = sessions.shorthand_chat_id),
        modified_at = $1
    WHERE shorthand_chat_id IN (
        SELECT h.chat_id FROM import_shorthand h
        JOIN sessions s ON s.shorthand_chat_id = h.chat_id
        WHERE h.status <> s.status)";

pub(super) const CLEAR_REPLACED_BINDINGS: &str = "
    DELETE FROM session_crm_bindings WHERE session_id IN (
        SELECT o.owner_id FROM import_binding_owners o WHERE o.owner = 'session'
        UNION
        SELECT s.id FROM import_shorthand h JOIN sessions s ON s.shorthand_chat_id = h.chat_id)";

/// The bindings of each owner's last line (a chat's: its last line in `import_shorthand`). A binding given twice is stored once; `ON
/// CONFLICT` skips the repeats, which costs less than `UNION` sorting every row to find them.
/// (`WHERE TRUE` tells SQLite's parser that `ON CONFLICT` is not a join's `ON`.)
pub(super) const INSERT_STAGED_BINDINGS: &str = "
    INSERT INTO session_crm_bindings (session_id, entity_type, entity_id)
    SELECT b.owner_id, b.entity_type, b.entity_id FROM import_bindings b
    JOIN import_binding_owners o ON o.owner = b.owner AND o.owner_id = b.owner_id AND o.line = b.line
    WHERE b.owner = 'session'
    UNION ALL
    SELECT s.id, b.entity_type, b.entity_id FROM import_bindings b
    JOIN import_shorthand h ON b.owner = 'chat' AND h.chat_id = b.owner_id AND h.line = b.line
    JOIN sessions s ON s.shorthand_chat_id = b.owner_id
    WHERE TRUE
    ON CONFLICT DO NOTHING";

/// [`INSERT_STAGED_BINDINGS`] into an empty table on PostgreSQL, whose primary key
/// [`PRIMARY_KEY_PG`] then drops: `UNION` keeps each binding once (a hash, in the memory of
/// [`SORT_MEMORY_PG`]), where `ON CONFLICT` needed the key.
pub(super) const INSERT_STAGED_BINDINGS_INTO_EMPTY_PG: &str = "
    INSERT INTO session_crm_bindings (session_id, entity_type, entity_id)
    SELECT b.owner_id, b.entity_type, b.entity_id FROM import_bindings b
    JOIN import_binding_owners o ON o.owner = b.owner AND o.owner_id = b.owner_id AND o.line = b.line
    WHERE b.owner = 'session'
    UNION
    SELECT s.id, b.entity_type, b.entity_id FROM import_bindings b
    JOIN import_shorthand h ON b.owner = 'chat' AND h.chat_id = b.owner_id AND h.line = b.line
    JOIN sessions s ON s.shorthand_chat_id = b.owner_id";

/// The tables the importer writes, each with its waiting rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Table {
    Departments,
    Users,
    Permissions,
    Webhooks,
    Tokens,
    CrmRecords,
    Apps,
    Members,
    Messages,
    Connectors,
    Lines,
    Chats,
    Sessions,
    ShorthandSessions,
    ShorthandBindings,
    StagedLines,
    StagedShorthand,
    StagedBindingOwners,
    StagedBindings,
    ChatIndexRows,
}

impl Table {
    pub(super) fn shape(self) -> &'static RowsSql {
        match self {
            Table::Departments => &DEPARTMENTS,
            Table::Users => &USERS,
            Table::Permissions => &PERMISSIONS,
            Table::Webhooks => &WEBHOOKS,
            Table::Tokens => &TOKENS,
            Table::CrmRecords => &CRM_RECORDS,
            Table::Apps => &APPS,
            Table::Members => &MEMBERS,
            Table::Messages => &MESSAGES,
            Table::Connectors => &CONNECTORS,
            Table::Lines => &LINES,
            Table::Chats => &CHATS,
            Table::Sessions => &SESSIONS,
            Table::ShorthandSessions => &SHORTHAND_SESSIONS,
            Table::ShorthandBindings => &SHORTHAND_BINDINGS,
            Table::StagedLines => &STAGED_LINES,
            Table::StagedShorthand => &STAGED_SHORTHAND,
            Table::StagedBindingOwners => &STAGED_BINDING_OWNERS,
            Table::StagedBindings => &STAGED_BINDINGS,
            Table::ChatIndexRows => &CHAT_INDEX_ROWS,
        }
    }
}

// The writes of each record kind. A parameter that only meets other parameters in `COALESCE`
// is cast, so PostgreSQL can prepare the statement without being told its type (the catalog
// test prepares them so). Where a one-row upsert would write `COALESCE($n, stored)`, the
// column is an `optional` clause instead (see `import_rows`).

pub(super) static DEPARTMENTS: RowsSql = RowsSql {
    head: "INSERT INTO departments (id, name, parent_id) VALUES",
    row: "($1, $2, $3)",
    params: 3,
    conflict: "ON CONFLICT (id)",
    always: &["name = excluded.name", "parent_id = excluded.parent_id"],
    optional: &[],
};

pub(super) static USERS: RowsSql = RowsSql {
    head: "INSERT INTO users (id, name, last_name, is_admin, active, department_id) VALUES",
    row: "($1, $2, $3, $4, $5, $6)",
    params: 6,
    conflict: "ON CONFLICT (id)",
    always: &[
        "name = excluded.name",
        "last_name = excluded.last_name",
        "is_admin = excluded.is_admin",
        "active = excluded.active",
        "department_id = excluded.department_id",
    ],
    optional: &[],
};

pub(super) static PERMISSIONS: RowsSql = RowsSql {
    head: "INSERT INTO crm_permissions (user_id, entity_type, read_level) VALUES",
    row: "($1, $2, $3)",
    params: 3,
    conflict: "ON CONFLICT (user_id, entity_type)",
    always: &["read_level = excluded.read_level"],
    optional: &[],
};

pub(super) static WEBHOOKS: RowsSql = RowsSql {
    head: "INSERT INTO webhooks (user_id, code_sha256, scopes, expires_at, revoked, created_at) VALUES",
    row: "($1, $2, $3, $4, FALSE, $5)",
    params: 5,
    conflict: "ON CONFLICT (code_sha256)",
    always: &[
        "user_id = excluded.user_id",
        "scopes = excluded.scopes",
        "expires_at = excluded.expires_at",
    ],
    optional: &[],
};

/// `$6` is the expiry of a new token imported without one.
pub(super) static TOKENS: RowsSql = RowsSql {
    head: "INSERT INTO oauth_tokens (access_sha256, refresh_sha256, user_id, scopes, expires_at, client_id, refresh_expires_at) VALUES",
    row: "($1, $2, $3, $4, COALESCE(CAST($5 AS BIGINT), $6), $7, $8)",
    params: 8,
    conflict: "ON CONFLICT (access_sha256)",
    always: &[
        "refresh_sha256 = excluded.refresh_sha256",
        "user_id = excluded.user_id",
        "scopes = excluded.scopes",
        "client_id = excluded.client_id",
        "refresh_expires_at = excluded.refresh_expires_at",
    ],
    optional: &["expires_at = excluded.expires_at"],
};

pub(super) static CRM_RECORDS: RowsSql = RowsSql {
    head: "INSERT INTO crm_records (entity_type, id, title, assigned_by_id, opened) VALUES",
    row: "($1, $2, $3, $4, $5)",
    params: 5,
    conflict: "ON CONFLICT (entity_type, id)",
    always: &[
        "title = excluded.title",
        "assigned_by_id = excluded.assigned_by_id",
        "opened = excluded.opened",
    ],
    optional: &[],
};

pub(super) static APPS: RowsSql = RowsSql {
    head:
        "INSERT INTO oauth_apps (client_id, client_secret_sha256, name, scopes, created_at) VALUES",
    row: "($1, $2, $3, $4, $5)",
    params: 5,
    conflict: "ON CONFLICT (client_id)",
    always: &[
        "client_secret_sha256 = excluded.client_secret_sha256",
        "name = excluded.name",
        "scopes = excluded.scopes",
    ],
    optional: &[],
};

pub(super) static MEMBERS: RowsSql = RowsSql {
    head: "INSERT INTO chat_members (chat_id, user_id) VALUES",
    row: "($1, $2)",
    params: 2,
    conflict: "ON CONFLICT (chat_id, user_id)",
    always: &[],
    optional: &[],
};

/// `$6` is the time of a new message imported without one.
pub(super) static MESSAGES: RowsSql = RowsSql {
    head: "INSERT INTO messages (id, chat_id, author_id, text, created_at) VALUES",
    row: "($1, $2, $3, $4, COALESCE(CAST($5 AS BIGINT), $6))",
    params: 6,
    conflict: "ON CONFLICT (id)",
    always: &[
        "chat_id = excluded.chat_id",
        "author_id = excluded.author_id",
        "text = excluded.text",
    ],
    optional: &["created_at = excluded.created_at"],
};

/// A new connector without a title is named by its id, and is active.
pub(super) static CONNECTORS: RowsSql = RowsSql {
    head: "INSERT INTO connectors (id, title, active) VALUES",
    row: "($1, COALESCE(CAST($2 AS TEXT), $1), COALESCE(CAST($3 AS BOOLEAN), TRUE))",
    params: 3,
    conflict: "ON CONFLICT (id)",
    always: &[],
    optional: &["title = excluded.title", "active = excluded.active"],
};

pub(super) static LINES: RowsSql = RowsSql {
    head: "INSERT INTO lines (id, name, active) VALUES",
    row: "($1, COALESCE(CAST($2 AS TEXT), ''), COALESCE(CAST($3 AS BOOLEAN), TRUE))",
    params: 3,
    conflict: "ON CONFLICT (id)",
    always: &[],
    optional: &["name = excluded.name", "active = excluded.active"],
};

pub(super) static CHATS: RowsSql = RowsSql {
    head: "INSERT INTO chats (id, connector_id, line_id, title, external_chat_id, external_user_id) VALUES",
    row: "($1, $2, $3, $4, $5, $6)",
    params: 6,
    conflict: "ON CONFLICT (id)",
    always: &[
        "connector_id = excluded.connector_id",
        "line_id = excluded.line_id",
        "title = excluded.title",
        "external_chat_id = excluded.external_chat_id",
        "external_user_id = excluded.external_user_id",
    ],
    optional: &[],
};

/// `$7` is the time of a new session imported without one; a session given only its
/// creation time was last modified then.
pub(super) static SESSIONS: RowsSql = RowsSql {
    head: "INSERT INTO sessions (id, chat_id, status, operator_id, created_at, modified_at) VALUES",
    row: "($1, $2, $3, $4, COALESCE(CAST($5 AS BIGINT), $7), COALESCE(CAST($6 AS BIGINT), CAST($5 AS BIGINT), $7))",
    params: 7,
    conflict: "ON CONFLICT (id)",
    always: &[
        "chat_id = excluded.chat_id",
        "status = excluded.status",
        "operator_id = excluded.operator_id",
    ],
    optional: &[
        "created_at = excluded.created_at",
        "modified_at = excluded.modified_at",
    ],
};

/// A shorthand session written as its chat line arrives ([`super::import_fast`]): `$1` its
/// new id, `$2` the chat, `$3` the status, `$4` the import's time.
pub(super) static SHORTHAND_SESSIONS: RowsSql = RowsSql {
    head: "INSERT INTO sessions (id, chat_id, status, operator_id, created_at, modified_at, shorthand_chat_id) VALUES",
    row: "($1, $2, $3, NULL, $4, $4, $2)",
    params: 4,
    conflict: "",
    always: &[],
    optional: &[],
};

/// The bindings of a [`SHORTHAND_SESSIONS`] row (the line's list without repeats).
pub(super) static SHORTHAND_BINDINGS: RowsSql = RowsSql {
    head: "INSERT INTO session_crm_bindings (session_id, entity_type, entity_id) VALUES",
    row: "($1, $2, $3)",
    params: 3,
    conflict: "",
    always: &[],
    optional: &[],
};

/// A chat index row of a first load's shorthand session, written from the stream on
/// PostgreSQL (by `COPY`: see `ImportWriter::index_from_stream`).
pub(super) static CHAT_INDEX_ROWS: RowsSql = RowsSql {
    head: "INSERT INTO crm_chat_index (entity_type, entity_id, chat_id, connector_id, any_modified_at, any_session_id, active_modified_at, active_session_id) VALUES",
    row: "($1, $2, $3, $4, $5, $6, $7, $8)",
    params: 8,
    conflict: "",
    always: &[],
    optional: &[],
};

pub(super) static STAGED_LINES: RowsSql = RowsSql {
    head: "INSERT INTO import_lines (kind, int_id, text_id, line) VALUES",
    row: "($1, $2, $3, $4)",
    params: 4,
    conflict: "ON CONFLICT (kind, int_id, text_id)",
    always: &["line = excluded.line"],
    optional: &[],
};

pub(super) static STAGED_SHORTHAND: RowsSql = RowsSql {
    head: "INSERT INTO import_shorthand (chat_id, status, line) VALUES",
    row: "($1, $2, $3)",
    params: 3,
    conflict: "ON CONFLICT (chat_id)",
    always: &["status = excluded.status", "line = excluded.line"],
    optional: &[],
};

pub(super) static STAGED_BINDING_OWNERS: RowsSql = RowsSql {
    head: "INSERT INTO import_binding_owners (owner, owner_id, line) VALUES",
    row: "($1, $2, $3)",
    params: 3,
    conflict: "ON CONFLICT (owner, owner_id)",
    always: &["line = excluded.line"],
    optional: &[],
};

pub(super) static STAGED_BINDINGS: RowsSql = RowsSql {
    head: "INSERT INTO import_bindings (owner, owner_id, entity_type, entity_id, line) VALUES",
    row: "($1, $2, $3, $4, $5)",
    params: 5,
    conflict: "",
    always: &[],
    optional: &[],
};
