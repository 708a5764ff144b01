//! The import's transaction, with a short queue of batches running on it while the importer
//! reads on.
//!
//! Awaiting every batch before reading the next line left the database idle while lines were
//! parsed and rows built, and the importer idle while the database wrote: on SQLite the two
//! took turns on one core (sqlx's SQLite thread 8.4 s of CPU, the importer's own thread 3.2 s,
//! 12.7 s wall for the 1 M file). Letting one batch run while the next was built still left
//! both threads at about 60 % of a core each, since the importer waited whenever its next
//! batch was ready before the running one had finished, and the tables' batches come due
//! unevenly. So a writer task owns the transaction and runs the batches (upserts and
//! `COPY`s) of a bounded queue ([`QUEUED_BATCHES`]) one after another, in the order they were
//! queued; the importer waits only when the queue is full, or when it needs the transaction
//! for a statement of its own ([`Pipe::settle`] hands it back). A refused batch stops the
//! writer, which skips what is queued behind it; the importer notices at its next batch and
//! still reports the refusal on the refused batch's own lines.

use super::import::WriteError;
use super::StoreError;
use futures_util::future::BoxFuture;
use sqlx::{Postgres, Sqlite, Transaction};
use std::future::Future;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How many batches may wait for the writer. A few are enough to even out the tables' uneven
/// batches; each holds at most one statement's rows (about 1 MiB), so memory stays bounded.
const QUEUED_BATCHES: usize = 8;

/// The open import transaction.
#[derive(Debug)]
pub(super) enum ImportTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// What a batch hands back: the transaction, and how the batch went.
type Finished = (ImportTx, Result<(), WriteError>);

/// One queued batch: it gets the transaction and must hand it back with its outcome.
type Batch = Box<dyn FnOnce(ImportTx) -> BoxFuture<'static, Finished> + Send>;

/// See the module doc.
#[derive(Debug)]
pub(super) struct Pipe {
    /// The transaction, while no writer holds it.
    idle: Option<ImportTx>,
    /// The writer, while it holds the transaction.
    writer: Option<Writer>,
}

/// The task that runs queued batches on the transaction. It stops at a refused batch, which
/// drops its end of the queue: `queue.is_closed()` then says so.
#[derive(Debug)]
struct Writer {
    queue: mpsc::Sender<Batch>,
    task: JoinHandle<Finished>,
}

impl Pipe {
    pub(super) fn new(tx: ImportTx) -> Pipe {
        Pipe {
            idle: Some(tx),
            writer: None,
        }
    }

    /// The transaction, for a statement run in place. Callers [`Self::settle`] first; if the
    /// writer still holds it (or its task died), the answer is sqlx's `WorkerCrashed`.
    pub(super) fn idle(&mut self) -> Result<&mut ImportTx, StoreError> {
        self.idle.as_mut().ok_or(lost())
    }

    /// Waits until every queued batch has run, takes the transaction back, and returns the
    /// outcome: the first refusal, if any.
    pub(super) async fn settle(&mut self) -> Result<(), WriteError> {
        let Some(Writer { queue, task, .. }) = self.writer.take() else {
            return Ok(());
        };
        // Closing the queue ends the writer once it has run what waits.
        drop(queue);
        let (tx, outcome) = task.await.map_err(|_| lost())?;
        self.idle = Some(tx);
        outcome
    }

    /// Queues `batch` to run on the transaction after the batches queued before it; waits
    /// only while the queue is full. A refusal of an earlier batch is returned here.
    pub(super) async fn start<F>(
        &mut self,
        batch: impl FnOnce(ImportTx) -> F + Send + 'static,
    ) -> Result<(), WriteError>
    where
        F: Future<Output = Finished> + Send + 'static,
    {
        if self
            .writer
            .as_ref()
            .is_some_and(|writer| writer.queue.is_closed())
        {
            self.settle().await?;
        }
        if self.writer.is_none() {
            let tx = self.idle.take().ok_or(lost())?;
            self.writer = Some(Writer::spawn(tx));
        }
        let queue = &self.writer.as_ref().ok_or(lost())?.queue;
        let batch: Batch = Box::new(move |tx| Box::pin(batch(tx)));
        if queue.send(batch).await.is_err() {
            // The writer stopped at a refusal between the check above and now.
            self.settle().await?;
            return Err(lost().into());
        }
        Ok(())
    }

    /// The transaction, once every queued batch has run (their outcome is the caller's to
    /// have checked: see [`Self::settle`]).
    pub(super) async fn into_tx(mut self) -> Result<ImportTx, StoreError> {
        // An error of the last batches was reported by `settle` already, or is moot on
        // rollback.
        let _ = self.settle().await;
        self.idle.take().ok_or(lost())
    }
}

impl Writer {
    fn spawn(tx: ImportTx) -> Writer {
        let (queue, batches) = mpsc::channel(QUEUED_BATCHES);
        let task = tokio::spawn(run(tx, batches));
        Writer { queue, task }
    }
}

/// The writer's loop: each batch in turn, until the queue closes or one is refused (what is
/// queued behind it is dropped unrun).
async fn run(mut tx: ImportTx, mut batches: mpsc::Receiver<Batch>) -> Finished {
    while let Some(batch) = batches.recv().await {
        let (back, outcome) = batch(tx).await;
        tx = back;
        if outcome.is_err() {
            return (tx, outcome);
        }
    }
    (tx, Ok(()))
}

/// The transaction is gone with a writer task that did not finish (it panicked or was
/// cancelled); dropping it rolled the import back.
fn lost() -> StoreError {
    StoreError::Database(sqlx::Error::WorkerCrashed)
}
