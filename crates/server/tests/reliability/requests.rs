//! Random requests for the campaign: any method of the server's own list (and names it does
//! not know), through any credential, in every encoding a Bitrix client uses (query string,
//! form, JSON, multipart) and some no client should, with parameters of every shape, bodies
//! up to and beyond the size limit, and batches whose commands refer to each other.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Map, Value};
use std::fmt::Write;

/// One request as bytes, with what the campaign may expect of its answer.
pub struct Probe {
    pub bytes: Vec<u8>,
    /// A HEAD request: the answer has no body.
    pub head: bool,
    /// Whether the answer must be JSON (not for `.xml` paths, `OPTIONS`, `HEAD`).
    pub expect_json: bool,
    /// Whether the request asked the server to close the connection.
    pub client_close: bool,
    /// A short description for failure messages.
    pub summary: String,
}

/// The credentials a request may carry: the demo's webhooks, a wrong one, an OAuth token.
const HOOKS: &[&str] = &[
    "/rest/1/demo0123456789ab",
    "/rest/1/demo0123456789ab",
    "/rest/1/demo0123456789ab",
    "/rest/1/demo0123456789ab",
    "/rest/1/demo0123456789ab",
    "/rest/1/demo0123456789ab",
    "/rest/5/limited0123456789",
    "/rest/5/limited0123456789",
    "/rest/1/crmonly012345678",
    "/rest/1/noscope012345678",
    "/rest/4/inactive01234567",
    "/rest/1/wrongwrongwrong0",
    "/rest/99/demo0123456789ab",
    "/rest",
];

const NAMES: &[&str] = &[
    "id",
    "ID",
    "CHAT_ID",
    "DIALOG_ID",
    "SESSION_ID",
    "USER_CODE",
    "CRM_ENTITY_TYPE",
    "CRM_ENTITY",
    "USER_ID",
    "MESSAGE",
    "TRANSFER_ID",
    "fields",
    "filter",
    "order",
    "select",
    "start",
    "entityTypeId",
    "activityId",
    "entityId",
    "ownerTypeId",
    "ownerId",
    "event",
    "handler",
    "option",
    "options",
    "full",
    "name",
    "halt",
    "cmd",
    "auth",
    "LEAVE",
    "CONNECTOR",
    "LINE",
    "params",
    "TEXT",
    "TYPE",
    "useOriginalUfNames",
];

const FIELD_NAMES: &[&str] = &[
    "TITLE",
    "NAME",
    "LAST_NAME",
    "ASSIGNED_BY_ID",
    "OPENED",
    "STAGE_ID",
    "STATUS_ID",
    "COMPANY_ID",
    "CONTACT_ID",
    "OPPORTUNITY",
    "CURRENCY_ID",
    "COMMENTS",
    ">ID",
    "<ID",
    "=ID",
    "!ID",
    "%TITLE",
    "ID",
    "*",
    "UF_CRM_1",
    "PHONE",
    "EMAIL",
];

/// A scalar the server must cope with, as text.
fn scalar(rng: &mut StdRng) -> String {
    const FIXED: &[&str] = &[
        "1",
        "0",
        "-1",
        "2",
        "5",
        "1205",
        "1300",
        "1400",
        "288",
        "300",
        "301",
        "7",
        "3",
        "1763",
        "9852",
        "1800",
        "2001",
        "501",
        "510",
        "511",
        "520",
        "chat1763",
        "chat0",
        "lead",
        "deal",
        "contact",
        "company",
        "LEAD",
        "DEAL",
        "CONTACT",
        "COMPANY",
        "livechat",
        "livechat|1|visitor|client",
        "telegrambot|1|tg-chat|tg-user",
        "livechat|0|a|b",
        "a|b",
        "Y",
        "N",
        "true",
        "false",
        "null",
        "",
        " ",
        "99999999999999999999",
        "9223372036854775807",
        "-9223372036854775808",
        "1e308",
        "NaN",
        "0x10",
        "1.5",
        "١٢",
        "Привет 🙂",
        "\u{1}\u{1f}\u{7f}",
        "<b>x</b>",
        "'; DROP TABLE chats; --",
        "$result[a]",
        "$result[a][ID]",
        "$result[b][0]",
        "$result[zz]",
        "ONCRMLEADADD",
        "https://127.0.0.1:1/handler",
        "ASC",
        "DESC",
        "\\u0000",
        "%",
        "+",
        "&",
        "=",
        "[]",
    ];
    match rng.random_range(0..10) {
        0 => rng.random_range(-5i64..3000).to_string(),
        1 => "x".repeat(rng.random_range(0..300)),
        2 => (0..rng.random_range(1..12))
            .map(|_| char::from_u32(rng.random_range(1..0x2000)).unwrap_or('?'))
            .collect(),
        _ => FIXED.choose(rng).unwrap().to_string(),
    }
}

/// `a`, `a[b]`, `a[][c]`… with an occasional nesting beyond the server's depth limit.
fn key(rng: &mut StdRng) -> String {
    let mut key = NAMES.choose(rng).unwrap().to_string();
    let depth = match rng.random_range(0..40) {
        0 => rng.random_range(60..80),
        1..=15 => rng.random_range(1..4),
        _ => 0,
    };
    for _ in 0..depth {
        match rng.random_range(0..4) {
            0 => key.push_str("[]"),
            1 => write!(key, "[{}]", rng.random_range(0..5)).unwrap(),
            _ => write!(key, "[{}]", FIELD_NAMES.choose(rng).unwrap()).unwrap(),
        }
    }
    if rng.random_range(0..60) == 0 {
        key.push('['); // an unclosed bracket
    }
    key
}

/// `key=value` pairs; now and then far more than the parameter limit.
fn pairs(rng: &mut StdRng) -> Vec<(String, String)> {
    let count = match rng.random_range(0..50) {
        0 => rng.random_range(900..1200),
        1..=5 => rng.random_range(10..60),
        _ => rng.random_range(0..7),
    };
    (0..count).map(|_| (key(rng), scalar(rng))).collect()
}

fn percent(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn urlencode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent(k), percent(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A JSON value of random shape.
fn json_value(rng: &mut StdRng, depth: u32) -> Value {
    match rng.random_range(0..if depth > 3 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => json!(rng.random_bool(0.5)),
        2 => json!(rng.random_range(-3i64..2500)),
        3 => json!(rng.random::<f64>() * 1e6),
        4 | 5 => json!(scalar(rng)),
        6 => Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| json_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut object = Map::new();
            for _ in 0..rng.random_range(0..5) {
                let name = if rng.random_bool(0.5) {
                    FIELD_NAMES.choose(rng).unwrap().to_string()
                } else {
                    NAMES.choose(rng).unwrap().to_string()
                };
                object.insert(name, json_value(rng, depth + 1));
            }
            Value::Object(object)
        }
    }
}

fn json_params(rng: &mut StdRng) -> Value {
    let mut object = Map::new();
    for _ in 0..rng.random_range(0..7) {
        object.insert(NAMES.choose(rng).unwrap().to_string(), json_value(rng, 0));
    }
    if rng.random_range(0..80) == 0 {
        // Deeper than the depth limit.
        let mut deep = json!(1);
        for _ in 0..rng.random_range(60..90) {
            deep = json!({ "a": deep });
        }
        object.insert("fields".to_owned(), deep);
    }
    Value::Object(object)
}

/// A batch: commands that use each other's results, some of them not batchable or unknown.
fn batch_commands(rng: &mut StdRng, methods: &[String]) -> Vec<(String, String)> {
    let mut commands = Vec::new();
    for index in 0..rng.random_range(1..8) {
        let name = ["a", "b", "c", "d", "e", "f", "g", "h"][index];
        let method = match rng.random_range(0..6) {
            0 => "crm.lead.add".to_owned(),
            1 => "crm.lead.get".to_owned(),
            2 => "batch".to_owned(),
            _ => methods.choose(rng).unwrap().clone(),
        };
        let mut query = pairs(rng);
        query.truncate(6);
        if rng.random_bool(0.5) {
            let reference = [
                "$result[a]",
                "$result[a][ID]",
                "$result[b][0][ID]",
                "$result[zz]",
            ]
            .choose(rng)
            .unwrap();
            query.push(("id".to_owned(), reference.to_string()));
        }
        if method == "crm.lead.add" {
            query.push(("fields[TITLE]".to_owned(), "campaign".to_owned()));
        }
        commands.push((name.to_owned(), format!("{method}?{}", urlencode(&query))));
    }
    commands
}

/// A call a real client makes, with parameters that are right: the campaign then reaches the
/// writes and reads behind the checks, not only the refusals.
fn valid_call(rng: &mut StdRng) -> (String, Vec<(String, String)>) {
    let n = rng.random_range(0..1_000_000u32).to_string();
    let p = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let lead = ["1205", "1300", "1400"].choose(rng).unwrap().to_string();
    let chat = ["1763", "9852", "1800", "2001"]
        .choose(rng)
        .unwrap()
        .to_string();
    let code = format!("livechat|1|campaign-{n}|client-{n}");
    let title = format!("campaign {n} {}", scalar(rng));
    match rng.random_range(0..14) {
        0 => (
            "crm.lead.add".into(),
            p(&[("fields[TITLE]", &title), ("fields[ASSIGNED_BY_ID]", "2")]),
        ),
        1 => ("crm.lead.get".into(), p(&[("id", &lead)])),
        2 => (
            "crm.lead.list".into(),
            p(&[
                ("filter[>ID]", "1000"),
                ("select[]", "ID"),
                ("order[ID]", "DESC"),
            ]),
        ),
        3 => (
            "crm.deal.update".into(),
            p(&[("id", "300"), ("fields[TITLE]", &title)]),
        ),
        4 => (
            "imopenlines.session.open".into(),
            p(&[("USER_CODE", &code)]),
        ),
        5 => (
            "imopenlines.crm.chat.get".into(),
            p(&[("CRM_ENTITY_TYPE", "lead"), ("CRM_ENTITY", &lead)]),
        ),
        6 => ("imopenlines.dialog.get".into(), p(&[("CHAT_ID", &chat)])),
        7 => (
            "imopenlines.crm.message.add".into(),
            p(&[
                ("CRM_ENTITY_TYPE", "lead"),
                ("CRM_ENTITY", "1205"),
                ("USER_ID", "2"),
                ("CHAT_ID", "1763"),
                ("MESSAGE", &title),
            ]),
        ),
        8 => (
            "imopenlines.operator.answer".into(),
            p(&[("CHAT_ID", &chat)]),
        ),
        9 => (
            "imopenlines.crm.lead.create".into(),
            p(&[("CHAT_ID", &chat)]),
        ),
        10 => (
            "crm.activity.list".into(),
            p(&[("filter[OWNER_TYPE_ID]", "1"), ("filter[OWNER_ID]", &lead)]),
        ),
        11 => ("user.option.set".into(), p(&[("options[campaign]", &n)])),
        12 => (
            "crm.item.list".into(),
            p(&[("entityTypeId", "2"), ("select[]", "id")]),
        ),
        _ => (
            "batch".into(),
            p(&[
                ("halt", "0"),
                (
                    "cmd[a]",
                    &format!("crm.lead.add?fields[TITLE]={}", percent(&title)),
                ),
                ("cmd[b]", "crm.lead.get?id=$result[a]"),
                (
                    "cmd[c]",
                    "imopenlines.crm.chat.get?CRM_ENTITY_TYPE=lead&CRM_ENTITY=$result[a]",
                ),
                (
                    "cmd[d]",
                    &format!("imopenlines.session.open?USER_CODE={}", percent(&code)),
                ),
                (
                    "cmd[e]",
                    "imopenlines.dialog.get?CHAT_ID=$result[d][chatId]",
                ),
            ]),
        ),
    }
}

/// Pads parameters so the body reaches `size` bytes.
fn padded(mut pairs: Vec<(String, String)>, size: usize) -> Vec<(String, String)> {
    pairs.push(("PAD".to_owned(), "p".repeat(size)));
    pairs
}

/// A body size: mostly small, sometimes around the limit or up to three times it.
fn body_size(rng: &mut StdRng, limit: usize) -> Option<usize> {
    match rng.random_range(0..100) {
        0 => Some(rng.random_range(limit.saturating_sub(200)..limit + 200)),
        1 => Some(rng.random_range(limit..limit * 3)),
        2..=4 => Some(rng.random_range(1000..limit / 2)),
        _ => None,
    }
}

/// A random request for the server at `host` with the method names `methods`.
pub fn probe(rng: &mut StdRng, host: &str, methods: &[String], body_limit: usize) -> Probe {
    let hook = *HOOKS.choose(rng).unwrap();
    let mut method = match rng.random_range(0..30) {
        0 => "batch".to_owned(),
        1 => "no.such.method".to_owned(),
        2 => scalar(rng)
            .replace(['/', '?', '#', ' '], "")
            .chars()
            .take(40)
            .collect(),
        3 => "CRM.LEAD.GET".to_owned(),
        _ => methods.choose(rng).unwrap().clone(),
    };
    let suffix = match rng.random_range(0..20) {
        0 => ".xml",
        1..=3 => ".json",
        _ => "",
    };
    if method.is_empty() {
        method.push('x');
    }
    let mut hook = hook;
    let mut pairs = pairs(rng);
    if rng.random_bool(0.35) {
        hook = HOOKS[0];
        let (name, mut valid) = valid_call(rng);
        if rng.random_bool(0.2) {
            valid.append(&mut pairs); // and some noise
        }
        (method, pairs) = (name, valid);
    }
    let mut path = format!("{hook}/{}{suffix}", percent(&method).replace("%2E", "."));
    if hook == "/rest" || rng.random_range(0..15) == 0 {
        let token = [
            "demo-access-token",
            "demo-expired-token",
            "demo-crm-only-token",
            "nope",
        ]
        .choose(rng)
        .unwrap();
        pairs.push(("auth".to_owned(), token.to_string()));
    }
    if method == "batch" && !pairs.iter().any(|(name, _)| name.starts_with("cmd[")) {
        let halt = rng.random_range(0..2).to_string();
        pairs.push(("halt".to_owned(), halt));
        for (name, command) in batch_commands(rng, methods) {
            pairs.push((format!("cmd[{name}]"), command));
        }
    }
    if let Some(size) = body_size(rng, body_limit) {
        pairs = padded(pairs, size);
    }

    let verb = match rng.random_range(0..60) {
        0 => "PUT",
        1 => "DELETE",
        2 => "HEAD",
        3 => "OPTIONS",
        4 => "PATCH",
        5 => "CONNECT",
        6..=20 => "GET",
        _ => "POST",
    };
    let encoding = if verb == "GET" || verb == "HEAD" {
        "query"
    } else {
        ["form", "form", "json", "json", "multipart", "query", "raw"]
            .choose(rng)
            .unwrap()
    };
    let (content_type, body): (Option<String>, Vec<u8>) = match encoding {
        "query" => {
            let query = urlencode(&pairs);
            if !query.is_empty() {
                path = format!("{path}?{query}");
            }
            (None, Vec::new())
        }
        "form" => (
            Some("application/x-www-form-urlencoded".to_owned()),
            urlencode(&pairs).into_bytes(),
        ),
        "json" => {
            let mut value = json_params(rng);
            for (name, text) in pairs.iter().filter(|(name, _)| !name.contains('[')) {
                value[name] = json!(text);
            }
            if method == "batch" {
                let commands: Map<String, Value> = pairs
                    .iter()
                    .filter_map(|(name, text)| {
                        let name = name.strip_prefix("cmd[")?.strip_suffix(']')?;
                        Some((name.to_owned(), json!(text)))
                    })
                    .collect();
                value["cmd"] = Value::Object(commands);
            }
            let mut text = value.to_string().into_bytes();
            if rng.random_range(0..20) == 0 {
                text.truncate(text.len() / 2); // malformed JSON
            }
            (Some("application/json".to_owned()), text)
        }
        "multipart" => {
            let boundary = format!("----campaign{}", rng.random::<u32>());
            let mut text = Vec::new();
            for (name, value) in &pairs {
                text.extend_from_slice(
                    format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                    )
                    .as_bytes(),
                );
            }
            if rng.random_range(0..10) != 0 {
                text.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            }
            (
                Some(format!("multipart/form-data; boundary={boundary}")),
                text,
            )
        }
        _ => {
            // What no client should send: a wrong type, bytes that are not UTF-8, bad escapes.
            let mut text = urlencode(&pairs).into_bytes();
            text.extend_from_slice(&[b'&', b'x', b'=', 0xff, 0xfe, b'%', b'z', b'z', b'%']);
            let kind = ["text/plain", "application/xml", "application/json", ""]
                .choose(rng)
                .unwrap();
            (Some(kind.to_string()), text)
        }
    };

    let client_close = rng.random_range(0..40) == 0;
    let mut head = format!("{verb} {path} HTTP/1.1\r\nHost: {host}\r\n");
    if let Some(kind) = &content_type {
        if !kind.is_empty() {
            writeln!(head, "Content-Type: {kind}\r").unwrap();
        }
    }
    if !body.is_empty() || verb == "POST" {
        writeln!(head, "Content-Length: {}\r", body.len()).unwrap();
    }
    if client_close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let summary = format!(
        "{verb} {} ({encoding}, {} body bytes, {} params)",
        path.chars().take(160).collect::<String>(),
        body.len(),
        pairs.len()
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&body);
    Probe {
        bytes,
        head: verb == "HEAD",
        expect_json: suffix != ".xml" && verb != "OPTIONS" && verb != "HEAD",
        client_close,
        summary,
    }
}
