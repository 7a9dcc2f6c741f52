//! Time expressions in Swedish and English — our own parser, since no crate reads Swedish
//! reliably. `parse` reads the longest time expression at the start of the text and returns the
//! schedule and the rest (the reminder text). Case, Swedish letters and a trailing `.`/`,` are
//! forgiven. Anything ambiguous, impossible or past is an error with examples — never a guess.
//!
//! Grammar (words folded: å, ä → a, ö → o):
//! - relative: `om|in <n> <unit>` — seconds, minutes and hours are exact durations; days, weeks
//!   and months are calendar steps that keep the clock time across DST;
//! - absolute: a day (`idag`, `imorgon`, `i övermorgon`, `ikväll`, `[på|on] <weekday>`,
//!   `nästa|next <weekday>`, `[den] 24 december`, `December 24`, `24/12`, `2026-12-24`) and/or a
//!   time (`kl 9`, `klockan 9`, `09:30`, `9.30`, `at 9`, `9am`, `2pm`, or a bare hour after a day);
//!   a day alone means 09:00 (`ikväll` 19:00);
//! - recurring: `varje|every <weekday>|vardag|weekday|dag|day <time>`, `den 1:a varje månad`,
//!   `on the 1st of every month`, `första måndagen varje kvartal`, `first monday of every quarter`.

use jiff::civil::{Date, Time, Weekday, time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use super::schedule::{Pattern, Rule, WORKDAYS, When, weekday_bit};

/// A day alone means this time.
const DEFAULT_TIME: (i8, i8) = (9, 0);
/// `ikväll` / `tonight` without a time.
const EVENING: (i8, i8) = (19, 0);
/// How far ahead a one-off reminder may be.
const MAX_DAYS_AHEAD: i64 = 5 * 366;

/// A time expression Lots cannot use, with what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    /// In Swedish.
    pub sv: String,
    /// In English.
    pub en: String,
}

const EXAMPLES_SV: &str = "Skriv till exempel: om 10 minuter, imorgon kl 9, på fredag 14, den 24 december 10:00, \
                           2026-12-24 10:00, varje tisdag 09:00, varje vardag 08:30, den 1:a varje månad.";
const EXAMPLES_EN: &str = "For example: in 10 minutes, tomorrow at 9, on friday 2pm, December 24 at 10am, \
                           2026-12-24 10:00, every monday 9am, every weekday 8:30.";

fn error(sv: &str, en: &str) -> TimeError {
    TimeError {
        sv: format!("{sv} {EXAMPLES_SV}"),
        en: format!("{en} {EXAMPLES_EN}"),
    }
}

/// A word of the input: folded, and where it is in the original.
#[derive(Debug, Clone)]
struct Token {
    word: String,
    end: usize,
}

fn tokens(input: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in input
        .char_indices()
        .chain(std::iter::once((input.len(), ' ')))
    {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let raw = &input[s..i];
                let word = fold(raw.trim_end_matches([',', '.', '!', '?']));
                out.push(Token { word, end: i });
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' => 'e',
            c => c,
        })
        .collect()
}

/// Reads the schedule at the start of `input`; returns it and the rest of the input.
pub fn parse<'a>(
    input: &'a str,
    now: Timestamp,
    tz: &TimeZone,
) -> Result<(When, &'a str), TimeError> {
    let toks = tokens(input);
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        now,
        tz,
    };
    let when = p.expression()?;
    let rest = if p.pos == 0 {
        input
    } else {
        input[toks[p.pos - 1].end..]
            .trim_start_matches([',', ':', ' ', '–', '-'])
            .trim()
    };
    Ok((when, rest))
}

struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    now: Timestamp,
    tz: &'t TimeZone,
}

impl Parser<'_> {
    fn peek(&self, ahead: usize) -> Option<&str> {
        self.toks.get(self.pos + ahead).map(|t| t.word.as_str())
    }

    fn eat(&mut self, words: &[&str]) -> bool {
        if self.peek(0).is_some_and(|w| words.contains(&w)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_seq(&mut self, words: &[&str]) -> bool {
        if words
            .iter()
            .enumerate()
            .all(|(i, w)| self.peek(i) == Some(w))
        {
            self.pos += words.len();
            true
        } else {
            false
        }
    }

    fn expression(&mut self) -> Result<When, TimeError> {
        if self.eat(&["om", "in"]) {
            return self.relative();
        }
        if self.eat(&["varje", "every"]) {
            return self.every();
        }
        if let Some(when) = self.monthly()? {
            return Ok(when);
        }
        self.absolute()
    }

    /// `om 10 minuter`, `in 2 hours`.
    fn relative(&mut self) -> Result<When, TimeError> {
        let n = self.peek(0).and_then(number).ok_or_else(|| {
            error(
                "Jag förstår inte hur länge: skriv ett tal efter \"om\".",
                "I don't understand how long: write a number after \"in\".",
            )
        })?;
        self.pos += 1;
        let unit = self.peek(0).unwrap_or_default().to_owned();
        self.pos += 1;
        if n <= 0 {
            return Err(error(
                "Tiden måste ligga framåt.",
                "The time must be in the future.",
            ));
        }
        let exact = |secs: i64| self.now.checked_add(SignedDuration::from_secs(secs)).ok();
        let at = match unit.as_str() {
            "sekund" | "sekunder" | "sek" | "s" | "second" | "seconds" | "sec" | "secs" => exact(n),
            "minut" | "minuter" | "min" | "minute" | "minutes" | "mins" => exact(n * 60),
            "timme" | "timmar" | "tim" | "h" | "hour" | "hours" => exact(n * 3600),
            "dag" | "dagar" | "day" | "days" => self.calendar(n.days()),
            "vecka" | "veckor" | "week" | "weeks" => self.calendar(n.weeks()),
            "manad" | "manader" | "month" | "months" => self.calendar(n.months()),
            _ => {
                return Err(error(
                    "Jag förstår inte tidsenheten: skriv sekunder, minuter, timmar, dagar, veckor eller månader.",
                    "I don't understand the unit: write seconds, minutes, hours, days, weeks or months.",
                ));
            }
        };
        let at = at.ok_or_else(|| {
            error(
                "Den tiden kan jag inte räkna ut.",
                "I cannot compute that time.",
            )
        })?;
        self.check_future(at)
    }

    fn calendar(&self, span: jiff::Span) -> Option<Timestamp> {
        self.now
            .to_zoned_datetime(self.tz.clone())
            .checked_add(span)
            .ok()
            .map(|z| z.timestamp())
    }

    /// After `varje`/`every`.
    fn every(&mut self) -> Result<When, TimeError> {
        let pattern = if self.eat(&["dag", "day"]) {
            Pattern::Daily
        } else if self.eat(&["vardag", "weekday", "workday"]) {
            Pattern::Weekdays(WORKDAYS)
        } else if let Some(w) = self.peek(0).and_then(weekday) {
            self.pos += 1;
            let mut mask = weekday_bit(w);
            // "varje måndag och torsdag", "every monday and thursday"
            while self.peek(0).is_some_and(|x| x == "och" || x == "and")
                && let Some(w2) = self.peek(1).and_then(weekday)
            {
                mask |= weekday_bit(w2);
                self.pos += 2;
            }
            Pattern::Weekdays(mask)
        } else {
            return Err(error(
                "Efter \"varje\" behöver jag en veckodag, \"vardag\" eller \"dag\".",
                "After \"every\" I need a weekday, \"weekday\" or \"day\".",
            ));
        };
        let time = self
            .time_of_day()?
            .unwrap_or_else(|| time(DEFAULT_TIME.0, DEFAULT_TIME.1, 0, 0));
        Ok(When::Every(Rule { pattern, time }))
    }

    /// `den 1:a varje månad`, `on the 1st of every month`, `första måndagen varje kvartal`,
    /// `first monday of every quarter`; `None` when the input is not one of these.
    fn monthly(&mut self) -> Result<Option<When>, TimeError> {
        let save = self.pos;
        self.eat(&["den", "on"]);
        self.eat(&["the"]);
        let pattern = if let Some(d) = self.peek(0).and_then(day_ordinal) {
            self.pos += 1;
            Some(Pattern::MonthDay(d))
        } else if let Some(nth) = self.peek(0).and_then(nth_ordinal)
            && let Some(w) = self.peek(1).and_then(weekday)
        {
            self.pos += 2;
            Some(Pattern::NthWeekday {
                nth,
                weekday: w,
                every: 1,
            })
        } else {
            None
        };
        let Some(mut pattern) = pattern else {
            self.pos = save;
            return Ok(None);
        };
        self.eat(&["i", "of"]);
        if !self.eat(&["varje", "every"]) {
            self.pos = save;
            return Ok(None);
        }
        let every = if self.eat(&["manad", "month"]) {
            1
        } else if self.eat(&["kvartal", "quarter"]) {
            3
        } else {
            return Err(error(
                "Skriv \"varje månad\" eller \"varje kvartal\".",
                "Write \"every month\" or \"every quarter\".",
            ));
        };
        match &mut pattern {
            Pattern::NthWeekday { every: e, .. } => *e = every,
            Pattern::MonthDay(_) if every == 3 => {
                return Err(error(
                    "En dag i månaden kvartalsvis förstår jag inte; skriv t.ex. \"första måndagen varje kvartal\".",
                    "A day of the month every quarter I don't understand; write e.g. \"first monday of every quarter\".",
                ));
            }
            _ => {}
        }
        let time = self
            .time_of_day()?
            .unwrap_or_else(|| time(DEFAULT_TIME.0, DEFAULT_TIME.1, 0, 0));
        Ok(Some(When::Every(Rule { pattern, time })))
    }

    /// A day and/or a time.
    fn absolute(&mut self) -> Result<When, TimeError> {
        let mut default = DEFAULT_TIME;
        let day = self.day(&mut default)?;
        let time = match self.time_of_day()? {
            Some(t) => Some(t),
            // "på fredag 14": a bare hour right after a day.
            None if day.is_some() => self.bare_hour(),
            None => None,
        };
        // A time first, then the day: "kl 9 imorgon", "at 9 tomorrow".
        let day = match (day, time) {
            (None, Some(_)) => self.day(&mut default)?,
            (d, _) => d,
        };
        let (date, time) = match (day, time) {
            (None, None) => {
                return Err(error(
                    "Jag hittar ingen tid i början av påminnelsen.",
                    "I find no time at the start of the reminder.",
                ));
            }
            (Some(d), t) => (
                d,
                t.unwrap_or_else(|| jiff::civil::time(default.0, default.1, 0, 0)),
            ),
            (None, Some(t)) => (self.today(), t),
        };
        let at = date
            .to_datetime(time)
            .to_zoned_datetime(self.tz.clone())
            .map_err(|_| error("Den tiden finns inte.", "That time does not exist."))?
            .timestamp();
        self.check_future(at)
    }

    fn today(&self) -> Date {
        self.now.to_zoned_datetime(self.tz.clone()).date()
    }

    /// A day expression, if one is here.
    fn day(&mut self, default: &mut (i8, i8)) -> Result<Option<Date>, TimeError> {
        let today = self.today();
        let add = |n: i64| today.checked_add(n.days()).ok();
        if self.eat(&["idag", "today"]) || self.eat_seq(&["i", "dag"]) {
            return Ok(Some(today));
        }
        if self.eat(&["imorgon", "tomorrow"]) || self.eat_seq(&["i", "morgon"]) {
            return Ok(add(1));
        }
        if self.eat(&["overmorgon", "iovermorgon"]) || self.eat_seq(&["i", "overmorgon"]) {
            return Ok(add(2));
        }
        if self.eat(&["ikvall", "tonight"]) || self.eat_seq(&["i", "kvall"]) {
            *default = EVENING;
            return Ok(Some(today));
        }
        let save = self.pos;
        let next = self.eat(&["nasta", "next"]);
        if !next {
            self.eat(&["pa", "on"]);
        }
        if let Some(w) = self.peek(0).and_then(weekday) {
            self.pos += 1;
            // The coming one; "nästa"/"next" never means today.
            let ahead = match i64::from(today.weekday().until(w)) {
                0 if next => 7,
                n => n,
            };
            return Ok(add(ahead));
        }
        self.pos = save;
        self.date()
    }

    /// `[den] 24 december [2026]`, `December 24 [2026]`, `24/12[/2026]`, `2026-12-24`.
    fn date(&mut self) -> Result<Option<Date>, TimeError> {
        let save = self.pos;
        self.eat(&["den", "on", "the"]);
        let Some(word) = self.peek(0).map(str::to_owned) else {
            self.pos = save;
            return Ok(None);
        };
        let found: Option<(i16, i8, i8, bool)> = if let Some((y, m, d)) = iso_date(&word) {
            self.pos += 1;
            Some((y, m, d, true))
        } else if let Some((d, m, y)) = slash_date(&word) {
            self.pos += 1;
            Some((y.unwrap_or(0), m, d, y.is_some()))
        } else if let Some(d) = day_number(&word)
            && let Some(m) = self.peek(1).and_then(month)
        {
            self.pos += 2;
            let y = self.peek(0).and_then(year);
            if y.is_some() {
                self.pos += 1;
            }
            Some((y.unwrap_or(0), m, d, y.is_some()))
        } else if let Some(m) = month(&word)
            && let Some(d) = self.peek(1).and_then(day_number)
        {
            self.pos += 2;
            let y = self.peek(0).and_then(year);
            if y.is_some() {
                self.pos += 1;
            }
            Some((y.unwrap_or(0), m, d, y.is_some()))
        } else {
            None
        };
        let Some((y, m, d, has_year)) = found else {
            self.pos = save;
            return Ok(None);
        };
        let today = self.today();
        let invalid = || error("Det datumet finns inte.", "That date does not exist.");
        if has_year {
            return Date::new(y, m, d).map(Some).map_err(|_| invalid());
        }
        // Without a year: the next time that date comes (today counts).
        let this_year = Date::new(today.year(), m, d);
        let next_year = Date::new(today.year() + 1, m, d);
        match (this_year, next_year) {
            (Ok(date), _) if date >= today => Ok(Some(date)),
            (_, Ok(date)) => Ok(Some(date)),
            _ => Err(invalid()),
        }
    }

    /// `kl 9`, `kl. 09:30`, `klockan 9`, `09:30`, `9.30`, `at 9`, `at 9am`, `9am`, `2pm`.
    fn time_of_day(&mut self) -> Result<Option<Time>, TimeError> {
        let save = self.pos;
        let marked = self.eat(&["kl", "klockan", "at"]);
        let Some(word) = self.peek(0).map(str::to_owned) else {
            self.pos = save;
            return Ok(None);
        };
        let ampm = self.peek(1).map(str::to_owned);
        let parsed = clock_time(&word, ampm.as_deref());
        match parsed {
            // A bare number is a time only after "kl"/"at" (or a day: see bare_hour).
            Some((_, _, true)) if !marked => {
                self.pos = save;
                Ok(None)
            }
            Some((t, used, _)) if t.is_some() => {
                self.pos += used;
                Ok(t)
            }
            Some(_) => Err(error(
                "Den tiden finns inte (timmar 0–23, minuter 0–59).",
                "That time does not exist (hours 0–23, minutes 0–59).",
            )),
            None if marked => Err(error(
                "Efter \"kl\" behöver jag en tid, som 9 eller 09:30.",
                "After \"at\" I need a time, like 9 or 09:30.",
            )),
            None => {
                self.pos = save;
                Ok(None)
            }
        }
    }

    fn bare_hour(&mut self) -> Option<Time> {
        let h: i8 = self.peek(0)?.parse().ok()?;
        let t = Time::new(h, 0, 0, 0).ok()?;
        self.pos += 1;
        Some(t)
    }

    fn check_future(&self, at: Timestamp) -> Result<When, TimeError> {
        if at <= self.now {
            return Err(error(
                "Den tiden har redan varit.",
                "That time has already passed.",
            ));
        }
        if at.duration_since(self.now) > SignedDuration::from_hours(24 * MAX_DAYS_AHEAD) {
            return Err(error(
                "Så långt fram kan jag inte påminna (högst fem år).",
                "I cannot remind that far ahead (five years at most).",
            ));
        }
        Ok(When::Once(at))
    }
}

/// `09:30`, `9.30`, `9am`, `2pm`, `9:30pm`, `9 pm`, or a bare `9`. Returns the time (None
/// when out of range), how many tokens it used, and whether it was a bare number (a time only
/// after "kl"/"at" or a day); `None` when this is not a time at all.
fn clock_time(word: &str, next: Option<&str>) -> Option<(Option<Time>, usize, bool)> {
    let (body, suffix, used) = if let Some(b) = word.strip_suffix("am") {
        (b, Some(false), 1)
    } else if let Some(b) = word.strip_suffix("pm") {
        (b, Some(true), 1)
    } else if matches!(next, Some("am" | "pm")) {
        (word, Some(next == Some("pm")), 2)
    } else {
        (word, None, 1)
    };
    let (h, m) = match body.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h, m),
        Some(_) => return None,
        None => (body, "0"),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if h.len() > 2 || !digits(h) || !digits(m) {
        return None;
    }
    let bare = suffix.is_none() && !body.contains([':', '.']);
    let mut h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    if let Some(pm) = suffix {
        if !(1..=12).contains(&h) {
            return Some((None, used, bare));
        }
        h = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    Some((Time::new(h, m, 0, 0).ok(), used, bare))
}

fn number(word: &str) -> Option<i64> {
    if let Ok(n) = word.parse() {
        return Some(n);
    }
    Some(match word {
        "en" | "ett" | "a" | "an" | "one" => 1,
        "tva" | "two" => 2,
        "tre" | "three" => 3,
        "fyra" | "four" => 4,
        "fem" | "five" => 5,
        "sex" | "six" => 6,
        "sju" | "seven" => 7,
        "atta" | "eight" => 8,
        "nio" | "nine" => 9,
        "tio" | "ten" => 10,
        "elva" | "eleven" => 11,
        "tolv" | "twelve" => 12,
        "femton" | "fifteen" => 15,
        "tjugo" | "twenty" => 20,
        "trettio" | "thirty" => 30,
        _ => return None,
    })
}

/// A weekday's name or a short form that is no other common word (so not "mån"/"man",
/// "sön"/"son", "tor", which begin reminder texts too often).
fn weekday(word: &str) -> Option<Weekday> {
    let w = word.trim_end_matches("en"); // "måndagen" → "mandag"
    Some(match (word, w) {
        ("mandag" | "monday" | "mon", _) | (_, "mandag") => Weekday::Monday,
        ("tisdag" | "tuesday" | "tue" | "tis", _) | (_, "tisdag") => Weekday::Tuesday,
        ("onsdag" | "wednesday" | "wed" | "ons", _) | (_, "onsdag") => Weekday::Wednesday,
        ("torsdag" | "thursday" | "thu" | "tors", _) | (_, "torsdag") => Weekday::Thursday,
        ("fredag" | "friday" | "fri" | "fre", _) | (_, "fredag") => Weekday::Friday,
        ("lordag" | "saturday" | "sat" | "lor", _) | (_, "lordag") => Weekday::Saturday,
        ("sondag" | "sunday" | "sun", _) | (_, "sondag") => Weekday::Sunday,
        _ => return None,
    })
}

fn month(word: &str) -> Option<i8> {
    Some(match word {
        "januari" | "january" | "jan" => 1,
        "februari" | "february" | "feb" => 2,
        "mars" | "march" | "mar" => 3,
        "april" | "apr" => 4,
        "maj" | "may" => 5,
        "juni" | "june" | "jun" => 6,
        "juli" | "july" | "jul" => 7,
        "augusti" | "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "oktober" | "october" | "okt" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

fn day_number(word: &str) -> Option<i8> {
    let d: i8 = word.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

/// `1:a`, `2:a`, `3:e`, `1st`, `2nd`, `3rd`, `15th` — an ordinal day (a plain number too, after
/// `den`, is handled by the caller's grammar).
fn day_ordinal(word: &str) -> Option<i8> {
    let digits = word
        .strip_suffix(":a")
        .or_else(|| word.strip_suffix(":e"))
        .or_else(|| word.strip_suffix("st"))
        .or_else(|| word.strip_suffix("nd"))
        .or_else(|| word.strip_suffix("rd"))
        .or_else(|| word.strip_suffix("th"))
        .unwrap_or(word);
    day_number(digits)
}

fn nth_ordinal(word: &str) -> Option<i8> {
    Some(match word {
        "forsta" | "first" => 1,
        "andra" | "second" => 2,
        "tredje" | "third" => 3,
        "fjarde" | "fourth" => 4,
        "sista" | "last" => -1,
        _ => return None,
    })
}

fn year(word: &str) -> Option<i16> {
    let y: i16 = word.parse().ok()?;
    (2000..=2100).contains(&y).then_some(y)
}

fn iso_date(word: &str) -> Option<(i16, i8, i8)> {
    let mut parts = word.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
}

/// `24/12` or `24/12/2026` (day first, as in Sweden).
fn slash_date(word: &str) -> Option<(i8, i8, Option<i16>)> {
    let mut parts = word.split('/');
    let d = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let y = match parts.next() {
        Some(y) => Some(y.parse().ok()?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((d, m, y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn sthlm() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    /// Saturday 28 November 2026, 10:00 in Stockholm.
    fn now() -> Timestamp {
        at(2026, 11, 28, 10, 0)
    }

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned_datetime(sthlm())
            .unwrap()
            .timestamp()
    }

    fn once(input: &str, now: Timestamp) -> String {
        match parse(&format!("{input} ring tolken"), now, &sthlm()) {
            Ok((When::Once(t), rest)) => {
                assert_eq!(rest, "ring tolken", "{input}");
                t.to_zoned_datetime(sthlm()).datetime().to_string()
            }
            other => panic!("{input}: {other:?}"),
        }
    }

    #[test]
    fn one_off_times_in_swedish_and_english() {
        let cases = [
            ("om 30 sekunder", "2026-11-28T10:00:30"),
            ("om 10 minuter", "2026-11-28T10:10:00"),
            ("om 2 timmar", "2026-11-28T12:00:00"),
            ("om 3 dagar", "2026-12-01T10:00:00"),
            ("om två veckor", "2026-12-12T10:00:00"),
            ("imorgon kl 9", "2026-11-29T09:00:00"),
            ("i morgon 09:30", "2026-11-29T09:30:00"),
            ("på fredag 14", "2026-12-04T14:00:00"),
            ("nästa måndag", "2026-11-30T09:00:00"),
            ("den 24 december 10:00", "2026-12-24T10:00:00"),
            ("24/12 10:00", "2026-12-24T10:00:00"),
            ("2026-12-24 10:00", "2026-12-24T10:00:00"),
            ("ikväll", "2026-11-28T19:00:00"),
            ("in 30 seconds", "2026-11-28T10:00:30"),
            ("in 10 minutes", "2026-11-28T10:10:00"),
            ("tomorrow at 9", "2026-11-29T09:00:00"),
            ("next monday", "2026-11-30T09:00:00"),
            ("on friday 2pm", "2026-12-04T14:00:00"),
            ("December 24 at 10am", "2026-12-24T10:00:00"),
            ("OM 10 MINUTER", "2026-11-28T10:10:00"),
            ("Imorgon Kl. 9", "2026-11-29T09:00:00"),
            ("klockan 15", "2026-11-28T15:00:00"),
            ("kl 9.30 imorgon", "2026-11-29T09:30:00"),
            ("om en timme", "2026-11-28T11:00:00"),
            ("om 1 månad", "2026-12-28T10:00:00"),
            ("i övermorgon", "2026-11-30T09:00:00"),
            ("ikvall kl 20", "2026-11-28T20:00:00"),
            ("tonight", "2026-11-28T19:00:00"),
            ("on sunday", "2026-11-29T09:00:00"),
            ("nästa lördag", "2026-12-05T09:00:00"),
            ("2 januari", "2027-01-02T09:00:00"),
            ("den 2 januari 2027 kl 8", "2027-01-02T08:00:00"),
            ("jan 15", "2027-01-15T09:00:00"),
            ("15 jan 13:15", "2027-01-15T13:15:00"),
            ("28/11 12:00", "2026-11-28T12:00:00"),
            ("1/12/2026 8:00", "2026-12-01T08:00:00"),
            ("today at 5pm", "2026-11-28T17:00:00"),
            ("idag 16", "2026-11-28T16:00:00"),
            ("i dag kl 11:45", "2026-11-28T11:45:00"),
            ("at 11pm", "2026-11-28T23:00:00"),
            ("kl 23:59", "2026-11-28T23:59:00"),
            ("in 2 weeks", "2026-12-12T10:00:00"),
            ("in three days", "2026-12-01T10:00:00"),
            ("om tjugo minuter", "2026-11-28T10:20:00"),
            ("om 45 min", "2026-11-28T10:45:00"),
            ("in 1 hour", "2026-11-28T11:00:00"),
            ("next friday at 9:30", "2026-12-04T09:30:00"),
            ("fredag 8", "2026-12-04T08:00:00"),
            ("monday 10am", "2026-11-30T10:00:00"),
            ("at 12 am tomorrow", "2026-11-29T00:00:00"),
            ("den 31 december kl 23.30", "2026-12-31T23:30:00"),
            ("fre 18", "2026-12-04T18:00:00"),
        ];
        for (input, want) in cases {
            assert_eq!(once(input, now()), want, "{input}");
        }
    }

    fn every(input: &str) -> (String, String) {
        match parse(input, now(), &sthlm()) {
            Ok((When::Every(rule), rest)) => (rule.encode(), rest.to_owned()),
            other => panic!("{input}: {other:?}"),
        }
    }

    #[test]
    fn recurring_rules_in_swedish_and_english() {
        let tue = weekday_bit(Weekday::Tuesday);
        let mon = weekday_bit(Weekday::Monday);
        let mon_thu = mon | weekday_bit(Weekday::Thursday);
        let cases = [
            (
                "varje tisdag 09:00 nätverksmöte",
                format!("weekdays {tue} 09:00"),
                "nätverksmöte",
            ),
            (
                "varje vardag 08:30 kolla mejlen",
                format!("weekdays {WORKDAYS} 08:30"),
                "kolla mejlen",
            ),
            (
                "första måndagen varje kvartal 10:00 samverkan",
                "nth 1 1 3 10:00".to_owned(),
                "samverkan",
            ),
            (
                "every monday 9am team",
                format!("weekdays {mon} 09:00"),
                "team",
            ),
            (
                "den 1:a varje månad rapport",
                "monthday 1 09:00".to_owned(),
                "rapport",
            ),
            (
                "every weekday at 8:30 standup",
                format!("weekdays {WORKDAYS} 08:30"),
                "standup",
            ),
            ("every day at 7 check", "daily 07:00".to_owned(), "check"),
            ("varje dag kl 7 kolla", "daily 07:00".to_owned(), "kolla"),
            (
                "on the 1st of every month at 10am report",
                "monthday 1 10:00".to_owned(),
                "report",
            ),
            (
                "first monday of every quarter network",
                "nth 1 1 3 09:00".to_owned(),
                "network",
            ),
            (
                "varje måndag och torsdag kl 13 jour",
                format!("weekdays {mon_thu} 13:00"),
                "jour",
            ),
            (
                "sista fredagen varje månad 15:00 fika",
                "nth -1 5 1 15:00".to_owned(),
                "fika",
            ),
            (
                "den 15 varje månad kl 12 lön",
                "monthday 15 12:00".to_owned(),
                "lön",
            ),
        ];
        for (input, rule, rest) in cases {
            assert_eq!(every(input), (rule, rest.to_owned()), "{input}");
        }
    }

    #[test]
    fn ambiguous_impossible_or_past_times_are_errors_with_examples() {
        for input in [
            "om 10 ring",
            "om 0 minuter",
            "igår kl 9",
            "kl 25",
            "kl 9:75",
            "31/02",
            "2026-11-27 10:00",
            "idag kl 9",
            "på lördag",
            "ring tolken",
            "varje",
            "om 10 år",
            "13pm",
            "den 1:a varje kvartal",
            "2032-01-01 10:00",
            "",
            "5 samtal att ringa",
            "man måste ringa tolken",
        ] {
            let e = parse(input, now(), &sthlm())
                .err()
                .unwrap_or_else(|| panic!("{input:?} was accepted"));
            assert!(
                e.sv.contains("till exempel") && e.en.contains("For example"),
                "{input}: {e:?}"
            );
        }
    }

    #[test]
    fn daylight_saving_time_is_handled() {
        // Spring forward on Sunday 28 March 2027: 02:00–03:00 does not exist.
        let sat = at(2027, 3, 27, 10, 0);
        assert_eq!(once("imorgon kl 02:30", sat), "2027-03-28T03:30:00");
        // Fall back on Sunday 25 October 2026: 02:00–03:00 happens twice; the first counts.
        let (when, _) = parse("imorgon kl 02:30 x", at(2026, 10, 24, 10, 0), &sthlm()).unwrap();
        assert_eq!(when, When::Once("2026-10-25T00:30:00Z".parse().unwrap()));
        // "om 20 dagar" keeps the clock time across the change; hours are exact.
        assert_eq!(
            once("om 20 dagar", at(2026, 10, 10, 9, 0)),
            "2026-10-30T09:00:00"
        );
        assert_eq!(
            once("om 24 timmar", at(2026, 10, 24, 12, 0)),
            "2026-10-25T11:00:00"
        );
        // A summer date asked for in winter fires at that wall-clock time (CEST).
        let (when, _) = parse("2027-06-15 10:00 x", now(), &sthlm()).unwrap();
        assert_eq!(when, When::Once("2027-06-15T08:00:00Z".parse().unwrap()));
    }
}
