//! A deterministic corpus of realistic Shopify-style orders (NDJSON): 1 to 8
//! line items, tax lines, discounts, money as strings, customers, addresses,
//! and the unread fields real payloads carry (~1-4 KB per order).

use serde_json::{json, Value};

const CURRENCIES: [&str; 4] = ["USD", "EUR", "GBP", "CAD"];
const STATUSES: [&str; 8] = [
    "pending",
    "authorized",
    "partially_paid",
    "paid",
    "partially_refunded",
    "refunded",
    "voided",
    "expired",
];
const NAMES: [(&str, &str); 6] = [
    ("Bob", "Norman"),
    ("Ada", "Lovelace"),
    ("Zoë", "Ångström"),
    ("Li", "Wei"),
    ("Mary \"Mo\"", "O'Neil"),
    ("José", "Núñez"),
];
const PRODUCTS: [&str; 6] = [
    "IPod Nano - 8gb",
    "Tee \"Classic\"",
    "Mug",
    "Socks (3-pack)",
    "Café Beans 1kg",
    "Desk Lamp",
];

fn money(rng: &mut fastrand::Rng, max_cents: u64) -> (u64, String) {
    let cents = rng.u64(100..max_cents);
    (cents, format!("{}.{:02}", cents / 100, cents % 100))
}

fn cents_text(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn timestamp(rng: &mut fastrand::Rng) -> String {
    let offset = ["-05:00", "+00:00", "+01:00", "+09:00", "Z"][rng.usize(0..5)];
    format!(
        "2024-{:02}-{:02}T{:02}:{:02}:{:02}{offset}",
        rng.u8(1..13),
        rng.u8(1..29),
        rng.u8(0..24),
        rng.u8(0..60),
        rng.u8(0..60)
    )
}

fn address(rng: &mut fastrand::Rng, first: &str, last: &str) -> Value {
    json!({
        "address1": format!("{} Chestnut Street", rng.u16(1..999)),
        "address2": if rng.bool() { "" } else { "Apt 4" },
        "city": "Louisville",
        "company": if rng.u8(0..4) == 0 { Value::from("ACME Corp") } else { Value::Null },
        "phone": "555-625-1199",
        "province": "Kentucky",
        "zip": "40202",
        "name": format!("{first} {last}"),
        "country_code": "US",
        "province_code": "KY"
    })
}

fn line_item(rng: &mut fastrand::Rng, id: u64) -> (u64, Value) {
    let (cents, price) = money(rng, 30_000);
    let quantity = rng.u64(1..5);
    let taxes: Vec<Value> = (0..rng.usize(0..3))
        .map(|_| json!({"price": cents_text(cents * quantity * 6 / 100), "rate": 0.06, "title": "State Tax"}))
        .collect();
    let item = json!({
        "fulfillment_service": "manual",
        "fulfillment_status": null,
        "grams": rng.u32(50..2000),
        "id": id,
        "price": price,
        "product_id": 632_910_392 + rng.u64(0..1000),
        "quantity": quantity,
        "requires_shipping": true,
        "sku": if rng.u8(0..10) == 0 { Value::Null } else { Value::from(format!("SKU-{}", rng.u32(1000..99999))) },
        "title": PRODUCTS[rng.usize(0..PRODUCTS.len())],
        "variant_id": 39_072_856 + rng.u64(0..1000),
        "vendor": null,
        "product_exists": true,
        "tax_lines": taxes
    });
    (cents * quantity, item)
}

/// One order as a JSON value.
pub fn order(rng: &mut fastrand::Rng, n: u64) -> Value {
    let (first, last) = NAMES[rng.usize(0..NAMES.len())];
    let currency = CURRENCIES[rng.usize(0..CURRENCIES.len())];
    let mut subtotal = 0;
    let items: Vec<Value> = (0..rng.u64(1..9))
        .map(|i| {
            let (total, item) = line_item(rng, 466_157_049 + n * 10 + i);
            subtotal += total;
            item
        })
        .collect();
    let tax = subtotal * 6 / 100;
    let discounts: Vec<Value> = (0..rng.usize(0..3))
        .map(|_| json!({"code": "TENOFF", "amount": "10.00", "type": "fixed_amount"}))
        .collect();
    let shipping = if rng.bool() { 0 } else { rng.u64(100..2500) };
    let created = timestamp(rng);
    let fulfillment = [
        Value::Null,
        Value::from("partial"),
        Value::from("fulfilled"),
    ][rng.usize(0..3)]
    .clone();
    json!({"order": {
        "buyer_accepts_marketing": rng.bool(),
        "cancel_reason": null,
        "cancelled_at": if rng.u8(0..10) == 0 { Value::from(timestamp(rng)) } else { Value::Null },
        "closed_at": null,
        "confirmed": true,
        "created_at": created,
        "currency": currency,
        "email": format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase()),
        "financial_status": STATUSES[rng.usize(0..STATUSES.len())],
        "fulfillment_status": fulfillment,
        "gateway": "authorize_net",
        "id": 450_789_469 + n,
        "name": format!("#{}", 1001 + n),
        "note": null,
        "number": n,
        "subtotal_price": cents_text(subtotal),
        "taxes_included": false,
        "test": false,
        "token": "b1946ac92492d2347c6235b4d2611184",
        "total_discounts": cents_text(1000 * discounts.len() as u64),
        "total_price": cents_text((subtotal + tax + shipping).saturating_sub(1000 * discounts.len() as u64)),
        "total_tax": cents_text(tax),
        "total_weight": 0,
        "updated_at": created,
        "order_number": 1001 + n,
        "discount_codes": discounts,
        "processing_method": "direct",
        "source_name": "web",
        "tax_lines": [{"price": cents_text(tax), "rate": 0.06, "title": "State Tax"}],
        "line_items": items,
        "shipping_lines": [{"code": "Standard", "price": cents_text(shipping), "source": "shopify", "title": "Standard Shipping"}],
        "billing_address": address(rng, first, last),
        "shipping_address": address(rng, first, last),
        "customer": {
            "created_at": "2014-01-22T15:58:27-05:00",
            "email": format!("{}.{}@Example.com", first, last),
            "first_name": first,
            "id": 207_119_551 + n,
            "last_name": last,
            "total_spent": "0.00"
        }
    }})
}

/// `records` orders as NDJSON, the same bytes for the same seed.
pub fn ndjson(seed: u64, records: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Vec::new();
    for n in 0..records {
        out.extend_from_slice(order(&mut rng, n).to_string().as_bytes());
        out.push(b'\n');
    }
    out
}
