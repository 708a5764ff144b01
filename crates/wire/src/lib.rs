//! What a Bitrix24 REST server and its clients must agree on, byte for byte.
//!
//! - [`crm`]: the four CRM entity types with their spellings and numeric ids.
//! - [`params`]: PHP-style parameter trees: decoding `a[b][0]=c` query strings the way PHP
//!   fills `$_GET`/`$_POST`, and encoding a JSON value back into that form.
//! - [`error_code`]: the one table of Bitrix24 error codes, their HTTP statuses and default texts.
//! - [`envelope`]: the success envelope (`result`, `time`, `next`, `total`) and the error body.
//! - [`php_json`]: JSON written as PHP's `json_encode` writes it on a portal (`\/`, `\u003C`, …).
//!
//! The server and the client crate both depend on this crate; it has no HTTP or database code.

pub mod crm;
pub mod envelope;
pub mod error_code;
pub mod params;
pub mod php_json;

pub use crm::{CrmEntityType, UnknownEntityType};
pub use envelope::{ErrorBody, Time};
pub use error_code::ErrorCode;
