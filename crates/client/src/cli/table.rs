//! A plain-text table for results that are lists of records.

use serde_json::Value;

/// The widest a cell is shown; longer text is cut with `…`.
const MAX_CELL: usize = 60;

/// Renders a non-empty array of objects as a table (one column per key, in first-seen
/// order); `None` for any other value.
pub(super) fn render(result: &Value) -> Option<String> {
    let rows = result.as_array().filter(|rows| !rows.is_empty())?;
    let records: Vec<&serde_json::Map<String, Value>> =
        rows.iter().map(Value::as_object).collect::<Option<_>>()?;
    let mut columns: Vec<&str> = Vec::new();
    for record in &records {
        for key in record.keys() {
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    if columns.is_empty() {
        return None;
    }
    let cells: Vec<Vec<String>> = records
        .iter()
        .map(|record| {
            columns
                .iter()
                .map(|column| cell(record.get(*column)))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            cells
                .iter()
                .map(|row| width(&row[index]))
                .chain([width(column)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let header: Vec<String> = columns.iter().map(|column| (*column).to_owned()).collect();
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    for row in [&header, &rule].into_iter().chain(cells.iter()) {
        line(&mut out, row, &widths);
    }
    Some(out)
}

fn line(out: &mut String, row: &[String], widths: &[usize]) {
    let mut text = String::new();
    for (value, &column_width) in row.iter().zip(widths) {
        text.push_str(value);
        let pad = column_width - width(value) + 2;
        text.extend(std::iter::repeat_n(' ', pad));
    }
    out.push_str(text.trim_end());
    out.push('\n');
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// A value as one line of text: strings bare, `null`/absent empty, the rest as JSON.
fn cell(value: Option<&Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if width(&flat) > MAX_CELL {
        let mut cut: String = flat.chars().take(MAX_CELL - 1).collect();
        cut.push('…');
        cut
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_become_aligned_columns() {
        let result = json!([
            {"CHAT_ID": "9852", "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"},
            {"CHAT_ID": "1800", "CONNECTOR_ID": "telegrambot", "CONNECTOR_TITLE": "Telegram", "EXTRA": null}
        ]);
        assert_eq!(
            render(&result).unwrap(),
            "CHAT_ID  CONNECTOR_ID  CONNECTOR_TITLE  EXTRA\n\
             -------  ------------  ---------------  -----\n\
             9852     livechat      Live Chat\n\
             1800     telegrambot   Telegram\n"
        );
    }

    #[test]
    fn nested_values_are_json_and_long_text_is_cut() {
        let long = "x".repeat(100);
        let result = json!([{"A": {"b": [1, true]}, "B": long, "C": "Живой\nчат"}]);
        let rendered = render(&result).unwrap();
        let last = rendered.lines().last().unwrap();
        assert!(last.starts_with(r#"{"b":[1,true]}"#), "{last}");
        assert!(last.contains(&format!("{}…", "x".repeat(59))), "{last}");
        assert!(last.ends_with("Живой чат"), "{last}");
    }

    #[test]
    fn other_results_are_not_tables() {
        for result in [
            json!([]),
            json!([1, 2]),
            json!([{"a": 1}, 2]),
            json!({"a": 1}),
            json!("t"),
            json!([{}]),
        ] {
            assert!(render(&result).is_none(), "{result}");
        }
    }
}
