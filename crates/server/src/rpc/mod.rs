//! The method registry and its one entry point, [`dispatch::dispatch`].
//!
//! The HTTP edge and `batch` both call methods only through `dispatch`, which applies the
//! method's scope check first; `methods`, `method.get` and `scope` read the same table.

pub mod context;
pub mod dispatch;
pub mod error;
pub mod output;
pub mod registry;
pub mod system;

pub use context::{AuthKind, CallContext, Caller};
pub use error::ApiError;
pub use output::{Answer, MethodOutput, MethodResult};
pub use registry::MethodDef;
