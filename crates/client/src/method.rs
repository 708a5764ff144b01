//! A typed method: its wire name, how its parameters are built and what its `result` is.
//!
//! One value describes one call, so the same value can be sent on its own
//! ([`crate::Client::send`]) or as a command of a batch ([`crate::Batch::push`]).

use openlines_wire::params::Params;
use serde::de::DeserializeOwned;

/// A Bitrix24 method with typed parameters and result.
///
/// ```
/// use openlines_client::Method;
/// use openlines_wire::params::Params;
/// use serde_json::json;
///
/// /// `feature.get`: whether a feature is on.
/// struct FeatureGet { code: String }
///
/// #[derive(serde::Deserialize)]
/// struct Feature { value: String }
///
/// impl Method for FeatureGet {
///     const NAME: &'static str = "feature.get";
///     type Output = Feature;
///     fn params(&self) -> Params {
///         let mut params = Params::new();
///         params.insert("CODE".into(), json!(self.code));
///         params
///     }
/// }
/// assert_eq!(FeatureGet { code: "rest_offline_extended".into() }.params()["CODE"], "rest_offline_extended");
/// ```
pub trait Method {
    /// The method's wire name, e.g. `imopenlines.crm.chat.get`.
    const NAME: &'static str;
    /// What its `result` is read as.
    type Output: DeserializeOwned;
    /// Its parameters, as a tree that [`openlines_wire::params::encode`] turns into
    /// `NAME[KEY]=value` pairs.
    fn params(&self) -> Params;
}
