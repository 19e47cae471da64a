//! Time builtins: RFC 3339 and explicit-format parsing, time zones, UTC
//! output.

use crate::error::{ErrorCode, Fault};
use jiff::{civil::DateTime, fmt::strtime, tz::TimeZone, Timestamp};

fn bad_timestamp(text: &str, why: impl std::fmt::Display) -> Fault {
    Fault::new(
        ErrorCode::InvalidTimestamp,
        format!("cannot parse {text:?} as a timestamp: {why}"),
    )
}

fn zone(name: &str) -> Result<TimeZone, Fault> {
    TimeZone::get(name).map_err(|_| {
        Fault::new(
            ErrorCode::InvalidArgument,
            format!("unknown time zone {name:?} (use an IANA name such as \"America/New_York\")"),
        )
    })
}

/// `timestamp("2008-01-10T11:00:00-05:00")`: RFC 3339 with an offset.
pub fn parse_rfc3339(text: &str) -> Result<Timestamp, Fault> {
    let checked = rfc3339_shape(text).map_err(|why| bad_timestamp(text, why))?;
    checked
        .parse::<Timestamp>()
        .map_err(|e| bad_timestamp(text, e))
}

/// `text` checked against RFC 3339's grammar (which is narrower than the
/// ISO 8601 jiff reads: a four-digit year, offsets within ±23:59), as jiff
/// takes it: a `t`/`z` upper-cased, a space for `T` kept, fraction digits
/// past nanoseconds dropped (an instant is kept to the nanosecond).
fn rfc3339_shape(text: &str) -> Result<std::borrow::Cow<'_, str>, &'static str> {
    use std::borrow::Cow;
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
    };
    let at = |i: usize| b.get(i).copied();
    let (Some(_), Some(_), Some(_)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err("expected YYYY-MM-DD");
    };
    if at(4) != Some(b'-') || at(7) != Some(b'-') {
        return Err("expected YYYY-MM-DD");
    }
    if !matches!(at(10), Some(b'T' | b't' | b' ')) {
        return Err("expected `T` between date and time");
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(11..13), digits(14..16), digits(17..19))
    else {
        return Err("expected hh:mm:ss");
    };
    if at(13) != Some(b':') || at(16) != Some(b':') || hour > 23 || minute > 59 || second > 60 {
        return Err("expected hh:mm:ss");
    }
    let mut end = 19;
    let mut fraction = 0;
    if at(end) == Some(b'.') {
        fraction = b
            .get(end + 1..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
        if fraction == 0 {
            return Err("expected digits after `.`");
        }
        end += 1 + fraction;
    }
    let offset = b.get(end..).unwrap_or_default();
    // The offset east of UTC, in minutes.
    let east: i64 = match offset {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] => {
            let (Some(h), Some(m)) = (digits(end + 1..end + 3), digits(end + 4..end + 6)) else {
                return Err("expected an offset `Z` or ±hh:mm");
            };
            if offset.len() != 6 || at(end + 3) != Some(b':') || h > 23 || m > 59 {
                return Err("expected an offset `Z` or ±hh:mm within ±23:59");
            }
            let minutes = i64::from(h * 60 + m);
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return Err("expected an offset `Z` or ±hh:mm"),
    };
    // A leap second is 23:59:60 in UTC (RFC 3339 section 5.7), whatever
    // the local offset; it is read as 23:59:59 (jiff has no leap seconds).
    let utc_minute = (i64::from(hour * 60 + minute) - east).rem_euclid(24 * 60);
    if second == 60 && utc_minute != 23 * 60 + 59 {
        return Err("a leap second (`:60`) is 23:59:60 in UTC only");
    }
    let lower = at(10) == Some(b't') || offset == b"z";
    if fraction <= 9 && !lower {
        return Ok(Cow::Borrowed(text));
    }
    let keep = 20 + fraction.min(9);
    let mut normal = String::with_capacity(text.len());
    normal.push_str(text.get(..10).unwrap_or_default());
    normal.push(if at(10) == Some(b' ') { ' ' } else { 'T' });
    normal.push_str(text.get(11..keep.min(end)).unwrap_or_default());
    match offset {
        [b'Z' | b'z'] => normal.push('Z'),
        _ => normal.push_str(text.get(end..).unwrap_or_default()),
    }
    Ok(Cow::Owned(normal))
}

/// Write `YYYY-MM-DDTHH:MM:SSZ` into `text` for an instant on a whole
/// second in years 0 to 9999, as jiff's `Display` writes it, without going
/// through `fmt`; false (nothing written) for any other instant (then
/// `Display` is the way). `text` is where the bytes go for good (the output
/// buffer): built elsewhere and copied, the copy would read back bytes just
/// stored one by one, which stalls the CPU.
pub fn write_whole_second(ts: Timestamp, text: &mut [u8; 20]) -> bool {
    let seconds = ts.as_second();
    if ts.subsec_nanosecond() != 0 || !(-62_167_219_200..253_402_300_800).contains(&seconds) {
        return false;
    }
    // Days to civil date (H. Hinnant's algorithm, proleptic Gregorian).
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let z = days + 719_468;
    let (era, day_of_era) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let two = |n: i64| [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
    let [y1, y2] = two(year / 100);
    let [y3, y4] = two(year);
    let [mo1, mo2] = two(month);
    let [d1, d2] = two(day);
    let [h1, h2] = two(second_of_day / 3600);
    let [mi1, mi2] = two(second_of_day / 60 % 60);
    let [s1, s2] = two(second_of_day % 60);
    *text = [
        y1, y2, y3, y4, b'-', mo1, mo2, b'-', d1, d2, b'T', h1, h2, b':', mi1, mi2, b':', s1, s2,
        b'Z',
    ];
    true
}

/// `parse_time(text, format, zone)`: strftime-style format; when the format
/// has no offset, the wall-clock time is read in the IANA `zone`.
pub fn parse_format(text: &str, format: &str, zone_name: &str) -> Result<Timestamp, Fault> {
    let parsed = strtime::parse(format, text).map_err(|e| bad_timestamp(text, e))?;
    if parsed.offset().is_some() {
        return parsed.to_timestamp().map_err(|e| bad_timestamp(text, e));
    }
    let wall: DateTime = parsed.to_datetime().map_err(|e| bad_timestamp(text, e))?;
    let zoned = wall
        .to_zoned(zone(zone_name)?)
        .map_err(|e| bad_timestamp(text, e))?;
    Ok(zoned.timestamp())
}

/// `format_time(ts, format, zone)`: render an instant as wall-clock text in
/// an IANA zone.
pub fn format(ts: Timestamp, format: &str, zone_name: &str) -> Result<String, Fault> {
    let zoned = ts.to_zoned(zone(zone_name)?);
    strtime::format(format, &zoned).map_err(|e| {
        Fault::new(
            ErrorCode::InvalidArgument,
            format!("invalid time format {format:?}: {e}"),
        )
    })
}

/// `from_unix_millis(1623796407000)`: milliseconds since the Unix epoch
/// (as Walmart sends dates).
pub fn from_unix_millis(millis: i64) -> Result<Timestamp, Fault> {
    Timestamp::from_millisecond(millis).map_err(|e| {
        Fault::new(
            ErrorCode::InvalidTimestamp,
            format!("{millis} ms since the Unix epoch is not a valid instant: {e}"),
        )
    })
}

/// `string(ts)`: RFC 3339 in UTC (`2024-01-31T09:30:00Z`).
pub fn to_rfc3339(ts: Timestamp) -> String {
    ts.to_string()
}

/// A timestamp literal in a mapping, resolved at compile time to seconds and
/// nanoseconds since the Unix epoch.
pub fn from_parts(seconds: i64, nanos: i32) -> Timestamp {
    Timestamp::new(seconds, nanos).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_offsets_become_utc() {
        let ts = parse_rfc3339("2008-01-10T11:00:00-05:00").map(|t| t.to_string());
        assert_eq!(ts.as_deref(), Ok("2008-01-10T16:00:00Z"));
        assert!(parse_rfc3339("2008-01-10 11:00").is_err());
    }

    #[test]
    fn rfc3339_is_read_as_its_grammar_says() {
        let utc = |text: &str| {
            parse_rfc3339(text)
                .map(|t| t.to_string())
                .map_err(|f| f.code)
        };
        assert_eq!(
            utc("2008-01-10t11:00:00z"),
            Ok("2008-01-10T11:00:00Z".to_owned())
        );
        assert_eq!(
            utc("2008-01-10 11:00:00+01:00"),
            Ok("2008-01-10T10:00:00Z".to_owned())
        );
        assert_eq!(
            utc("2008-01-10T11:00:00.123456789012Z"),
            Ok("2008-01-10T11:00:00.123456789Z".to_owned())
        );
        assert_eq!(
            utc("2008-01-10T11:00:00.5-00:30"),
            Ok("2008-01-10T11:30:00.5Z".to_owned())
        );
        for bad in [
            "-000001-01-01T00:00:00Z",
            "+002008-01-10T11:00:00Z",
            "2008-01-10T11:00:00+25:59",
            "2008-01-10T11:00:00+23:60",
            "2008-01-10T24:00:00Z",
            "2008-01-10T11:00:00",
            "2008-01-10T11:00Z",
            "2008-01-10T11:00:00.Z",
            "2008-01-10T11:00:00+0100",
            "2008-01-10T11:00:00Z ",
        ] {
            assert_eq!(utc(bad), Err(ErrorCode::InvalidTimestamp), "{bad}");
        }
    }

    #[test]
    fn explicit_formats_read_wall_time_in_a_zone() {
        let ts = parse_format("10.01.2008 11:00", "%d.%m.%Y %H:%M", "Europe/Berlin");
        assert_eq!(
            ts.map(|t| t.to_string()).as_deref(),
            Ok("2008-01-10T10:00:00Z")
        );
        let with_offset = parse_format("2008-01-10 11:00 +0100", "%Y-%m-%d %H:%M %z", "UTC");
        assert_eq!(
            with_offset.map(|t| t.to_string()).as_deref(),
            Ok("2008-01-10T10:00:00Z")
        );
        assert_eq!(
            parse_format("x", "%Y", "Mars/Base").map_err(|f| f.code),
            Err(ErrorCode::InvalidTimestamp)
        );
    }

    #[test]
    fn unix_millis() {
        let ts = from_unix_millis(1_623_796_407_000).map(|t| t.to_string());
        assert_eq!(ts.as_deref(), Ok("2021-06-15T22:33:27Z"));
        assert_eq!(
            from_unix_millis(i64::MAX).map_err(|f| f.code),
            Err(ErrorCode::InvalidTimestamp)
        );
    }

    #[test]
    fn formats_in_a_zone() {
        let ts = parse_rfc3339("2008-01-10T16:00:00Z").unwrap();
        assert_eq!(
            format(ts, "%Y-%m-%d %H:%M", "America/New_York").as_deref(),
            Ok("2008-01-10 11:00")
        );
    }
}
