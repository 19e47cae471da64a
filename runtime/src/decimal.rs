//! Exact decimal builtins: parsing without floats, explicit rounding, checked
//! arithmetic.

use crate::error::{ErrorCode, Fault};
use rust_decimal::{Decimal, RoundingStrategy};

/// Parse a decimal from a string such as `"19.99"`, `"-3"` or `"1.5e-3"`.
/// Surrounding whitespace is not accepted: payload strings are data.
pub fn parse(text: &str) -> Result<Decimal, Fault> {
    if let Some(d) = parse_plain(text) {
        return Ok(d);
    }
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str_exact(text)
    };
    parsed.map_err(|_| {
        Fault::new(
            ErrorCode::InvalidDecimal,
            format!("cannot parse {text:?} as an exact decimal"),
        )
    })
}

/// The common case, without rust_decimal's general parser: `-?digits` with
/// an optional `.digits`, at most 18 digits in all (so the mantissa fits in
/// 64 bits). `None` for anything else, which the general parser decides.
fn parse_plain(text: &str) -> Option<Decimal> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    // One pass: the mantissa, and where the point is (digits after it).
    let mut magnitude: u64 = 0;
    let mut point = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => magnitude = magnitude * 10 + u64::from(b - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < digits.len() => point = Some(i),
            _ => return None,
        }
    }
    let scale = point.map_or(0, |p| digits.len() - p - 1);
    if point.is_none() && digits.len() > 18 {
        return None; // 19 digits may not fit in 64 bits
    }
    if negative && magnitude == 0 {
        return None; // the sign of a negative zero: as rust_decimal decides
    }
    // At most 18 digits: the magnitude fits in the low 64 bits, the scale is
    // at most 18 (rust_decimal's limit is 28). Built inline from its parts
    // (`Decimal::new` is a call whose result is read back as a whole, which
    // stalls the CPU).
    let scale = u32::try_from(scale).ok()?;
    let (lo, mid) = (magnitude as u32, (magnitude >> 32) as u32);
    Some(Decimal::from_parts(lo, mid, 0, negative, scale))
}

/// Parse an integer from a string such as `"42"`.
pub fn parse_int(text: &str) -> Result<i64, Fault> {
    text.parse::<i64>().map_err(|_| {
        Fault::new(
            ErrorCode::InvalidInteger,
            format!("cannot parse {text:?} as an integer"),
        )
    })
}

/// A rounding mode named in a mapping (`round(x, 2, "half_even")`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingMode {
    /// Ties to the even neighbour (banker's rounding).
    HalfEven,
    /// Ties away from zero (commercial rounding).
    HalfUp,
    /// Ties toward zero.
    HalfDown,
    /// Toward zero (truncate).
    Down,
    /// Away from zero.
    Up,
    /// Toward negative infinity.
    Floor,
    /// Toward positive infinity.
    Ceiling,
}

impl RoundingMode {
    /// Every mode name the DSL accepts, in documentation order.
    pub const NAMES: [&'static str; 7] = [
        "half_even",
        "half_up",
        "half_down",
        "down",
        "up",
        "floor",
        "ceiling",
    ];

    /// Look a mode up by its DSL name.
    pub fn from_name(name: &str) -> Result<Self, Fault> {
        Ok(match name {
            "half_even" => Self::HalfEven,
            "half_up" => Self::HalfUp,
            "half_down" => Self::HalfDown,
            "down" => Self::Down,
            "up" => Self::Up,
            "floor" => Self::Floor,
            "ceiling" => Self::Ceiling,
            other => {
                return Err(Fault::new(
                    ErrorCode::InvalidArgument,
                    format!("unknown rounding mode {other:?}"),
                ))
            }
        })
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            Self::HalfEven => RoundingStrategy::MidpointNearestEven,
            Self::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Self::HalfDown => RoundingStrategy::MidpointTowardZero,
            Self::Down => RoundingStrategy::ToZero,
            Self::Up => RoundingStrategy::AwayFromZero,
            Self::Floor => RoundingStrategy::ToNegativeInfinity,
            Self::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }
}

/// Round to `places` decimals with an explicit mode. The result always has
/// exactly `places` decimals (`round(2.5, 2, ..)` is `2.50`).
pub fn round(value: Decimal, places: i64, mode: &str) -> Result<Decimal, Fault> {
    round_with(value, places, RoundingMode::from_name(mode)?)
}

/// [`round`] with the mode known (a literal mode is looked up at compile
/// time).
pub fn round_with(value: Decimal, places: i64, mode: RoundingMode) -> Result<Decimal, Fault> {
    let places = u32::try_from(places)
        .ok()
        .filter(|p| *p <= 28)
        .ok_or_else(|| {
            Fault::new(
                ErrorCode::InvalidArgument,
                format!("cannot round to {places} places (0 to 28 allowed)"),
            )
        })?;
    let mut rounded = value.round_dp_with_strategy(places, mode.strategy());
    rounded.rescale(places);
    if rounded.scale() != places {
        // Too many integer digits to also hold `places` decimals.
        return Err(Fault::new(
            ErrorCode::Arithmetic,
            format!("{value} has too many digits to keep {places} decimal place(s)"),
        ));
    }
    Ok(rounded)
}

/// `int(value, mode)`: a decimal rounded to a whole number the way `mode`
/// says (`"down"` truncates), R109 when it does not fit 64 bits.
pub fn to_int(value: Decimal, mode: &str) -> Result<i64, Fault> {
    let whole = round_with(value, 0, RoundingMode::from_name(mode)?)?;
    i64::try_from(whole).map_err(|_| {
        Fault::new(
            ErrorCode::Arithmetic,
            format!("{whole} does not fit a 64-bit integer"),
        )
    })
}

fn overflow(op: &str) -> Fault {
    Fault::new(ErrorCode::Arithmetic, format!("decimal {op} overflowed"))
}

/// `a + b`, exact: R109 when the sum needs more than the 96 bits of
/// digits a decimal holds (rust_decimal would round it).
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal, Fault> {
    let sum = a.checked_add(b).ok_or_else(|| overflow("addition"))?;
    let scale = a.scale().max(b.scale());
    if sum.scale() == scale {
        return Ok(sum); // no digit dropped: the common case
    }
    let exact = aligned(a, scale)
        .zip(aligned(b, scale))
        .and_then(|(x, y)| x.checked_add(y));
    verified(sum, exact, scale, "addition")
}

/// `a - b`, exact (R109 as for [`add`]).
pub fn sub(a: Decimal, b: Decimal) -> Result<Decimal, Fault> {
    let difference = a.checked_sub(b).ok_or_else(|| overflow("subtraction"))?;
    let scale = a.scale().max(b.scale());
    if difference.scale() == scale {
        return Ok(difference);
    }
    let exact = aligned(a, scale)
        .zip(aligned(b, scale))
        .and_then(|(x, y)| x.checked_sub(y));
    verified(difference, exact, scale, "subtraction")
}

/// The mantissa of `d` at `scale` (at least its own), when it fits i128.
fn aligned(d: Decimal, scale: u32) -> Option<i128> {
    let up = scale.checked_sub(d.scale())?;
    d.mantissa().checked_mul(10i128.checked_pow(up)?)
}

/// `result` when it equals the exact mantissa `exact` at `scale`; R109
/// when digits were dropped (or the exact value could not be computed to
/// tell).
fn verified(result: Decimal, exact: Option<i128>, scale: u32, op: &str) -> Result<Decimal, Fault> {
    // Compared at the larger of the two scales.
    let common = scale.max(result.scale());
    let exact = exact.and_then(|m| m.checked_mul(10i128.checked_pow(common - scale)?));
    let same = exact.is_some_and(|exact| aligned(result, common) == Some(exact));
    if same {
        return Ok(result);
    }
    Err(Fault::new(
        ErrorCode::Arithmetic,
        format!("decimal {op} needs more than 28 significant digits; it would be rounded"),
    ))
}

/// `a * b`, exact, with the scale of the operands' digits: `0.00 * 3` is
/// `0.00` as `1.50 * 3` is `4.50` (rust_decimal gives a bare `0` for a zero
/// product, which would drop an amount's decimals).
pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Fault> {
    let mut product = a.checked_mul(b).ok_or_else(|| overflow("multiplication"))?;
    let scale = a.scale() + b.scale();
    if product.is_zero() && (a.is_zero() || b.is_zero()) {
        product.rescale(scale.min(28));
        return Ok(product);
    }
    if product.scale() == scale && !product.is_zero() {
        return Ok(product); // no digit dropped: the common case
    }
    // Digits were dropped: exact only if they were trailing zeros.
    let (x, y) = (a.normalize(), b.normalize());
    let exact = x.mantissa().checked_mul(y.mantissa());
    verified(product, exact, x.scale() + y.scale(), "multiplication")
}

/// `a / b`, to 28 significant digits; round the result explicitly.
pub fn div(a: Decimal, b: Decimal) -> Result<Decimal, Fault> {
    if b.is_zero() {
        return Err(Fault::new(ErrorCode::Arithmetic, "division by zero"));
    }
    a.checked_div(b).ok_or_else(|| overflow("division"))
}

/// Integer `a + b`, `a - b`, `a * b`, `a / b` with overflow checks.
pub fn int_op(a: i64, b: i64, op: char) -> Result<i64, Fault> {
    let result = match op {
        '+' => a.checked_add(b),
        '-' => a.checked_sub(b),
        '*' => a.checked_mul(b),
        _ => a.checked_div(b),
    };
    result.ok_or_else(|| Fault::new(ErrorCode::Arithmetic, "integer arithmetic overflowed"))
}

/// `-i` for integers (overflows only for the smallest integer).
pub fn neg_int(i: i64) -> Result<i64, Fault> {
    i.checked_neg()
        .ok_or_else(|| Fault::new(ErrorCode::Arithmetic, "integer negation overflowed"))
}

/// `decimal(i)` for integers: the same value, exactly.
#[inline]
pub fn from_int(i: i64) -> Decimal {
    Decimal::from(i)
}

/// Sum of decimals (`0` for none).
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Result<Decimal, Fault> {
    values.into_iter().try_fold(Decimal::ZERO, add)
}

/// Sum of integers (`0` for none).
pub fn sum_int(values: impl IntoIterator<Item = i64>) -> Result<i64, Fault> {
    values.into_iter().try_fold(0, |a, b| int_op(a, b, '+'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_of_a_decimal_rounds_as_told() {
        let d = |s: &str| parse(s).unwrap();
        assert_eq!(to_int(d("2.5"), "half_even").unwrap(), 2);
        assert_eq!(to_int(d("2.5"), "half_up").unwrap(), 3);
        assert_eq!(to_int(d("-2.7"), "down").unwrap(), -2);
        assert_eq!(to_int(d("-2.1"), "floor").unwrap(), -3);
        let huge = to_int(d("9223372036854775808"), "down").unwrap_err();
        assert_eq!(huge.code, ErrorCode::Arithmetic);
        assert_eq!(
            to_int(d("1"), "nearest").unwrap_err().code,
            ErrorCode::InvalidArgument
        );
    }

    fn d(text: &str) -> Decimal {
        parse(text).unwrap_or_default()
    }

    #[test]
    fn arithmetic_is_exact_or_fails_never_rounds() {
        let code = |r: Result<Decimal, Fault>| r.map(|d| d.to_string()).map_err(|f| f.code);
        let tiny = d("0.0000000000000001");
        assert_eq!(code(mul(tiny, tiny)), Err(ErrorCode::Arithmetic));
        let long = d("1.000000000000000000000000001");
        assert_eq!(code(mul(long, long)), Err(ErrorCode::Arithmetic));
        let big = d("79228162514264337593543950335");
        assert_eq!(code(add(big, d("0.5"))), Err(ErrorCode::Arithmetic));
        assert_eq!(
            code(sub(d("-79228162514264337593543950335"), d("0.5"))),
            Err(ErrorCode::Arithmetic)
        );
        // Exact results pass, also when trailing zeros had to go.
        assert_eq!(
            code(add(big, d("0.0"))),
            Ok("79228162514264337593543950335".to_owned())
        );
        assert_eq!(
            code(mul(big, d("1.0"))),
            Ok("79228162514264337593543950335".to_owned())
        );
        assert_eq!(
            code(mul(d("19.99"), d("0.0825"))),
            Ok("1.649175".to_owned())
        );
        let wide = d("792281625142643375935439503.30");
        assert_eq!(
            code(mul(wide, d("2.0"))),
            Ok("1584563250285286751870879006.6".to_owned())
        );
        let wide = d("792281625142643375935439503.31");
        assert_eq!(code(mul(wide, d("2.01"))), Err(ErrorCode::Arithmetic));
        assert_eq!(
            code(round(d("12345678901234567890123456789"), 2, "half_even")),
            Err(ErrorCode::Arithmetic)
        );
        assert_eq!(
            code(round(d("1.005"), 2, "half_even")),
            Ok("1.00".to_owned())
        );
    }

    #[test]
    fn a_zero_product_keeps_its_decimals() {
        let text = |r: Result<Decimal, Fault>| r.map(|d| d.to_string()).unwrap_or_default();
        assert_eq!(text(mul(d("0.00"), Decimal::from(1))), "0.00");
        assert_eq!(text(mul(d("1.50"), Decimal::from(0))), "0.00");
        assert_eq!(text(mul(d("0.5"), d("0.25"))), "0.125");
        assert_eq!(text(mul(d("1.50"), Decimal::from(3))), "4.50");
    }

    #[test]
    fn parses_exactly_without_floats() {
        assert_eq!(d("0.1") + d("0.2"), d("0.3"));
        assert_eq!(parse("1.5e-3"), Ok(d("0.0015")));
        assert_eq!(
            parse("abc").map_err(|f| f.code),
            Err(ErrorCode::InvalidDecimal)
        );
        assert_eq!(
            parse(" 1").map_err(|f| f.code),
            Err(ErrorCode::InvalidDecimal)
        );
    }

    #[test]
    fn the_fast_path_agrees_with_rust_decimal() {
        let cases = [
            "0",
            "-0",
            "-0.00",
            "19.99",
            "007.50",
            "123456789012345678",
            "1234567890123456789",
            "0.000000000000000001",
            "-5",
            ".5",
            "5.",
            "+5",
            "1_000",
            "1.2.3",
            "",
            "-",
            "1e3",
            "99999999999999999.9",
            "12a",
            " 1",
            "-.5",
            "0.5000",
        ];
        for text in cases {
            let general = Decimal::from_str_exact(text).ok();
            let fast = parse_plain(text);
            if let Some(fast) = fast {
                let general =
                    general.unwrap_or_else(|| panic!("{text}: only the fast path parses"));
                assert_eq!(
                    (fast.mantissa(), fast.scale(), fast.is_sign_negative()),
                    (
                        general.mantissa(),
                        general.scale(),
                        general.is_sign_negative()
                    ),
                    "{text}"
                );
            }
        }
        assert!(parse_plain("19.99").is_some() && parse_plain("+5").is_none());
    }

    #[test]
    fn rounds_with_every_mode() {
        let cases = [
            ("2.345", "half_even", "2.34"),
            ("2.355", "half_even", "2.36"),
            ("2.345", "half_up", "2.35"),
            ("2.345", "half_down", "2.34"),
            ("2.349", "down", "2.34"),
            ("2.341", "up", "2.35"),
            ("-2.341", "floor", "-2.35"),
            ("-2.349", "ceiling", "-2.34"),
            ("2.5", "half_even", "2.50"),
        ];
        for (input, mode, want) in cases {
            let got = round(d(input), 2, mode).map(|r| r.to_string());
            assert_eq!(got.as_deref(), Ok(want), "{input} {mode}");
        }
        assert!(round(d("1"), 2, "nearest").is_err());
        assert!(round(d("1"), -1, "up").is_err());
    }

    #[test]
    fn division_by_zero_is_an_error() {
        assert_eq!(
            div(d("1"), d("0")).map_err(|f| f.code),
            Err(ErrorCode::Arithmetic)
        );
    }
}
