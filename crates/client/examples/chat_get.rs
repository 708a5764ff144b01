//! Lists the chats of deal 288 through a webhook, then asks two questions in one batch.
//!
//! ```text
//! OPENLINES_WEBHOOK=http://127.0.0.1:8080/rest/1/demo0123456789ab/ cargo run -p openlines-client --example chat_get
//! ```

use openlines_client::{Batch, ChatId, Client, CrmChatGetLastId, CrmEntityType};
use serde_json::json;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let Ok(url) = std::env::var("OPENLINES_WEBHOOK") else {
        eprintln!("set OPENLINES_WEBHOOK to a webhook URL");
        return ExitCode::from(2);
    };
    match demo(&url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

async fn demo(url: &str) -> openlines_client::Result<()> {
    let client = Client::webhook(url)?;

    let chats = client.crm_chat_get(CrmEntityType::Deal, 288, false).await?;
    for chat in &chats.result {
        println!(
            "chat {} via {} ({})",
            chat.chat_id, chat.connector_title, chat.connector_id
        );
    }
    // The portal's timing block, rounded as a portal rounds it; not a latency measurement.
    println!("server finished at {}", chats.time.date_finish);

    let mut batch = Batch::new();
    batch
        .push(
            "last",
            &CrmChatGetLastId {
                entity_type: CrmEntityType::Lead,
                entity_id: 1205,
            },
        )
        .add("now", "server.time", json!({}));
    let results = client.batch(&batch).await?;
    match results.get::<ChatId>("last") {
        Ok(last) => println!("lead 1205: last chat {}", last.result),
        Err(err) => println!("lead 1205: {err}"),
    }
    println!("server time: {}", results.get::<String>("now")?.result);
    Ok(())
}
