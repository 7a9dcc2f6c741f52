//! `lots bench-reminders`: the reminder scheduler with many pending reminders — start-up (open
//! the database, migrate, find the next due time, one empty tick), resident memory, and the
//! cost per due reminder (outbox row, send through the local port, mark sent), each next to a
//! baseline measured in the same run.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::Timestamp;
use lots_plugins::Db;
use lots_plugins::local::LocalPort;
use lots_plugins::reminders::RemindersConfig;
use lots_plugins::reminders::scheduler::Scheduler;
use lots_plugins::reminders::store::{self, Reminder};

use super::runtime;

pub fn run(count: usize, due: usize) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir().context("a temp dir")?;
    let path = dir.path().join("lots.sqlite3");
    let now = Timestamp::now().as_second();
    let rt = runtime()?;

    // Setup (not measured): `count` reminders spread over the coming year, a tenth recurring.
    {
        let db = Db::open(&path)?;
        db.migrate("reminders", reminders_migrations())?;
        db.lock().execute_batch("BEGIN")?;
        for i in 0..count {
            let r = Reminder {
                id: 0,
                creator: format!("@user{}:example.org", i % 500),
                room: format!("!room{}:example.org", i % 200),
                for_room: i % 3 == 0,
                text: format!("påminnelse nummer {i} om nätverksmöte och tolk"),
                lang: "sv".into(),
                tz: "Europe/Stockholm".into(),
                rule: (i % 10 == 0).then(|| "weekdays 31 09:00".to_owned()),
                next_at: Some(now + 3600 + (i as i64 * 317) % (365 * 86_400)),
                series: None,
            };
            store::insert(&db, &r, now)?;
        }
        db.lock().execute_batch("COMMIT")?;
    }
    let size_mib = std::fs::metadata(&path)
        .map(|m| m.len() as f64 / 1_048_576.0)
        .unwrap_or(0.0);

    let rss_before = rss_kib();
    let (startup, empty_tick, due_tick, rss_after) = rt.block_on(async {
        let start = Instant::now();
        let db = Db::open(&path)?;
        db.migrate("reminders", reminders_migrations())?;
        let scheduler = Scheduler::new(db.clone(), Arc::new(LocalPort::new()), RemindersConfig::default());
        let next = store::next_wakeup(&db)?;
        scheduler.tick(Timestamp::now()).await?;
        let startup = start.elapsed();
        anyhow::ensure!(next.is_some(), "no pending reminder found");
        let rss_after = rss_kib();

        let t = Instant::now();
        scheduler.tick(Timestamp::now()).await?;
        let empty_tick = t.elapsed();

        // Make `due` of them due now and deliver them in one tick.
        db.lock().execute(
            "UPDATE reminders SET next_at = ?1 WHERE id IN (SELECT id FROM reminders ORDER BY id LIMIT ?2)",
            [now - 1, due as i64],
        )?;
        let t = Instant::now();
        let tick = scheduler.tick(Timestamp::now()).await?;
        let due_tick = t.elapsed();
        anyhow::ensure!(tick.sent == due, "sent {} of {due}", tick.sent);
        Ok::<_, anyhow::Error>((startup, empty_tick, due_tick, rss_after))
    })?;

    let per_due = due_tick.saturating_sub(empty_tick).as_secs_f64() * 1e6 / due as f64;
    println!("reminder scheduler: {count} pending reminders ({size_mib:.1} MiB database)");
    println!(
        "start-up (open, migrate, next due, first tick): {:>9.1} ms",
        ms(startup)
    );
    println!(
        "empty tick (baseline):                          {:>9.3} ms",
        ms(empty_tick)
    );
    println!(
        "tick delivering {due:>6} due reminders:          {:>9.1} ms",
        ms(due_tick)
    );
    println!("cost per due reminder (minus baseline):         {per_due:>9.1} µs");
    println!(
        "resident memory: {:.1} MiB before opening, {:.1} MiB after start-up (+{:.1} MiB)",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        (rss_after as f64 - rss_before as f64) / 1024.0
    );
    Ok(ExitCode::SUCCESS)
}

fn reminders_migrations() -> &'static [&'static str] {
    lots_plugins::reminders::MIGRATIONS
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
