//! [`Delivery`] as an axum extractor (feature `axum`): the handler takes `Delivery` as an
//! argument and calls [`Delivery::verify`] itself (the expected token is the application's
//! business, not the extractor's). A body that is not a delivery is refused with
//! `400 Bad Request` and the reason as text.
//!
//! ```no_run
//! use axum::{http::StatusCode, routing::post, Router};
//! use openlines_client::events::{Delivery, Event};
//!
//! async fn handler(delivery: Delivery) -> StatusCode {
//!     if delivery.verify("the-application-token").is_err() {
//!         return StatusCode::UNAUTHORIZED;
//!     }
//!     if let Event::CrmRecord { entity, change, id } = delivery.event {
//!         println!("{entity} {id}: {change:?}");
//!     }
//!     StatusCode::OK
//! }
//!
//! let app: Router = Router::new().route("/events", post(handler));
//! ```

use super::{parse, Delivery, EventError};
use axum_core::extract::{FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::StatusCode;

/// Why the extractor refused a request.
#[derive(Debug)]
pub struct Rejected(pub EventError);

impl IntoResponse for Rejected {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, self.0.to_string()).into_response()
    }
}

impl<S: Send + Sync> FromRequest<S> for Delivery {
    type Rejection = Rejected;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| Rejected(EventError::Body(rejection.body_text())))?;
        parse(&body, content_type.as_deref()).map_err(Rejected)
    }
}
