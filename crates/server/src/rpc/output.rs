//! What a method hands back to dispatch: its `result`, and for list methods `next`/`total`.
//! Kept apart from the registry so that `methods/` depends on this and not on the table
//! that lists them.

use super::ApiError;
use serde_json::Value;

/// What a method returns: its `result`, and for list methods `next`/`total`.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodOutput {
    pub result: Value,
    pub next: Option<u64>,
    pub total: Option<u64>,
}

impl MethodOutput {
    /// A plain result.
    pub fn new(result: Value) -> Self {
        MethodOutput {
            result,
            next: None,
            total: None,
        }
    }
}

/// The result of running a method.
pub type MethodResult = Result<MethodOutput, ApiError>;
