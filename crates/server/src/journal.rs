//! The call journal: the last N requests, for the question every integrator asks first —
//! "what did my app actually send?". Held in memory per instance; secrets never enter it
//! (callers are named by webhook id or user, parameters whose names look secret are masked,
//! the webhook code in a path is replaced by `{code}`).
//!
//! Each entry gets a number in arrival order, and is also sent to whoever listens
//! ([`Journal::subscribe`]): the console's live journal.

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::sync::Mutex;

/// Parameter values longer than this are cut, so one huge request cannot fill memory.
const MAX_PARAMS_TEXT: usize = 2048;
/// Answers longer than this are cut, for the same reason.
pub const MAX_ANSWER_TEXT: usize = 8192;
/// Entries a slow listener may fall behind before it misses some (it is told, and reloads).
const LIVE_BACKLOG: usize = 256;

/// The path written in place of a webhook code.
pub const CODE_PLACEHOLDER: &str = "{code}";

/// One request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The entry's number, from 1 in arrival order (set by [`Journal::record`]).
    pub id: u64,
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
    /// The request path to repeat the call, a webhook code replaced by [`CODE_PLACEHOLDER`].
    pub path: String,
    /// How the credential came: `webhook`, `token` or `none` (to rebuild the call).
    pub credential: &'static str,
    /// The answer's body as sent ([`kept_answer`]: for the usual small answer, the very
    /// buffer the client got, a reference and not a copy); `None` when the client hung up
    /// before it.
    #[serde(serialize_with = "answer_as_text")]
    pub answer: Option<bytes::Bytes>,
}

/// A ring buffer of entries.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    /// The entries and the last number given.
    entries: Mutex<(VecDeque<Entry>, u64)>,
    live: tokio::sync::broadcast::Sender<Entry>,
}

impl Journal {
    pub fn new(capacity: usize) -> Self {
        Journal {
            capacity,
            entries: Mutex::new((VecDeque::with_capacity(capacity.min(1024)), 0)),
            live: tokio::sync::broadcast::channel(LIVE_BACKLOG).0,
        }
    }

    /// Whether entries are kept at all (`--journal-size 0` switches the journal off).
    pub fn is_on(&self) -> bool {
        self.capacity > 0
    }

    /// Numbers and adds an entry, dropping the oldest when full, and sends it to listeners.
    pub fn record(&self, mut entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let mut guard = self.lock();
        let (entries, last_id) = &mut *guard;
        *last_id += 1;
        entry.id = *last_id;
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        if self.live.receiver_count() > 0 {
            // Sent under the lock, so listeners see entries in number order. No listener
            // left is not an error.
            let _ = self.live.send(entry.clone());
        }
        entries.push_back(entry);
    }

    /// The newest `limit` entries, oldest first.
    pub fn last(&self, limit: usize) -> Vec<Entry> {
        let guard = self.lock();
        let skip = guard.0.len().saturating_sub(limit);
        guard.0.iter().skip(skip).cloned().collect()
    }

    /// The entry with number `id`, while it is kept.
    pub fn get(&self, id: u64) -> Option<Entry> {
        self.lock().0.iter().find(|entry| entry.id == id).cloned()
    }

    /// Up to `limit` entries numbered below `before` (all when `None`), newest first.
    pub fn page(&self, before: Option<u64>, limit: usize) -> Vec<Entry> {
        let guard = self.lock();
        guard
            .0
            .iter()
            .rev()
            .filter(|entry| before.is_none_or(|before| entry.id < before))
            .take(limit)
            .cloned()
            .collect()
    }

    /// Entries recorded from now on.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Entry> {
        self.live.subscribe()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (VecDeque<Entry>, u64)> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn answer_as_text<S: serde::Serializer>(
    answer: &Option<bytes::Bytes>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match answer {
        Some(body) => serializer.serialize_str(&String::from_utf8_lossy(body)),
        None => serializer.serialize_none(),
    }
}

/// What the journal keeps of an answer body: the body itself when it is small (sharing the
/// buffer sent to the client costs a reference count), else its first [`MAX_ANSWER_TEXT`]
/// bytes as text, so that a ring of large answers cannot hold megabytes each.
pub fn kept_answer(body: &bytes::Bytes) -> bytes::Bytes {
    if body.len() <= MAX_ANSWER_TEXT {
        body.clone()
    } else {
        bytes::Bytes::from(answer_text(body))
    }
}

/// The first `MAX_ANSWER_TEXT` bytes of an answer body, as text.
pub fn answer_text(body: &[u8]) -> String {
    if body.len() <= MAX_ANSWER_TEXT {
        return String::from_utf8_lossy(body).into_owned();
    }
    let cut = String::from_utf8_lossy(&body[..MAX_ANSWER_TEXT]);
    format!(
        "{}… ({} bytes)",
        cut.trim_end_matches('\u{fffd}'),
        body.len()
    )
}

/// Parameters as the journal keeps them: secret-looking values masked, long text cut.
pub fn masked(params: &Map<String, Value>) -> Value {
    let masked = Value::Object(mask_map(params));
    // Writing the parameters out only to measure them would be most of the journal's cost
    // per call; a bound on their size is enough to know that the usual call is short.
    if text_bound(&masked) <= MAX_PARAMS_TEXT {
        return masked;
    }
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

/// At least the length of `value` written as JSON, and close to it for plain text: escapes are
/// counted at their longest (`\u00XX`, six bytes), numbers at their longest (24 bytes).
fn text_bound(value: &Value) -> usize {
    let quoted = |text: &str| 2 + 6 * text.len();
    match value {
        Value::Null | Value::Bool(_) => 5,
        Value::Number(_) => 24,
        Value::String(text) => quoted(text),
        Value::Array(items) => 2 + items.iter().map(|item| text_bound(item) + 1).sum::<usize>(),
        Value::Object(map) => {
            2 + map
                .iter()
                .map(|(key, item)| quoted(key) + 2 + text_bound(item))
                .sum::<usize>()
        }
    }
}

/// Whether a parameter with this name holds a credential: it contains `token`, `secret`,
/// `password`, `auth` or `code` in any case. Every request's parameter names pass through
/// here, so the name is scanned once, trying only the word its byte can begin.
fn secret_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (0..bytes.len()).any(|start| {
        let rest = &bytes[start..];
        let word: &[u8] = match rest[0].to_ascii_lowercase() {
            b't' => b"token",
            b's' => b"secret",
            b'p' => b"password",
            b'a' => b"auth",
            b'c' => b"code",
            _ => return false,
        };
        rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word)
    })
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
