//! The XML transport (`.xml` suffix, spec §2.1): root `<response>`, each key an element,
//! list items as `<item>`, text escaped. Written by hand: it is a dozen lines, and no XML
//! crate writes this ad-hoc shape more simply.

use serde_json::Value;

/// A whole XML answer for `body`.
pub fn document(body: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?><response>");
    write_children(&mut out, body);
    out.push_str("</response>");
    out
}

fn write_children(out: &mut String, value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let tag = element_name(key);
                write_element(out, &tag, child);
            }
        }
        Value::Array(items) => {
            for child in items {
                write_element(out, "item", child);
            }
        }
        Value::Null => {}
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => escape_into(out, text),
    }
}

fn write_element(out: &mut String, tag: &str, value: &Value) {
    out.push('<');
    out.push_str(tag);
    out.push('>');
    write_children(out, value);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// Integer keys become `item`, as the portal writes them; anything not safe in a tag name too.
fn element_name(key: &str) -> String {
    let valid = key
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if valid {
        key.to_owned()
    } else {
        "item".to_owned()
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests;
