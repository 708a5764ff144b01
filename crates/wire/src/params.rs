//! PHP-style parameter trees.
//!
//! A Bitrix24 portal reads parameters through PHP, which turns `a[b][0]=c&a[]=d` into nested
//! arrays. Both sides of the wire need the same rules: the server to decode what SDKs send, the
//! client to encode what the server will decode. We write the decoder by hand because no crate
//! follows PHP's exact rules (unterminated brackets, `.` and space in names, append indices),
//! and those rules decide what a real client's request means.
//!
//! The tree is a [`serde_json::Value`]: leaves from query strings are strings, JSON bodies keep
//! their types. A PHP array whose keys are exactly `0..n` in order becomes a JSON array, as
//! PHP's `json_encode` would write it; any other array becomes an object.

use serde_json::{Map, Value};
use std::fmt;

/// A decoded parameter set: top-level names to values, in the order they first appeared.
pub type Params = Map<String, Value>;

/// Bounds on what one request may carry. PHP's own defaults are 1000 variables
/// (`max_input_vars`) and 64 levels (`max_input_nesting_level`); PHP drops what is over them
/// silently, we refuse the request instead so a client learns why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How many `name=value` pairs (or JSON leaves) one request may carry.
    pub max_params: usize,
    /// How deeply names may nest (`a[b][c]` is depth 3).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_params: 1000,
            max_depth: 64,
        }
    }
}

/// Why a parameter set was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// More pairs than [`Limits::max_params`].
    TooManyParameters { limit: usize },
    /// Deeper nesting than [`Limits::max_depth`].
    TooDeep { limit: usize },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooManyParameters { limit } => {
                write!(f, "Too many parameters: at most {limit} are accepted")
            }
            DecodeError::TooDeep { limit } => {
                write!(
                    f,
                    "Parameters nest too deeply: at most {limit} levels are accepted"
                )
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Collects `name=value` pairs into one tree, the way PHP fills `$_GET`.
#[derive(Debug)]
pub struct ParamsBuilder {
    root: Params,
    count: usize,
    limits: Limits,
}

impl ParamsBuilder {
    /// An empty builder with the given bounds.
    pub fn new(limits: Limits) -> Self {
        ParamsBuilder {
            root: Map::new(),
            count: 0,
            limits,
        }
    }

    /// Adds one pair; `raw_name` may carry brackets (`fields[PHONE][0][VALUE]`).
    pub fn insert(&mut self, raw_name: &str, value: Value) -> Result<(), DecodeError> {
        self.count += 1;
        if self.count > self.limits.max_params {
            return Err(DecodeError::TooManyParameters {
                limit: self.limits.max_params,
            });
        }
        if is_plain_name(raw_name) {
            self.root.insert(raw_name.to_owned(), value);
            return Ok(());
        }
        let Some(path) = parse_name(raw_name) else {
            return Ok(()); // PHP ignores a variable whose base name is empty.
        };
        if path.len() > self.limits.max_depth {
            return Err(DecodeError::TooDeep {
                limit: self.limits.max_depth,
            });
        }
        insert_path(&mut self.root, &path, value);
        Ok(())
    }

    /// Adds every pair of a query string or `x-www-form-urlencoded` body.
    pub fn insert_query(&mut self, query: &str) -> Result<(), DecodeError> {
        if query.bytes().any(|byte| byte == b'%' || byte == b'+') {
            self.insert_encoded(query)
        } else {
            self.insert_plain(query)
        }
    }

    /// Pairs that need decoding, through `form_urlencoded`.
    fn insert_encoded(&mut self, query: &str) -> Result<(), DecodeError> {
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            self.insert(&name, Value::String(value.into_owned()))?;
        }
        Ok(())
    }

    /// Pairs with nothing to decode (no `%`, no `+`: the usual call), split in place. The
    /// same split as `form_urlencoded::parse` (pairs on `&`, empty ones skipped, the name
    /// up to the first `=`), without its byte-by-byte decoding, which cost more than the
    /// rest of a call's parameter handling.
    fn insert_plain(&mut self, query: &str) -> Result<(), DecodeError> {
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            self.insert(name, Value::String(value.to_owned()))?;
        }
        Ok(())
    }

    /// The finished tree, with sequential arrays turned into JSON arrays.
    pub fn finish(self) -> Params {
        normalize_map(self.root)
    }
}

/// Decodes a query string (or form body) with the given bounds.
pub fn decode_query(query: &str, limits: Limits) -> Result<Params, DecodeError> {
    let mut builder = ParamsBuilder::new(limits);
    builder.insert_query(query)?;
    Ok(builder.finish())
}

/// Checks a JSON body against the bounds and gives it PHP's shape (`{"0":..,"1":..}` is a list).
/// A body that is not a JSON object carries no parameters, as on a portal.
pub fn from_json(body: Value, limits: Limits) -> Result<Params, DecodeError> {
    let Value::Object(map) = body else {
        return Ok(Map::new());
    };
    let mut leaves = 0;
    check_json(&Value::Object(map.clone()), 0, &mut leaves, limits)?;
    Ok(normalize_map(map))
}

fn check_json(
    value: &Value,
    depth: usize,
    leaves: &mut usize,
    limits: Limits,
) -> Result<(), DecodeError> {
    if depth > limits.max_depth {
        return Err(DecodeError::TooDeep {
            limit: limits.max_depth,
        });
    }
    let children: Box<dyn Iterator<Item = &Value>> = match value {
        Value::Object(map) => Box::new(map.values()),
        Value::Array(items) => Box::new(items.iter()),
        _ => {
            *leaves += 1;
            if *leaves > limits.max_params {
                return Err(DecodeError::TooManyParameters {
                    limit: limits.max_params,
                });
            }
            return Ok(());
        }
    };
    for child in children {
        check_json(child, depth + 1, leaves, limits)?;
    }
    Ok(())
}

/// One step of a bracketed name: a named key, or `[]` (append).
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Append,
}

/// Splits `a[b][]` into `[Key(a), Key(b), Append]` with PHP's quirks:
/// leading spaces dropped; `.` and space in the base name become `_`; a `[` without `]`
/// becomes `_` and the rest is part of the name; text after a `]` that is not `[` is ignored.
fn parse_name(raw: &str) -> Option<Vec<Segment>> {
    let name = raw.trim_start_matches(' ');
    let (base, mut rest) = match name.find('[') {
        Some(open) if name[open..].contains(']') => (&name[..open], &name[open..]),
        Some(open) => {
            let mut base = php_base_name(&name[..open]);
            base.push('_');
            base.push_str(&name[open + 1..]);
            return (!base.is_empty()).then(|| vec![Segment::Key(base)]);
        }
        None => (name, ""),
    };
    let base = php_base_name(base);
    if base.is_empty() {
        return None;
    }
    let mut path = vec![Segment::Key(base)];
    while let Some(after_open) = rest.strip_prefix('[') {
        let Some(close) = after_open.find(']') else {
            break; // PHP drops an unterminated nested index.
        };
        let index = &after_open[..close];
        path.push(if index.is_empty() {
            Segment::Append
        } else {
            Segment::Key(index.to_owned())
        });
        rest = &after_open[close + 1..];
    }
    Some(path)
}

/// A name PHP's rules leave as it is (no brackets, dots or spaces, not empty): the usual
/// `CRM_ENTITY`. It goes straight into the tree, without the path [`parse_name`] builds.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['[', '.', ' '])
}

fn php_base_name(base: &str) -> String {
    base.chars()
        .map(|c| if c == '.' || c == ' ' { '_' } else { c })
        .collect()
}

fn insert_path(map: &mut Map<String, Value>, path: &[Segment], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let key = match first {
        Segment::Key(key) => key.clone(),
        Segment::Append => next_index(map).to_string(),
    };
    if rest.is_empty() {
        map.insert(key, value);
        return;
    }
    let slot = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        // PHP replaces a scalar with an array when a later name indexes into it.
        *slot = Value::Object(Map::new());
    }
    if let Value::Object(child) = slot {
        insert_path(child, rest, value);
    }
}

/// PHP's next free integer key: one past the largest integer key, or 0.
fn next_index(map: &Map<String, Value>) -> u64 {
    map.keys()
        .filter_map(|key| canonical_index(key))
        .max()
        .map_or(0, |max| max + 1)
}

/// `"12"` is an integer key in PHP; `"012"`, `"+1"` and `"1.0"` stay strings.
fn canonical_index(key: &str) -> Option<u64> {
    if key == "0" || (!key.starts_with('0') && !key.is_empty()) {
        key.parse()
            .ok()
            .filter(|_| key.bytes().all(|b| b.is_ascii_digit()))
    } else {
        None
    }
}

/// A PHP array as `json_encode` writes it: a list when its keys are exactly `0..n` in order
/// (and for an empty array), an object otherwise. Applied to nested values too.
pub fn php_array(map: Map<String, Value>) -> Value {
    if map.is_empty() {
        return Value::Array(Vec::new());
    }
    normalize(Value::Object(map))
}

fn normalize(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let is_list = map
                .keys()
                .enumerate()
                .all(|(position, key)| canonical_index(key) == Some(position as u64));
            if is_list && !map.is_empty() {
                Value::Array(map.into_iter().map(|(_, v)| normalize(v)).collect())
            } else {
                Value::Object(normalize_map(map))
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        other => other,
    }
}

/// In place: only nested values change, so the keys are neither moved nor hashed again (this
/// runs on every request's parameters).
fn normalize_map(mut map: Map<String, Value>) -> Map<String, Value> {
    for value in map.values_mut() {
        if matches!(value, Value::Object(_) | Value::Array(_)) {
            *value = normalize(std::mem::take(value));
        }
    }
    map
}

/// Encodes parameters as PHP's `http_build_query` does: `a[b][0]=c`, booleans as `1`/`0`,
/// `null` and empty containers left out. Spaces become `+`, everything else outside
/// `[A-Za-z0-9*-._]` is percent-encoded.
pub fn encode(params: &Params) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        encode_value(&mut out, name, value);
    }
    out.finish()
}

fn encode_value(out: &mut form_urlencoded::Serializer<'_, String>, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(flag) => {
            out.append_pair(name, if *flag { "1" } else { "0" });
        }
        Value::Number(number) => {
            out.append_pair(name, &number.to_string());
        }
        Value::String(text) => {
            out.append_pair(name, text);
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                encode_value(out, &format!("{name}[{index}]"), item);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                encode_value(out, &format!("{name}[{key}]"), item);
            }
        }
    }
}

/// PHP's `empty()`: missing, `""`, `"0"`, `0`, `0.0`, `false`, `null` and `[]` are empty.
pub fn php_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Bool(flag)) => !flag,
        Some(Value::Number(number)) => number.as_f64() == Some(0.0),
        Some(Value::String(text)) => text.is_empty() || text == "0",
        Some(Value::Array(items)) => items.is_empty(),
        Some(Value::Object(map)) => map.is_empty(),
    }
}

/// A scalar parameter as PHP would print it (`true` → `"1"`, `false` → `""`); `None` for
/// arrays, objects and null.
pub fn php_string(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(if *flag { "1" } else { "" }.to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
