//! Properties of exact money, checked on 10,000 generated cases each (the
//! number is fixed here, so the normal suite runs them): decimals read from
//! text never pass through a float, arithmetic is exact or fails with R109,
//! every rounding mode agrees with a reference written on integers, minor
//! units round-trip, and RFC 3339 text round-trips to the same instant.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is a failed test

use proptest::prelude::*;
use runtime::decimal::{self, RoundingMode};
use runtime::{time, Decimal, ErrorCode, Money};

const CASES: u32 = 10_000;

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(CASES)
}

/// A decimal from a mantissa and a scale.
fn dec(mantissa: i64, scale: u32) -> Decimal {
    Decimal::new(mantissa, scale)
}

/// The exact mantissa of `d` at `scale` (at least its own), in i128.
fn at_scale(d: Decimal, scale: u32) -> Option<i128> {
    d.mantissa()
        .checked_mul(10i128.checked_pow(scale.checked_sub(d.scale())?)?)
}

/// Reference rounding on integers: `mantissa / 10^drop` by `mode`.
fn reference_round(mantissa: i128, drop: u32, mode: &str) -> i128 {
    let unit = 10i128.pow(drop);
    let (q, r) = (mantissa / unit, mantissa % unit);
    if r == 0 {
        return q;
    }
    let away = q + mantissa.signum();
    let twice = (2 * r).abs();
    match mode {
        "down" => q,
        "up" => away,
        "floor" if mantissa < 0 => away,
        "floor" => q,
        "ceiling" if mantissa > 0 => away,
        "ceiling" => q,
        _ if twice > unit => away,
        _ if twice < unit => q,
        "half_up" => away,
        "half_down" => q,
        _ if q % 2 == 0 => q, // half_even
        _ => away,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decimal_text_round_trips_exactly(mantissa in any::<i64>(), scale in 0u32..=18) {
        let d = dec(mantissa, scale);
        let text = d.to_string();
        let parsed = decimal::parse(&text).unwrap();
        prop_assert_eq!(parsed, d);
        prop_assert_eq!(parsed.to_string(), text);
    }

    #[test]
    fn numbers_with_exponents_are_read_exactly(
        digits in "[1-9][0-9]{0,15}",
        fraction in "[0-9]{1,6}",
        exponent in -8i32..=8,
    ) {
        // The value of `digits.fraction e exponent`, worked out on integers.
        let text = format!("{digits}.{fraction}e{exponent}");
        let parsed = decimal::parse(&text).unwrap();
        let mantissa: i128 = format!("{digits}{fraction}").parse().unwrap();
        let scale = i32::try_from(fraction.len()).unwrap() - exponent;
        let expected = if scale >= 0 {
            Decimal::from_i128_with_scale(mantissa, u32::try_from(scale).unwrap())
        } else {
            Decimal::from_i128_with_scale(mantissa * 10i128.pow(u32::try_from(-scale).unwrap()), 0)
        };
        prop_assert_eq!(parsed, expected, "{}", text);
    }

    #[test]
    fn sums_and_products_are_exact_or_r109(
        a in any::<i64>(), sa in 0u32..=28, b in any::<i64>(), sb in 0u32..=28,
    ) {
        let (x, y) = (dec(a, sa), dec(b, sb));
        let scale = sa.max(sb);
        for (result, exact) in [
            (decimal::add(x, y), at_scale(x, scale).zip(at_scale(y, scale)).map(|(p, q)| (p + q, scale))),
            (decimal::sub(x, y), at_scale(x, scale).zip(at_scale(y, scale)).map(|(p, q)| (p - q, scale))),
            (decimal::mul(x, y), i128::from(a).checked_mul(i128::from(b)).map(|p| (p, sa + sb))),
        ] {
            match result {
                Ok(value) => {
                    // Whatever comes back is the exact value.
                    if let Some((mantissa, exact_scale)) = exact {
                        let common = exact_scale.max(value.scale());
                        let want = mantissa.checked_mul(10i128.pow(common - exact_scale));
                        prop_assert_eq!(at_scale(value, common), want, "{} {}", x, y);
                    }
                }
                Err(fault) => prop_assert_eq!(fault.code, ErrorCode::Arithmetic),
            }
        }
    }

    #[test]
    fn every_rounding_mode_agrees_with_the_reference(
        mantissa in any::<i64>(), scale in 0u32..=12, places in 0u32..=12, mode in 0usize..7,
    ) {
        let name = RoundingMode::NAMES[mode];
        let d = dec(mantissa, scale);
        let want = if places >= scale {
            i128::from(mantissa) * 10i128.pow(places - scale)
        } else {
            reference_round(i128::from(mantissa), scale - places, name)
        };
        match decimal::round(d, i64::from(places), name) {
            Ok(rounded) => {
                prop_assert_eq!(rounded.scale(), places);
                prop_assert_eq!(rounded.mantissa(), want, "round({}, {}, {})", d, places, name);
            }
            // Only when the result does not fit a decimal's 96 bits.
            Err(fault) => {
                prop_assert_eq!(fault.code, ErrorCode::Arithmetic);
                prop_assert!(want.unsigned_abs() >= 1u128 << 96, "round({}, {}, {})", d, places, name);
            }
        }
    }

    #[test]
    fn minor_units_round_trip(units in any::<i64>(), currency in prop::sample::select(vec!["USD", "JPY", "BHD", "CLF", "EUR"])) {
        let money = Money::from_minor(units, currency).unwrap();
        prop_assert_eq!(money.to_minor().unwrap(), units);
    }

    #[test]
    fn amounts_finer_than_the_minor_unit_are_r110(cents in any::<i32>(), extra in 1i64..10) {
        let amount = Decimal::new(i64::from(cents) * 10 + extra, 3);
        let fault = Money::new(amount, "USD").unwrap().to_minor().unwrap_err();
        prop_assert_eq!(fault.code, ErrorCode::InexactMinorUnits);
    }

    #[test]
    fn rfc3339_round_trips_to_the_same_instant(
        seconds in -62_135_596_800i64..253_402_127_999, // 0001-01-01 .. 9999-12-30
        nanos in 0i32..1_000_000_000,
        offset_minutes in -(23i32 * 60 + 59)..=(23 * 60 + 59),
    ) {
        let instant = time::from_parts(seconds, nanos);
        let utc = time::to_rfc3339(instant);
        prop_assert_eq!(time::parse_rfc3339(&utc).unwrap(), instant);
        // The same instant written at another offset.
        let offset = jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap();
        let local = instant.to_zoned(offset.to_time_zone());
        let text = format!(
            "{}{}{:02}:{:02}",
            local.strftime("%Y-%m-%dT%H:%M:%S%.f"),
            if offset_minutes < 0 { '-' } else { '+' },
            offset_minutes.abs() / 60,
            offset_minutes.abs() % 60,
        );
        prop_assert_eq!(time::parse_rfc3339(&text).unwrap(), instant, "{}", text);
    }
}
