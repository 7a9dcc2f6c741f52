//! When a reminder fires: once at an instant, or by a rule (every Tuesday 09:00, every weekday,
//! the 1st of every month, the first Monday of every quarter). Rules are wall-clock rules in a
//! time zone: the next occurrence is computed from local dates, so DST never moves the clock
//! time. A local time that does not exist (the spring gap) fires at the same offset after the
//! gap (02:30 → 03:30); one that occurs twice (the autumn overlap) fires the first time.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, ZonedDateTime};

/// The days a rule fires on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// Every day.
    Daily,
    /// On these weekdays (bit `n` = Monday + n).
    Weekdays(u8),
    /// On this day of every month (clamped to the month's last day).
    MonthDay(i8),
    /// The `nth` `weekday` of every month (`every` 1) or every quarter (`every` 3).
    NthWeekday {
        /// 1–4, or -1 for the last.
        nth: i8,
        /// Which weekday.
        weekday: Weekday,
        /// 1: every month; 3: January, April, July and October.
        every: i8,
    },
}

/// A recurring rule: days and a wall-clock time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The days.
    pub pattern: Pattern,
    /// The local time.
    pub time: Time,
}

/// Monday to Friday.
pub const WORKDAYS: u8 = 0b0001_1111;

/// The bit of `weekday` in [`Pattern::Weekdays`].
pub fn weekday_bit(weekday: Weekday) -> u8 {
    1 << weekday.to_monday_zero_offset()
}

impl Rule {
    /// The first occurrence strictly after `after`, in `tz`.
    pub fn next_after(&self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let start = after.to_zoned_datetime(tz.clone()).date();
        let mut day = start;
        // Look far enough ahead for every pattern (a quarter plus a month), then give up.
        for _ in 0..400 {
            if self.fires_on(day)
                && let Ok(at) = day.to_datetime(self.time).to_zoned_datetime(tz.clone())
                && at.timestamp() > after
            {
                return Some(at.timestamp());
            }
            day = day.tomorrow().ok()?;
        }
        None
    }

    fn fires_on(&self, day: Date) -> bool {
        match &self.pattern {
            Pattern::Daily => true,
            Pattern::Weekdays(mask) => mask & weekday_bit(day.weekday()) != 0,
            Pattern::MonthDay(d) => day.day() == (*d).min(day.days_in_month()),
            Pattern::NthWeekday {
                nth,
                weekday,
                every,
            } => {
                (day.month() - 1) % every == 0
                    && day
                        .first_of_month()
                        .nth_weekday_of_month(*nth, *weekday)
                        .ok()
                        == Some(day)
            }
        }
    }

    /// A compact text form for the database, read back by [`Rule::decode`].
    pub fn encode(&self) -> String {
        let time = format!("{:02}:{:02}", self.time.hour(), self.time.minute());
        match &self.pattern {
            Pattern::Daily => format!("daily {time}"),
            Pattern::Weekdays(mask) => format!("weekdays {mask} {time}"),
            Pattern::MonthDay(d) => format!("monthday {d} {time}"),
            Pattern::NthWeekday {
                nth,
                weekday,
                every,
            } => format!(
                "nth {nth} {} {every} {time}",
                weekday.to_monday_one_offset()
            ),
        }
    }

    /// Reads [`Rule::encode`]'s form.
    pub fn decode(s: &str) -> Option<Rule> {
        let parts: Vec<&str> = s.split(' ').collect();
        let time = |t: &str| -> Option<Time> {
            let (h, m) = t.split_once(':')?;
            Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
        };
        let (pattern, t) = match parts.as_slice() {
            ["daily", t] => (Pattern::Daily, t),
            ["weekdays", mask, t] => (Pattern::Weekdays(mask.parse().ok()?), t),
            ["monthday", d, t] => (Pattern::MonthDay(d.parse().ok()?), t),
            ["nth", nth, wd, every, t] => (
                Pattern::NthWeekday {
                    nth: nth.parse().ok()?,
                    weekday: Weekday::from_monday_one_offset(wd.parse().ok()?).ok()?,
                    every: every.parse().ok()?,
                },
                t,
            ),
            _ => return None,
        };
        Some(Rule {
            pattern,
            time: time(t)?,
        })
    }

    /// "varje tisdag kl. 09:00" / "every Tuesday at 09:00".
    pub fn describe(&self, sv: bool) -> String {
        let time = clock(self.time, sv);
        let days = match &self.pattern {
            Pattern::Daily => (if sv { "varje dag" } else { "every day" }).to_owned(),
            Pattern::Weekdays(WORKDAYS) => {
                (if sv { "varje vardag" } else { "every weekday" }).to_owned()
            }
            Pattern::Weekdays(mask) => {
                let names: Vec<&str> = (0..7)
                    .filter(|i| mask & (1 << i) != 0)
                    .filter_map(|i| Weekday::from_monday_zero_offset(i).ok())
                    .map(|w| weekday_name(w, sv))
                    .collect();
                format!(
                    "{} {}",
                    if sv { "varje" } else { "every" },
                    names.join(if sv { " och " } else { " and " })
                )
            }
            Pattern::MonthDay(d) => {
                if sv {
                    format!("den {d} varje månad")
                } else {
                    format!("on day {d} of every month")
                }
            }
            Pattern::NthWeekday {
                nth,
                weekday,
                every,
            } => {
                let period = match (every, sv) {
                    (3, true) => "kvartal",
                    (3, false) => "quarter",
                    (_, true) => "månad",
                    (_, false) => "month",
                };
                let ordinal = ordinal_name(*nth, sv);
                if sv {
                    format!(
                        "{ordinal} {}en varje {period}",
                        weekday_name(*weekday, true)
                    )
                } else {
                    format!(
                        "the {ordinal} {} of every {period}",
                        weekday_name(*weekday, false)
                    )
                }
            }
        };
        format!("{days} {time}")
    }
}

/// What a reminder's schedule is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// Once.
    Once(Timestamp),
    /// Again and again.
    Every(Rule),
}

/// "kl. 14:00" / "at 14:00".
pub fn clock(t: Time, sv: bool) -> String {
    format!(
        "{} {:02}:{:02}",
        if sv { "kl." } else { "at" },
        t.hour(),
        t.minute()
    )
}

/// "fredag 4 december 2026 kl. 14:00" / "Friday 4 December 2026 at 14:00".
pub fn describe_instant(at: Timestamp, tz: &TimeZone, sv: bool) -> String {
    let z: ZonedDateTime = at.to_zoned_datetime(tz.clone());
    let d = z.date();
    format!(
        "{} {} {} {} {}",
        weekday_name(d.weekday(), sv),
        d.day(),
        month_name(d.month(), sv),
        d.year(),
        clock(z.time(), sv)
    )
}

/// A weekday's name: lower case in Swedish, capitalised in English.
pub fn weekday_name(w: Weekday, sv: bool) -> &'static str {
    const SV: [&str; 7] = [
        "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
    ];
    const EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let i = w.to_monday_zero_offset() as usize;
    if sv { SV[i] } else { EN[i] }
}

/// A month's name (1–12).
pub fn month_name(m: i8, sv: bool) -> &'static str {
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = (m.clamp(1, 12) - 1) as usize;
    if sv { SV[i] } else { EN[i] }
}

fn ordinal_name(nth: i8, sv: bool) -> &'static str {
    match (nth, sv) {
        (1, true) => "första",
        (2, true) => "andra",
        (3, true) => "tredje",
        (4, true) => "fjärde",
        (_, true) => "sista",
        (1, false) => "first",
        (2, false) => "second",
        (3, false) => "third",
        (4, false) => "fourth",
        (_, false) => "last",
    }
}

/// `days` calendar days after `at`, at the same wall-clock time in `tz` (DST-proof).
pub fn add_days(at: Timestamp, days: i64, tz: &TimeZone) -> Option<Timestamp> {
    at.to_zoned_datetime(tz.clone())
        .checked_add(days.days())
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn sthlm() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned_datetime(sthlm())
            .unwrap()
            .timestamp()
    }

    fn local(ts: Timestamp) -> String {
        ts.to_zoned_datetime(sthlm()).datetime().to_string()
    }

    #[test]
    fn weekly_rules_keep_the_clock_time_across_dst() {
        let rule = Rule {
            pattern: Pattern::Weekdays(weekday_bit(Weekday::Tuesday)),
            time: time(9, 0, 0, 0),
        };
        // 2026-10-25 is the autumn change in Sweden; 2027-03-28 the spring one.
        let mut t = at(2026, 10, 19, 12, 0);
        let mut got = vec![];
        for _ in 0..3 {
            t = rule.next_after(t, &sthlm()).unwrap();
            got.push(local(t));
        }
        assert_eq!(
            got,
            [
                "2026-10-20T09:00:00",
                "2026-10-27T09:00:00",
                "2026-11-03T09:00:00"
            ]
        );
        let t = rule.next_after(at(2027, 3, 25, 12, 0), &sthlm()).unwrap();
        assert_eq!(local(t), "2027-03-30T09:00:00");
    }

    #[test]
    fn a_time_in_the_spring_gap_fires_after_it_and_one_in_the_autumn_overlap_fires_once() {
        let rule = Rule {
            pattern: Pattern::Daily,
            time: time(2, 30, 0, 0),
        };
        let gap = rule.next_after(at(2027, 3, 27, 12, 0), &sthlm()).unwrap();
        assert_eq!(
            local(gap),
            "2027-03-28T03:30:00",
            "02:30 does not exist that night"
        );
        let overlap = rule.next_after(at(2026, 10, 24, 12, 0), &sthlm()).unwrap();
        assert_eq!(
            overlap.to_string(),
            "2026-10-25T00:30:00Z",
            "the first 02:30 (summer time)"
        );
        let next = rule.next_after(overlap, &sthlm()).unwrap();
        assert_eq!(
            local(next),
            "2026-10-26T02:30:00",
            "not again an hour later"
        );
    }

    #[test]
    fn monthly_and_quarterly_rules() {
        let first_monday_quarterly = Rule {
            pattern: Pattern::NthWeekday {
                nth: 1,
                weekday: Weekday::Monday,
                every: 3,
            },
            time: time(10, 0, 0, 0),
        };
        let t = first_monday_quarterly
            .next_after(at(2026, 11, 28, 12, 0), &sthlm())
            .unwrap();
        assert_eq!(local(t), "2027-01-04T10:00:00");
        let t = first_monday_quarterly.next_after(t, &sthlm()).unwrap();
        assert_eq!(local(t), "2027-04-05T10:00:00");
        let the_31st = Rule {
            pattern: Pattern::MonthDay(31),
            time: time(8, 0, 0, 0),
        };
        let t = the_31st.next_after(at(2027, 2, 1, 0, 0), &sthlm()).unwrap();
        assert_eq!(
            local(t),
            "2027-02-28T08:00:00",
            "clamped to the month's last day"
        );
        let workdays = Rule {
            pattern: Pattern::Weekdays(WORKDAYS),
            time: time(8, 30, 0, 0),
        };
        let t = workdays
            .next_after(at(2026, 11, 27, 9, 0), &sthlm())
            .unwrap();
        assert_eq!(
            local(t),
            "2026-11-30T08:30:00",
            "Friday after 08:30 → Monday"
        );
    }

    #[test]
    fn rules_survive_the_database_and_read_well() {
        for rule in [
            Rule {
                pattern: Pattern::Daily,
                time: time(7, 5, 0, 0),
            },
            Rule {
                pattern: Pattern::Weekdays(WORKDAYS),
                time: time(8, 30, 0, 0),
            },
            Rule {
                pattern: Pattern::MonthDay(1),
                time: time(9, 0, 0, 0),
            },
            Rule {
                pattern: Pattern::NthWeekday {
                    nth: 1,
                    weekday: Weekday::Monday,
                    every: 3,
                },
                time: time(10, 0, 0, 0),
            },
        ] {
            assert_eq!(Rule::decode(&rule.encode()), Some(rule.clone()));
        }
        let r = Rule {
            pattern: Pattern::NthWeekday {
                nth: 1,
                weekday: Weekday::Monday,
                every: 3,
            },
            time: time(10, 0, 0, 0),
        };
        assert_eq!(r.describe(true), "första måndagen varje kvartal kl. 10:00");
        assert_eq!(
            r.describe(false),
            "the first Monday of every quarter at 10:00"
        );
        assert_eq!(
            describe_instant(at(2026, 12, 4, 14, 0), &sthlm(), true),
            "fredag 4 december 2026 kl. 14:00"
        );
        assert_eq!(
            describe_instant(at(2026, 12, 4, 14, 0), &sthlm(), false),
            "Friday 4 December 2026 at 14:00"
        );
    }

    #[test]
    fn twenty_days_later_is_the_same_clock_time_across_dst() {
        let t = add_days(at(2026, 10, 10, 9, 0), 20, &sthlm()).unwrap();
        assert_eq!(local(t), "2026-10-30T09:00:00");
    }
}
