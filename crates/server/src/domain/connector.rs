//! The standard Bitrix24 connectors and their English titles (spec §7.8).
//!
//! The storage seeds these on migration; a fixture may rename, disable or add connectors.
//! Applications add their own with `imconnector.register`: the id rules, the options and
//! the `data` of the `OnImConnector*` events they hear are here too.

/// `(id, title)` of every connector a portal knows out of the box.
pub const STANDARD_CONNECTORS: &[(&str, &str)] = &[
    ("livechat", "Live Chat"),
    ("telegrambot", "Telegram"),
    ("network", "Bitrix24.Network"),
    ("whatsappbytwilio", "WhatsApp"),
    ("avito", "Avito"),
    ("viber", "Viber"),
    ("imessage", "Apple Messages for Business"),
    ("vkgroup", "VK"),
    ("ok", "Classmates"),
    ("facebook", "Facebook*: Messages"),
    ("facebookcomments", "Facebook*: Comments"),
    ("fbinstagramdirect", "Instagram* Direct"),
    ("notifications", "Bitrix24 SMS and WhatsApp"),
    ("whatsappbyedna", "Edna.com WhatsApp"),
    // Known ids without a documented English title (spec §7.8 lists them from the module code):
    // these titles are our own plain names for them; a fixture can rename any connector.
    ("wechat", "WeChat"),
    ("yandex", "Yandex"),
    ("olx", "OLX"),
    ("fbinstagram", "Instagram*"),
    ("botframework", "Microsoft Bot Framework"),
    ("vkgrouporder", "VK Orders"),
    ("telegram", "Telegram"),
];

/// Connector ids are lower-case on a portal (`imconnector.register` lower-cases them).
pub fn normalize_connector_id(id: &str) -> String {
    id.to_ascii_lowercase()
}

/// Why an `imconnector.register` `ID` is refused, as the portal's codes say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadConnectorId {
    /// Empty: `CONNECTOR_ID_REQUIRED`.
    Missing,
    /// Has a `.`: `APPLICATION_REGISTRATION_ERROR_POINT`.
    Point,
    /// Has anything but lower-case letters, digits and `_` (after lower-casing):
    /// `GENERAL_CONNECTOR_REGISTRATION_ERROR`. The portal only recommends that alphabet; we
    /// insist, because the id is the first field of a chat's `connector|line|chat|user`.
    Alphabet,
}

/// The stored id of a custom connector: `id` lower-cased, if it is one.
pub fn custom_connector_id(id: &str) -> Result<String, BadConnectorId> {
    let id = normalize_connector_id(id.trim());
    if id.is_empty() {
        return Err(BadConnectorId::Missing);
    }
    if id.contains('.') {
        return Err(BadConnectorId::Point);
    }
    if !id
        .bytes()
        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_')
    {
        return Err(BadConnectorId::Alphabet);
    }
    Ok(id)
}

/// The boolean options of `imconnector.register`, each `true` unless given false, except
/// `CHAT_GROUP` (default `false`), as the method's page lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub struct ConnectorOptions {
    pub del_external_messages: bool,
    pub edit_internal_messages: bool,
    pub del_internal_messages: bool,
    pub newsletter: bool,
    pub need_system_messages: bool,
    pub need_signature: bool,
    pub chat_group: bool,
}

impl Default for ConnectorOptions {
    fn default() -> Self {
        ConnectorOptions {
            del_external_messages: true,
            edit_internal_messages: true,
            del_internal_messages: true,
            newsletter: true,
            need_system_messages: true,
            need_signature: true,
            chat_group: false,
        }
    }
}

impl ConnectorOptions {
    /// The option names, as `imconnector.register` takes them.
    pub const NAMES: [&'static str; 7] = [
        "DEL_EXTERNAL_MESSAGES",
        "EDIT_INTERNAL_MESSAGES",
        "DEL_INTERNAL_MESSAGES",
        "NEWSLETTER",
        "NEED_SYSTEM_MESSAGES",
        "NEED_SIGNATURE",
        "CHAT_GROUP",
    ];

    /// Sets option `name` (one of [`Self::NAMES`]).
    pub fn set(&mut self, name: &str, value: bool) {
        let slot = match name {
            "DEL_EXTERNAL_MESSAGES" => &mut self.del_external_messages,
            "EDIT_INTERNAL_MESSAGES" => &mut self.edit_internal_messages,
            "DEL_INTERNAL_MESSAGES" => &mut self.del_internal_messages,
            "NEWSLETTER" => &mut self.newsletter,
            "NEED_SYSTEM_MESSAGES" => &mut self.need_system_messages,
            "NEED_SIGNATURE" => &mut self.need_signature,
            "CHAT_GROUP" => &mut self.chat_group,
            _ => return,
        };
        *slot = value;
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// The stored form read back; defaults for anything unreadable.
    pub fn from_json(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// The text an operator's message leaves with: signed `[b]Name:[/b] [br]text` (the
    /// portal's form, in BB-code) when the connector wants signatures and the author has a
    /// name.
    pub fn sign(&self, author: &str, text: &str) -> String {
        let author = author.trim();
        if self.need_signature && !author.is_empty() {
            format!("[b]{author}:[/b] [br]{text}")
        } else {
            text.to_owned()
        }
    }
}

/// `data` of `OnImConnectorMessageAdd` for operator message `message_id` of chat `chat_id`
/// (JSON text): `{"CONNECTOR","LINE","MESSAGES":[{"im","message","chat"}]}`.
pub fn outgoing_message_data(
    connector: &str,
    line: i64,
    external_chat: &str,
    (chat_id, message_id): (i64, i64),
    author_id: i64,
    text: &str,
) -> String {
    serde_json::json!({
        "CONNECTOR": connector,
        "LINE": line,
        "MESSAGES": [{
            "im": {"chat_id": chat_id, "message_id": message_id},
            "message": {"user_id": author_id, "text": text},
            "chat": {"id": external_chat},
        }],
    })
    .to_string()
}

/// `data` of `OnImConnectorStatusDelete` (JSON text): `{"connector","line"}`, lower case as
/// the event's page shows it.
pub fn status_delete_data(connector: &str, line: i64) -> String {
    serde_json::json!({"connector": connector, "line": line}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lower_case_without_points() {
        assert_eq!(custom_connector_id(" My_Conn1 "), Ok("my_conn1".to_owned()));
        assert_eq!(custom_connector_id(""), Err(BadConnectorId::Missing));
        assert_eq!(custom_connector_id("a.b"), Err(BadConnectorId::Point));
        assert_eq!(custom_connector_id("a|b"), Err(BadConnectorId::Alphabet));
    }

    #[test]
    fn options_default_as_documented_and_round_trip() {
        let mut options = ConnectorOptions::default();
        assert!(options.need_signature && !options.chat_group);
        options.set("NEED_SIGNATURE", false);
        assert_eq!(ConnectorOptions::from_json(&options.to_json()), options);
        assert_eq!(
            ConnectorOptions::from_json("garbage"),
            ConnectorOptions::default()
        );
    }

    #[test]
    fn signatures_follow_the_option() {
        let mut options = ConnectorOptions::default();
        assert_eq!(
            options.sign("Anna Smith", "Hi"),
            "[b]Anna Smith:[/b] [br]Hi"
        );
        assert_eq!(options.sign(" ", "Hi"), "Hi");
        options.need_signature = false;
        assert_eq!(options.sign("Anna Smith", "Hi"), "Hi");
    }
}
