//! Opening hours in a small readable syntax, and whether a contact is open at a moment:
//! `dygnet runt`, `mån-fre 08:00-16:30`, `vardagar 16:30-08:00, lör-sön dygnet runt`,
//! `mån-tors 08:00-16:30, fre 08:00-15:00`, `alla dagar 07:00-22:00`. A range that ends before it
//! starts is a night line: on those days, open before its end and from its start — so
//! `vardagar 16:30-08:00` is the complement of office hours on weekdays, Monday early morning
//! included. Public holidays are not known: they count as the weekday they fall on.

use jiff::ZonedDateTime;
use jiff::civil::{Time, Weekday};

/// Opening hours: open when any of the rules is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    rules: Vec<HoursRule>,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct HoursRule {
    /// Bit n = Monday + n.
    days: u8,
    /// `None`: all day.
    span: Option<(Time, Time)>,
}

const ALL_DAYS: u8 = 0b111_1111;
const WEEKDAYS: u8 = 0b001_1111;

impl Hours {
    /// Parses the syntax above; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Hours, String> {
        let mut rules = Vec::new();
        for part in text.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(format!("{text:?}: an empty part between commas"));
            }
            rules.push(rule(part).map_err(|e| format!("{text:?}: {e}"))?);
        }
        Ok(Hours {
            rules,
            text: text.trim().to_owned(),
        })
    }

    /// The hours as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Open at `at` (in its own time zone).
    pub fn is_open(&self, at: &ZonedDateTime) -> bool {
        let day = bit(at.date().weekday());
        let t = at.time();
        self.rules
            .iter()
            .filter(|r| r.days & day != 0)
            .any(|r| match r.span {
                None => true,
                Some((from, to)) if from < to => from <= t && t < to,
                Some((from, to)) => t >= from || t < to,
            })
    }

    /// Open at every moment.
    pub fn always(&self) -> bool {
        self.rules
            .iter()
            .any(|r| r.days == ALL_DAYS && r.span.is_none())
    }
}

fn bit(w: Weekday) -> u8 {
    1 << w.to_monday_zero_offset()
}

fn rule(part: &str) -> Result<HoursRule, String> {
    let lower = part.to_lowercase();
    let (days, rest) = if let Some(rest) = lower.strip_prefix("dygnet runt") {
        if !rest.trim().is_empty() {
            return Err(format!(
                "unexpected {:?} after \"dygnet runt\"",
                rest.trim()
            ));
        }
        return Ok(HoursRule {
            days: ALL_DAYS,
            span: None,
        });
    } else if let Some(rest) = lower.strip_prefix("alla dagar") {
        (ALL_DAYS, rest.trim())
    } else if let Some(rest) = lower.strip_prefix("vardagar") {
        (WEEKDAYS, rest.trim())
    } else {
        let (days, rest) = lower.split_once(' ').ok_or_else(|| {
            format!("{part:?} needs days and times, like \"mån-fre 08:00-16:30\"")
        })?;
        (day_range(days)?, rest.trim())
    };
    if rest == "dygnet runt" || rest == "hela dygnet" {
        return Ok(HoursRule { days, span: None });
    }
    let (from, to) = rest
        .split_once('-')
        .ok_or_else(|| format!("{rest:?} is not a time range like 08:00-16:30"))?;
    let (from, to) = (time(from)?, time(to)?);
    if from == to {
        return Err(format!(
            "{rest:?} starts and ends at the same time; write \"dygnet runt\""
        ));
    }
    Ok(HoursRule {
        days,
        span: Some((from, to)),
    })
}

fn day_range(s: &str) -> Result<u8, String> {
    match s.split_once('-') {
        None => Ok(bit(weekday(s)?)),
        Some((a, b)) => {
            let (mut w, end) = (weekday(a)?, weekday(b)?);
            let mut mask = bit(w);
            while w != end {
                w = w.next();
                mask |= bit(w);
            }
            Ok(mask)
        }
    }
}

fn weekday(s: &str) -> Result<Weekday, String> {
    Ok(match s.trim() {
        "mån" | "måndag" => Weekday::Monday,
        "tis" | "tisdag" => Weekday::Tuesday,
        "ons" | "onsdag" => Weekday::Wednesday,
        "tors" | "tor" | "torsdag" => Weekday::Thursday,
        "fre" | "fredag" => Weekday::Friday,
        "lör" | "lördag" => Weekday::Saturday,
        "sön" | "söndag" => Weekday::Sunday,
        other => {
            return Err(format!(
                "{other:?} is not a weekday (mån, tis, ons, tors, fre, lör, sön)"
            ));
        }
    })
}

fn time(s: &str) -> Result<Time, String> {
    let s = s.trim();
    let (h, m) = s
        .split_once([':', '.'])
        .ok_or_else(|| format!("{s:?} is not a time like 08:00"))?;
    let parse = |x: &str| {
        x.parse::<i8>()
            .map_err(|_| format!("{s:?} is not a time like 08:00"))
    };
    let (h, m) = (parse(h)?, parse(m)?);
    if h == 24 && m == 0 {
        return Ok(Time::MAX);
    }
    Time::new(h, m, 0, 0).map_err(|_| format!("{s:?} is not a time of day"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> ZonedDateTime {
        date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned_datetime(TimeZone::get("Europe/Stockholm").unwrap())
            .unwrap()
    }

    #[test]
    fn office_hours_evenings_weekends_and_nights() {
        let office = Hours::parse("mån-fre 08:00-16:30").unwrap();
        let night = Hours::parse("vardagar 16:30-08:00, lör-sön dygnet runt").unwrap();
        // Friday 27 November 2026.
        let cases = [
            (at(2026, 11, 27, 10, 0), true, false),  // Friday morning
            (at(2026, 11, 27, 16, 30), false, true), // Friday 16:30: the night line takes over
            (at(2026, 11, 27, 23, 0), false, true),  // Friday night
            (at(2026, 11, 28, 3, 0), false, true),   // Saturday small hours
            (at(2026, 11, 29, 12, 0), false, true),  // Sunday noon
            (at(2026, 11, 30, 7, 59), false, true),  // Monday before eight: still the night line
            (at(2026, 11, 30, 8, 0), true, false),   // Monday eight
            (at(2026, 12, 1, 12, 0), true, false),   // Tuesday noon
        ];
        for (t, o, n) in cases {
            assert_eq!(office.is_open(&t), o, "office at {t}");
            assert_eq!(night.is_open(&t), n, "night at {t}");
        }
    }

    #[test]
    fn the_dst_day_is_an_ordinary_day_by_the_clock() {
        let office = Hours::parse("mån-fre 08:00-16:30").unwrap();
        // Monday after the spring change (29 March 2027) and Monday after the autumn one.
        assert!(office.is_open(&at(2027, 3, 29, 8, 0)));
        assert!(office.is_open(&at(2026, 10, 26, 16, 29)));
        assert!(!office.is_open(&at(2026, 10, 25, 12, 0)), "a Sunday");
        let always = Hours::parse("dygnet runt").unwrap();
        assert!(always.always() && always.is_open(&at(2026, 10, 25, 2, 30)));
    }

    #[test]
    fn bad_hours_are_errors_that_say_why() {
        for (text, why) in [
            ("mån-fre", "needs days and times"),
            ("mon-fri 08:00-16:00", "not a weekday"),
            ("mån-fre 8-16", "not a time like"),
            ("mån-fre 08:00-25:00", "not a time of day"),
            ("mån-fre 08:00", "not a time range"),
            ("mån-fre 08:00-16:00,", "empty part"),
            ("tis 10:00-10:00", "same time"),
        ] {
            let e = Hours::parse(text).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
        assert!(Hours::parse("mån-tors 08:00-16:30, fre 08:00-15:00").is_ok());
        assert!(Hours::parse("alla dagar 07:00-22:00").is_ok());
        assert!(Hours::parse("lör-sön 10.00-14.00").is_ok());
    }
}
