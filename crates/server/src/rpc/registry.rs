//! The one method table: name → scope → handler, sorted by name.
//!
//! Adding a method is adding a file under `methods/` and a line here. Names are stored in
//! lower case, as a portal stores them; lookups lower-case the requested name (spec §1.2).

use super::{ApiError, CallContext};
use crate::domain::scope::Scope;
use crate::methods;
use futures_util::future::BoxFuture;
use openlines_wire::params::Params;
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
    pub handler: Handler,
}

macro_rules! method {
    ($name:literal, $scopes:expr, $module:path) => {
        method!($name, $scopes, $module, batchable = true)
    };
    ($name:literal, $scopes:expr, $module:path, batchable = $batchable:literal) => {
        MethodDef {
            name: $name,
            scopes: $scopes,
            batchable: $batchable,
            handler: |ctx, params| {
                Box::pin({
                    use $module as m;
                    m::call(ctx, params)
                })
            },
        }
    };
}

/// Every method openlines serves, sorted by name.
#[rustfmt::skip]
pub static METHODS: &[MethodDef] = &[
    method!("app.info",                 GLOBAL,      methods::app_info),
    method!("batch",                    GLOBAL,      methods::batch, batchable = false),
    method!("feature.get",              GLOBAL,      methods::feature_get),
    method!("imopenlines.crm.chat.get", IMOPENLINES, methods::imopenlines_crm_chat_get),
    method!("method.get",               GLOBAL,      methods::method_get),
    method!("methods",                  GLOBAL,      methods::methods_list),
    method!("profile",                  GLOBAL,      methods::profile),
    method!("scope",                    GLOBAL,      methods::scope),
    method!("server.time",              GLOBAL,      methods::server_time),
    method!("user.current",             USER,        methods::user_current),
];

const GLOBAL: &[Scope] = &[];
const IMOPENLINES: &[Scope] = &[Scope::Imopenlines];
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
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_lower_case_and_unique() {
        for pair in METHODS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
        for def in METHODS {
            assert_eq!(def.name, def.name.to_ascii_lowercase());
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert!(lookup("IMOPENLINES.CRM.CHAT.GET").is_some());
        assert!(lookup("imopenlines.crm.chats.get").is_none());
        assert!(lookup("").is_none());
    }
}
