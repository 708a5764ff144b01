//! `batch`: many calls in one HTTP request (spec §5).
//!
//! A [`Batch`] collects commands (key, method, parameters). On the wire each command is a
//! query string `method?NAME=value&…`, sent as the value of `cmd[key]` in a form body that is
//! itself form-encoded, so the command's own `%`, `&` and `=` are encoded a second time
//! ("double encoding"; the portal decodes the outer layer, then each command string).
//!
//! A portal runs at most 50 commands per request; [`Client::batch`] splits longer batches into
//! requests of 50, in order, and gathers the per-command results into [`BatchResults`].
//!
//! # Back-references
//!
//! A parameter value may refer to the result of an earlier command of the same request, e.g.
//! `CHAT_ID=$result[last]` or `$result[chats][0][CHAT_ID]`; the portal substitutes it. To the
//! client these are ordinary strings. They only work **within one request of 50 commands**:
//! a reference to a command that lands in an earlier request is refused before anything is
//! sent ([`Error::InvalidInput`]), since the portal would pass the text through unreplaced.

mod results;

pub use results::BatchResults;

use crate::retry::is_read_only;
use crate::{Client, Error, Method};
use openlines_wire::params::{encode, Params};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// Commands for one or more `batch` requests.
///
/// ```
/// use openlines_client::{Batch, CrmChatGetLastId, CrmEntityType};
/// use serde_json::json;
///
/// let mut batch = Batch::new();
/// batch
///     .halt(true)
///     .push("last", &CrmChatGetLastId { entity_type: CrmEntityType::Lead, entity_id: 1205 })
///     .add("dialog", "imopenlines.dialog.get", json!({"CHAT_ID": "$result[last]"}))
///     .add("now", "server.time", json!({}));
/// assert_eq!(batch.len(), 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Batch {
    commands: Vec<Command>,
    halt: bool,
}

#[derive(Debug, Clone)]
struct Command {
    key: String,
    method: String,
    params: Params,
}

impl Batch {
    /// How many commands a portal runs per request; longer batches are split.
    pub const MAX_COMMANDS_PER_REQUEST: usize = 50;

    /// An empty batch that does not halt on errors.
    ///
    /// ```
    /// assert!(openlines_client::Batch::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Batch::default()
    }

    /// `halt=1`: stop at the first failing command. Commands after it, in its request and in
    /// any later request, come back as [`Error::NotExecuted`].
    ///
    /// ```
    /// let mut batch = openlines_client::Batch::new();
    /// batch.halt(true);
    /// ```
    pub fn halt(&mut self, halt: bool) -> &mut Self {
        self.halt = halt;
        self
    }

    /// Adds a command. `params` is a JSON object (anything else counts as no parameters);
    /// nested values are sent in PHP bracket form. Keys must be unique, non-empty and free of
    /// `[` and `]`; this is checked when the batch is sent.
    ///
    /// ```
    /// use serde_json::json;
    /// let mut batch = openlines_client::Batch::new();
    /// batch.add(
    ///     "chats",
    ///     "imopenlines.crm.chat.get",
    ///     json!({"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 288, "ACTIVE_ONLY": "N"}),
    /// );
    /// ```
    pub fn add(
        &mut self,
        key: impl Into<String>,
        method: impl Into<String>,
        params: Value,
    ) -> &mut Self {
        let params = match params {
            Value::Object(map) => map,
            _ => Params::new(),
        };
        self.commands.push(Command {
            key: key.into(),
            method: method.into(),
            params,
        });
        self
    }

    /// Adds a typed [`Method`] as a command.
    ///
    /// ```
    /// use openlines_client::{Batch, CrmChatGet, CrmEntityType};
    /// let mut batch = Batch::new();
    /// for deal in [288, 289] {
    ///     let call = CrmChatGet { entity_type: CrmEntityType::Deal, entity_id: deal, active_only: true };
    ///     batch.push(format!("deal{deal}"), &call);
    /// }
    /// ```
    pub fn push<M: Method>(&mut self, key: impl Into<String>, method: &M) -> &mut Self {
        self.commands.push(Command {
            key: key.into(),
            method: M::NAME.to_owned(),
            params: method.params(),
        });
        self
    }

    /// How many commands the batch holds.
    ///
    /// ```
    /// assert_eq!(openlines_client::Batch::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the batch holds no command.
    ///
    /// ```
    /// assert!(openlines_client::Batch::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Checks what [`Client::batch`] checks before sending: keys unique, non-empty and without
    /// brackets; method names usable in a command string; back-references inside their
    /// request.
    ///
    /// ```
    /// use serde_json::json;
    /// let mut batch = openlines_client::Batch::new();
    /// batch.add("a", "server.time", json!({})).add("a", "profile", json!({}));
    /// assert!(batch.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let mut seen = HashSet::new();
        for command in &self.commands {
            let key = &command.key;
            if key.is_empty() || key.contains(['[', ']']) {
                return Err(Error::InvalidInput(format!(
                    "batch key {key:?} must be non-empty and contain no brackets"
                )));
            }
            if !seen.insert(key.as_str()) {
                return Err(Error::InvalidInput(format!(
                    "batch key {key:?} is used twice"
                )));
            }
            let method = &command.method;
            let bad_char = |c: char| c.is_whitespace() || c.is_control() || "?&#=".contains(c);
            if method.is_empty() || method.contains(bad_char) {
                return Err(Error::InvalidInput(format!(
                    "batch command {key:?} has an unusable method name {method:?}"
                )));
            }
        }
        self.check_back_references()
    }

    /// Refuses `$result[key]` references to commands that go out in another request.
    fn check_back_references(&self) -> Result<(), Error> {
        let request_of: HashMap<&str, usize> = self
            .commands
            .iter()
            .enumerate()
            .map(|(position, command)| {
                (
                    command.key.as_str(),
                    position / Self::MAX_COMMANDS_PER_REQUEST,
                )
            })
            .collect();
        for (position, command) in self.commands.iter().enumerate() {
            let own = position / Self::MAX_COMMANDS_PER_REQUEST;
            let mut referenced = Vec::new();
            collect_references(&Value::Object(command.params.clone()), &mut referenced);
            for target in referenced {
                if request_of
                    .get(target.as_str())
                    .is_some_and(|&other| other != own)
                {
                    return Err(Error::InvalidInput(format!(
                        "batch command {:?} refers to {target:?}, which is sent in another request \
                         (a request holds {} commands); back-references only work within one",
                        command.key,
                        Self::MAX_COMMANDS_PER_REQUEST
                    )));
                }
            }
        }
        Ok(())
    }

    /// The body parameters of each request: `halt` and `cmd[key]=method?query`.
    fn requests(&self) -> impl Iterator<Item = &[Command]> {
        self.commands.chunks(Self::MAX_COMMANDS_PER_REQUEST)
    }
}

/// `method?NAME=value&…`, or just `method` without parameters.
fn command_string(command: &Command) -> String {
    if command.params.is_empty() {
        command.method.clone()
    } else {
        format!("{}?{}", command.method, encode(&command.params))
    }
}

/// The parameters of one `batch` request.
fn request_params(commands: &[Command], halt: bool) -> Params {
    let cmd: Params = commands
        .iter()
        .map(|command| (command.key.clone(), Value::String(command_string(command))))
        .collect();
    let mut params = Params::new();
    params.insert("halt".to_owned(), json!(halt));
    params.insert("cmd".to_owned(), Value::Object(cmd));
    params
}

/// Collects `key` of every `$name[key]` in string values and keys of `value`.
fn collect_references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => references_in(text, out),
        Value::Array(items) => items.iter().for_each(|item| collect_references(item, out)),
        Value::Object(map) => {
            for (key, item) in map {
                references_in(key, out);
                collect_references(item, out);
            }
        }
        _ => {}
    }
}

fn references_in(text: &str, out: &mut Vec<String>) {
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        rest = &rest[dollar + 1..];
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let after_name = &rest[name_len..];
        if name_len == 0 {
            continue;
        }
        if let Some(inner) = after_name.strip_prefix('[') {
            if let Some(close) = inner.find(']') {
                out.push(inner[..close].to_owned());
            }
        }
    }
}

impl Client {
    /// Sends a batch, split into requests of at most 50 commands, and returns each command's
    /// outcome by key.
    ///
    /// A request counts once against the rate limit. It is sent again after a timeout or
    /// transport failure only if all its commands are read-only ([`crate::is_read_only`]).
    /// If the first request fails as a whole (auth, transport, …) that error is returned; if
    /// a later one fails, its commands carry that error and the rest are not sent
    /// ([`Error::NotExecuted`]), so what already ran is never lost.
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// use openlines_client::{Batch, ChatId, CrmChat, CrmChatGet, CrmEntityType};
    /// use serde_json::json;
    ///
    /// let mut batch = Batch::new();
    /// batch
    ///     .push("chats", &CrmChatGet { entity_type: CrmEntityType::Deal, entity_id: 288, active_only: false })
    ///     .add("last", "imopenlines.crm.chat.getLastId", json!({"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 288}));
    /// let results = client.batch(&batch).await?;
    /// let chats = results.get::<Vec<CrmChat>>("chats")?;
    /// match results.get::<ChatId>("last") {
    ///     Ok(last) => println!("{} chats, last {}", chats.result.len(), last.result),
    ///     Err(err) => println!("no last chat: {err}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        batch.validate()?;
        let mut collected = BatchResults::default();
        let mut halted = false;
        for (index, commands) in batch.requests().enumerate() {
            let keys: Vec<&str> = commands.iter().map(|c| c.key.as_str()).collect();
            if halted {
                collected.not_executed(&keys);
                continue;
            }
            let read_only = commands.iter().all(|command| is_read_only(&command.method));
            let params = request_params(commands, batch.halt);
            let outcome = self.send_request("batch", params, read_only).await;
            let failed = match outcome.and_then(|answer| collected.absorb(&keys, answer)) {
                Ok(any_error) => batch.halt && any_error,
                Err(error) if index == 0 => return Err(error),
                Err(error) => {
                    collected.failed(&keys, &error);
                    true
                }
            };
            halted = failed;
        }
        Ok(collected)
    }
}

#[cfg(test)]
mod tests;
