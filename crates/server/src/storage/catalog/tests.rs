//! The catalog is complete: every SQL constant of `src/storage` is in it, and no query
//! call takes SQL written in place (which the prepare test could not see).

use super::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Files of the storage module that still write SQL in place or build it with
/// `format!`; they are reported, not failed, until they move their statements into
/// constants listed above (then remove them here; the test insists).
const PENDING: &[&str] = &[];

/// Files that assemble statements from fixed pieces at run time (the list filters). Their
/// pieces are not statements, so they are not listed one by one; instead [`all`] holds one
/// assembled statement of every piece (`crm_list::catalog_samples`), which the engines test
/// prepares like any other.
const ASSEMBLED: &[&str] = &["crm_list.rs"];

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

/// Lines that hand SQL text to `db::query` or sqlx in place, or build it with `format!`.
fn inline_sql(text: &str) -> Vec<usize> {
    let mut hits = Vec::new();
    let mut previous = "";
    for (number, line) in text.lines().enumerate() {
        let call = ["query(", "query_as(", "query_scalar(", ">("]
            .iter()
            .any(|opening| previous.trim_end().ends_with(opening));
        let trimmed = line.trim_start();
        // `query("` catches `db::query` as well as `sqlx::query`.
        let in_place = (call && trimmed.starts_with('"'))
            || line.contains("query(\"")
            || ["query_as(\"", "query_scalar(\"", ">(\""]
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
        .chain(sqlite_only().into_iter().map(|(name, _)| name))
        .map(|name| name.split('[').next().unwrap_or_default().to_owned())
        .chain(["import_sql::CREATE_TEMP_TABLES".to_owned()])
        .collect();
    let mut missing = Vec::new();
    for (file, text) in sources() {
        if file == "catalog.rs"
            || PENDING.contains(&file.as_str())
            || ASSEMBLED.contains(&file.as_str())
        {
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
        if file == "catalog.rs" || ASSEMBLED.contains(&file.as_str()) {
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
