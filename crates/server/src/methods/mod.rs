//! One file per Bitrix24 method. Each exposes `call(ctx, params)`, parses its parameters into
//! domain types first, and returns a [`MethodOutput`](crate::rpc::MethodOutput).
//!
//! [`args`] holds the parameter rules several methods share (PHP `empty()`, numeric ids);
//! [`crm_read`] the CRM read-permission check.

pub mod args;
pub mod crm_read;
pub mod imopenlines_crm_chat_get;
pub mod server_time;
