//! Commands as data (like poise's command list): a name, Swedish and English aliases, help,
//! usage and the role required. The dispatcher parses `!alias args` against them; help is
//! generated from them.

use lots_knowledge::analysis::Lang;

use crate::chat::Message;
use crate::role::Role;

/// One command a plugin offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSpec {
    /// The canonical name the plugin matches on, e.g. `ask`.
    pub name: &'static str,
    /// Swedish aliases, the first one shown in help, e.g. `["fråga"]`.
    pub sv: &'static [&'static str],
    /// English aliases, e.g. `["ask"]`.
    pub en: &'static [&'static str],
    /// Arguments, in Swedish (empty when none), e.g. `<fråga>`.
    pub usage_sv: &'static str,
    /// Arguments, in English.
    pub usage_en: &'static str,
    /// One line of help, in Swedish.
    pub help_sv: &'static str,
    /// One line of help, in English.
    pub help_en: &'static str,
    /// Who may use it.
    pub role: Role,
    /// The arguments are a message to Lots (`!fråga …`): they go through every plugin's
    /// free-text handler as if addressed to Lots, so `!fråga vem ringer jag?` gets the contacts
    /// just like the same words in a direct chat.
    pub free_text: bool,
}

impl CommandSpec {
    /// All aliases with their language.
    pub fn aliases(&self) -> impl Iterator<Item = (&'static str, Lang)> + '_ {
        self.sv
            .iter()
            .map(|a| (*a, Lang::Sv))
            .chain(self.en.iter().map(|a| (*a, Lang::En)))
    }
}

/// A command as invoked.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    /// The canonical name of the command.
    pub command: &'static str,
    /// Everything after the alias, trimmed.
    pub args: &'a str,
    /// The language of the alias used: replies follow it.
    pub lang: Lang,
    /// The message it came in.
    pub msg: &'a Message,
    /// The sender's role.
    pub role: Role,
}

/// `!alias rest` split into the alias (lowercased, diacritics kept) and the rest; `None` when
/// the text is not a command. What staff type for a command is read as one too: `/help` (the
/// slash of other chat tools) and `! ping` (a space after the mark).
pub fn split_command(body: &str) -> Option<(String, &str)> {
    let body = body.trim_start();
    let rest = body
        .strip_prefix('!')
        .or_else(|| body.strip_prefix('/'))?
        .trim_start();
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let alias = &rest[..end];
    if alias.is_empty() {
        return None;
    }
    Some((alias.to_lowercase(), rest[end..].trim()))
}

/// Matches an alias as typed against a command's alias. Case and Swedish letters are forgiven
/// (`!hjalp` is `!hjälp` on a keyboard without å, ä, ö).
pub fn alias_matches(typed: &str, alias: &str) -> bool {
    typed == alias || fold_alias(typed) == fold_alias(alias)
}

/// An alias with case and Swedish letters folded, as aliases are compared.
pub fn fold_alias(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'å' | 'ä' | 'Å' | 'Ä' => 'a',
            'ö' | 'Ö' => 'o',
            'é' | 'É' => 'e',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_split_from_their_arguments() {
        assert_eq!(
            split_command("!Fråga  hur lång är betänketiden? "),
            Some(("fråga".into(), "hur lång är betänketiden?"))
        );
        assert_eq!(split_command("  !ping"), Some(("ping".into(), "")));
        assert_eq!(split_command("! ping"), Some(("ping".into(), "")));
        assert_eq!(split_command("/help"), Some(("help".into(), "")));
        assert_eq!(split_command("/ "), None);
        assert_eq!(split_command("hej !ping"), None);
        assert_eq!(split_command("!"), None);
    }

    #[test]
    fn aliases_forgive_case_and_missing_swedish_letters() {
        assert!(alias_matches("hjälp", "hjälp"));
        assert!(alias_matches("hjalp", "hjälp"));
        assert!(alias_matches("betanketid", "betänketid"));
        assert!(alias_matches("paminn", "påminn"));
        assert!(!alias_matches("hjälpa", "hjälp"));
    }
}
