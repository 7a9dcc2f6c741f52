//! The framework's rules: addressing, access, duplicates, roles, errors, rate limit, help,
//! feedback.

use std::sync::Arc;

use async_trait::async_trait;
use lots_plugins::guidance::{Vote, all_feedback};
use lots_plugins::local::LocalPort;
use lots_plugins::{
    CommandSpec, Context, Db, Framework, Invocation, Outcome, Plugin, PluginError, Reaction, Reply,
    Role,
};

use crate::{ANNA, access, msg, setup, setup_with};

#[tokio::test]
async fn a_direct_question_gets_a_cited_answer_as_a_reply() {
    let s = setup().await;
    let m = msg("$1", ANNA, "Hur lång är betänketiden?", true);
    assert_eq!(s.fw.handle_message(&m).await, Outcome::Replied);
    let sent = s.port.take();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].in_reply_to.as_deref(), Some("$1"));
    let text = &sent[0].reply.plain;
    assert!(text.contains("30 dagar"), "{text}");
    assert!(text.contains("Källa: "), "{text}");
    assert!(
        sent[0].reply.html().contains("<strong>"),
        "matched words are emphasised"
    );
}

#[tokio::test]
async fn english_questions_get_english_replies() {
    let s = setup().await;
    let m = msg(
        "$1",
        ANNA,
        "How many days does the reflection period last?",
        true,
    );
    s.fw.handle_message(&m).await;
    let text = &s.port.take()[0].reply.plain;
    assert!(text.contains("Source: "), "{text}");
}

#[tokio::test]
async fn in_a_room_only_commands_and_mentions_are_answered() {
    let s = setup().await;
    let chatter = msg("$1", ANNA, "Hur lång är betänketiden?", false);
    assert_eq!(s.fw.handle_message(&chatter).await, Outcome::NotForMe);
    let cmd = msg("$2", ANNA, "!fråga Hur lång är betänketiden?", false);
    assert_eq!(s.fw.handle_message(&cmd).await, Outcome::Replied);
    let mut mention = msg("$3", ANNA, "Hur lång är betänketiden?", false);
    mention.addressed = true;
    assert_eq!(s.fw.handle_message(&mention).await, Outcome::Replied);
    let other_bot = msg("$4", ANNA, "!weather Malmö", false);
    assert_eq!(s.fw.handle_message(&other_bot).await, Outcome::Silent);
    assert_eq!(s.port.take().len(), 2);
}

#[tokio::test]
async fn users_of_other_servers_are_ignored() {
    let s = setup().await;
    let m = msg("$1", "@mallory:evil.example", "!ping", true);
    assert_eq!(s.fw.handle_message(&m).await, Outcome::NotAllowed);
    assert!(s.port.take().is_empty());
}

#[tokio::test]
async fn an_event_is_never_handled_twice() {
    let s = setup().await;
    let m = msg("$1", ANNA, "!ping", true);
    assert_eq!(s.fw.handle_message(&m).await, Outcome::Replied);
    assert_eq!(s.fw.handle_message(&m).await, Outcome::Duplicate);
    assert_eq!(s.port.take().len(), 1);
}

#[tokio::test]
async fn ping_answers_pong_and_help_is_in_the_aliases_language() {
    let s = setup().await;
    s.fw.handle_message(&msg("$1", ANNA, "!ping", false)).await;
    s.fw.handle_message(&msg("$2", ANNA, "!hjalp", false)).await;
    s.fw.handle_message(&msg("$3", ANNA, "!HELP", false)).await;
    // What staff type for a command from other chat tools, or with a space, is one too.
    s.fw.handle_message(&msg("$4", ANNA, "/help", false)).await;
    s.fw.handle_message(&msg("$5", ANNA, "! ping", false)).await;
    let sent = s.port.take();
    assert!(
        sent[3].reply.plain.contains("!ask <question>"),
        "{}",
        sent[3].reply.plain
    );
    assert_eq!(sent[4].reply.plain, "pong");
    assert_eq!(sent[0].reply.plain, "pong");
    assert!(
        sent[1].reply.plain.contains("!fråga <fråga>"),
        "{}",
        sent[1].reply.plain
    );
    assert!(
        sent[2].reply.plain.contains("!ask <question>"),
        "{}",
        sent[2].reply.plain
    );
}

/// A plugin with an admin command and commands that fail, to test the framework's rules.
struct Probe;

#[async_trait]
impl Plugin for Probe {
    fn name(&self) -> &'static str {
        "probe"
    }
    fn commands(&self) -> Vec<CommandSpec> {
        let spec =
            |name, sv: &'static [&'static str], en: &'static [&'static str], role| CommandSpec {
                name,
                sv,
                en,
                usage_sv: "",
                usage_en: "",
                help_sv: "provar",
                help_en: "probes",
                role,
                free_text: false,
            };
        vec![
            spec("secret", &["hemlig"], &["secret"], Role::Admin),
            spec("oops", &["hoppsan"], &["oops"], Role::Staff),
            spec("wrong", &["fel"], &["wrong"], Role::Staff),
        ]
    }
    async fn on_command(&self, _ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        match inv.command {
            "secret" => Ok(Reply::text("the secret")),
            "oops" => Err(PluginError::internal(
                "reading /var/lib/lots/secret.db",
                std::io::Error::other("SELECT * FROM reminders failed"),
            )),
            _ => Err(PluginError::user("Fel datum.", "Wrong date.")),
        }
    }
}

#[tokio::test]
async fn roles_are_checked_and_help_shows_only_what_the_user_may_use() {
    let s = setup_with(vec![Arc::new(Probe)], 50).await;
    assert_eq!(
        s.fw.handle_message(&msg("$1", ANNA, "!hemlig", true)).await,
        Outcome::Replied
    );
    s.fw.handle_message(&msg("$2", "@admin:example.org", "!secret", true))
        .await;
    s.fw.handle_message(&msg("$3", ANNA, "!hjälp", true)).await;
    s.fw.handle_message(&msg("$4", "@admin:example.org", "!hjälp", true))
        .await;
    let sent = s.port.take();
    assert!(
        sent[0].reply.plain.contains("rollen administratör"),
        "{}",
        sent[0].reply.plain
    );
    assert!(!sent[0].reply.plain.contains("the secret"));
    assert_eq!(sent[1].reply.plain, "the secret");
    assert!(
        !sent[2].reply.plain.contains("!hemlig"),
        "staff help lists admin commands"
    );
    assert!(sent[3].reply.plain.contains("!hemlig"));
}

#[tokio::test]
async fn internal_errors_show_an_incident_id_and_nothing_else() {
    let s = setup_with(vec![Arc::new(Probe)], 50).await;
    s.fw.handle_message(&msg("$1", ANNA, "!hoppsan", true))
        .await;
    s.fw.handle_message(&msg("$2", ANNA, "!wrong", true)).await;
    let sent = s.port.take();
    let text = &sent[0].reply.plain;
    assert!(text.contains("ärende L-"), "{text}");
    for secret in ["/var/lib", "SELECT", "reminders", "secret.db"] {
        assert!(!text.contains(secret), "leaked {secret}: {text}");
    }
    assert_eq!(
        sent[1].reply.plain, "Wrong date.",
        "user errors in the alias's language"
    );
}

#[tokio::test]
async fn unknown_commands_get_a_pointer_to_help_only_when_addressed() {
    let s = setup().await;
    s.fw.handle_message(&msg("$1", ANNA, "!gibberish", true))
        .await;
    let sent = s.port.take();
    assert!(
        sent[0].reply.plain.contains("!hjälp"),
        "{}",
        sent[0].reply.plain
    );
}

#[tokio::test]
async fn too_many_messages_get_one_polite_reply_then_silence() {
    let s = setup_with(vec![], 2).await;
    let outcomes = [
        s.fw.handle_message(&msg("$1", ANNA, "!ping", true)).await,
        s.fw.handle_message(&msg("$2", ANNA, "!ping", true)).await,
        s.fw.handle_message(&msg("$3", ANNA, "!ping", true)).await,
        s.fw.handle_message(&msg("$4", ANNA, "!ping", true)).await,
    ];
    assert_eq!(
        outcomes,
        [
            Outcome::Replied,
            Outcome::Replied,
            Outcome::RateLimited,
            Outcome::RateLimited
        ]
    );
    let sent = s.port.take();
    assert_eq!(sent.len(), 3);
    assert!(
        sent[2].reply.plain.contains("en minut"),
        "{}",
        sent[2].reply.plain
    );
    let other = msg("$5", "@bo:example.org", "!ping", true);
    assert_eq!(
        s.fw.handle_message(&other).await,
        Outcome::Replied,
        "the limit is per user"
    );
}

#[tokio::test]
async fn thumbs_on_an_answer_are_recorded_without_names() {
    let s = setup().await;
    s.fw.handle_message(&msg("$1", ANNA, "Hur lång är betänketiden?", true))
        .await;
    let answer = s.port.take().remove(0);
    let react = |id: &str, key: &str| Reaction {
        id: id.into(),
        room: answer.room.clone(),
        sender: "@bo:example.org".into(),
        target: answer.id.clone(),
        key: key.into(),
    };
    s.fw.handle_reaction(&react("$r1", "👍")).await;
    s.fw.handle_reaction(&react("$r1", "👍")).await;
    s.fw.handle_reaction(&react("$r2", "❤️")).await;
    s.fw.handle_reaction(&react("$r3", "👎")).await;
    let votes = all_feedback(&s.db).unwrap();
    assert_eq!(
        votes.iter().map(|v| v.vote).collect::<Vec<_>>(),
        [Vote::Up, Vote::Down]
    );
    assert_eq!(votes[0].question_hash.len(), 32);
    let dump: String =
        s.db.lock()
            .query_row(
                "SELECT group_concat(question_hash || doc || heading, '|') FROM feedback",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert!(
        !dump.contains("bo") && !dump.contains("betänketiden?"),
        "{dump}"
    );
}

#[tokio::test]
async fn an_empty_ask_explains_the_usage() {
    let s = setup().await;
    s.fw.handle_message(&msg("$1", ANNA, "!fråga", false)).await;
    let text = &s.port.take()[0].reply.plain;
    assert!(text.contains("!fråga Hur lång"), "{text}");
}

#[test]
fn command_names_and_aliases_are_unique_and_clashes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("lots.sqlite3")).unwrap();
    let port = Arc::new(LocalPort::new());
    let ok = Framework::new(
        crate::fixture_plugins(&db, dir.path()),
        access(5),
        db.clone(),
        port.clone(),
    );
    assert!(ok.is_ok());

    struct Clash;
    #[async_trait]
    impl Plugin for Clash {
        fn name(&self) -> &'static str {
            "clash"
        }
        fn commands(&self) -> Vec<CommandSpec> {
            vec![CommandSpec {
                name: "hjalp",
                sv: &["hjalp"],
                en: &["assist"],
                usage_sv: "",
                usage_en: "",
                help_sv: "",
                help_en: "",
                role: Role::Staff,
                free_text: false,
            }]
        }
    }
    let mut plugins = crate::fixture_plugins(&db, dir.path());
    plugins.push(Arc::new(Clash));
    let Err(e) = Framework::new(plugins, access(5), db, port) else {
        panic!("a clash was accepted")
    };
    assert!(
        e.to_string().contains("basics::help") && e.to_string().contains("clash::hjalp"),
        "{e}"
    );
}
