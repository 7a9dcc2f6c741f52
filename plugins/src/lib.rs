#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod basics;
pub mod chat;
pub mod command;
pub mod error;
pub mod framework;
pub mod guidance;
pub mod local;
pub mod plugin;
pub mod privacy;
pub mod ratelimit;
pub mod reminders;
pub mod reply;
pub mod role;
pub mod routing;
pub mod store;

pub use chat::{Attachment, ChatPort, Message, PortError, Reaction};
pub use command::{CommandSpec, Invocation};
pub use error::PluginError;
pub use framework::{Framework, Outcome, RegistryError};
pub use plugin::{Context, Plugin};
pub use reply::Reply;
pub use role::{Access, Role};
pub use store::{Db, DbError};

use std::sync::Arc;

/// The built-in plugins, in the order they see free text. Routing comes before guidance:
/// "vem ringer jag i Lund?" gets the contacts, not a passage.
pub fn builtin(
    guidance: guidance::GuidancePlugin,
    reminders: reminders::RemindersConfig,
    directory: routing::contacts::Directory,
    handoff_reminder_after: std::time::Duration,
) -> Vec<Arc<dyn Plugin>> {
    vec![
        Arc::new(basics::Basics),
        Arc::new(reminders::RemindersPlugin::new(reminders)),
        Arc::new(routing::RoutingPlugin::new(
            lots_knowledge::Places::embedded(),
            directory,
            handoff_reminder_after,
        )),
        Arc::new(guidance),
    ]
}

/// Swedish time (UTC if the time zone database lacks it).
pub fn sweden() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// Today in Sweden (review dates, reminders).
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned_datetime(sweden()).date()
}
