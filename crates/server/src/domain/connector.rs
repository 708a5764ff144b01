//! The standard Bitrix24 connectors and their English titles (spec §7.8).
//!
//! The storage seeds these on migration; a fixture may rename, disable or add connectors.

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
