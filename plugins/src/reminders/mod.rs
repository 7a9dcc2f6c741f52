//! Reminders: our own Swedish/English time parser, DST-proof schedules, and delivery through an
//! outbox that survives crashes (see `scheduler`).

pub mod schedule;
pub mod timeparse;
