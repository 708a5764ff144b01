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
mod tests;
