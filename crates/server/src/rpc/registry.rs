//! The one method table: name → scope → handler, sorted by name.
//!
//! Adding a method is adding a file under `methods/` and a line here. Names are stored in
//! lower case, as a portal stores them; lookups lower-case the requested name (spec §1.2).

use super::output::MethodResult;
use super::{system, CallContext};
use crate::domain::crm::CrmEntityType;
use crate::domain::scope::Scope;
use crate::methods;
use crate::methods::{
    crm_activity_binding, crm_item, crm_list, crm_records, imopenlines_operator as operator,
};
use futures_util::future::BoxFuture;
use openlines_wire::params::Params;

/// A method's code: owned context and parameters in, a boxed future out, so the table can
/// hold plain function pointers.
pub type Handler = fn(CallContext, Params) -> BoxFuture<'static, MethodResult>;

/// One row of the table.
#[derive(Debug)]
pub struct MethodDef {
    /// Lower-case name, e.g. `imopenlines.crm.chat.getlastid`.
    pub name: &'static str,
    /// The caller needs any one of these scopes; none for global methods.
    pub scopes: &'static [Scope],
    /// Whether the method may run inside `batch`.
    pub batchable: bool,
    /// Whether the method never writes: its request may then read everything, credentials
    /// included, from one database snapshot (`Store::on_one_snapshot`), which is cheaper.
    /// A method that writes must not be marked: the snapshot would hide its own writes.
    pub reads_only: bool,
    pub handler: Handler,
}

macro_rules! method {
    ($name:literal, $scopes:expr, $handler:expr) => {
        method!(
            $name,
            $scopes,
            $handler,
            batchable = true,
            reads_only = false
        )
    };
    ($name:literal, $scopes:expr, $handler:expr, reads_only) => {
        method!(
            $name,
            $scopes,
            $handler,
            batchable = true,
            reads_only = true
        )
    };
    ($name:literal, $scopes:expr, $handler:expr, batchable = false) => {
        method!(
            $name,
            $scopes,
            $handler,
            batchable = false,
            reads_only = false
        )
    };
    ($name:literal, $scopes:expr, $handler:expr, batchable = $batchable:literal, reads_only = $reads_only:literal) => {
        MethodDef {
            name: $name,
            scopes: $scopes,
            batchable: $batchable,
            reads_only: $reads_only,
            handler: |ctx, params| Box::pin(($handler)(ctx, params)),
        }
    };
}

/// Every method openlines serves, sorted by name.
#[rustfmt::skip]
pub static METHODS: &[MethodDef] = &[
    method!("app.info",                               GLOBAL,      methods::app_info::call),
    method!("app.option.get",                         GLOBAL,      methods::app_options::app_get),
    method!("app.option.set",                         GLOBAL,      methods::app_options::app_set),
    method!("batch",                                  GLOBAL,      system::batch::call, batchable = false),
    method!("crm.activity.binding.add",               CRM,         crm_activity_binding::add),
    method!("crm.activity.binding.delete",            CRM,         crm_activity_binding::delete),
    method!("crm.activity.binding.list",              CRM,         crm_activity_binding::list),
    method!("crm.activity.list",                      CRM,         methods::crm_activity_list::list),
    method!("crm.company.add",                        CRM,         |c, p| crm_records::add(c, p, CrmEntityType::Company)),
    method!("crm.company.delete",                     CRM,         |c, p| crm_records::delete(c, p, CrmEntityType::Company)),
    method!("crm.company.get",                        CRM,         |c, p| crm_records::get(c, p, CrmEntityType::Company)),
    method!("crm.company.list",                       CRM,         |c, p| crm_list::list(c, p, CrmEntityType::Company)),
    method!("crm.company.update",                     CRM,         |c, p| crm_records::update(c, p, CrmEntityType::Company)),
    method!("crm.contact.add",                        CRM,         |c, p| crm_records::add(c, p, CrmEntityType::Contact)),
    method!("crm.contact.delete",                     CRM,         |c, p| crm_records::delete(c, p, CrmEntityType::Contact)),
    method!("crm.contact.get",                        CRM,         |c, p| crm_records::get(c, p, CrmEntityType::Contact)),
    method!("crm.contact.list",                       CRM,         |c, p| crm_list::list(c, p, CrmEntityType::Contact)),
    method!("crm.contact.update",                     CRM,         |c, p| crm_records::update(c, p, CrmEntityType::Contact)),
    method!("crm.currency.base.get",                  CRM,         methods::crm_currency::base_get),
    method!("crm.currency.get",                       CRM,         methods::crm_currency::get),
    method!("crm.currency.list",                      CRM,         methods::crm_currency::list),
    method!("crm.deal.add",                           CRM,         |c, p| crm_records::add(c, p, CrmEntityType::Deal)),
    method!("crm.deal.delete",                        CRM,         |c, p| crm_records::delete(c, p, CrmEntityType::Deal)),
    method!("crm.deal.get",                           CRM,         |c, p| crm_records::get(c, p, CrmEntityType::Deal)),
    method!("crm.deal.list",                          CRM,         |c, p| crm_list::list(c, p, CrmEntityType::Deal)),
    method!("crm.deal.update",                        CRM,         |c, p| crm_records::update(c, p, CrmEntityType::Deal)),
    method!("crm.item.get",                           CRM,         crm_item::get),
    method!("crm.item.list",                          CRM,         crm_item::list),
    method!("crm.lead.add",                           CRM,         |c, p| crm_records::add(c, p, CrmEntityType::Lead)),
    method!("crm.lead.delete",                        CRM,         |c, p| crm_records::delete(c, p, CrmEntityType::Lead)),
    method!("crm.lead.get",                           CRM,         |c, p| crm_records::get(c, p, CrmEntityType::Lead)),
    method!("crm.lead.list",                          CRM,         |c, p| crm_list::list(c, p, CrmEntityType::Lead)),
    method!("crm.lead.update",                        CRM,         |c, p| crm_records::update(c, p, CrmEntityType::Lead)),
    method!("event.bind",                             GLOBAL,      methods::event::bind),
    method!("event.get",                              GLOBAL,      methods::event::get),
    method!("event.offline.clear",                    GLOBAL,      methods::event_offline::clear),
    method!("event.offline.error",                    GLOBAL,      methods::event_offline::error),
    method!("event.offline.get",                      GLOBAL,      methods::event_offline::get),
    method!("event.offline.list",                     GLOBAL,      methods::event_offline::list),
    method!("event.unbind",                           GLOBAL,      methods::event::unbind),
    method!("events",                                 GLOBAL,      methods::event::events),
    method!("feature.get",                            GLOBAL,      methods::feature_get::call),
    method!("imconnector.activate",                   CONNECTOR,   methods::imconnector_activate::activate),
    method!("imconnector.connector.data.set",         CONNECTOR,   methods::imconnector_activate::data_set),
    method!("imconnector.list",                       CONNECTOR,   methods::imconnector_list::call),
    method!("imconnector.register",                   CONNECTOR,   methods::imconnector_register::register),
    method!("imconnector.send.messages",              CONNECTOR,   methods::imconnector_send_messages::call),
    method!("imconnector.send.status.delivery",       CONNECTOR,   methods::imconnector_send_status::delivery),
    method!("imconnector.send.status.reading",        CONNECTOR,   methods::imconnector_send_status::reading),
    method!("imconnector.status",                     CONNECTOR,   methods::imconnector_activate::status),
    method!("imconnector.unregister",                 CONNECTOR,   methods::imconnector_register::unregister),
    method!("imopenlines.crm.chat.get",               IMOPENLINES, methods::imopenlines_crm_chat_get::call, reads_only),
    method!("imopenlines.crm.chat.getlastid",         IMOPENLINES, methods::imopenlines_crm_chat_getlastid::call),
    method!("imopenlines.crm.chat.user.add",          IMOPENLINES, methods::imopenlines_crm_chat_user_add::call),
    method!("imopenlines.crm.chat.user.delete",       IMOPENLINES, methods::imopenlines_crm_chat_user_delete::call),
    method!("imopenlines.crm.lead.create",            IMOPENLINES, methods::imopenlines_crm_lead_create::call),
    method!("imopenlines.crm.message.add",            IMOPENLINES, methods::imopenlines_crm_message_add::call),
    method!("imopenlines.dialog.get",                 IMOPENLINES, methods::imopenlines_dialog_get::call),
    method!("imopenlines.operator.another.finish",    IMOPENLINES, operator::another_finish),
    method!("imopenlines.operator.answer",            IMOPENLINES, operator::answer),
    method!("imopenlines.operator.finish",            IMOPENLINES, operator::finish),
    method!("imopenlines.operator.skip",              IMOPENLINES, operator::skip),
    method!("imopenlines.operator.spam",              IMOPENLINES, operator::spam),
    method!("imopenlines.operator.transfer",          IMOPENLINES, operator::transfer),
    method!("imopenlines.session.open",               IMOPENLINES, methods::imopenlines_session::open),
    method!("imopenlines.session.start",              IMOPENLINES, methods::imopenlines_session::start),
    method!("method.get",                             GLOBAL,      system::method_get::call),
    method!("methods",                                GLOBAL,      system::methods_list::call),
    method!("profile",                                GLOBAL,      methods::profile::call),
    method!("scope",                                  GLOBAL,      methods::scope::call),
    method!("server.time",                            GLOBAL,      methods::server_time::call),
    method!("user.current",                           USER,        methods::user_current::call),
    method!("user.option.get",                        GLOBAL,      methods::app_options::user_get),
    method!("user.option.set",                        GLOBAL,      methods::app_options::user_set),
];

const GLOBAL: &[Scope] = &[];
const IMOPENLINES: &[Scope] = &[Scope::Imopenlines];
/// The connector methods' pages name `imopenlines`; the portal's own scope for them, and the
/// one their events belong to, is `imconnector`: either grants them.
const CONNECTOR: &[Scope] = &[Scope::Imconnector, Scope::Imopenlines];
const CRM: &[Scope] = &[Scope::Crm];
const USER: &[Scope] = &[Scope::User, Scope::UserBrief, Scope::UserBasic];

impl MethodDef {
    /// Whether a caller holding `granted` may call this method.
    pub fn allows(&self, granted: &[Scope]) -> bool {
        self.scopes.is_empty() || self.scopes.iter().any(|scope| granted.contains(scope))
    }

    /// Whether the method needs no scope.
    pub fn is_global(&self) -> bool {
        self.scopes.is_empty()
    }
}

/// The method called `name` (any letter case), if there is one.
pub fn lookup(name: &str) -> Option<&'static MethodDef> {
    let lower = name.to_ascii_lowercase();
    METHODS
        .binary_search_by(|def| def.name.cmp(lower.as_str()))
        .ok()
        .map(|index| &METHODS[index])
}

#[cfg(test)]
mod tests;
