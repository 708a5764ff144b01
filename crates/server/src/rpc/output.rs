//! What a method hands back to dispatch: its `result`, and for list methods `next`/`total`.
//! Kept apart from the registry so that `methods/` depends on this and not on the table
//! that lists them.

use super::ApiError;
use serde_json::Value;

/// What a method returns: its `result`, and for list methods `next`/`total`.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodOutput {
    pub result: Answer,
    pub next: Option<u64>,
    pub total: Option<u64>,
}

impl MethodOutput {
    /// A plain result.
    pub fn new(result: Value) -> Self {
        MethodOutput {
            result: Answer::Value(result),
            next: None,
            total: None,
        }
    }

    /// A result the method wrote as JSON itself (see [`Answer::Written`]).
    pub fn written(json: String) -> Self {
        MethodOutput {
            result: Answer::Written(json),
            next: None,
            total: None,
        }
    }
}

/// A method's `result`: a JSON tree, or JSON text the method wrote straight from its typed rows.
///
/// The second exists for the hot path: a chat.get of ten chats built as a tree costs ten maps,
/// thirty keys and thirty strings, allocated, hashed and dropped again just to be written once.
/// Written text goes into the envelope as it is (`http::respond`); the few places that need a
/// tree (a `batch` command's result, the XML format) parse it back.
#[derive(Debug, Clone)]
pub enum Answer {
    Value(Value),
    /// Compact JSON written by `openlines_wire::php_json` (so with the portal's escaping).
    Written(String),
}

impl Answer {
    /// The result as a tree.
    pub fn into_value(self) -> Value {
        match self {
            Answer::Value(value) => value,
            // Written by serde_json a moment ago, so it parses; `Null` is unreachable.
            Answer::Written(json) => serde_json::from_str(&json).unwrap_or(Value::Null),
        }
    }
}

impl From<Value> for Answer {
    fn from(value: Value) -> Self {
        Answer::Value(value)
    }
}

impl PartialEq for Answer {
    /// Equal when they mean the same JSON, however each was made.
    fn eq(&self, other: &Self) -> bool {
        self.clone().into_value() == other.clone().into_value()
    }
}

/// The result of running a method.
pub type MethodResult = Result<MethodOutput, ApiError>;
