//! The system methods that work on the method table itself: `batch` (runs other methods
//! through [`super::dispatch`]), `methods` and `method.get` (read [`super::registry`]).
//! They live beside the registry, not under `methods/`, so that the registry depends on
//! `methods/` and never the other way round.

pub mod batch;
pub mod batch_refs;
pub mod method_get;
pub mod methods_list;
