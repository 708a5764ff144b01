//! The call journal: the last N requests, for the question every integrator asks first —
//! "what did my app actually send?". Held in memory per instance; secrets never enter it
//! (callers are named by webhook id or user, parameters whose names look secret are masked).

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::sync::Mutex;

/// Parameter values longer than this are cut, so one huge request cannot fill memory.
const MAX_PARAMS_TEXT: usize = 2048;

/// One request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Unix time the request arrived.
    pub at: f64,
    pub method: String,
    /// `webhook 3 (user 1)`, `token (user 1, app local.x)`, or `anonymous`.
    pub caller: String,
    pub params: Value,
    pub status: u16,
    /// The Bitrix24 error code, for errors.
    pub error: Option<String>,
    pub duration_ms: f64,
}

/// A ring buffer of entries.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    entries: Mutex<VecDeque<Entry>>,
}

impl Journal {
    pub fn new(capacity: usize) -> Self {
        Journal {
            capacity,
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(1024))),
        }
    }

    /// Adds an entry, dropping the oldest when full.
    pub fn record(&self, entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// The newest `limit` entries, oldest first.
    pub fn last(&self, limit: usize) -> Vec<Entry> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let skip = entries.len().saturating_sub(limit);
        entries.iter().skip(skip).cloned().collect()
    }
}

/// Parameters as the journal keeps them: secret-looking values masked, long text cut.
pub fn masked(params: &Map<String, Value>) -> Value {
    let masked = Value::Object(mask_map(params));
    let text = masked.to_string();
    if text.len() > MAX_PARAMS_TEXT {
        let mut end = MAX_PARAMS_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        Value::String(format!("{}… ({} bytes)", &text[..end], text.len()))
    } else {
        masked
    }
}

/// Whether a parameter with this name holds a credential.
fn secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["token", "secret", "password", "auth", "code"]
        .iter()
        .any(|word| lower.contains(word))
}

/// A masked copy of `map`, made in one pass (no copy of the original first).
fn mask_map(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .map(|(key, value)| {
            let masked = if secret_name(key) {
                Value::String("***".into())
            } else {
                mask_value(value)
            };
            (key.clone(), masked)
        })
        .collect()
}

fn mask_value(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(mask_map(map)),
        Value::Array(items) => Value::Array(items.iter().map(mask_value).collect()),
        Value::String(text) => Value::String(mask_query(text)),
        other => other.clone(),
    }
}

/// A `batch` command is a string `method?query`, and its query may carry `auth=…` like any
/// request: mask the values of secret-looking names in it. A value that is itself a query (a
/// batch inside a batch is encoded twice) is masked in turn. Other text is kept as it is.
fn mask_query(text: &str) -> String {
    if !text.contains('=') {
        return text.to_owned();
    }
    let (head, query) = match text.split_once('?') {
        Some((method, query)) => (Some(method), query),
        None => (None, text),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| {
            let Some((name, value)) = pair.split_once('=') else {
                return pair.to_owned();
            };
            let name_decoded = decode(name);
            if secret_name(&name_decoded) {
                return format!("{name}=***");
            }
            let value_decoded = decode(value);
            let masked = mask_query(&value_decoded);
            if masked == value_decoded {
                pair.to_owned()
            } else {
                format!(
                    "{name}={}",
                    form_urlencoded::byte_serialize(masked.as_bytes()).collect::<String>()
                )
            }
        })
        .collect();
    match head {
        Some(method) => format!("{method}?{}", pairs.join("&")),
        None => pairs.join("&"),
    }
}

/// Percent- and plus-decoding of one query component.
fn decode(component: &str) -> String {
    form_urlencoded::parse(format!("x={component}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
