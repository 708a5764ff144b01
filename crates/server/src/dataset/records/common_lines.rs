//! The two kinds of line that make up nearly every large fixture, chats and CRM records,
//! parsed straight into their fields.
//!
//! [`Record`] is an internally tagged enum: serde cannot know the variant before it has seen
//! `"type"`, so it first copies every field of the line into a buffer of its own (`Content`),
//! then reads the variant from that buffer. That was about 40 % of the importer's own thread
//! in a 1 M import (BENCHMARKS.md §1). A line that starts exactly `{"type":"chat",` (or
//! `"deal"`, …), as exports and generators write them, is parsed here by one plain struct
//! instead; any other line, and any line this parse refuses, goes the tagged way, so every
//! answer and every error message is the tagged parse's. `tests` checks both ways agree.

use super::{Binding, CrmFields, Record};
use serde::de::IgnoredAny;
use serde::Deserialize;

/// Parses `text` if it is a chat or CRM line in the common form; `None` otherwise (the caller
/// then parses it as a [`Record`]).
pub(super) fn parse(text: &str) -> Option<Record> {
    let rest = text.strip_prefix(r#"{"type":""#)?;
    let (kind, _) = rest.split_once('"')?;
    if !rest[kind.len()..].starts_with(r#"","#) {
        return None;
    }
    match kind {
        "chat" => serde_json::from_str::<ChatLine>(text)
            .ok()
            .map(ChatLine::into_record),
        "lead" | "deal" | "contact" | "company" => {
            let fields = serde_json::from_str::<CrmLine>(text).ok()?.into_fields();
            Some(match kind {
                "lead" => Record::Lead(fields),
                "deal" => Record::Deal(fields),
                "contact" => Record::Contact(fields),
                _ => Record::Company(fields),
            })
        }
        _ => None,
    }
}

/// [`Record::Chat`]'s fields, and the tag (read, so that a second `"type"` is refused as a
/// duplicate here too and the line goes the tagged way). The field list repeats the variant's
/// on purpose: a shared struct would need `#[serde(flatten)]`, which buffers like the tagged
/// enum. [`Self::into_record`] names every field of the variant, so the compiler refuses a
/// field added there and not here.
#[derive(Deserialize)]
struct ChatLine {
    #[serde(rename = "type")]
    _kind: IgnoredAny,
    id: i64,
    connector_id: String,
    line_id: Option<i64>,
    title: Option<String>,
    external_chat_id: Option<String>,
    external_user_id: Option<String>,
    status: Option<i64>,
    active: Option<bool>,
    crm: Option<Vec<Binding>>,
}

impl ChatLine {
    fn into_record(self) -> Record {
        Record::Chat {
            id: self.id,
            connector_id: self.connector_id,
            line_id: self.line_id,
            title: self.title,
            external_chat_id: self.external_chat_id,
            external_user_id: self.external_user_id,
            status: self.status,
            active: self.active,
            crm: self.crm,
        }
    }
}

/// [`CrmFields`] and the tag, as for [`ChatLine`] ([`Self::into_fields`] names every field).
#[derive(Deserialize)]
struct CrmLine {
    #[serde(rename = "type")]
    _kind: IgnoredAny,
    id: i64,
    title: Option<String>,
    name: Option<String>,
    assigned_by_id: Option<i64>,
    opened: Option<bool>,
}

impl CrmLine {
    fn into_fields(self) -> CrmFields {
        CrmFields {
            id: self.id,
            title: self.title,
            name: self.name,
            assigned_by_id: self.assigned_by_id,
            opened: self.opened,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both parses of `text`, as text (the records hold no floats, so `Debug` is exact).
    fn both(text: &str) -> (Option<String>, Result<String, String>) {
        let fast = parse(text).map(|record| format!("{record:?}"));
        let tagged = serde_json::from_str::<Record>(text)
            .map(|record| format!("{record:?}"))
            .map_err(|error| error.to_string());
        (fast, tagged)
    }

    #[test]
    fn common_lines_parse_as_the_tagged_enum_does() {
        let lines = [
            r#"{"type":"chat","id":599477,"connector_id":"whatsappbyedna","status":60,"crm":[{"entity_type":"deal","entity_id":99477}]}"#,
            r#"{"type":"chat","id":7,"connector_id":"telegrambot","line_id":2,"title":"T\"x\\y","external_chat_id":"e","external_user_id":"u","active":false,"crm":[]}"#,
            r#"{"type":"chat","id":8,"connector_id":"livechat","unknown":{"nested":[1,2]},"crm":null}"#,
            r#"{"type":"deal","id":74870,"title":"Deal 74870","assigned_by_id":71}"#,
            r#"{"type":"lead","id":1,"name":"Ann","opened":true}"#,
            r#"{"type":"contact","id":2}"#,
            r#"{"type":"company","id":3,"title":null,"extra":"ignored"}"#,
        ];
        for line in lines {
            let (fast, tagged) = both(line);
            assert_eq!(fast.as_ref(), tagged.as_ref().ok(), "{line}");
            assert!(fast.is_some(), "the common form goes the fast way: {line}");
        }
    }

    #[test]
    fn other_and_faulty_lines_are_left_to_the_tagged_parse() {
        let lines = [
            // Not the common form: spaces, the tag not first, another kind.
            r#"{ "type": "chat", "id": 1, "connector_id": "livechat"}"#,
            r#"{"id":1,"type":"chat","connector_id":"livechat"}"#,
            r#"{"type":"session","id":1,"chat_id":1,"status":20}"#,
            r#"{"type":"Chat","id":1,"connector_id":"livechat"}"#,
            // Faulty: the tagged parse's own error must be the one reported.
            r#"{"type":"chat","id":"x","connector_id":"livechat"}"#,
            r#"{"type":"chat","connector_id":"livechat"}"#,
            r#"{"type":"chat","type":"deal","id":1,"connector_id":"livechat"}"#,
            r#"{"type":"deal","id":1,"id":2}"#,
            r#"{"type":"deal","id":1"#,
            r#"{"type":"deal"}"#,
            r#"{"type":"chat""#,
        ];
        for line in lines {
            let (fast, tagged) = both(line);
            assert_eq!(
                fast, None,
                "{line} must go the tagged way (it gives {tagged:?})"
            );
        }
    }
}
