//! `!vägledning lägg till`: finding the admin's file (the message replied to, else their latest
//! file in the room from the last ten minutes), checking its type and size, downloading it
//! through the chat port and handing it to the curator.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lots_knowledge::GUIDANCE_EXTENSIONS;

use crate::chat::{Attachment, Message};
use crate::error::PluginError;
use crate::plugin::Context;

/// How long after sending a file an admin can load it without replying to it.
pub const FILE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Each admin's latest file per room, kept in memory only: for an encrypted file the handle
/// holds its key, which does not belong on disk.
#[derive(Default)]
pub(super) struct RecentFiles(Mutex<HashMap<(String, String), (Attachment, Instant)>>);

impl RecentFiles {
    pub(super) fn remember(&self, msg: &Message) {
        let Some(file) = &msg.attachment else { return };
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (_, at)| at.elapsed() < FILE_WINDOW);
        map.insert(
            (msg.room.clone(), msg.sender.clone()),
            (file.clone(), Instant::now()),
        );
    }

    fn latest(&self, room: &str, sender: &str) -> Option<Attachment> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&(room.to_owned(), sender.to_owned()))
            .filter(|(_, at)| at.elapsed() < FILE_WINDOW)
            .map(|(f, _)| f.clone())
    }

    pub(super) fn forget(&self, room: &str, sender: &str, file: &Attachment) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let key = (room.to_owned(), sender.to_owned());
        if map.get(&key).is_some_and(|(f, _)| f == file) {
            map.remove(&key);
        }
    }
}

/// The file an `add` command means.
pub(super) async fn find(
    ctx: &Context,
    recent: &RecentFiles,
    msg: &Message,
) -> Result<Attachment, PluginError> {
    if let Some(target) = &msg.reply_to {
        return ctx
            .port
            .attachment_of(&msg.room, target)
            .await
            .map_err(|e| PluginError::internal("looking up the replied-to file", e))?
            .ok_or_else(|| {
                PluginError::user(
                    "Meddelandet du svarade på har ingen fil. Svara på filmeddelandet, eller skicka filen och skriv kommandot direkt efter.",
                    "The message you replied to has no file. Reply to the file message, or send the file and write the command right after it.",
                )
            });
    }
    recent.latest(&msg.room, &msg.sender).ok_or_else(|| {
        PluginError::user(
            "Jag hittar ingen fil från dig här de senaste tio minuterna. Skicka filen (.md, .txt eller .pdf) och skriv sedan !vägledning lägg till, eller svara på filmeddelandet med kommandot.",
            "I find no file from you here in the last ten minutes. Send the file (.md, .txt or .pdf), then write !guidance add, or reply to the file message with the command.",
        )
    })
}

/// Type and size, before anything is downloaded; then the bytes.
pub(super) async fn download(
    ctx: &Context,
    file: &Attachment,
    max_bytes: u64,
) -> Result<Vec<u8>, PluginError> {
    let ext = Path::new(&file.name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_lowercase();
    if !GUIDANCE_EXTENSIONS.contains(&ext.as_str()) {
        return Err(PluginError::user(
            format!(
                "{} är inte en fil jag kan läsa som vägledning. Använd .md, .txt eller .pdf.",
                file.name
            ),
            format!(
                "{} is not a file I can read as guidance. Use .md, .txt or .pdf.",
                file.name
            ),
        ));
    }
    let too_large = || {
        let limit = if max_bytes >= 1_000_000 {
            format!("{} MB", max_bytes / 1_000_000)
        } else {
            format!("{} kB", max_bytes / 1_000)
        };
        PluginError::user(
            format!(
                "{} är för stor: högst {limit}. Dela upp den i mindre filer.",
                file.name
            ),
            format!(
                "{} is too large: at most {limit}. Split it into smaller files.",
                file.name
            ),
        )
    };
    if file.size.is_some_and(|s| s > max_bytes) {
        return Err(too_large());
    }
    let bytes = ctx.port.download(file, max_bytes).await.map_err(|e| {
        PluginError::user(
            format!(
                "Jag kunde inte hämta {}: {}. Försök igen om en stund; hjälper inte det, skicka filen på nytt.",
                file.name, e.message
            ),
            format!(
                "I could not fetch {}: {}. Try again in a while; if that does not help, send the file again.",
                file.name, e.message
            ),
        )
    })?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large());
    }
    Ok(bytes)
}
