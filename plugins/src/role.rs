//! Who may do what: staff (any user of an allowed server), coordinators and admins.

use serde::Deserialize;

/// A role; each includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Any user of an allowed server.
    Staff,
    /// May set reminders for others and hand cases over.
    Coordinator,
    /// May load guidance and read feedback.
    Admin,
}

impl Role {
    /// The role's name in Swedish or English, for messages.
    pub fn name(self, sv: bool) -> &'static str {
        match (self, sv) {
            (Role::Staff, true) => "personal",
            (Role::Staff, false) => "staff",
            (Role::Coordinator, true) => "samordnare",
            (Role::Coordinator, false) => "coordinator",
            (Role::Admin, true) => "administratör",
            (Role::Admin, false) => "admin",
        }
    }
}

/// The `[access]` table of the configuration.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Access {
    /// Users of other servers are ignored.
    pub allowed_servers: Vec<String>,
    /// Full user ids of admins.
    #[serde(default)]
    pub admins: Vec<String>,
    /// Full user ids of coordinators.
    #[serde(default)]
    pub coordinators: Vec<String>,
    /// In an unencrypted room Lots says once why it is silent, and then stays silent.
    #[serde(default = "yes")]
    pub require_encryption: bool,
    /// Messages to Lots per user and minute before it asks them to slow down.
    #[serde(default = "default_rate")]
    pub messages_per_minute: u32,
}

fn yes() -> bool {
    true
}

fn default_rate() -> u32 {
    20
}

impl Access {
    /// The sender's role, or `None` when Lots must ignore them (server not allowed, or not a
    /// well-formed user id).
    pub fn role_of(&self, user: &str) -> Option<Role> {
        let server = server_of(user)?;
        if !self.allowed_servers.iter().any(|s| s == server) {
            return None;
        }
        Some(if self.admins.iter().any(|a| a == user) {
            Role::Admin
        } else if self.coordinators.iter().any(|c| c == user) {
            Role::Coordinator
        } else {
            Role::Staff
        })
    }

    /// Checks the table; the error names the key and what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.allowed_servers.is_empty() {
            return Err(
                "access.allowed_servers: list at least one server whose users Lots serves".into(),
            );
        }
        for s in &self.allowed_servers {
            if s.is_empty() || s.contains(['@', '/', ' ']) {
                return Err(format!(
                    "access.allowed_servers: {s:?} is not a server name (write it like \"example.org\")"
                ));
            }
        }
        for (key, users) in [
            ("access.admins", &self.admins),
            ("access.coordinators", &self.coordinators),
        ] {
            for u in users {
                let Some(server) = server_of(u) else {
                    return Err(format!(
                        "{key}: {u:?} is not a Matrix user id (write it like \"@anna:example.org\")"
                    ));
                };
                if !self.allowed_servers.iter().any(|s| s == server) {
                    return Err(format!(
                        "{key}: {u} is on {server}, which is not in access.allowed_servers"
                    ));
                }
            }
        }
        if self.messages_per_minute == 0 {
            return Err("access.messages_per_minute: must be at least 1".into());
        }
        Ok(())
    }
}

/// `example.org` of `@anna:example.org`.
fn server_of(user: &str) -> Option<&str> {
    let rest = user.strip_prefix('@')?;
    let (local, server) = rest.split_once(':')?;
    (!local.is_empty() && !server.is_empty()).then_some(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access() -> Access {
        Access {
            allowed_servers: vec!["example.org".into(), "kommun.example".into()],
            admins: vec!["@admin:example.org".into()],
            coordinators: vec!["@samordnare:kommun.example".into()],
            require_encryption: true,
            messages_per_minute: 20,
        }
    }

    #[test]
    fn roles_come_from_the_lists_and_other_servers_are_ignored() {
        let a = access();
        assert_eq!(a.role_of("@admin:example.org"), Some(Role::Admin));
        assert_eq!(
            a.role_of("@samordnare:kommun.example"),
            Some(Role::Coordinator)
        );
        assert_eq!(a.role_of("@anna:example.org"), Some(Role::Staff));
        assert_eq!(a.role_of("@anna:evil.example"), None);
        assert_eq!(a.role_of("@admin:example.org.evil.example"), None);
        assert_eq!(a.role_of("anna"), None);
        assert!(Role::Admin > Role::Coordinator && Role::Coordinator > Role::Staff);
    }

    #[test]
    fn validation_names_the_key() {
        assert_eq!(access().validate(), Ok(()));
        let mut a = access();
        a.allowed_servers.clear();
        assert!(
            a.validate()
                .unwrap_err()
                .starts_with("access.allowed_servers")
        );
        let mut a = access();
        a.admins.push("admin".into());
        assert!(a.validate().unwrap_err().starts_with("access.admins"));
        let mut a = access();
        a.coordinators.push("@x:other.example".into());
        let e = a.validate().unwrap_err();
        assert!(
            e.starts_with("access.coordinators") && e.contains("other.example"),
            "{e}"
        );
    }
}
