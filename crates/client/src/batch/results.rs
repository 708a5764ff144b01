//! Reading a `batch` answer back into one outcome per command.
//!
//! The answer's `result` holds five sections keyed by command key: `result`, `result_error`,
//! `result_total`, `result_next`, `result_time`. PHP writes an empty section as `[]` and a
//! section whose keys are exactly `0..n` as a JSON array, so every section is read as an
//! object, an array (index = key) or empty.

use crate::answer::Answer;
use crate::error::ApiError;
use crate::Error;
use openlines_wire::{ErrorBody, Time};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The outcome of every command of a batch, by key, in the order they were added.
///
/// ```no_run
/// # async fn demo(client: openlines_client::Client, batch: openlines_client::Batch) -> openlines_client::Result<()> {
/// let results = client.batch(&batch).await?;
/// for (key, outcome) in results.iter() {
///     match outcome {
///         Ok(answer) => println!("{key}: {} ({} s)", answer.result, answer.time.duration),
///         Err(err) => println!("{key} failed: {err}"),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct BatchResults {
    entries: Vec<(String, Result<Answer<Value>, Error>)>,
    index: HashMap<String, usize>,
    times: Vec<Time>,
}

impl BatchResults {
    /// The command's result read as `T`. A failed command gives its [`Error::Api`] (the
    /// status is the one its code has on its own, since `batch` itself answers 200); a command
    /// that did not run gives [`Error::NotExecuted`]; a result of another shape gives
    /// [`Error::Decode`]; a key that is not in the batch gives [`Error::InvalidInput`].
    ///
    /// ```no_run
    /// # fn demo(results: openlines_client::BatchResults) -> openlines_client::Result<()> {
    /// let now = results.get::<String>("now")?;
    /// println!("{} at {}", now.result, now.time.date_finish);
    /// # Ok(()) }
    /// ```
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Answer<T>, Error> {
        match self.raw(key) {
            Some(Ok(answer)) => answer.clone().decode(),
            Some(Err(error)) => Err(error.clone()),
            None => Err(Error::InvalidInput(format!(
                "the batch has no command {key:?}"
            ))),
        }
    }

    /// The command's untyped outcome, `None` if the key is not in the batch.
    ///
    /// ```no_run
    /// # fn demo(results: openlines_client::BatchResults) {
    /// if let Some(Err(err)) = results.raw("chats") {
    ///     eprintln!("chats failed: {err}");
    /// }
    /// # }
    /// ```
    pub fn raw(&self, key: &str) -> Option<&Result<Answer<Value>, Error>> {
        self.index
            .get(key)
            .map(|&position| &self.entries[position].1)
    }

    /// Every command's outcome, in the order the commands were added.
    ///
    /// ```no_run
    /// # fn demo(results: openlines_client::BatchResults) {
    /// let failed = results.iter().filter(|(_, outcome)| outcome.is_err()).count();
    /// # let _ = failed;
    /// # }
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Result<Answer<Value>, Error>)> {
        self.entries
            .iter()
            .map(|(key, outcome)| (key.as_str(), outcome))
    }

    /// The failed (or not executed) commands.
    ///
    /// ```no_run
    /// # fn demo(results: openlines_client::BatchResults) {
    /// for (key, err) in results.errors() {
    ///     eprintln!("{key}: {err}");
    /// }
    /// # }
    /// ```
    pub fn errors(&self) -> impl Iterator<Item = (&str, &Error)> {
        self.iter()
            .filter_map(|(key, outcome)| outcome.as_ref().err().map(|err| (key, err)))
    }

    /// How many commands the batch had.
    ///
    /// ```
    /// assert_eq!(openlines_client::BatchResults::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the batch had no command.
    ///
    /// ```
    /// assert!(openlines_client::BatchResults::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The outer `time` block of each `batch` request that answered, in order.
    ///
    /// ```
    /// assert!(openlines_client::BatchResults::default().times().is_empty());
    /// ```
    pub fn times(&self) -> &[Time] {
        &self.times
    }

    fn push(&mut self, key: &str, outcome: Result<Answer<Value>, Error>) {
        self.index.insert(key.to_owned(), self.entries.len());
        self.entries.push((key.to_owned(), outcome));
    }

    /// Records commands that were never sent.
    pub(super) fn not_executed(&mut self, keys: &[&str]) {
        for key in keys {
            self.push(
                key,
                Err(Error::NotExecuted {
                    key: (*key).to_owned(),
                }),
            );
        }
    }

    /// Records commands whose request failed as a whole.
    pub(super) fn failed(&mut self, keys: &[&str], error: &Error) {
        for key in keys {
            self.push(key, Err(error.clone()));
        }
    }

    /// Reads one request's answer; says whether any of its commands failed.
    pub(super) fn absorb(&mut self, keys: &[&str], answer: Answer<Value>) -> Result<bool, Error> {
        let outcomes = split_answer(keys, answer.result, &answer.time)?;
        let any_error = outcomes.iter().any(Result::is_err);
        for (key, outcome) in keys.iter().zip(outcomes) {
            self.push(key, outcome);
        }
        self.times.push(answer.time);
        Ok(any_error)
    }
}

impl IntoIterator for BatchResults {
    type Item = (String, Result<Answer<Value>, Error>);
    type IntoIter = std::vec::IntoIter<Self::Item>;

    /// Every command's key and outcome, in the order the commands were added.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// The five sections of one answer.
#[derive(Debug, Default)]
struct Sections {
    result: Map<String, Value>,
    error: Map<String, Value>,
    total: Map<String, Value>,
    next: Map<String, Value>,
    time: Map<String, Value>,
}

impl Sections {
    fn read(result: Value) -> Result<Sections, Error> {
        let mut outer = match result {
            Value::Object(map) => map,
            // A batch with nothing to report may be written as a bare `[]`.
            Value::Array(items) if items.is_empty() => Map::new(),
            other => {
                return Err(Error::decode(
                    200,
                    format!(
                        "batch result is not an object of sections: {}",
                        kind(&other)
                    ),
                ))
            }
        };
        let mut take = |name: &str| section(name, outer.remove(name));
        Ok(Sections {
            result: take("result")?,
            error: take("result_error")?,
            total: take("result_total")?,
            next: take("result_next")?,
            time: take("result_time")?,
        })
    }
}

/// One section as key → value: an object as it is, an array by index, `null`/absent empty.
pub(super) fn section(name: &str, value: Option<Value>) -> Result<Map<String, Value>, Error> {
    match value {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(Value::Array(items)) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(index, item)| (index.to_string(), item))
            .collect()),
        Some(other) => Err(Error::decode(
            200,
            format!(
                "batch section {name} is {}, not an object or array",
                kind(&other)
            ),
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Each key's outcome, in the order of `keys`. A command's `time` falls back to the batch's
/// own when the server gives none for it.
pub(super) fn split_answer(
    keys: &[&str],
    result: Value,
    batch_time: &Time,
) -> Result<Vec<Result<Answer<Value>, Error>>, Error> {
    let mut sections = Sections::read(result)?;
    Ok(keys
        .iter()
        .map(|key| outcome(key, &mut sections, batch_time))
        .collect())
}

fn outcome(key: &str, sections: &mut Sections, batch_time: &Time) -> Result<Answer<Value>, Error> {
    if let Some(error) = sections.error.remove(key) {
        return Err(command_error(key, error));
    }
    let Some(result) = sections.result.remove(key) else {
        return Err(Error::NotExecuted {
            key: key.to_owned(),
        });
    };
    let time = sections
        .time
        .remove(key)
        .and_then(|time| serde_json::from_value(time).ok())
        .unwrap_or_else(|| batch_time.clone());
    let number = |section: &mut Map<String, Value>| {
        section.remove(key).and_then(|value| match value {
            Value::Number(number) => number.as_u64(),
            Value::String(text) => text.parse().ok(),
            _ => None,
        })
    };
    Ok(Answer {
        result,
        time,
        next: number(&mut sections.next),
        total: number(&mut sections.total),
    })
}

fn command_error(key: &str, error: Value) -> Error {
    match serde_json::from_value::<ErrorBody>(error) {
        Ok(body) => {
            let status = body.error.http_status();
            Error::Api(ApiError::from_body(body, status))
        }
        Err(err) => Error::decode(
            200,
            format!("result_error of batch command {key:?} is not an error body: {err}"),
        ),
    }
}
