//! Every SQL statement of the storage module, by name.
//!
//! sqlx's compile-time checks (`query!`) need a live database of each engine at build time;
//! instead, a test (`tests/api/engines.rs`) prepares every statement listed here on a fresh
//! SQLite file and a fresh PostgreSQL schema, which catches a misspelt column or a construct
//! one engine lacks just as early in CI. The statements stay beside the code that binds their
//! parameters; this file only collects them, and its unit test checks that none is missed.

use super::import_rows::RowsSql;
use super::{
    access, admin, auth, chat_index, chats, connectors, console, crm, event_outbox, event_owners,
    events, events_offline, export, ids, import_sql, oauth, options, schema, sessions, snapshot,
};

/// `("module::NAME", module::NAME)` for each constant.
macro_rules! named {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$((concat!(stringify!($module), "::", stringify!($name)), $module::$name)),*]
    };
}

/// Single statements.
const STATEMENTS: &[(&str, &str)] = named![
    access::DEPARTMENT_SUBTREE,
    access::READ_LEVEL,
    access::CRM_RECORD_ACCESS,
    access::CRM_RECORD_OWNER,
    access::USER_DEPARTMENT,
    admin::INSERT_WEBHOOK,
    admin::ALL_WEBHOOKS,
    admin::REVOKE_WEBHOOK,
    admin::INSERT_TOKEN,
    auth::USER_BY_ID,
    auth::LIVE_WEBHOOKS_WITH_USER,
    auth::TOKEN_WITH_USER,
    access::CRM_READ_VIEW,
    chat_index::DELETE_FOR_CHAT,
    chat_index::INSERT_FOR_CHAT,
    chat_index::CHAT_OF_SESSION,
    chat_index::DELETE_FOR_RECORD,
    chat_index::INSERT_FOR_IMPORTED_CHATS,
    chat_index::DELETE_FOR_IMPORTED_CHATS,
    chats::CHATS_OF_CRM_RECORD_ANY,
    chats::CHATS_OF_CRM_RECORD_ACTIVE,
    chats::ACTIVE_CONNECTORS,
    chats::CHAT_INDEX_RANGE_ANY,
    chats::CHAT_INDEX_RANGE_ACTIVE,
    connectors::REGISTER,
    connectors::OF_APP,
    connectors::DELETE,
    connectors::DELETE_LINES,
    connectors::ACTIVE_LINES,
    connectors::LINE_ACTIVE,
    connectors::ON_LINE,
    connectors::SET_ACTIVE,
    connectors::SET_DATA,
    connectors::INSERT_INCOMING,
    connectors::CUSTOM_CHANNEL_OF_CHAT,
    connectors::MARK_DELIVERED,
    connectors::MARK_READ,
    connectors::MESSAGE_MARKS,
    console::CHATS_PAGE,
    console::SESSIONS_OF_CHAT,
    console::BINDINGS_OF_CHAT,
    console::USERS_PAGE,
    console::PERMISSIONS_OF_USERS,
    console::WEBHOOKS_PAGE,
    console::TOKENS_PAGE,
    console::CONNECTORS_PAGE,
    console::LINES_PAGE,
    export::DEPARTMENTS,
    export::USERS,
    export::PERMISSIONS,
    export::WEBHOOKS,
    export::APPS,
    export::TOKENS,
    export::CONNECTORS,
    export::LINES,
    export::CRM_RECORDS,
    export::CHATS,
    export::SESSIONS,
    export::MEMBERS,
    export::MESSAGES,
    import_sql::CREATE_SHORTHAND_SESSIONS,
    import_sql::UPDATE_SHORTHAND_SESSIONS,
    import_sql::CLEAR_REPLACED_BINDINGS,
    import_sql::INSERT_STAGED_BINDINGS,
    import_sql::BINDING_CHECK,
    import_sql::SESSIONS_EXIST,
    import_sql::BINDINGS_EXIST,
    import_sql::CHATS_EXIST,
    import_sql::CRM_RECORDS_EXIST,
    chat_index::CLEAR_ALL,
    import_sql::CHAT_INDEX_EXISTS,
    import_sql::KNOWN_CONNECTORS,
    import_sql::KNOWN_LINES,
    import_sql::KNOWN_USERS,
    import_sql::SHORTHAND_OF_SESSION,
    import_sql::MOVE_SESSION,
    import_sql::MOVE_SESSION_BINDINGS,
    oauth::INSERT_APP,
    oauth::APP_BY_CLIENT_ID,
    oauth::INSERT_CODE,
    oauth::REDEEM_CODE,
    oauth::INSERT_PAIR,
    oauth::SPEND_REFRESH,
    oauth::EXPIRE_TOKEN,
    options::SET_APP_OPTION,
    options::APP_OPTIONS,
    options::SET_USER_OPTION,
    options::USER_OPTIONS,
    events::HANDLER_KINDS,
    events::ENQUEUE_ONLINE,
    events::ENQUEUE_OFFLINE,
    events::ENQUEUE_OFFLINE_NOTICE,
    events::ENQUEUE_FOR_APP,
    events::INSERT_HANDLER,
    events::DELETE_HANDLERS,
    events::DROP_ORPHANED_DELIVERIES,
    events::HANDLERS_OF_APP,
    events::ADD_APP_TOKEN,
    events::APP_TOKEN,
    event_owners::INSERT_OUTGOING,
    event_owners::ALL_OUTGOING,
    event_owners::DELETE_OUTGOING,
    event_owners::DELETE_ALL_HANDLERS,
    event_owners::SET_APP_TOKEN,
    event_owners::DELETE_APP_TOKEN,
    event_owners::DELETE_HANDLERS_BUT_UNINSTALL,
    event_owners::DELETE_OFFLINE_QUEUE,
    event_owners::DELETE_APP_TOKENS,
    event_owners::DELETE_APP_CODES,
    event_owners::DELETE_APP_OPTIONS,
    event_owners::DELETE_USER_OPTIONS,
    event_owners::DELETE_APP,
    event_owners::FORGET_REMOVED_HANDLERS,
    event_owners::FORGET_REMOVED_TOKEN,
    events_offline::RESERVE,
    events_offline::RESERVED,
    events_offline::DELETE_RESERVED,
    events_offline::DELETE_RESERVED_ID,
    events_offline::DELETE_RESERVED_MESSAGE,
    events_offline::MARK_ERROR,
    events_offline::PAGE,
    events_offline::COUNT,
    event_outbox::ANY_DUE,
    event_outbox::CLAIMED,
    event_outbox::RECORD_ATTEMPT,
    event_outbox::PENDING,
    event_outbox::RECENT,
    crm::INSERT_CRM_RECORD,
    crm::FIND_RECORD,
    crm::CRM_RECORD_BY_ID,
    crm::UPDATE_CRM_RECORD,
    crm::DELETE_CRM_RECORD,
    crm::DELETE_BINDINGS_OF_RECORD,
    crm::INSERT_BINDING,
    crm::DELETE_BINDING,
    crm::BINDINGS_OF_SESSION,
    sessions::LATEST_SESSION_OF_CHAT,
    sessions::SESSION_BY_ID,
    sessions::CHAT_BY_ID,
    sessions::CHAT_BY_USER_CODE,
    sessions::LINE_AND_CONNECTOR_ACTIVE,
    sessions::INSERT_CHAT,
    sessions::INSERT_SESSION,
    sessions::COPY_BINDINGS,
    sessions::LATEST_CHAT_OF_RECORD,
    sessions::CHAT_ACTIVELY_IN_RECORD,
    sessions::IS_MEMBER,
    sessions::ADD_MEMBER,
    sessions::REMOVE_MEMBER,
    sessions::MEMBERS_OF_CHAT,
    sessions::INSERT_MESSAGE,
    sessions::TOUCH_SESSION,
    sessions::TRANSITION_ANSWER,
    sessions::TRANSITION_FINISH_OWN,
    sessions::TRANSITION_FINISH_ANY,
    sessions::TRANSITION_SKIP,
    sessions::TRANSITION_SPAM,
    sessions::TRANSITION_TRANSFER_TO_USER,
    sessions::TRANSITION_TRANSFER_TO_QUEUE,
    schema::APPLIED_MIGRATIONS,
];

/// Statements only PostgreSQL runs (their SQLite counterparts are in the list above, or in
/// [`SQLITE_ONLY`]).
const POSTGRES_ONLY: &[(&str, &str)] = named![
    access::CRM_READ_VIEW_CONFIRMING_PG,
    auth::AUTH_VERSION_PG,
    chats::CHATS_OF_CRM_RECORD_ANY_CONFIRMING_PG,
    chats::CHATS_OF_CRM_RECORD_ACTIVE_CONFIRMING_PG,
    crm::FIND_RECORD_FOR_UPDATE,
    chat_index::LOCK_CHAT,
    event_outbox::CLAIM_PG,
    ids::NEXT_CRM_ID_PG,
    ids::RAISE_AFTER_IMPORT_PG,
    chat_index::FILL_ALL_PG,
    import_sql::RAISE_SESSIONS_PG,
    import_sql::LAST_SESSION_ID_PG,
    import_sql::SESSIONS_OLD_CHATS_PG,
    import_sql::SECONDARY_INDEXES_PG,
    import_sql::PRIMARY_KEY_PG,
    import_sql::INSERT_STAGED_BINDINGS_INTO_EMPTY_PG,
    import_sql::SORT_MEMORY_PG,
    import_sql::INDEX_BUILD_MEMORY_PG,
    import_sql::NESTED_LOOPS_OFF_PG,
    import_sql::NESTED_LOOPS_ON_PG,
    snapshot::POSTGRES_DATA_TABLES,
    snapshot::POSTGRES_ID_POSITIONS,
    snapshot::POSTGRES_SET_ID_POSITIONS,
    snapshot::POSTGRES_COLUMNS,
    snapshot::POSTGRES_BEGIN_CONSISTENT_READ,
    schema::POSTGRES_HAS_MIGRATIONS_TABLE,
];

/// Statements only SQLite runs.
const SQLITE_ONLY: &[(&str, &str)] = named![
    event_outbox::CLAIM_SQLITE,
    ids::NEXT_CRM_ID_SQLITE,
    ids::RAISE_AFTER_IMPORT_SQLITE,
    chat_index::FILL_ALL_SQLITE,
    import_sql::SESSIONS_OLD_CHATS_SQLITE,
    import_sql::LAST_SESSION_ID_SQLITE,
    import_sql::SECONDARY_INDEXES_SQLITE,
    snapshot::SQLITE_DATA_TABLES,
    snapshot::SQLITE_ID_POSITIONS,
    snapshot::SQLITE_SET_ID_POSITIONS,
    snapshot::SQLITE_COLUMNS,
    schema::SQLITE_HAS_MIGRATIONS_TABLE,
];

/// Snapshot templates, filled for a real table (`users`, two of its columns) so that they
/// can be prepared: (name, template, engine), engine `None` for both.
const SNAPSHOT_TEMPLATES: &[(&str, &str, Option<Engine>)] = &[
    ("snapshot::COUNT_ROWS", snapshot::COUNT_ROWS, None),
    (
        "snapshot::SQLITE_ROWS_AS_JSON",
        snapshot::SQLITE_ROWS_AS_JSON,
        Some(Engine::Sqlite),
    ),
    (
        "snapshot::SQLITE_INSERT_FROM_JSON",
        snapshot::SQLITE_INSERT_FROM_JSON,
        Some(Engine::Sqlite),
    ),
    ("snapshot::DELETE_ALL", snapshot::DELETE_ALL, None),
    (
        "snapshot::POSTGRES_ROWS_AS_JSON",
        snapshot::POSTGRES_ROWS_AS_JSON,
        Some(Engine::Postgres),
    ),
    (
        "snapshot::POSTGRES_INSERT_FROM_JSON",
        snapshot::POSTGRES_INSERT_FROM_JSON,
        Some(Engine::Postgres),
    ),
    (
        "snapshot::POSTGRES_LOCK_FOR_RESTORE",
        snapshot::POSTGRES_LOCK_FOR_RESTORE,
        Some(Engine::Postgres),
    ),
];

/// Which engine a statement is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Sqlite,
    Postgres,
}

/// The snapshot templates of `engine` (or of both, `None`), filled for `users`.
fn snapshot_templates(engine: Option<Engine>) -> Vec<(String, String)> {
    let columns = ["id".to_owned(), "name".to_owned()];
    SNAPSHOT_TEMPLATES
        .iter()
        .filter(|(_, _, only)| *only == engine)
        .map(|(name, template, _)| {
            (
                format!("{name}[users]"),
                snapshot::filled(template, "users", &columns),
            )
        })
        .collect()
}

/// Lists of statements run one after another.
const LISTS: &[(&str, &[&str])] = &[
    ("import_sql::DROP_TEMP_TABLES", import_sql::DROP_TEMP_TABLES),
    ("import_sql::REFERENCE_CHECKS", import_sql::REFERENCE_CHECKS),
    ("import_sql::ANALYZE_STAGING", import_sql::ANALYZE_STAGING),
    ("import_sql::TOUCHED_CHATS", import_sql::TOUCHED_CHATS),
];

/// The importer's multi-row upserts. Each is prepared as two rows giving every optional value
/// (so renumbered placeholders and every `SET` clause are checked), and as one row giving
/// none (the `DO NOTHING` or shortest `DO UPDATE` form).
const MULTI_ROW: &[(&str, &RowsSql)] = &[
    ("import_sql::DEPARTMENTS", &import_sql::DEPARTMENTS),
    ("import_sql::USERS", &import_sql::USERS),
    ("import_sql::PERMISSIONS", &import_sql::PERMISSIONS),
    ("import_sql::WEBHOOKS", &import_sql::WEBHOOKS),
    ("import_sql::TOKENS", &import_sql::TOKENS),
    ("import_sql::CRM_RECORDS", &import_sql::CRM_RECORDS),
    ("import_sql::APPS", &import_sql::APPS),
    ("import_sql::MEMBERS", &import_sql::MEMBERS),
    ("import_sql::MESSAGES", &import_sql::MESSAGES),
    ("import_sql::CONNECTORS", &import_sql::CONNECTORS),
    ("import_sql::LINES", &import_sql::LINES),
    ("import_sql::CHATS", &import_sql::CHATS),
    ("import_sql::SESSIONS", &import_sql::SESSIONS),
    (
        "import_sql::SHORTHAND_SESSIONS",
        &import_sql::SHORTHAND_SESSIONS,
    ),
    (
        "import_sql::SHORTHAND_BINDINGS",
        &import_sql::SHORTHAND_BINDINGS,
    ),
    ("import_sql::STAGED_LINES", &import_sql::STAGED_LINES),
    (
        "import_sql::STAGED_SHORTHAND",
        &import_sql::STAGED_SHORTHAND,
    ),
    (
        "import_sql::STAGED_BINDING_OWNERS",
        &import_sql::STAGED_BINDING_OWNERS,
    ),
    ("import_sql::STAGED_BINDINGS", &import_sql::STAGED_BINDINGS),
    ("import_sql::CHAT_INDEX_ROWS", &import_sql::CHAT_INDEX_ROWS),
];

/// What must run on a connection before the statements that name the import's temporary
/// staging tables can be prepared there (the test executes these, which checks them too).
pub const SETUP: &[&str] = import_sql::CREATE_TEMP_TABLES;

/// The statements only PostgreSQL runs, as `(name, sql)`.
pub fn postgres_only() -> Vec<(String, String)> {
    POSTGRES_ONLY
        .iter()
        .map(|(name, sql)| ((*name).to_owned(), (*sql).to_owned()))
        .chain(snapshot_templates(Some(Engine::Postgres)))
        .collect()
}

/// The statements only SQLite runs, as `(name, sql)`.
pub fn sqlite_only() -> Vec<(String, String)> {
    SQLITE_ONLY
        .iter()
        .map(|(name, sql)| ((*name).to_owned(), (*sql).to_owned()))
        .chain(snapshot_templates(Some(Engine::Sqlite)))
        .collect()
}

/// Every statement as `(name, sql)`; members of a list are named `list[index]`, and the
/// forms of a multi-row upsert `name[rows=…]`.
pub fn all() -> Vec<(String, String)> {
    let mut statements: Vec<(String, String)> = [
        ("storage::SEED_CONNECTOR", super::SEED_CONNECTOR),
        ("storage::PING", super::PING),
    ]
    .iter()
    .chain(STATEMENTS)
    .map(|(name, sql)| ((*name).to_owned(), (*sql).to_owned()))
    .collect();
    for (name, list) in LISTS {
        for (index, sql) in list.iter().enumerate() {
            statements.push((format!("{name}[{index}]"), (*sql).to_owned()));
        }
    }
    statements.extend(super::crm_list::catalog_samples());
    // The numbered form, which both engines prepare; SQLite's import sends the same text
    // with anonymous `?` placeholders instead (see `import_rows`).
    for (name, shape) in MULTI_ROW {
        let numbered = super::import_rows::StatementSize::Postgres;
        statements.push((format!("{name}[rows=2]"), shape.sql(2, u8::MAX, numbered)));
        statements.push((format!("{name}[rows=1]"), shape.sql(1, 0, numbered)));
    }
    statements.extend(snapshot_templates(None));
    statements
}

#[cfg(test)]
mod tests;
