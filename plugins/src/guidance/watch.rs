//! Watching the configured guidance folders while Lots runs: every interval the curator looks
//! at the folders; a change is validated and, only if every file is good, served (see
//! [`Curator::check_folders`]). A bad file keeps the active version; the file, the line and the
//! reason go to the log and, when one is configured, to the admin room — once per change.

use std::sync::Arc;
use std::time::Duration;

use super::curator::{Curator, FolderCheck};
use crate::chat::ChatPort;
use crate::reply::Reply;

/// Checks every `interval` until `stop` changes.
pub(super) async fn watch(
    curator: Arc<Curator>,
    port: Arc<dyn ChatPort>,
    admin_room: Option<String>,
    interval: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
        match curator.check_folders().await {
            FolderCheck::Unchanged => {}
            FolderCheck::Reloaded(n) => {
                tracing::info!(documents = n, "guidance changed on disk; reloaded");
            }
            FolderCheck::Rejected(why) => {
                tracing::warn!(rejected = ?why, "guidance changed on disk but has errors; the active version stays");
                report(&*port, admin_room.as_deref(), &why).await;
            }
        }
    }
}

/// Tells the admin room which guidance files have errors (paths, lines and reasons only).
pub(super) async fn report(port: &dyn ChatPort, admin_room: Option<&str>, why: &[String]) {
    let Some(room) = admin_room else { return };
    let mut text = String::from(
        "Vägledningen i mapparna har fel, så Lots svarar som förut tills de är rättade \
         (The guidance folders have errors; Lots keeps answering from the active version):",
    );
    for w in why {
        text.push_str("\n• ");
        text.push_str(w);
    }
    if let Err(e) = port.send(room, &Reply::text(text)).await {
        tracing::error!(room, error = %e, "could not report guidance errors to the admin room");
    }
}
