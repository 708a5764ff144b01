//! `batch`: up to 50 commands in one request (spec §5). Global, counts once against the
//! request limit, not accounted itself; every command goes through `dispatch` like a single
//! call (its own scope check, budget and permissions) and may refer to earlier results with
//! `$result[key][path]`.

use super::batch_refs::substitute;
use crate::rpc::dispatch::{dispatch, Executed};
use crate::rpc::registry::lookup;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::{decode_query, php_array, php_empty, Params};
use openlines_wire::ErrorCode;
use serde_json::{Map, Value};

/// Most commands one batch runs (`CRestUtil::BATCH_MAX_LENGTH`).
pub const MAX_COMMANDS: usize = 50;

/// Parameter names that carry credentials; a command always runs as the batch's caller.
const AUTH_KEYS: [&str; 3] = ["auth", "access_token", "auth_connector"];

/// The five answer sections, keyed by command.
#[derive(Debug, Default)]
pub struct Sections {
    pub result: Map<String, Value>,
    pub error: Map<String, Value>,
    pub total: Map<String, Value>,
    pub next: Map<String, Value>,
    pub time: Map<String, Value>,
}

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let halt = !php_empty(upper_or_lower(&params, "halt"));
    let commands: Vec<(String, Value)> = match upper_or_lower(&params, "cmd") {
        Some(Value::Object(map)) => map.clone().into_iter().collect(),
        Some(Value::Array(items)) => items
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    let mut sections = Sections::default();
    let mut position = 0;
    for (key, command) in commands {
        // Entries that are not strings are skipped silently, as on a portal.
        let Value::String(command) = command else {
            continue;
        };
        position += 1;
        if position > MAX_COMMANDS {
            sections.error.insert(
                key,
                error_value(&ApiError::new(ErrorCode::BatchLengthExceeded)),
            );
            continue;
        }
        let failed = run_command(&ctx, &key, &command, &mut sections)
            .await
            .is_err();
        if failed && halt {
            break;
        }
    }
    let mut result = Map::new();
    result.insert("result".into(), php_array(sections.result));
    result.insert("result_error".into(), php_array(sections.error));
    result.insert("result_total".into(), php_array(sections.total));
    result.insert("result_next".into(), php_array(sections.next));
    result.insert("result_time".into(), php_array(sections.time));
    Ok(MethodOutput::new(Value::Object(result)))
}

/// `halt`/`HALT`, `cmd`/`CMD`: the portal upper-cases these keys first.
fn upper_or_lower<'p>(params: &'p Params, name: &str) -> Option<&'p Value> {
    params
        .get(name)
        .or_else(|| params.get(&name.to_ascii_uppercase()))
}

/// Runs one `method?query` command and files its outcome under `key`.
async fn run_command(
    ctx: &CallContext,
    key: &str,
    command: &str,
    sections: &mut Sections,
) -> Result<(), ()> {
    let (name, query) = command.split_once('?').unwrap_or((command, ""));
    let prepared = prepare(ctx, name, query, sections);
    let (def, params) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => {
            sections.error.insert(key.to_owned(), error_value(&error));
            return Err(());
        }
    };
    let command_ctx = CallContext {
        in_batch: true,
        ..ctx.clone()
    };
    let started = ctx.state.clock().now();
    let executed = dispatch(def, command_ctx, params).await;
    let time = time_value(ctx, started, &executed);
    match executed.result {
        Ok(output) => {
            sections
                .result
                .insert(key.to_owned(), output.result.into_value());
            if let Some(total) = output.total {
                sections.total.insert(key.to_owned(), total.into());
            }
            if let Some(next) = output.next {
                sections.next.insert(key.to_owned(), next.into());
            }
            sections.time.insert(key.to_owned(), time);
            Ok(())
        }
        Err(error) => {
            sections.error.insert(key.to_owned(), error_value(&error));
            Err(())
        }
    }
}

fn prepare(
    ctx: &CallContext,
    name: &str,
    query: &str,
    sections: &Sections,
) -> Result<(&'static crate::rpc::MethodDef, Params), ApiError> {
    let def = lookup(name.trim()).ok_or_else(|| ApiError::new(ErrorCode::MethodNotFound))?;
    if !def.batchable {
        return Err(ApiError::new(ErrorCode::BatchMethodNotAllowed));
    }
    let limits = ctx.state.settings().param_limits;
    let mut params = decode_query(query, limits).map_err(|error| {
        ApiError::with_description(ErrorCode::InvalidRequest, error.to_string())
    })?;
    for auth_key in AUTH_KEYS {
        params.shift_remove(auth_key);
    }
    Ok((def, substitute(params, sections)))
}

fn time_value(ctx: &CallContext, started: f64, executed: &Executed) -> Value {
    let span = crate::clock::CallSpan {
        start: started,
        method_start: executed.method_start,
        method_end: executed.method_end,
        finish: ctx.state.clock().now(),
    };
    let time = ctx
        .state
        .clock()
        .time_block(span, executed.operating, executed.operating_reset_at);
    serde_json::to_value(time).unwrap_or(Value::Null)
}

fn error_value(error: &ApiError) -> Value {
    serde_json::to_value(error.body()).unwrap_or(Value::Null)
}
