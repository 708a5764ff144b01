//! Back-references inside `batch` commands: `$result[key][0][ID]` in a parameter value is
//! replaced by that part of an earlier command's answer (spec §5.3).
//!
//! The section name after `$` may be `result`, `next`, `total`, `time` or `error`, in any
//! letter case. When the whole value is one reference, the referenced value is put in as it
//! is (even a list); inside longer text only scalars are spliced in. A reference whose path
//! does not resolve is left as written. Hand-written: the syntax is Bitrix24's own.

use super::batch::Sections;
use openlines_wire::params::Params;
use serde_json::{Map, Value};

/// Replaces references in every value of `params` (recursively).
pub fn substitute(params: Params, sections: &Sections) -> Params {
    params
        .into_iter()
        .map(|(key, value)| (key, substitute_value(value, sections)))
        .collect()
}

fn substitute_value(value: Value, sections: &Sections) -> Value {
    match value {
        Value::String(text) if text.contains('$') => substitute_text(&text, sections),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (key, substitute_value(value, sections)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| substitute_value(v, sections))
                .collect(),
        ),
        other => other,
    }
}

fn substitute_text(text: &str, sections: &Sections) -> Value {
    // The whole value is a single reference: put the value in raw.
    if let Some((reference, consumed)) = parse_reference(text) {
        if consumed == text.len() {
            if let Some(found) = resolve(&reference, sections) {
                return found.clone();
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        match parse_reference(candidate) {
            Some((reference, consumed)) => {
                match resolve(&reference, sections).and_then(scalar_text) {
                    Some(text) => out.push_str(&text),
                    None => out.push_str(&candidate[..consumed]),
                }
                rest = &candidate[consumed..];
            }
            None => {
                out.push('$');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    Value::String(out)
}

/// A parsed `$section[seg][seg]…`.
#[derive(Debug, PartialEq, Eq)]
struct Reference {
    section: String,
    path: Vec<String>,
}

/// Parses a reference at the start of `text`; returns it and how many bytes it took.
fn parse_reference(text: &str) -> Option<(Reference, usize)> {
    let body = text.strip_prefix('$')?;
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    if name_len == 0 {
        return None;
    }
    let section = body[..name_len].to_ascii_lowercase();
    let mut consumed = 1 + name_len;
    let mut path = Vec::new();
    while let Some(after) = text[consumed..].strip_prefix('[') {
        let close = after.find(']')?;
        path.push(after[..close].to_owned());
        consumed += close + 2;
    }
    if path.is_empty() {
        return None;
    }
    Some((Reference { section, path }, consumed))
}

fn resolve<'s>(reference: &Reference, sections: &'s Sections) -> Option<&'s Value> {
    let section: &Map<String, Value> = match reference.section.as_str() {
        "result" => &sections.result,
        "next" => &sections.next,
        "total" => &sections.total,
        "time" => &sections.time,
        "error" => &sections.error,
        _ => return None,
    };
    let (key, path) = reference.path.split_first()?;
    let mut current = section.get(key)?;
    for segment in path {
        current = match current {
            Value::Object(map) => map.get(segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(if *flag { "1" } else { "" }.to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
