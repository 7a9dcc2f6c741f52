//! The contact directory (`config/cities.toml`): contacts per municipality and region, and
//! national lines, each with opening hours. Validated when loaded: an unknown municipality or
//! region, bad hours, a contact without phone or e-mail, or a duplicate entry is an error that
//! names the key.

use std::collections::{BTreeMap, HashMap};

use lots_knowledge::{Municipality, Places, Region};
use serde::Deserialize;

use super::hours::Hours;

/// The directory shipped with Lots.
pub const EMBEDDED: &str = include_str!("../../../config/cities.toml");

/// One contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// What they do: `Socialjouren`.
    pub role: String,
    /// Who they are: `Malmö stad`.
    pub org: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// When they answer.
    pub hours: Hours,
    /// Anything to know before calling.
    pub note: Option<String>,
    /// The line for acute danger (112).
    pub acute: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    national: Vec<RawContact>,
    #[serde(default)]
    regions: BTreeMap<String, Vec<RawContact>>,
    #[serde(default)]
    municipalities: BTreeMap<String, Vec<RawContact>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    role: String,
    org: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    hours: String,
    note: Option<String>,
    #[serde(default)]
    acute: bool,
}

/// Contacts by place.
#[derive(Debug, Clone)]
pub struct Directory {
    national: Vec<Contact>,
    regions: HashMap<Region, Vec<Contact>>,
    municipalities: HashMap<String, Vec<Contact>>,
}

/// The contacts for one municipality, nearest first.
#[derive(Debug, Clone, Copy)]
pub struct Lookup<'a> {
    /// The municipality's own.
    pub local: &'a [Contact],
    /// Its region's (the regional coordinators).
    pub regional: &'a [Contact],
    /// National lines.
    pub national: &'a [Contact],
}

impl Directory {
    /// Parses and validates a directory; errors name the key (`municipalities."Malmö"[2].hours`).
    pub fn parse(text: &str, places: &Places) -> Result<Directory, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let national = contacts("national", file.national)?;
        let mut regions = HashMap::new();
        for (name, list) in file.regions {
            let region: Region = name.parse().map_err(|e| format!("regions.{name}: {e}"))?;
            regions.insert(region, contacts(&format!("regions.{name}"), list)?);
        }
        let mut municipalities = HashMap::new();
        for (name, list) in file.municipalities {
            let key = format!("municipalities.{name:?}");
            let Some(m) = places.municipality(&name) else {
                let hint = places
                    .suggest(&name)
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default();
                return Err(format!("{key}: no municipality is called {name:?}{hint}"));
            };
            if m.name != name {
                return Err(format!("{key}: write the name as {:?}", m.name));
            }
            municipalities.insert(m.name.clone(), contacts(&key, list)?);
        }
        Ok(Directory {
            national,
            regions,
            municipalities,
        })
    }

    /// The directory shipped with Lots.
    pub fn embedded(places: &Places) -> Directory {
        Directory::parse(EMBEDDED, places).expect("the shipped config/cities.toml is valid")
    }

    /// The contacts for `m`.
    pub fn lookup(&self, m: &Municipality) -> Lookup<'_> {
        Lookup {
            local: self
                .municipalities
                .get(&m.name)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            regional: m
                .region
                .and_then(|r| self.regions.get(&r))
                .map(Vec::as_slice)
                .unwrap_or_default(),
            national: &self.national,
        }
    }

    /// A region's contacts.
    pub fn region(&self, r: Region) -> &[Contact] {
        self.regions.get(&r).map(Vec::as_slice).unwrap_or_default()
    }

    /// National lines only.
    pub fn national(&self) -> &[Contact] {
        &self.national
    }
}

fn contacts(key: &str, raw: Vec<RawContact>) -> Result<Vec<Contact>, String> {
    let mut out: Vec<Contact> = Vec::with_capacity(raw.len());
    for (i, c) in raw.into_iter().enumerate() {
        let at = format!("{key}[{i}]");
        if c.role.trim().is_empty() {
            return Err(format!("{at}.role: empty"));
        }
        if c.phone.is_none() && c.email.is_none() {
            return Err(format!("{at}: give a phone or an email"));
        }
        let hours = Hours::parse(&c.hours).map_err(|e| format!("{at}.hours: {e}"))?;
        if out
            .iter()
            .any(|o| o.role == c.role && o.phone == c.phone && o.email == c.email)
        {
            return Err(format!(
                "{at}: the same contact is listed twice ({})",
                c.role
            ));
        }
        out.push(Contact {
            role: c.role,
            org: c.org,
            phone: c.phone,
            email: c.email,
            hours,
            note: c.note,
            acute: c.acute,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_directory_is_valid_and_uses_fictional_local_numbers() {
        let places = Places::embedded();
        let d = Directory::embedded(&places);
        for name in ["Malmö", "Lund", "Helsingborg", "Kiruna", "Göteborg"] {
            let m = places.municipality(name).unwrap();
            let local = d.lookup(m).local;
            assert!(!local.is_empty(), "{name}");
            for c in local {
                let phone = c.phone.as_deref().unwrap_or("070-174 06 05");
                let last: u32 = phone
                    .strip_prefix("070-174 06 ")
                    .unwrap_or_else(|| panic!("{phone}"))
                    .parse()
                    .unwrap();
                assert!((5..=99).contains(&last), "{phone}");
                if let Some(e) = &c.email {
                    assert!(e.ends_with(".example"), "{e}");
                }
            }
        }
        assert!(
            d.national()
                .iter()
                .any(|c| c.acute && c.phone.as_deref() == Some("112"))
        );
        let lund = places.municipality("Lund").unwrap();
        assert_eq!(
            d.lookup(lund).regional[0].phone.as_deref(),
            Some("020-35 40 40")
        );
    }

    #[test]
    fn errors_name_the_key() {
        let places = Places::embedded();
        let cases = [
            (
                "[[municipalities.\"Malmoe\"]]\nrole = \"x\"\nphone = \"1\"\nhours = \"dygnet runt\"",
                "municipalities.\"Malmoe\": no municipality",
            ),
            (
                "[[municipalities.\"Lund\"]]\nrole = \"x\"\nphone = \"1\"\nhours = \"mån-fre 8-16\"",
                "municipalities.\"Lund\"[0].hours",
            ),
            (
                "[[regions.Söder]]\nrole = \"x\"\nphone = \"1\"\nhours = \"dygnet runt\"",
                "regions.Söder",
            ),
            (
                "[[national]]\nrole = \"x\"\nhours = \"dygnet runt\"",
                "national[0]: give a phone",
            ),
            (
                "[[national]]\nrole = \"x\"\nphone = \"1\"\nhours = \"dygnet runt\"\n[[national]]\nrole = \"x\"\nphone = \"1\"\nhours = \"dygnet runt\"",
                "national[1]: the same contact is listed twice",
            ),
        ];
        for (text, want) in cases {
            let e = Directory::parse(text, &places).unwrap_err();
            assert!(e.contains(want), "{e}");
        }
    }
}
