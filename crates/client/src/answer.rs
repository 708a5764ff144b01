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
/// )?;
/// assert_eq!(answer.result, 1763);
/// assert_eq!(answer.time.duration, 0.2);
/// assert_eq!(answer.next, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
    /// # let answer: openlines_client::Answer<u64> = serde_json::from_str(r#"{"result":0,"time":{"start":1,"finish":1,"duration":0,"processing":0,"date_start":"","date_finish":""}}"#)?;
    /// let none_when_zero = answer.map(|id| (id != 0).then_some(id));
    /// assert_eq!(none_when_zero.result, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
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
    /// # let answer: openlines_client::Answer<serde_json::Value> = serde_json::from_str(r#"{"result":[1,2],"time":{"start":1,"finish":1,"duration":0,"processing":0,"date_start":"","date_finish":""}}"#)?;
    /// let ids: openlines_client::Answer<Vec<u32>> = answer.decode()?;
    /// assert_eq!(ids.result, [1, 2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
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
mod tests;
