//! A portal user as the rest of the server sees them: who calls, and whose rights a check
//! reads. Storage reads users into this type; it knows nothing of rows or SQL.

/// A portal user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub last_name: String,
    pub is_admin: bool,
    /// An inactive user's credentials are refused (`AUTHORIZATION_ERROR`).
    pub active: bool,
    pub department_id: Option<i64>,
}
