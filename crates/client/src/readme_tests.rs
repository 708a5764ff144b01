//! The README's dependency list names every crate its Rust examples (and the repository
//! README's) use. The doc tests that compile those examples see all of this crate's
//! dependencies, so they alone would not notice a crate missing from the list a reader copies.

const CLIENT_README: &str = include_str!("../README.md");
const REPOSITORY_README: &str = include_str!("../../../README.md");

/// The bodies of the fenced blocks whose info string starts with `lang`.
fn fenced<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let Some(line_end) = after.find('\n') else {
            break;
        };
        let info = after[..line_end].trim();
        let body = &after[line_end + 1..];
        let Some(end) = body.find("```") else {
            break;
        };
        if info.split(',').next() == Some(lang) {
            blocks.push(&body[..end]);
        }
        rest = &body[end + 3..];
    }
    blocks
}

/// Crate names a Rust block refers to by path (`serde_json::json`, `tokio::main`).
fn crates_used(code: &str) -> Vec<String> {
    let mut used = Vec::new();
    for (at, _) in code.match_indices("::") {
        let before = &code[..at];
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let name = &before[start..];
        // `a::b::c` names one crate, `a`; `x.f::<T>()` is a turbofish, not a path.
        let preceded_by_path = before[..start].ends_with("::") || before[..start].ends_with('.');
        let turbofish = code[at + 2..].starts_with('<');
        let is_crate = name.starts_with(|c: char| c.is_ascii_lowercase())
            && !matches!(name, "std" | "core" | "alloc" | "crate" | "self" | "super");
        if is_crate && !preceded_by_path && !turbofish && !used.iter().any(|u| u == name) {
            used.push(name.to_owned());
        }
    }
    used
}

#[test]
fn the_dependency_list_names_every_crate_the_examples_use() {
    let listed: Vec<String> = fenced(CLIENT_README, "toml")
        .concat()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, _)| name.trim().replace('-', "_"))
        .collect();
    let examples = [CLIENT_README, REPOSITORY_README]
        .iter()
        .flat_map(|readme| fenced(readme, "rust"))
        .collect::<Vec<_>>();
    assert!(
        examples.len() >= 4,
        "the READMEs' Rust blocks were not found"
    );
    for example in examples {
        for name in crates_used(example) {
            assert!(
                listed.contains(&name),
                "a README example uses `{name}`, missing from crates/client/README.md's [dependencies]: {listed:?}\n{example}"
            );
        }
    }
}

#[test]
fn paths_name_their_crate_once() {
    assert_eq!(
        crates_used("use serde_json::json; tokio::time::sleep; x.y::<u8>(); Url::parse"),
        ["serde_json", "tokio"]
    );
}
