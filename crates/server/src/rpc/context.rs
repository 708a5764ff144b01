//! Who is calling, and what a method can reach while it runs.

use crate::domain::event::Actor;
use crate::domain::scope::Scope;
use crate::domain::user::User;
use crate::state::AppState;

/// How the caller authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// An incoming webhook, by its id.
    Webhook { webhook_id: i64 },
    /// An OAuth access token of an application.
    OAuth { client_id: Option<String> },
}

/// An authenticated caller: the user the call runs as and the scopes it was granted.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub scopes: Vec<Scope>,
    pub auth: AuthKind,
    /// SHA-256 hex of the presented webhook code or token (to match scoped fault switches).
    pub credential_hash: String,
}

impl Caller {
    /// How the journal names this caller (never a secret).
    pub fn describe(&self) -> String {
        match &self.auth {
            AuthKind::Webhook { webhook_id } => {
                // Written by hand: this runs on every webhook call, and `format!` cost more.
                let mut numbers = itoa::Buffer::new();
                let mut text = String::with_capacity(32);
                text.push_str("webhook ");
                text.push_str(numbers.format(*webhook_id));
                text.push_str(" (user ");
                text.push_str(numbers.format(self.user.id));
                text.push(')');
                text
            }
            AuthKind::OAuth {
                client_id: Some(client),
            } => format!("token (user {}, app {client})", self.user.id),
            AuthKind::OAuth { client_id: None } => format!("token (user {})", self.user.id),
        }
    }

    /// The operating-time budget this caller spends on `method`: per webhook, or per
    /// application (per user for tokens without an application), as the portal keys it.
    pub fn budget_key(&self, method: &str) -> String {
        match &self.auth {
            AuthKind::Webhook { webhook_id } => format!("webhook:{webhook_id}:{method}"),
            AuthKind::OAuth {
                client_id: Some(client),
            } => format!("app:{client}:{method}"),
            AuthKind::OAuth { client_id: None } => format!("user:{}:{method}", self.user.id),
        }
    }
}

/// Everything a method handler gets besides its parameters.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub state: AppState,
    pub caller: Caller,
    /// Set for commands run inside `batch` (some answers differ there).
    pub in_batch: bool,
}

impl CallContext {
    /// The caller as the author of the writes it makes (what events name as their actor).
    pub fn actor(&self) -> Actor {
        Actor(self.caller.user.id)
    }
}
