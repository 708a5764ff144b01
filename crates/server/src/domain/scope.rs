//! REST scopes: what a webhook or token was granted, with their fixed wire spelling.

use std::fmt;
use std::str::FromStr;

/// A scope a method can require. Global methods (`batch`, `server.time`, …) require none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Imopenlines,
    /// Custom connectors (`imconnector.*` and the `OnImConnector*` events).
    Imconnector,
    Crm,
    User,
    UserBrief,
    UserBasic,
    Im,
}

impl Scope {
    /// Every scope, for `scope` with `full=true`.
    pub const ALL: [Scope; 7] = [
        Scope::Crm,
        Scope::Im,
        Scope::Imconnector,
        Scope::Imopenlines,
        Scope::User,
        Scope::UserBasic,
        Scope::UserBrief,
    ];

    /// The wire spelling (`imopenlines`, `user_brief`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Imopenlines => "imopenlines",
            Scope::Imconnector => "imconnector",
            Scope::Crm => "crm",
            Scope::User => "user",
            Scope::UserBrief => "user_brief",
            Scope::UserBasic => "user_basic",
            Scope::Im => "im",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text names no scope we know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown scope {0:?} (known: crm, im, imconnector, imopenlines, user, user_basic, user_brief)"
)]
pub struct UnknownScope(pub String);

impl FromStr for Scope {
    type Err = UnknownScope;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == text.trim().to_ascii_lowercase())
            .ok_or_else(|| UnknownScope(text.to_owned()))
    }
}

/// Parses a comma- or space-separated list (`imopenlines,crm`), dropping duplicates.
pub fn parse_scope_list(text: &str) -> Result<Vec<Scope>, UnknownScope> {
    let mut scopes = Vec::new();
    for part in text
        .split([',', ' '])
        .filter(|part| !part.trim().is_empty())
    {
        let scope: Scope = part.parse()?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    scopes.sort();
    Ok(scopes)
}

/// The stored form of a scope list: comma-separated wire spellings.
pub fn format_scope_list(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|scope| scope.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests;
