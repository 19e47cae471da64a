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
    text.parse::<Timestamp>()
        .map_err(|e| bad_timestamp(text, e))
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
