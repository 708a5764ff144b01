//! The import's transaction, with at most one statement running on it while the importer
//! reads on.
//!
//! Awaiting every batch before reading the next line left the database idle while lines were
//! parsed and rows built, and the importer idle while the database wrote: on SQLite the two
//! took turns on one core (sqlx's SQLite thread 8.4 s of CPU, the importer's own thread 3.2 s,
//! 12.7 s wall for the 1 M file). So a batch (an upsert or a `COPY`) runs as its own task,
//! which owns the transaction until the statement is done, and the importer goes on building
//! the next batch; it waits for the running one ([`Pipe::settle`]) before it sends another or
//! runs any other statement. Statements still run one at a time and in order, and a refused
//! batch is still reported on its own lines, only noticed one batch later.

use super::import::WriteError;
use super::StoreError;
use sqlx::{Postgres, Sqlite, Transaction};
use std::future::Future;
use tokio::task::JoinHandle;

/// The open import transaction.
#[derive(Debug)]
pub(super) enum ImportTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// What a batch's task hands back: the transaction, and how the batch went.
type Finished = (ImportTx, Result<(), WriteError>);

/// See the module doc.
#[derive(Debug)]
pub(super) struct Pipe {
    /// The transaction, while no batch runs on it.
    idle: Option<ImportTx>,
    /// The task of the batch that runs.
    running: Option<JoinHandle<Finished>>,
}

impl Pipe {
    pub(super) fn new(tx: ImportTx) -> Pipe {
        Pipe {
            idle: Some(tx),
            running: None,
        }
    }

    /// The transaction, for a statement run in place. Callers [`Self::settle`] first; if a
    /// batch still runs (or its task died), the answer is sqlx's `WorkerCrashed`.
    pub(super) fn idle(&mut self) -> Result<&mut ImportTx, StoreError> {
        self.idle.as_mut().ok_or(lost())
    }

    /// Waits for the running batch, if any, and returns its outcome.
    pub(super) async fn settle(&mut self) -> Result<(), WriteError> {
        let Some(task) = self.running.take() else {
            return Ok(());
        };
        let (tx, outcome) = task.await.map_err(|_| lost())?;
        self.idle = Some(tx);
        outcome
    }

    /// Runs `batch` on the transaction as its own task, after the running one. `batch` gets
    /// the transaction and must hand it back with its outcome.
    pub(super) async fn start<F>(
        &mut self,
        batch: impl FnOnce(ImportTx) -> F,
    ) -> Result<(), WriteError>
    where
        F: Future<Output = Finished> + Send + 'static,
    {
        self.settle().await?;
        let tx = self.idle.take().ok_or(lost())?;
        self.running = Some(tokio::spawn(batch(tx)));
        Ok(())
    }

    /// The transaction, once the running batch is done (its outcome is the caller's to have
    /// checked: see [`Self::settle`]).
    pub(super) async fn into_tx(mut self) -> Result<ImportTx, StoreError> {
        // An error of the last batch was reported by `settle` already, or is moot on rollback.
        let _ = self.settle().await;
        self.idle.take().ok_or(lost())
    }
}

/// The transaction is gone with a batch task that did not finish (it panicked or was
/// cancelled); dropping it rolled the import back.
fn lost() -> StoreError {
    StoreError::Database(sqlx::Error::WorkerCrashed)
}
