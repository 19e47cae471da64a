//! Money: an exact amount with its ISO 4217 currency, and minor-unit
//! conversion.

use crate::decimal;
use crate::error::{ErrorCode, Fault};
use rust_decimal::Decimal;

/// An exact amount and its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    /// The amount, exact.
    pub amount: Decimal,
    /// ISO 4217 code, three upper-case ASCII letters.
    pub currency: Currency,
}

/// An ISO 4217 currency code (checked to be three upper-case letters),
/// kept in four bytes (the last is zero) so that it moves as one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 4]);

impl Currency {
    /// Check and wrap a currency code.
    pub fn parse(code: &str) -> Result<Self, Fault> {
        match code.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => {
                // Assembled in a register and stored as one word: written
                // byte by byte, reading it back as a whole stalls the CPU.
                let word = u32::from(a) | u32::from(b) << 8 | u32::from(c) << 16;
                Ok(Self(word.to_le_bytes()))
            }
            _ => Err(Fault::new(
                ErrorCode::InvalidCurrency,
                format!("{code:?} is not an ISO 4217 currency code (three upper-case letters)"),
            )),
        }
    }

    /// The code's three letters.
    pub fn letters(&self) -> [u8; 3] {
        let [a, b, c, _] = self.0;
        [a, b, c]
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // The three bytes were checked to be ASCII upper-case letters.
        std::str::from_utf8(self.0.get(..3).unwrap_or_default()).unwrap_or("XXX")
    }

    /// Number of decimals of the minor unit (ISO 4217 exponent).
    pub fn minor_exponent(&self) -> u32 {
        match self.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            "CLF" | "UYW" => 4,
            _ => 2,
        }
    }
}

/// `amount(m)`.
#[inline]
pub fn amount(m: Money) -> Decimal {
    m.amount
}

/// `currency(m)`: the ISO 4217 code.
pub fn currency(m: Money) -> String {
    m.currency.as_str().to_owned()
}

impl Money {
    /// `money(amount, currency)`.
    pub fn new(amount: Decimal, currency: &str) -> Result<Self, Fault> {
        Ok(Self {
            amount,
            currency: Currency::parse(currency)?,
        })
    }

    /// `from_minor(1999, "USD")` is `19.99 USD`.
    pub fn from_minor(units: i64, currency: &str) -> Result<Self, Fault> {
        let currency = Currency::parse(currency)?;
        Ok(Self {
            amount: Decimal::new(units, currency.minor_exponent()),
            currency,
        })
    }

    /// `to_minor(19.99 USD)` is `1999`; an amount finer than the minor unit
    /// is an error, never silently rounded.
    pub fn to_minor(self) -> Result<i64, Fault> {
        let exponent = self.currency.minor_exponent();
        let scaled = decimal::mul(self.amount, Decimal::from(10_i64.pow(exponent)))?.normalize();
        if scaled.scale() != 0 {
            return Err(Fault::new(
                ErrorCode::InexactMinorUnits,
                format!(
                    "{} {} has more than {exponent} decimals",
                    self.amount,
                    self.currency.as_str()
                ),
            ));
        }
        i64::try_from(scaled.mantissa())
            .map_err(|_| Fault::new(ErrorCode::Arithmetic, "minor units overflow 64 bits"))
    }

    /// `a + b` of the same currency.
    pub fn checked_add(self, other: Self) -> Result<Self, Fault> {
        self.same_currency(other)?;
        Ok(Self {
            amount: decimal::add(self.amount, other.amount)?,
            currency: self.currency,
        })
    }

    /// `a - b` of the same currency.
    pub fn checked_sub(self, other: Self) -> Result<Self, Fault> {
        self.same_currency(other)?;
        Ok(Self {
            amount: decimal::sub(self.amount, other.amount)?,
            currency: self.currency,
        })
    }

    fn same_currency(self, other: Self) -> Result<(), Fault> {
        if self.currency == other.currency {
            return Ok(());
        }
        Err(Fault::new(
            ErrorCode::CurrencyMismatch,
            format!(
                "cannot combine {} with {}",
                self.currency.as_str(),
                other.currency.as_str()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_round_trip_per_currency() {
        let cases = [
            (1999, "USD", "19.99"),
            (500, "JPY", "500"),
            (1234, "KWD", "1.234"),
            (-5, "USD", "-0.05"),
            (3333, "EUR", "33.33"),
        ];
        for (units, code, amount) in cases {
            let money = Money::from_minor(units, code).unwrap();
            assert_eq!(money.amount.to_string(), amount);
            assert_eq!(money.to_minor(), Ok(units));
        }
    }

    #[test]
    fn inexact_minor_units_are_an_error() {
        let money = Money::new(Decimal::new(19991, 3), "USD");
        assert_eq!(
            money.and_then(Money::to_minor).map_err(|f| f.code),
            Err(ErrorCode::InexactMinorUnits)
        );
    }

    #[test]
    fn currencies_are_checked_and_never_mixed() {
        assert!(Currency::parse("usd").is_err());
        assert!(Currency::parse("US").is_err());
        let usd = Money::from_minor(1, "USD");
        let eur = Money::from_minor(1, "EUR");
        let mixed = usd.and_then(|u| eur.and_then(|e| u.checked_add(e)));
        assert_eq!(mixed.map_err(|f| f.code), Err(ErrorCode::CurrencyMismatch));
    }
}
