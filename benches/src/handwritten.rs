//! The honest baseline: `mappings/shopify/order.map` written by hand, the
//! way a good Rust engineer would write this one mapping: typed serde structs
//! borrowing from the input (only the fields used), `rust_decimal` for money,
//! derived `Serialize` output written straight to the buffer with
//! `serde_json::to_writer`. No tricks a person would not write by hand
//! (custom visitors, reused per-field buffers): that is the point of
//! comparing against it. It must produce exactly the compiled mapping's
//! bytes (checked by `tests/identical.rs`).

use jiff::Timestamp;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt::Write as _;

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    order: Order<'a>,
}

#[derive(Deserialize)]
struct Order<'a> {
    id: i64,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    created_at: Cow<'a, str>,
    #[serde(borrow)]
    updated_at: Cow<'a, str>,
    cancelled_at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    currency: Cow<'a, str>,
    #[serde(borrow)]
    financial_status: Cow<'a, str>,
    fulfillment_status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    customer: Option<Customer<'a>>,
    #[serde(borrow)]
    billing_address: Option<Address<'a>>,
    #[serde(borrow)]
    shipping_address: Option<Address<'a>>,
    #[serde(borrow)]
    line_items: Vec<LineItem<'a>>,
    #[serde(borrow, default)]
    tax_lines: Vec<TaxLine<'a>>,
    #[serde(borrow, default)]
    discount_codes: Vec<DiscountCode<'a>>,
    #[serde(borrow, default)]
    shipping_lines: Vec<ShippingLine<'a>>,
    #[serde(borrow)]
    subtotal_price: Cow<'a, str>,
    #[serde(borrow)]
    total_discounts: Cow<'a, str>,
    #[serde(borrow)]
    total_tax: Cow<'a, str>,
    #[serde(borrow)]
    total_price: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Customer<'a> {
    id: i64,
    email: Option<Cow<'a, str>>,
    first_name: Option<Cow<'a, str>>,
    last_name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Address<'a> {
    name: Option<Cow<'a, str>>,
    company: Option<Cow<'a, str>>,
    address1: Option<Cow<'a, str>>,
    address2: Option<Cow<'a, str>>,
    city: Option<Cow<'a, str>>,
    province: Option<Cow<'a, str>>,
    province_code: Option<Cow<'a, str>>,
    zip: Option<Cow<'a, str>>,
    country_code: Option<Cow<'a, str>>,
    phone: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct LineItem<'a> {
    id: i64,
    #[serde(borrow)]
    title: Cow<'a, str>,
    quantity: i64,
    #[serde(borrow)]
    price: Cow<'a, str>,
    sku: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tax_lines: Vec<TaxLine<'a>>,
}

#[derive(Deserialize)]
struct TaxLine<'a> {
    #[serde(borrow)]
    price: Cow<'a, str>,
    rate: Option<serde_json::Number>,
    #[serde(borrow)]
    title: Cow<'a, str>,
}

#[derive(Deserialize)]
struct DiscountCode<'a> {
    #[serde(borrow)]
    code: Cow<'a, str>,
    #[serde(borrow)]
    amount: Cow<'a, str>,
}

#[derive(Deserialize)]
struct ShippingLine<'a> {
    code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    price: Cow<'a, str>,
    #[serde(borrow)]
    title: Cow<'a, str>,
}

#[derive(Serialize)]
struct Money<'a> {
    amount: Decimal,
    currency: &'a str,
}

#[derive(Serialize)]
struct Source {
    channel: &'static str,
    object: &'static str,
    external_id: String,
    source_timestamp: Timestamp,
}

#[derive(Serialize)]
struct OutCustomer {
    external_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    name: String,
}

#[derive(Serialize)]
struct OutAddress<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company: Option<&'a str>,
    line1: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line2: Option<&'a str>,
    city: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    postal_code: Option<&'a str>,
    country_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
}

#[derive(Serialize)]
struct OutLine<'a> {
    line_no: i64,
    external_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    sku: Option<&'a str>,
    title: &'a str,
    quantity: i64,
    unit_price: Money<'a>,
    line_total: Money<'a>,
    tax: Money<'a>,
}

#[derive(Serialize)]
struct OutTaxLine<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate: Option<&'a serde_json::Number>,
    amount: Money<'a>,
}

#[derive(Serialize)]
struct OutDiscount<'a> {
    code: &'a str,
    amount: Money<'a>,
}

#[derive(Serialize)]
struct OutShipping<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    amount: Money<'a>,
}

#[derive(Serialize)]
struct Totals<'a> {
    subtotal: Money<'a>,
    discounts: Money<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping: Option<Money<'a>>,
    tax: Money<'a>,
    total: Money<'a>,
}

#[derive(Serialize)]
struct Reconciliation<'a> {
    agrees: bool,
    difference: Money<'a>,
}

#[derive(Serialize)]
struct AllTotals<'a> {
    stated: Totals<'a>,
    computed: Totals<'a>,
    reconciliation: Reconciliation<'a>,
}

#[derive(Serialize)]
struct SalesOrder<'a> {
    id: String,
    source: Source,
    idempotency_key: String,
    order_number: &'a str,
    status: &'static str,
    fulfillment_status: &'static str,
    placed_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancelled_at: Option<Timestamp>,
    currency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<OutCustomer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing_address: Option<OutAddress<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping_address: Option<OutAddress<'a>>,
    lines: Vec<OutLine<'a>>,
    tax_lines: Vec<OutTaxLine<'a>>,
    discounts: Vec<OutDiscount<'a>>,
    shipping_lines: Vec<OutShipping<'a>>,
    /// A Shopify order has no fee lines: always empty.
    fee_lines: [(); 0],
    totals: AllTotals<'a>,
}

type Result<T> = std::result::Result<T, String>;

fn decimal(text: &str) -> Result<Decimal> {
    Decimal::from_str_exact(text).map_err(|e| format!("{text:?}: {e}"))
}

fn timestamp(text: &str) -> Result<Timestamp> {
    text.parse().map_err(|e| format!("{text:?}: {e}"))
}

/// `price * quantity`, a zero product keeping the price's decimals (as the
/// mapping's `*` does: `0.00 * 2` is `0.00`, not rust_decimal's bare `0`).
fn times(price: Decimal, quantity: i64) -> Decimal {
    let mut product = price * Decimal::from(quantity);
    if product.is_zero() {
        product.rescale(price.scale());
    }
    product
}

fn cents(d: Decimal) -> Decimal {
    let mut rounded = d.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    rounded.rescale(2);
    rounded
}

fn status(financial: &str) -> Result<&'static str> {
    Ok(match financial {
        "pending" => "pending_payment",
        "authorized" => "authorized",
        "partially_paid" => "partially_paid",
        "paid" => "paid",
        "partially_refunded" => "partially_refunded",
        "refunded" => "refunded",
        "voided" | "expired" => "voided",
        other => return Err(format!("unknown financial_status {other:?}")),
    })
}

fn fulfillment(status: Option<&str>) -> Result<&'static str> {
    Ok(match status {
        None => "unfulfilled",
        Some("partial") => "partially_fulfilled",
        Some("fulfilled") => "fulfilled",
        Some("restocked") => "restocked",
        Some(other) => return Err(format!("unknown fulfillment_status {other:?}")),
    })
}

fn address<'a>(a: &'a Address<'a>) -> OutAddress<'a> {
    OutAddress {
        name: a.name.as_deref(),
        company: a.company.as_deref(),
        line1: a.address1.as_deref().unwrap_or(""),
        line2: a.address2.as_deref(),
        city: a.city.as_deref().unwrap_or(""),
        region: a.province.as_deref(),
        region_code: a.province_code.as_deref(),
        postal_code: a.zip.as_deref(),
        country_code: a.country_code.as_deref().unwrap_or("ZZ").to_uppercase(),
        phone: a.phone.as_deref(),
    }
}

fn line<'a>(i: usize, item: &'a LineItem<'a>, currency: &'a str) -> Result<OutLine<'a>> {
    let price = decimal(&item.price)?;
    let tax = item
        .tax_lines
        .iter()
        .map(|t| decimal(&t.price))
        .sum::<Result<Decimal>>()?;
    Ok(OutLine {
        line_no: i as i64 + 1,
        external_id: format!("shopify:{}", item.id),
        sku: item.sku.as_deref(),
        title: &item.title,
        quantity: item.quantity,
        unit_price: Money {
            amount: price,
            currency,
        },
        line_total: Money {
            amount: times(price, item.quantity),
            currency,
        },
        tax: Money {
            amount: cents(tax),
            currency,
        },
    })
}

fn sales_order<'a>(o: &'a Order<'a>) -> Result<SalesOrder<'a>> {
    let currency: &str = &o.currency;
    let updated = timestamp(&o.updated_at)?;
    let money = |amount| Money { amount, currency };
    let lines = o
        .line_items
        .iter()
        .enumerate()
        .map(|(i, item)| line(i, item, currency))
        .collect::<Result<Vec<_>>>()?;
    let subtotal = o
        .line_items
        .iter()
        .map(|i| Ok(times(decimal(&i.price)?, i.quantity)))
        .sum::<Result<Decimal>>()?;
    let discounts = o
        .discount_codes
        .iter()
        .map(|d| decimal(&d.amount))
        .sum::<Result<Decimal>>()?;
    let shipping = o
        .shipping_lines
        .iter()
        .map(|s| decimal(&s.price))
        .sum::<Result<Decimal>>()?;
    let tax = o
        .tax_lines
        .iter()
        .map(|t| decimal(&t.price))
        .sum::<Result<Decimal>>()?;
    let computed = subtotal + shipping + tax - discounts;
    let stated = decimal(&o.total_price)?;
    let key = Sha256::digest(format!("shopify|order|{}|{updated}", o.id));
    Ok(SalesOrder {
        id: format!("shopify:{}", o.id),
        source: Source {
            channel: "shopify",
            object: "order",
            external_id: o.id.to_string(),
            source_timestamp: updated,
        },
        idempotency_key: key.iter().fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        }),
        order_number: &o.name,
        status: status(&o.financial_status)?,
        fulfillment_status: fulfillment(o.fulfillment_status.as_deref())?,
        placed_at: timestamp(&o.created_at)?,
        cancelled_at: o.cancelled_at.as_deref().map(timestamp).transpose()?,
        currency,
        customer: o.customer.as_ref().map(|c| OutCustomer {
            external_id: format!("shopify:{}", c.id),
            email: c.email.as_deref().map(str::to_lowercase),
            name: format!(
                "{} {}",
                c.first_name.as_deref().unwrap_or(""),
                c.last_name.as_deref().unwrap_or("")
            )
            .trim()
            .to_owned(),
        }),
        billing_address: o.billing_address.as_ref().map(address),
        shipping_address: o.shipping_address.as_ref().map(address),
        lines,
        tax_lines: o
            .tax_lines
            .iter()
            .map(|t| {
                Ok(OutTaxLine {
                    title: &t.title,
                    rate: t.rate.as_ref(),
                    amount: money(decimal(&t.price)?),
                })
            })
            .collect::<Result<_>>()?,
        discounts: o
            .discount_codes
            .iter()
            .map(|d| {
                Ok(OutDiscount {
                    code: &d.code,
                    amount: money(decimal(&d.amount)?),
                })
            })
            .collect::<Result<_>>()?,
        shipping_lines: o
            .shipping_lines
            .iter()
            .map(|s| {
                Ok(OutShipping {
                    title: &s.title,
                    code: s.code.as_deref(),
                    amount: money(decimal(&s.price)?),
                })
            })
            .collect::<Result<_>>()?,
        fee_lines: [],
        totals: AllTotals {
            stated: Totals {
                subtotal: money(decimal(&o.subtotal_price)?),
                discounts: money(decimal(&o.total_discounts)?),
                shipping: None,
                tax: money(decimal(&o.total_tax)?),
                total: money(stated),
            },
            computed: Totals {
                subtotal: money(cents(subtotal)),
                discounts: money(cents(discounts)),
                shipping: Some(money(cents(shipping))),
                tax: money(cents(tax)),
                total: money(cents(computed)),
            },
            reconciliation: Reconciliation {
                agrees: stated == computed,
                difference: money(stated - computed),
            },
        },
    })
}

/// Transform one Shopify order record into one canonical `SalesOrder` line.
pub fn transform(input: &[u8], out: &mut Vec<u8>) -> Result<()> {
    let envelope: Envelope = serde_json::from_slice(input).map_err(|e| e.to_string())?;
    let order = sales_order(&envelope.order)?;
    serde_json::to_writer(out, &order).map_err(|e| e.to_string())
}
