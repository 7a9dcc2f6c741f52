//! `matrix-bench`: Lots over a loopback Synapse, next to a no-op matrix-sdk bot, in one run.
//!
//! Measures, sequentially from one encrypting user in a direct chat:
//! - `!ping` → `pong` round trips with a no-op matrix-sdk bot that drives its own `sync_once`
//!   loop (the floor any matrix-sdk bot pays), and with Lots;
//! - question → answer round trips with Lots (the sample guidance);
//! - resident memory of both bot processes after start, and after the runs.
//!
//! Build everything in release first: `cargo build --release --workspace`, then run
//! `target/release/matrix-bench [ROUNDS]`.

use std::time::{Duration, Instant};

use lots_tests::bot::{Bot, BotOptions, register_account};
use lots_tests::synapse::Synapse;
use lots_tests::user::User;
use matrix_sdk::Client;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::room::Room;
use matrix_sdk::ruma::events::room::member::StrippedRoomMemberEvent;
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, RoomMessageEventContent,
};

const QUESTIONS: &[&str] = &[
    "Hur lång är betänketiden?",
    "Vem ansöker om betänketid?",
    "Vad är ett målsägandebiträde?",
    "Who do I call about a possible victim?",
    "Vilka indikatorer finns på människohandel?",
    "Har barn rätt till skola under betänketiden?",
];

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("noop-bot") {
        noop_bot(&args[2], &args[3], &args[4]).await;
        return;
    }
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let hs = Synapse::start();
    let user = User::register(&hs.url, "bench_user").await;

    // The no-op bot: a separate process, so its memory is its own.
    register_account(&hs.url, "noop", "noop-password").await;
    let store = tempfile::tempdir().expect("temp dir");
    let mut noop = std::process::Command::new(std::env::current_exe().expect("own path"))
        .args(["noop-bot", &hs.url, "noop-password"])
        .arg(store.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("starting the no-op bot");
    wait_ready(noop.stdout.take().expect("stdout"));
    let noop_rss_start = rss_kib(noop.id());
    let noop_dm = user.dm("@noop:localhost").await;
    let noop_ping = round_trips(&user, &noop_dm, "@noop:localhost", rounds, |_| "!ping").await;
    let noop_rss_end = rss_kib(noop.id());
    let _ = noop.kill();
    let _ = noop.wait();

    let options = BotOptions {
        guidance: vec![lots_tests::workspace_root().join("config/guidance")],
        messages_per_minute: 1_000_000,
        ..BotOptions::default()
    };
    let bot = Bot::start(&hs, "lots_bench", options).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let lots_pid = bot.pid().expect("running");
    let lots_rss_start = rss_kib(lots_pid);
    let dm = user.dm(&bot.user_id).await;
    let lots_ping = round_trips(&user, &dm, &bot.user_id, rounds, |_| "!ping").await;
    let lots_question = round_trips(&user, &dm, &bot.user_id, rounds, |i| {
        QUESTIONS[i % QUESTIONS.len()]
    })
    .await;
    let lots_rss_end = rss_kib(lots_pid);

    println!(
        "matrix-bench: {rounds} sequential round trips each, encrypted DM, loopback Synapse {}",
        lots_tests::synapse::VERSION
    );
    println!("{:<34} {:>9} {:>9} {:>9}", "", "p50 ms", "p95 ms", "max ms");
    for (name, d) in [
        ("no-op matrix-sdk bot, !ping", &noop_ping),
        ("Lots, !ping", &lots_ping),
        ("Lots, question -> answer", &lots_question),
    ] {
        println!(
            "{name:<34} {:>9.1} {:>9.1} {:>9.1}",
            pct(d, 50.0),
            pct(d, 95.0),
            pct(d, 100.0)
        );
    }
    println!(
        "ratios: question/ping (Lots) p50 {:.2} p95 {:.2}; Lots ping / no-op ping p50 {:.2} p95 {:.2}",
        pct(&lots_question, 50.0) / pct(&lots_ping, 50.0),
        pct(&lots_question, 95.0) / pct(&lots_ping, 95.0),
        pct(&lots_ping, 50.0) / pct(&noop_ping, 50.0),
        pct(&lots_ping, 95.0) / pct(&noop_ping, 95.0),
    );
    println!(
        "resident memory (MiB): no-op bot {:.1} after start, {:.1} after its runs; Lots {:.1} after start, {:.1} after its runs; difference after start {:.1}",
        mib(noop_rss_start),
        mib(noop_rss_end),
        mib(lots_rss_start),
        mib(lots_rss_end),
        mib(lots_rss_start) - mib(noop_rss_start),
    );
}

/// Sequential round trips: send, wait for the reply, next. Milliseconds, after 5 warm-ups.
async fn round_trips(
    user: &User,
    room: &Room,
    bot: &str,
    rounds: usize,
    body: impl Fn(usize) -> &'static str,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(rounds);
    for i in 0..rounds + 5 {
        let start = Instant::now();
        let id = user.send(room, body(i)).await;
        let reply = user.reply_to(&id, bot, Duration::from_secs(60)).await;
        if i >= 5 {
            out.push(reply.at.duration_since(start).as_secs_f64() * 1000.0);
        }
    }
    out
}

fn pct(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let i = ((p / 100.0) * (s.len() - 1) as f64).round() as usize;
    s[i]
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn wait_ready(stdout: std::process::ChildStdout) {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(stdout).lines();
    while let Some(Ok(line)) = lines.next() {
        if line == "ready" {
            return;
        }
    }
    panic!("the no-op bot ended before it was ready");
}

/// The baseline: a matrix-sdk bot that joins every invite and answers `!ping` with `pong`, with
/// the same store (encrypted SQLite) and the same own `sync_once` loop as Lots — nothing else.
async fn noop_bot(homeserver: &str, password: &str, store: &str) {
    let client = Client::builder()
        .homeserver_url(homeserver)
        .sqlite_store(store, Some("noop-passphrase"))
        .build()
        .await
        .expect("client");
    client
        .matrix_auth()
        .login_username("noop", password)
        .send()
        .await
        .expect("login");
    client
        .sync_once(SyncSettings::default().timeout(Duration::ZERO))
        .await
        .expect("first sync");
    client.add_event_handler(
        |ev: StrippedRoomMemberEvent, room: Room, client: Client| async move {
            if Some(ev.state_key.as_ref()) == client.user_id() {
                tokio::spawn(async move {
                    for _ in 0..20 {
                        if room.join().await.is_ok() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                });
            }
        },
    );
    client.add_event_handler(|ev: OriginalSyncRoomMessageEvent, room: Room| async move {
        if let MessageType::Text(t) = &ev.content.msgtype
            && t.body == "!ping"
        {
            tokio::spawn(async move {
                let content = RoomMessageEventContent::notice_plain("pong").make_reply_to(
                    &ev.into_full_event(room.room_id().to_owned()),
                    matrix_sdk::ruma::events::room::message::ForwardThread::Yes,
                    matrix_sdk::ruma::events::room::message::AddMentions::No,
                );
                let _ = room.send(content).await;
            });
        }
    });
    println!("ready");
    loop {
        if client
            .sync_once(SyncSettings::default().timeout(Duration::from_secs(30)))
            .await
            .is_err()
        {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}
