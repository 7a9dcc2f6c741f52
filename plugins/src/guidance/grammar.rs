//! The grammar of `!vägledning` / `!guidance`: Swedish and English words for each subcommand,
//! and the options of `lägg till` / `add`. Values run to the next option, so
//! `--titel Tolk i Lund --kommun Lund` needs no quotes (quotes are accepted and removed).

use lots_knowledge::Given;

use crate::error::PluginError;

/// One `!vägledning` subcommand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sub {
    /// `status`: documents, sections, the active version.
    Status,
    /// `lista` / `list`.
    List,
    /// `visa <id>` / `show <id>`.
    Show(String),
    /// `lägg till [options]` / `add [options]`: the admin's file.
    Add(Given),
    /// `ta bort <id>` / `remove <id>`.
    Remove(String),
    /// `versioner` / `versions`.
    Versions,
    /// `återställ <version>` / `rollback <version>`.
    Rollback(i64),
    /// `logg` / `log`.
    Log,
    /// `luckor [days]` / `gaps [days]`.
    Gaps(Option<i64>),
}

const USAGE_SV: &str = "Skriv: !vägledning status, lista, visa <id>, lägg till, ta bort <id>, versioner, återställ <version>, logg eller luckor.";
const USAGE_EN: &str = "Write: !guidance status, list, show <id>, add, remove <id>, versions, rollback <version>, log or gaps.";

/// Parses what follows `!vägledning`.
pub fn parse(args: &str) -> Result<Sub, PluginError> {
    let args = args.trim();
    let lower = args.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let rest_after = |n: usize| -> &str {
        // The original text after the first `n` words, case kept.
        let mut rest = args;
        for _ in 0..n {
            rest = rest.trim_start();
            rest = rest.find(char::is_whitespace).map_or("", |i| &rest[i..]);
        }
        rest.trim()
    };
    match words.as_slice() {
        [] | ["status"] => Ok(Sub::Status),
        ["lista" | "list"] => Ok(Sub::List),
        ["visa" | "show", ..] => Ok(Sub::Show(one_id(rest_after(1), "visa", "show")?)),
        ["lägg" | "lagg", "till", ..] => Ok(Sub::Add(options(rest_after(2))?)),
        ["add", ..] => Ok(Sub::Add(options(rest_after(1))?)),
        ["ta", "bort", ..] => Ok(Sub::Remove(one_id(rest_after(2), "ta bort", "remove")?)),
        ["remove", ..] => Ok(Sub::Remove(one_id(rest_after(1), "ta bort", "remove")?)),
        ["versioner" | "versions"] => Ok(Sub::Versions),
        ["återställ" | "aterstall" | "rollback", ..] => {
            let v = rest_after(1).trim_start_matches(['v', 'V']);
            v.parse::<i64>()
                .ok()
                .filter(|v| *v >= 0)
                .map(Sub::Rollback)
                .ok_or_else(|| {
                    PluginError::user(
                        "Skriv versionens nummer: !vägledning återställ 3 (se !vägledning versioner).",
                        "Write the version number: !guidance rollback 3 (see !guidance versions).",
                    )
                })
        }
        ["logg" | "log"] => Ok(Sub::Log),
        ["luckor" | "gaps"] => Ok(Sub::Gaps(None)),
        ["luckor" | "gaps", days] => days.parse().map(|d| Sub::Gaps(Some(d))).map_err(|_| {
            PluginError::user(
                "Skriv antal dagar: !vägledning luckor 30",
                "Write a number of days: !guidance gaps 30",
            )
        }),
        [other, ..] => Err(PluginError::user(
            format!("Jag känner inte till !vägledning {other}. {USAGE_SV}"),
            format!("I don't know !guidance {other}. {USAGE_EN}"),
        )),
    }
}

fn one_id(rest: &str, sv: &str, en: &str) -> Result<String, PluginError> {
    let id = rest.trim();
    if id.is_empty() || id.contains(char::is_whitespace) {
        return Err(PluginError::user(
            format!("Skriv dokumentets id: !vägledning {sv} <id> (se !vägledning lista)."),
            format!("Write the document's id: !guidance {en} <id> (see !guidance list)."),
        ));
    }
    Ok(id.to_owned())
}

/// `--titel …`, `--språk …`, `--kommun …`, `--region …`, `--källa …` and their English names.
fn options(text: &str) -> Result<Given, PluginError> {
    let mut given = Given::default();
    let text = text.trim();
    if text.is_empty() {
        return Ok(given);
    }
    let Some(text) = text.strip_prefix("--") else {
        return Err(PluginError::user(
            format!(
                "Jag förstår inte {text:?}. Uppgifter skrivs som --titel, --språk, --kommun, --region eller --källa."
            ),
            format!(
                "I don't understand {text:?}. Details are given as --title, --lang, --municipality, --region or --source."
            ),
        ));
    };
    for part in text.split(" --") {
        let (name, value) = part
            .trim()
            .split_once(char::is_whitespace)
            .unwrap_or((part.trim(), ""));
        let value = value
            .trim()
            .trim_matches(['"', '\'', '“', '”', '«', '»'])
            .trim()
            .to_owned();
        if value.is_empty() {
            return Err(PluginError::user(
                format!("--{name} saknar ett värde, till exempel --{name} Lund."),
                format!("--{name} has no value, for example --{name} Lund."),
            ));
        }
        let list = || {
            value
                .split(',')
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
        };
        match name.to_lowercase().as_str() {
            "titel" | "title" => given.title = Some(value),
            "språk" | "sprak" | "lang" | "language" => given.lang = Some(value.to_lowercase()),
            "kommun" | "municipality" => given.municipalities.extend(list()),
            "region" => given.regions.extend(list()),
            "källa" | "kalla" | "source" => given.source = Some(value),
            other => {
                return Err(PluginError::user(
                    format!(
                        "Jag känner inte till --{other}. Uppgifter: --titel, --språk, --kommun, --region, --källa."
                    ),
                    format!(
                        "I don't know --{other}. Details: --title, --lang, --municipality, --region, --source."
                    ),
                ));
            }
        }
    }
    Ok(given)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(args: &str) -> String {
        match parse(args) {
            Err(PluginError::User { sv, .. }) => sv,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn subcommands_in_swedish_and_english() {
        let cases = [
            ("", Sub::Status),
            ("status", Sub::Status),
            ("Lista", Sub::List),
            ("list", Sub::List),
            ("visa betanketid", Sub::Show("betanketid".into())),
            ("show tolk", Sub::Show("tolk".into())),
            ("lägg till", Sub::Add(Given::default())),
            ("lagg till", Sub::Add(Given::default())),
            ("add", Sub::Add(Given::default())),
            ("ta bort tolk", Sub::Remove("tolk".into())),
            ("remove tolk", Sub::Remove("tolk".into())),
            ("versioner", Sub::Versions),
            ("versions", Sub::Versions),
            ("återställ 3", Sub::Rollback(3)),
            ("aterstall v2", Sub::Rollback(2)),
            ("rollback 0", Sub::Rollback(0)),
            ("logg", Sub::Log),
            ("log", Sub::Log),
            ("luckor", Sub::Gaps(None)),
            ("gaps 7", Sub::Gaps(Some(7))),
        ];
        for (args, want) in cases {
            assert_eq!(parse(args).unwrap(), want, "{args}");
        }
    }

    #[test]
    fn add_options_run_to_the_next_option() {
        let Sub::Add(g) = parse(
            "lägg till --titel Tolk i Lund --språk SV --kommun Lund, Malmö --region Syd --källa \"Lunds kommun, 2026\"",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(g.title.as_deref(), Some("Tolk i Lund"));
        assert_eq!(g.lang.as_deref(), Some("sv"));
        assert_eq!(g.municipalities, ["Lund", "Malmö"]);
        assert_eq!(g.regions, ["Syd"]);
        assert_eq!(g.source.as_deref(), Some("Lunds kommun, 2026"));
        let Sub::Add(g) =
            parse("add --title Interpreters --lang en --municipality Kiruna --source x").unwrap()
        else {
            panic!()
        };
        assert_eq!(g.title.as_deref(), Some("Interpreters"));
        assert_eq!(g.municipalities, ["Kiruna"]);
    }

    #[test]
    fn bad_input_gets_a_clear_error() {
        assert!(err("radera allt").contains("känner inte till !vägledning radera"));
        assert!(err("visa").contains("dokumentets id"));
        assert!(err("ta bort a b").contains("dokumentets id"));
        assert!(err("återställ senaste").contains("versionens nummer"));
        assert!(err("återställ -1").contains("versionens nummer"));
        assert!(err("lägg till --färg blå").contains("känner inte till --färg"));
        assert!(err("lägg till --titel").contains("--titel saknar ett värde"));
        assert!(err("lägg till titel Tolk").contains("--titel"));
        assert!(err("luckor många").contains("antal dagar"));
    }
}
