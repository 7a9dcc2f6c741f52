//! Pure helpers that turn what Matrix delivers into what plugins see: is a message addressed
//! to Lots, and what is left of it without the mention.

/// The body without a leading mention of Lots (`Lots: …`, `@lots:example.org …`, `lots, …`),
/// or `None` when it does not start with one. `names` are matched case-insensitively.
pub fn strip_leading_mention<'a>(body: &'a str, names: &[String]) -> Option<&'a str> {
    let trimmed = body.trim_start();
    for name in names.iter().filter(|n| !n.is_empty()) {
        let Some(head) = trimmed.get(..name.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(name) && head.to_lowercase() != name.to_lowercase() {
            continue;
        }
        let rest = &trimmed[name.len()..];
        let next = rest.chars().next();
        if next.is_none_or(|c| c.is_whitespace() || c == ':' || c == ',') {
            return Some(rest.trim_start_matches([':', ',']).trim());
        }
    }
    None
}

/// The names Lots answers to at the start of a message: its user id, its localpart and its
/// display name, longest first so `@lots:example.org` wins over `lots`.
pub fn own_names(user_id: &str, display_name: Option<&str>) -> Vec<String> {
    let mut names = vec![user_id.to_owned()];
    if let Some(local) = user_id.strip_prefix('@').and_then(|u| u.split(':').next()) {
        names.push(local.to_owned());
    }
    if let Some(d) = display_name {
        names.push(d.to_owned());
    }
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_mention_is_recognised_and_removed() {
        let names = own_names("@lots:example.org", Some("Lots"));
        let cases = [
            (
                "Lots: hur lång är betänketiden?",
                Some("hur lång är betänketiden?"),
            ),
            ("lots, vem ringer jag?", Some("vem ringer jag?")),
            ("@lots:example.org vem ringer jag?", Some("vem ringer jag?")),
            ("  LOTS:fråga", Some("fråga")),
            ("Lots", Some("")),
            ("Lotsen säger att…", None),
            ("Vad tycker Lots?", None),
        ];
        for (body, want) in cases {
            assert_eq!(strip_leading_mention(body, &names), want, "{body}");
        }
    }

    #[test]
    fn names_are_longest_first() {
        assert_eq!(
            own_names("@lots:example.org", Some("Lots")),
            ["@lots:example.org", "lots", "Lots"]
        );
    }
}
