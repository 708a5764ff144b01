//! Options applications keep on the portal: per application (`app.option.*`) and per
//! application and user (`user.option.*`). Values are JSON text, so they come back with the
//! type they were set with.

use super::db::query;
use super::{Store, StoreError};

pub(super) const SET_APP_OPTION: &str =
    "INSERT INTO app_options (client_id, name, value) VALUES ($1, $2, $3)
     ON CONFLICT (client_id, name) DO UPDATE SET value = excluded.value";
pub(super) const APP_OPTIONS: &str =
    "SELECT name, value FROM app_options WHERE client_id = $1 ORDER BY name";
pub(super) const SET_USER_OPTION: &str =
    "INSERT INTO user_options (client_id, user_id, name, value) VALUES ($1, $2, $3, $4)
     ON CONFLICT (client_id, user_id, name) DO UPDATE SET value = excluded.value";
pub(super) const USER_OPTIONS: &str =
    "SELECT name, value FROM user_options WHERE client_id = $1 AND user_id = $2 ORDER BY name";

/// Whose options: the application's own, or one user's within the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionOwner<'a> {
    App { client_id: &'a str },
    User { client_id: &'a str, user_id: i64 },
}

impl Store {
    /// Writes every `(name, json value)` pair in one transaction: all or nothing.
    pub async fn set_options(
        &self,
        owner: OptionOwner<'_>,
        pairs: &[(String, String)],
    ) -> Result<(), StoreError> {
        let mut tx = self.db().begin_write().await?;
        for (name, value) in pairs {
            let statement = match owner {
                OptionOwner::App { client_id } => query(SET_APP_OPTION).bind(client_id),
                OptionOwner::User { client_id, user_id } => {
                    query(SET_USER_OPTION).bind(client_id).bind(user_id)
                }
            };
            statement.bind(name).bind(value).execute(&mut tx).await?;
        }
        tx.commit().await
    }

    /// Every option of `owner` as `(name, json value)`, by name.
    pub async fn options(
        &self,
        owner: OptionOwner<'_>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let statement = match owner {
            OptionOwner::App { client_id } => query(APP_OPTIONS).bind(client_id),
            OptionOwner::User { client_id, user_id } => {
                query(USER_OPTIONS).bind(client_id).bind(user_id)
            }
        };
        statement.fetch_all(self.db()).await
    }
}
