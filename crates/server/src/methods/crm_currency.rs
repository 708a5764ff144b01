//! `crm.currency.base.get`, `crm.currency.list`, `crm.currency.get`: a small fixed set of
//! currencies (USD as the base, EUR, GBP, RUB), enough for SDK helpers that load currencies at
//! start and format amounts. openlines keeps no amounts, so there is nothing to convert and
//! nothing to edit; the rates are fixed illustrative values, not market data.

use super::list_params::param;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::{php_string, Params};
use openlines_wire::ErrorCode;
use serde_json::{json, Value};

/// `(code, full name, rate against the base, sort, format string)`, the base first.
const CURRENCIES: [(&str, &str, &str, &str, &str); 4] = [
    ("USD", "US Dollar", "1.0000", "100", "$#"),
    ("EUR", "Euro", "1.0800", "200", "# €"),
    ("GBP", "Pound Sterling", "1.2700", "300", "£#"),
    ("RUB", "Russian Ruble", "0.0110", "400", "# ₽"),
];

/// The base currency.
pub const BASE: &str = "USD";

/// The answer's "last updated" stamp: fixed, since the set never changes.
const DATE_UPDATE: &str = "2026-01-01T00:00:00+00:00";

fn currency_json(code: &str, name: &str, amount: &str, sort: &str, format: &str) -> Value {
    json!({
        "CURRENCY": code,
        "AMOUNT_CNT": "1",
        "AMOUNT": amount,
        "SORT": sort,
        "BASE": if code == BASE { "Y" } else { "N" },
        "FULL_NAME": name,
        "LID": "en",
        "FORMAT_STRING": format,
        "DEC_POINT": ".",
        "THOUSANDS_SEP": ",",
        "DECIMALS": "2",
        "DATE_UPDATE": DATE_UPDATE,
    })
}

/// `crm.currency.base.get`: `"USD"`.
pub async fn base_get(_ctx: CallContext, _params: Params) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::new(json!(BASE)))
}

/// `crm.currency.list`: every currency, by `SORT` (the set is far below one page).
pub async fn list(_ctx: CallContext, _params: Params) -> Result<MethodOutput, ApiError> {
    let all: Vec<Value> = CURRENCIES
        .iter()
        .map(|(code, name, amount, sort, format)| currency_json(code, name, amount, sort, format))
        .collect();
    let total = all.len() as u64;
    Ok(MethodOutput {
        result: Value::Array(all).into(),
        next: None,
        total: Some(total),
    })
}

/// `crm.currency.get`: one currency by `id` (any letter case), with its `LANG` block.
pub async fn get(_ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let wanted = param(&params, "id")
        .and_then(php_string)
        .unwrap_or_default()
        .to_ascii_uppercase();
    let (code, name, amount, sort, format) = CURRENCIES
        .iter()
        .find(|(code, ..)| *code == wanted)
        .ok_or_else(|| {
        ApiError::with_description(ErrorCode::Other(String::new()), "Not found")
    })?;
    let mut currency = currency_json(code, name, amount, sort, format);
    currency["LANG"] = json!({"en": {
        "FORMAT_STRING": format,
        "FULL_NAME": name,
        "DEC_POINT": ".",
        "THOUSANDS_SEP": ",",
        "DECIMALS": "2",
        "THOUSANDS_VARIANT": "C",
        "HIDE_ZERO": "Y",
    }});
    Ok(MethodOutput::new(currency))
}
