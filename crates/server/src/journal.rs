//! The call journal: the last N requests, for the question every integrator asks first —
//! "what did my app actually send?". Held in memory per instance; secrets never enter it
//! (callers are named by webhook id or user, parameters whose names look secret are masked,
//! the webhook code in a path is replaced by `{code}`).
//!
//! Each entry gets a number in arrival order, and is also sent to whoever listens
//! ([`Journal::subscribe`]): the console's live journal.

use serde::ser::{Error as _, SerializeMap};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
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
    pub params: ParamsText,
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
    cut_text(&body[..MAX_ANSWER_TEXT], body.len())
}

/// The first bytes of a longer text (`head`), followed by `… (N bytes)` with the whole
/// text's length `total`; a character that the cut split in two is left out.
fn cut_text(head: &[u8], total: usize) -> String {
    let cut = String::from_utf8_lossy(head);
    format!("{}… ({total} bytes)", cut.trim_end_matches('\u{fffd}'))
}

/// A request's parameters as the journal keeps them: JSON text, secret-looking values masked,
/// long text cut. Text, not a tree: every request makes one, and a masked copy built as a map
/// (each key hashed, each string copied, all dropped again later) cost 1.3–1.5 k instructions
/// per chat.get more than writing the text in one pass (`bench/instructions.sh`, BENCHMARKS.md
/// §10); the text is read back only when someone looks. It serializes as the JSON it holds,
/// so the journal's readers see an object as before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamsText(String);

#[cfg(test)]
impl ParamsText {
    /// The parameters as a tree.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// No parameters (a request refused before they were read): `null`.
impl Default for ParamsText {
    fn default() -> Self {
        ParamsText("null".to_owned())
    }
}

impl Serialize for ParamsText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_json::from_str::<Value>(&self.0)
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}

/// `params` as the journal keeps them (see [`ParamsText`]). A large request's text is written
/// whole and then cut: a writer that kept only the head measured 0.5–0.8 k more instructions
/// per chat.get, and the whole text lives only until the cut.
pub fn masked(params: &Map<String, Value>) -> ParamsText {
    // Writing to a string fails only for a map key that is not a string, which a `Map` has not.
    let text = serde_json::to_string(&MaskedMap(params)).unwrap_or_else(|_| "null".to_owned());
    if text.len() <= MAX_PARAMS_TEXT {
        return ParamsText(text);
    }
    let cut = cut_text(&text.as_bytes()[..MAX_PARAMS_TEXT], text.len());
    ParamsText(serde_json::to_string(&cut).unwrap_or_else(|_| "null".to_owned()))
}

/// Writes a map with secret-looking values masked, in one pass over the original.
struct MaskedMap<'a>(&'a Map<String, Value>);

impl Serialize for MaskedMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            if secret_name(key) {
                map.serialize_entry(key, "***")?;
            } else {
                map.serialize_entry(key, &MaskedValue(value))?;
            }
        }
        map.end()
    }
}

/// See [`MaskedMap`].
struct MaskedValue<'a>(&'a Value);

impl Serialize for MaskedValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => MaskedMap(map).serialize(serializer),
            Value::Array(items) => serializer.collect_seq(items.iter().map(MaskedValue)),
            Value::String(text) => serializer.serialize_str(&mask_query(text)),
            other => other.serialize(serializer),
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

/// A `batch` command is a string `method?query`, and its query may carry `auth=…` like any
/// request: mask the values of secret-looking names in it. A value that is itself a query (a
/// batch inside a batch is encoded twice) is masked in turn. Other text is kept as it is.
fn mask_query(text: &str) -> Cow<'_, str> {
    if !text.contains('=') {
        return Cow::Borrowed(text);
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
    Cow::Owned(match head {
        Some(method) => format!("{method}?{}", pairs.join("&")),
        None => pairs.join("&"),
    })
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
