//! One file per Bitrix24 method. Each exposes `call(ctx, params)`, parses its parameters into
//! domain types first, and returns a [`MethodOutput`](crate::rpc::MethodOutput).
//!
//! [`args`] holds the parameter rules several methods share (PHP `empty()`, numeric ids);
//! [`crm_read`] the CRM read-permission check.

pub mod app_info;
pub mod app_options;
pub mod args;
pub mod crm_activity_binding;
pub mod crm_activity_list;
pub mod crm_chat_common;
pub mod crm_currency;
pub mod crm_item;
pub mod crm_list;
pub mod crm_read;
pub mod crm_records;
pub mod event;
pub mod event_offline;
pub mod feature_get;
pub mod imconnector_activate;
mod imconnector_common;
pub mod imconnector_list;
pub mod imconnector_register;
pub mod imconnector_send_messages;
pub mod imconnector_send_status;
pub mod imopenlines_crm_chat_get;
pub mod imopenlines_crm_chat_getlastid;
pub mod imopenlines_crm_chat_user_add;
pub mod imopenlines_crm_chat_user_delete;
pub mod imopenlines_crm_lead_create;
pub mod imopenlines_crm_message_add;
pub mod imopenlines_dialog_get;
pub mod imopenlines_operator;
pub mod imopenlines_session;
pub mod list_params;
pub mod open_line_chat;
pub mod profile;
pub mod scope;
pub mod server_time;
pub mod user_current;
