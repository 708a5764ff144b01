//! Types and rules of the domain: CRM records, chats and sessions, permissions, credentials.
//!
//! Nothing here knows about HTTP or SQL. Parameters are parsed into these types at the edge
//! of each method ("parse, don't validate"), and storage speaks them too.

pub mod connector;
pub mod credentials;
pub mod crm;
pub mod crm_list;
pub mod event;
pub mod permission;
pub mod scope;
pub mod session;
pub mod user;
