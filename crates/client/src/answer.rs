//! A successful answer and how an HTTP answer becomes one (or an [`Error`]).
//!
//! The rules follow what the official SDKs do (spec §3.3): a body with an `error` key is an
//! error whatever the status (a portal has been seen to answer 200 with one); a 2xx body must
//! be the success envelope with `result` and `time`; anything else is [`Error::Decode`].

use crate::error::{snippet, Error};
use openlines_wire::envelope::Success;
use openlines_wire::Time;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A successful answer: the method's `result` plus the envelope around it.
///
/// Serializes back to the wire envelope (`result`, `time`, and `next`/`total` when present).
///
/// ```
/// use openlines_client::Answer;
/// let answer: Answer<u64> = serde_json::from_str(
///     r#"{"result":1763,"time":{"start":1,"finish":1.2,"duration":0.2,"processing":0,
///         "date_start":"2026-03-17T17:48:28+01:00","date_finish":"2026-03-17T17:48:28+01:00"}}"#,
/// )
/// .unwrap();
/// assert_eq!(answer.result, 1763);
/// assert_eq!(answer.time.duration, 0.2);
/// assert_eq!(answer.next, None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer<T> {
    /// What the method returned.
    pub result: T,
    /// The `time` block: when the call ran, how long it took, and the method's time budget
    /// (`operating`, `operating_reset_at`) where the server reports it.
    pub time: Time,
    /// Offset of the next page, for list methods with more pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<u64>,
    /// Total count, for list methods that report one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

impl<T> Answer<T> {
    /// The same answer with its result transformed.
    ///
    /// ```
    /// # let answer: openlines_client::Answer<u64> = serde_json::from_str(r#"{"result":0,"time":{"start":1,"finish":1,"duration":0,"processing":0,"date_start":"","date_finish":""}}"#).unwrap();
    /// let none_when_zero = answer.map(|id| (id != 0).then_some(id));
    /// assert_eq!(none_when_zero.result, None);
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            result: f(self.result),
            time: self.time,
            next: self.next,
            total: self.total,
        }
    }
}

impl Answer<Value> {
    /// Reads the untyped result as `T`; a result of another shape is [`Error::Decode`].
    ///
    /// ```
    /// # let answer: openlines_client::Answer<serde_json::Value> = serde_json::from_str(r#"{"result":[1,2],"time":{"start":1,"finish":1,"duration":0,"processing":0,"date_start":"","date_finish":""}}"#).unwrap();
    /// let ids: openlines_client::Answer<Vec<u32>> = answer.decode().unwrap();
    /// assert_eq!(ids.result, [1, 2]);
    /// ```
    pub fn decode<T: DeserializeOwned>(self) -> Result<Answer<T>, Error> {
        let Answer {
            result,
            time,
            next,
            total,
        } = self;
        let result = serde_json::from_value(result)
            .map_err(|err| Error::decode(200, format!("result has an unexpected shape: {err}")))?;
        Ok(Answer {
            result,
            time,
            next,
            total,
        })
    }
}

impl<T> From<Success<T>> for Answer<T> {
    fn from(success: Success<T>) -> Self {
        Answer {
            result: success.result,
            time: success.time,
            next: success.next,
            total: success.total,
        }
    }
}

/// Turns one HTTP answer (status and body) into a success envelope or an error.
pub(crate) fn parse_answer(status: u16, body: &[u8]) -> Result<Answer<Value>, Error> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) if !(200..300).contains(&status) => {
            return Err(Error::from_error_body(status, body))
        }
        Err(err) => {
            return Err(Error::decode(
                status,
                format!("not JSON ({err}); body starts {}", snippet(body)),
            ))
        }
    };
    if value.get("error").is_some() || !(200..300).contains(&status) {
        return Err(Error::from_error_body(status, body));
    }
    serde_json::from_value::<Success<Value>>(value)
        .map(Answer::from)
        .map_err(|err| {
            Error::decode(
                status,
                format!(
                    "not a success envelope ({err}); body starts {}",
                    snippet(body)
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use openlines_wire::ErrorCode;
    use serde_json::json;

    const TIME: &str = r#"{"start":1773223732,"finish":1773223733.25,"duration":1.25,"processing":0,
        "date_start":"2026-03-11T10:08:52+00:00","date_finish":"2026-03-11T10:08:53+00:00",
        "operating":0,"operating_reset_at":1773224333}"#;

    #[test]
    fn success_keeps_time_next_and_total() {
        let body = format!(r#"{{"result":[{{"ID":"1"}}],"next":50,"total":2387,"time":{TIME}}}"#);
        let answer = parse_answer(200, body.as_bytes()).unwrap();
        assert_eq!(answer.result, json!([{"ID":"1"}]));
        assert_eq!(answer.next, Some(50));
        assert_eq!(answer.total, Some(2387));
        assert_eq!(answer.time.operating_reset_at, Some(1773224333));
    }

    #[test]
    fn error_key_wins_even_on_200() {
        let err =
            parse_answer(200, br#"{"error":"ACCESS_DENIED","error_description":"x"}"#).unwrap_err();
        assert_eq!(err.code(), Some(&ErrorCode::AccessDenied));
        assert_eq!(err.status(), Some(200));
    }

    #[test]
    fn error_statuses_read_the_error_body() {
        let err = parse_answer(
            503,
            br#"{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}"#,
        )
        .unwrap_err();
        assert!(err.is_query_limit_exceeded());
        assert_eq!(err.status(), Some(503));
    }

    #[test]
    fn envelopes_without_time_or_bodies_without_json_are_decode_errors() {
        for (status, body) in [
            (200, &br#"{"result":1}"#[..]),
            (200, b"<html>"),
            (502, b"<html>Bad gateway</html>"),
            (500, br#"{"result":1}"#),
        ] {
            let err = parse_answer(status, body).unwrap_err();
            assert!(matches!(err, Error::Decode { .. }), "{status}: {err}");
        }
    }

    #[test]
    fn decode_reports_shape_mismatch() {
        let body = format!(r#"{{"result":"abc","time":{TIME}}}"#);
        let answer = parse_answer(200, body.as_bytes()).unwrap();
        assert!(matches!(
            answer.decode::<u64>(),
            Err(Error::Decode { status: 200, .. })
        ));
    }
}
