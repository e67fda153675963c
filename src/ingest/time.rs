//! Timestamps as logs write them: ISO dates (`2021-06-23 13:37:21.378583`, `2024/11/19 …`,
//! `…T15:36:46.305Z`), syslog dates without a year (`Nov 15 16:39:57`, `mar 26 19:42:29`),
//! JavaScript and RFC 1123 dates (`Thu Nov 27 2014 22:26:22`, `Sat, 19 Dec 2020 10:45:13`) and
//! bare times of day (`13:37:21.379109`, `18:14:08.505`, `11:28:04:774`, `00:11:29`).
//!
//! Fractions may follow a dot, a comma or (belle-sip) a colon. See the module doc of
//! [`crate::ingest`] for what [`Timestamp::micros`] counts when there is no year.

use super::Timestamp;

const MICROS_PER_DAY: i64 = 86_400 * 1_000_000;

/// Reads a timestamp at the start of `s` (after optional `[`, `*` or `(`). Returns it with the
/// exact text it was read from.
pub(crate) fn parse_prefix(s: &str) -> Option<(Timestamp, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && i < 2 && matches!(b[i], b'[' | b'*' | b'(') {
        i += 1;
    }
    let (micros, has_date, end) = at(b, i)?;
    // `at` only moves over ASCII, so both ends are char boundaries.
    Some((Timestamp { micros, has_date }, &s[i..end]))
}

/// Looks for a timestamp at the start of `s` or at the start of one of its first few words
/// (`sip-0.6.3.min.js:36 Thu Nov 27 2014 …`, `4c61… 2015-12-21 16:48:31.686664 …`).
pub(crate) fn find(s: &str) -> Option<(Timestamp, &str)> {
    if let Some(t) = parse_prefix(s) {
        return Some(t);
    }
    let b = s.as_bytes();
    let mut words = 0;
    let mut i = 0;
    while i < b.len() && words < 4 {
        if b[i] == b' ' || b[i] == b'\t' {
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            words += 1;
            if i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'[') {
                if let Some(t) = parse_prefix(&s[i..]) {
                    return Some(t);
                }
            }
            continue;
        }
        i += 1;
    }
    None
}

fn digits(b: &[u8], i: usize, n: usize) -> Option<i64> {
    let s = b.get(i..i.checked_add(n)?)?;
    let mut v: i64 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

fn is_digit_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// `HH:MM:SS` with an optional fraction. Returns micros since midnight and the end.
fn time_of_day(b: &[u8], i: usize) -> Option<(i64, usize)> {
    let (h, mut j) = match (digits(b, i, 2), digits(b, i, 1)) {
        (Some(h), _) => (h, i + 2),
        (None, Some(h)) => (h, i + 1),
        _ => return None,
    };
    if b.get(j) != Some(&b':') {
        return None;
    }
    let m = digits(b, j + 1, 2)?;
    if b.get(j + 3) != Some(&b':') {
        return None;
    }
    let s = digits(b, j + 4, 2)?;
    j += 6;
    if h > 24 || m > 59 || s > 60 || is_digit_at(b, j) {
        return None;
    }
    let mut micros = ((h * 60 + m) * 60 + s) * 1_000_000;
    if let Some(&sep) = b.get(j) {
        let frac_start = j + 1;
        let mut k = frac_start;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        let n = k - frac_start;
        // A colon only introduces milliseconds (belle-sip `11:28:04:774`).
        let ok = match sep {
            b'.' | b',' => (1..=9).contains(&n),
            b':' => n == 3,
            _ => false,
        };
        if ok {
            let mut frac = digits(b, frac_start, n.min(6)).unwrap_or(0);
            for _ in n..6 {
                frac *= 10;
            }
            micros += frac;
            j = k;
        }
    }
    Some((micros, j))
}

fn month(b: &[u8], i: usize) -> Option<i64> {
    const MONTHS: [&[u8; 3]; 12] =
        [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    let s = b.get(i..i + 3)?;
    let pos = MONTHS.iter().position(|m| s.eq_ignore_ascii_case(&m[..]))?;
    // the month must be a word of its own (`Mar` but not `March1`… `Marker`)
    if b.get(i + 3).is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(pos as i64 + 1)
}

fn weekday(b: &[u8], i: usize) -> Option<usize> {
    const DAYS: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];
    let s = b.get(i..i + 3)?;
    DAYS.iter().any(|d| s.eq_ignore_ascii_case(&d[..])).then_some(())?;
    let mut j = i + 3;
    if b.get(j) == Some(&b',') {
        j += 1;
    }
    if b.get(j) != Some(&b' ') {
        return None;
    }
    Some(j + 1)
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Day of year (0-based) for a date without a year. February always has 29 days, so dates
/// keep their order whatever the year was.
pub(crate) fn day_of_year(m: i64, d: i64) -> i64 {
    const START: [i64; 12] = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];
    START[(m.clamp(1, 12) - 1) as usize] + d.clamp(1, 31) - 1
}

/// A timestamp for a date and a time of day. `year` absent: day of year (see the module doc).
pub(crate) fn make(year: Option<i64>, m: i64, d: i64, tod: i64) -> Timestamp {
    match year {
        Some(y) => Timestamp { micros: days_from_civil(y, m, d) * MICROS_PER_DAY + tod, has_date: true },
        None => Timestamp { micros: day_of_year(m, d) * MICROS_PER_DAY + tod, has_date: false },
    }
}

fn valid_md(m: i64, d: i64) -> bool {
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// The timestamp starting at byte `i`: (micros, has_date, end).
fn at(b: &[u8], i: usize) -> Option<(i64, bool, usize)> {
    let c = *b.get(i)?;
    if c.is_ascii_digit() {
        // YYYY-MM-DD / YYYY/MM/DD, then a space or `T`, then the time
        if let (Some(y), Some(&sep)) = (digits(b, i, 4), b.get(i + 4)) {
            if (sep == b'-' || sep == b'/') && b.get(i + 7) == Some(&sep) {
                let m = digits(b, i + 5, 2)?;
                let d = digits(b, i + 8, 2)?;
                if !valid_md(m, d) || !matches!(b.get(i + 10), Some(b' ' | b'T')) {
                    return None;
                }
                let (tod, mut end) = time_of_day(b, i + 11)?;
                if b.get(end) == Some(&b'Z') {
                    end += 1;
                }
                let t = make(Some(y), m, d, tod);
                return Some((t.micros, true, end));
            }
        }
        if let Some((tod, end)) = time_of_day(b, i) {
            return Some((tod, false, end));
        }
        // RFC 1123 after the weekday: `19 Dec 2020 10:45:13`
        let (d, j) = match (digits(b, i, 2), digits(b, i, 1)) {
            (Some(d), _) => (d, i + 2),
            (None, Some(d)) => (d, i + 1),
            _ => return None,
        };
        if b.get(j) != Some(&b' ') {
            return None;
        }
        let m = month(b, j + 1)?;
        if b.get(j + 4) != Some(&b' ') {
            return None;
        }
        let y = digits(b, j + 5, 4)?;
        if b.get(j + 9) != Some(&b' ') || !valid_md(m, d) {
            return None;
        }
        let (tod, end) = time_of_day(b, j + 10)?;
        return Some((make(Some(y), m, d, tod).micros, true, end));
    }
    if !c.is_ascii_alphabetic() {
        return None;
    }
    let i = weekday(b, i).unwrap_or(i);
    if is_digit_at(b, i) {
        // `Sat, 19 Dec 2020 10:45:13`
        return at(b, i).filter(|t| t.1);
    }
    // `Nov 15 16:39:57`, `Aug  5 11:43:53`, `Nov 27 2014 22:26:22`
    let m = month(b, i)?;
    let j = skip_spaces(b, i + 3);
    if j == i + 3 {
        return None;
    }
    let (d, mut j) = match (digits(b, j, 2), digits(b, j, 1)) {
        (Some(d), _) => (d, j + 2),
        (None, Some(d)) => (d, j + 1),
        _ => return None,
    };
    if b.get(j) != Some(&b' ') || !valid_md(m, d) {
        return None;
    }
    j = skip_spaces(b, j);
    let mut year = None;
    if let Some(y) = digits(b, j, 4) {
        if b.get(j + 4) == Some(&b' ') {
            year = Some(y);
            j = skip_spaces(b, j + 4);
        }
    }
    let (tod, end) = time_of_day(b, j)?;
    let t = make(year, m, d, tod);
    Some((t.micros, t.has_date, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Option<(i64, bool, &str)> {
        parse_prefix(s).map(|(t, text)| (t.micros, t.has_date, text))
    }

    const H: i64 = 3_600_000_000;
    const M: i64 = 60_000_000;
    const S: i64 = 1_000_000;

    #[test]
    fn formats() {
        let day = days_from_civil(2021, 6, 23) * MICROS_PER_DAY;
        assert_eq!(
            ts("2021-06-23 13:37:21.378583 nta.c"),
            Some((day + 13 * H + 37 * M + 21 * S + 378_583, true, "2021-06-23 13:37:21.378583"))
        );
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(
            ts("[2026-01-07 11:25:39,283] VERBOSE").unwrap().0 % MICROS_PER_DAY,
            11 * H + 25 * M + 39 * S + 283_000
        );
        assert_eq!(ts("2024/11/19 16:01:35.861404 1.2.3.4").unwrap().2, "2024/11/19 16:01:35.861404");
        assert_eq!(ts("2024-06-17T15:36:46.305Z\tDEBUG").unwrap().2, "2024-06-17T15:36:46.305Z");
        assert_eq!(ts("13:37:21.379109:"), Some((13 * H + 37 * M + 21 * S + 379_109, false, "13:37:21.379109")));
        assert_eq!(ts("00:11:29: //-1/x"), Some((11 * M + 29 * S, false, "00:11:29")));
        assert_eq!(ts("11:28:04:774 [x]").unwrap().0, 11 * H + 28 * M + 4 * S + 774_000);
        let nov15 = day_of_year(11, 15) * MICROS_PER_DAY;
        assert_eq!(ts("[Nov 15 16:39:57] VERBOSE"), Some((nov15 + 16 * H + 39 * M + 57 * S, false, "Nov 15 16:39:57")));
        assert_eq!(ts("[Aug  5 11:43:53] x").unwrap().2, "Aug  5 11:43:53");
        assert_eq!(ts("mar 26 19:42:29 host").unwrap().2, "mar 26 19:42:29");
        assert!(ts("Thu Nov 27 2014 22:26:22 GMT").unwrap().1);
        assert_eq!(ts("[Sat, 19 Dec 2020 10:45:13 GMT]").unwrap().2, "Sat, 19 Dec 2020 10:45:13");
        assert_eq!(ts("*Mar  1 00:11:29.123: //").unwrap().2, "Mar  1 00:11:29.123");
    }

    #[test]
    fn not_times() {
        for s in [
            "",
            "[",
            "12",
            "1234-",
            "2021-13-01 10:00:00",
            "Marker 12:00:00",
            "25:00:00",
            "12:60:00",
            "10.0.0.1:5060",
            "hello",
        ] {
            assert_eq!(ts(s), None, "{s:?}");
        }
        assert_eq!(
            find("sip-0.6.3.min.js:36 Thu Nov 27 2014 22:26:22 GMT+0800").unwrap().1,
            "Thu Nov 27 2014 22:26:22"
        );
        assert_eq!(find("4c61b746 2015-12-21 16:48:31.686664 [NOTICE]").unwrap().1, "2015-12-21 16:48:31.686664");
    }
}
