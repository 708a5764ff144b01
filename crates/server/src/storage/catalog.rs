//! Every SQL statement of the storage module, by name.
//!
//! sqlx's compile-time checks (`query!`) need a live database of each engine at build time;
//! instead, a test (`tests/api/engines.rs`) prepares every statement listed here on a fresh
//! SQLite file and a fresh PostgreSQL schema, which catches a misspelt column or a construct
//! one engine lacks just as early in CI. The statements stay beside the code that binds their
//! parameters; this file only collects them, and its unit test checks that none is missed.

use super::import_rows::RowsSql;
use super::{access, admin, auth, chats, crm, export, import_sql, oauth, sessions};

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
    admin::INSERT_WEBHOOK,
    admin::ALL_WEBHOOKS,
    admin::REVOKE_WEBHOOK,
    admin::INSERT_TOKEN,
    auth::USER_BY_ID,
    auth::LIVE_WEBHOOKS_OF_USER,
    auth::TOKEN_BY_ACCESS_HASH,
    chats::CHATS_OF_CRM_RECORD,
    chats::ACTIVE_CONNECTORS,
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
    oauth::INSERT_APP,
    oauth::APP_BY_CLIENT_ID,
    oauth::INSERT_CODE,
    oauth::REDEEM_CODE,
    oauth::INSERT_PAIR,
    oauth::SPEND_REFRESH,
    oauth::EXPIRE_TOKEN,
    crm::INSERT_NEXT_ID,
    crm::FIND_RECORD,
    crm::CRM_RECORD_BY_ID,
    crm::UPDATE_CRM_RECORD,
    crm::DELETE_CRM_RECORD,
    crm::REMEMBER_DELETED_ID,
    crm::DELETE_BINDINGS_OF_RECORD,
    crm::SESSION_EXISTS,
    crm::INSERT_BINDING,
    crm::DELETE_BINDING,
    crm::BINDINGS_OF_SESSION,
    sessions::LATEST_SESSION_OF_CHAT,
    sessions::SESSION_BY_ID,
    sessions::CHAT_BY_ID,
    sessions::CHAT_BY_USER_CODE,
    sessions::LINE_AND_CONNECTOR_ACTIVE,
    sessions::INSERT_NEXT_CHAT,
    sessions::INSERT_NEXT_SESSION,
    sessions::COPY_BINDINGS,
    sessions::LATEST_CHAT_OF_RECORD,
    sessions::CHAT_ACTIVELY_IN_RECORD,
    sessions::IS_MEMBER,
    sessions::ADD_MEMBER,
    sessions::REMOVE_MEMBER,
    sessions::MEMBERS_OF_CHAT,
    sessions::INSERT_NEXT_MESSAGE,
    sessions::TOUCH_SESSION,
    sessions::TRANSITION_ANSWER,
    sessions::TRANSITION_FINISH_OWN,
    sessions::TRANSITION_FINISH_ANY,
    sessions::TRANSITION_SKIP,
    sessions::TRANSITION_SPAM,
    sessions::TRANSITION_TRANSFER_TO_USER,
    sessions::TRANSITION_TRANSFER_TO_QUEUE,
];

/// Statements only PostgreSQL runs (their SQLite counterparts are in the list above).
const POSTGRES_ONLY: &[(&str, &str)] = named![crm::FIND_RECORD_FOR_UPDATE];

/// Lists of statements run one after another.
const LISTS: &[(&str, &[&str])] = &[
    ("import_sql::DROP_TEMP_TABLES", import_sql::DROP_TEMP_TABLES),
    ("import_sql::REFERENCE_CHECKS", import_sql::REFERENCE_CHECKS),
    ("import_sql::ANALYZE_STAGING", import_sql::ANALYZE_STAGING),
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
];

/// What must run on a connection before the statements that name the import's temporary
/// staging tables can be prepared there (the test executes these, which checks them too).
pub const SETUP: &[&str] = import_sql::CREATE_TEMP_TABLES;

/// The statements only PostgreSQL runs, as `(name, sql)`.
pub fn postgres_only() -> Vec<(String, &'static str)> {
    POSTGRES_ONLY
        .iter()
        .map(|(name, sql)| ((*name).to_owned(), *sql))
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
    for (name, shape) in MULTI_ROW {
        statements.push((format!("{name}[rows=2]"), shape.sql(2, u8::MAX)));
        statements.push((format!("{name}[rows=1]"), shape.sql(1, 0)));
    }
    statements
}

#[cfg(test)]
mod tests {
    //! The catalog is complete: every SQL constant of `src/storage` is in it, and no query
    //! call takes SQL written in place (which the prepare test could not see).

    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Files of the storage module that still write SQL in place or build it with
    /// `format!`; they are reported, not failed, until they move their statements into
    /// constants listed above (then remove them here; the test insists).
    const PENDING: &[&str] = &[];

    /// Each file of `src/storage` with its module name.
    fn sources() -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/storage");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .expect("src/storage")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .map(|path| {
                let file = path.file_name().unwrap().to_string_lossy().into_owned();
                (file, std::fs::read_to_string(&path).expect("readable"))
            })
            .collect();
        files.sort();
        files
    }

    /// `SQL_NAME` of every `const SQL_NAME: &str` / `&[&str]` and `static SQL_NAME: RowsSql`
    /// in `text`.
    fn sql_constants(text: &str) -> Vec<String> {
        // Test modules may define shapes of their own; they never reach a database.
        text.lines()
            .take_while(|line| line.trim() != "#[cfg(test)]")
            .filter_map(|line| {
                let rest = line.trim_start();
                let rest = rest.strip_prefix("pub ").unwrap_or(rest);
                let rest = rest.strip_prefix("pub(super) ").unwrap_or(rest);
                let rest = rest.strip_prefix("pub(crate) ").unwrap_or(rest);
                let rest = rest
                    .strip_prefix("const ")
                    .or_else(|| rest.strip_prefix("static "))?;
                let (name, ty) = rest.split_once(':')?;
                let ty = ty.trim_start();
                ["&str", "&[&str]", "RowsSql"]
                    .iter()
                    .any(|sql_type| ty.starts_with(sql_type))
                    .then(|| name.to_owned())
            })
            .collect()
    }

    /// Lines that hand SQL text to sqlx in place, or build it with `format!`.
    fn inline_sql(text: &str) -> Vec<usize> {
        let mut hits = Vec::new();
        let mut previous = "";
        for (number, line) in text.lines().enumerate() {
            let call = ["query(", "query_as(", "query_scalar(", ">("]
                .iter()
                .any(|opening| previous.trim_end().ends_with(opening));
            let trimmed = line.trim_start();
            let in_place = (call && trimmed.starts_with('"'))
                || ["query(\"", "query_as(\"", "query_scalar(\"", ">(\""]
                    .iter()
                    .any(|opening| line.contains(opening) && line.contains("sqlx::"));
            let formatted = line.contains("format!(")
                && ["SELECT", "INSERT", "UPDATE", "DELETE", "DROP", "CREATE"]
                    .iter()
                    .any(|word| line.contains(word));
            if in_place || formatted {
                hits.push(number + 1);
            }
            previous = line;
        }
        hits
    }

    #[test]
    fn every_sql_constant_is_in_the_catalog() {
        let listed: BTreeSet<String> = all()
            .into_iter()
            .map(|(name, _)| name)
            .chain(postgres_only().into_iter().map(|(name, _)| name))
            .map(|name| name.split('[').next().unwrap_or_default().to_owned())
            .chain(["import_sql::CREATE_TEMP_TABLES".to_owned()])
            .collect();
        let mut missing = Vec::new();
        for (file, text) in sources() {
            if file == "catalog.rs" || PENDING.contains(&file.as_str()) {
                continue;
            }
            let module = match file.as_str() {
                "mod.rs" => "storage".to_owned(),
                other => other.trim_end_matches(".rs").to_owned(),
            };
            for name in sql_constants(&text) {
                let qualified = format!("{module}::{name}");
                if !listed.contains(&qualified) {
                    missing.push(qualified);
                }
            }
        }
        assert!(
            missing.is_empty(),
            "SQL constants missing from storage::catalog: {missing:?}"
        );
    }

    #[test]
    fn no_query_takes_sql_written_in_place() {
        let mut offenders = Vec::new();
        for (file, text) in sources() {
            if file == "catalog.rs" {
                continue;
            }
            let lines = inline_sql(&text);
            match (PENDING.contains(&file.as_str()), lines.is_empty()) {
                (false, false) => offenders.push(format!("{file}: lines {lines:?}")),
                (true, false) => eprintln!(
                    "storage::catalog: {file} still has SQL in place (lines {lines:?}); \
                     the prepare test does not cover it"
                ),
                (true, true) => offenders.push(format!("{file} is clean: drop it from PENDING")),
                (false, true) => {}
            }
        }
        assert!(
            offenders.is_empty(),
            "move these statements into named constants listed in storage::catalog: {offenders:?}"
        );
    }

    #[test]
    fn names_are_unique_and_statements_are_not_empty() {
        let statements = all();
        let names: BTreeSet<&str> = statements.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names.len(), statements.len());
        assert!(statements.iter().all(|(_, sql)| !sql.trim().is_empty()));
    }
}
