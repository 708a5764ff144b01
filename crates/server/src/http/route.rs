//! The URL forms of spec §1.1–1.2: `/rest/{method}` and `/rest/{user}/{code}/{method}`, with
//! an optional `.json`/`.xml` suffix and an optional trailing slash.

/// How the answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// A parsed `/rest/…` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestPath {
    /// `(user, code)` from the webhook form.
    pub webhook: Option<(String, String)>,
    /// The method name as given (suffix removed); empty when the path names none.
    pub method: String,
    pub format: Format,
}

/// Parses a path; `None` when it is not under `/rest/`.
pub fn parse(path: &str) -> Option<RestPath> {
    let rest = path.strip_prefix("/rest/")?;
    // Empty segments are skipped: the trailing slash, and the `//` that clients produce when
    // they join `client_endpoint` (which ends in `/rest/`) with `/method` (b24jssdk does).
    let segments: Vec<&str> = rest
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    let (webhook, raw_method) = match segments.as_slice() {
        [method] => (None, *method),
        [user, code, method] => (Some(((*user).to_owned(), (*code).to_owned())), *method),
        // Anything else (REST 3.0's `/rest/api/…`, extra segments) names no v1 method.
        _ => (None, ""),
    };
    let (method, format) = split_suffix(raw_method);
    Some(RestPath {
        webhook,
        method: method.to_owned(),
        format,
    })
}

/// Strips the last dot-segment only if it is exactly `json` or `xml` (spec §1.2).
fn split_suffix(name: &str) -> (&str, Format) {
    if let Some(base) = name.strip_suffix(".json") {
        (base, Format::Json)
    } else if let Some(base) = name.strip_suffix(".xml") {
        (base, Format::Xml)
    } else {
        (name, Format::Json)
    }
}

#[cfg(test)]
mod tests;
