//! Dates as DocFX front matter writes them: `MM/DD/YYYY` (`ms.date`, `ms.lasthandoff`).

/// `MM/DD/YYYY` -> (month, day, year), checked against the calendar.
pub fn parse_us_date(value: &str) -> Option<(u32, u32, u32)> {
    let mut it = value.trim().split('/');
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    let y: u32 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1000..=9999).contains(&y) {
        return None;
    }
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][m as usize - 1];
    (1..=days).contains(&d).then_some((m, d, y))
}

/// Today (UTC) as `MM/DD/YYYY`.
pub fn today_us() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{m:02}/{d:02}/{y:04}")
}

/// Days since 1970-01-01 -> (year, month, day), proleptic Gregorian (Howard Hinnant's method).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(parse_us_date("02/29/2024"), Some((2, 29, 2024)));
        assert_eq!(parse_us_date("02/29/2026"), None);
        assert_eq!(parse_us_date("2026-11-02"), None);
        assert_eq!(parse_us_date("13/01/2026"), None);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_785), (2026, 11, 28));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
