//! Audit rules over every mapping in `mappings/`, enforced by tests rather
//! than by care (see `docs/mappings.md`, "Audit rules").

#![allow(clippy::expect_used)] // a panic in a test is a failed test

use mapc::diagnostics::codes;

/// Rule (a): stated totals depend only on stated fields. The checker's
/// lineage lint (W303) finds a stated figure that adds up a list; no
/// mapping here may have one.
#[test]
fn stated_totals_are_read_not_computed() {
    let mut found = Vec::new();
    for file in contract_tests::mapping_files(&["mappings"]) {
        let (compiled, _) = contract_tests::compile(&file);
        assert!(compiled.mapping.is_some(), "{file} does not compile");
        for d in &compiled.diagnostics {
            if d.code == codes::STATED_FROM_LIST {
                found.push(format!("{file}: {}", d.title));
            }
        }
    }
    assert!(
        found.is_empty(),
        "stated figures computed from lists:\n{}",
        found.join("\n")
    );
}

/// One change to a sample that makes it a new version of the same record:
/// its last-modified time or its status, as the channel changes it.
struct NewVersion {
    mapping: &'static str,
    /// The sample file or folder, under the mapping's samples folder.
    sample: &'static str,
    /// What changes, in the channel's words.
    field: &'static str,
    /// Text of the sample replaced (its first occurrence)...
    from: &'static str,
    /// ...by this.
    to: &'static str,
}

const fn version(
    mapping: &'static str,
    sample: &'static str,
    field: &'static str,
    from: &'static str,
    to: &'static str,
) -> NewVersion {
    NewVersion {
        mapping,
        sample,
        field,
        from,
        to,
    }
}

/// Per mapping, a new version of its first record. A channel object that
/// never changes once created is listed in [`IMMUTABLE`] instead.
const NEW_VERSIONS: &[NewVersion] = &[
    version(
        "amazon.fulfillment_order",
        "getFulfillmentOrder_example.json",
        "fulfillmentOrderStatus",
        r#""fulfillmentOrderStatus": "PROCESSING""#,
        r#""fulfillmentOrderStatus": "COMPLETE""#,
    ),
    version(
        "amazon.listings_report",
        "listings_report_sku_asin_price_qty.tsv",
        "quantity",
        "624.99\t57",
        "624.99\t56",
    ),
    version(
        "amazon.order",
        "example",
        "LastUpdateDate",
        r#""LastUpdateDate": "2017-01-20T19:49:35Z""#,
        r#""LastUpdateDate": "2017-01-21T08:00:00Z""#,
    ),
    version(
        "amazon.order_2026",
        "getOrder_2026-01-01_example.json",
        "lastUpdatedTime",
        r#""lastUpdatedTime": "2024-12-25T16:30:00Z""#,
        r#""lastUpdatedTime": "2024-12-26T09:00:00Z""#,
    ),
    version(
        "amazon.transaction",
        "listTransactions_2024-06-19_sandbox.json",
        "transactionStatus",
        r#""transactionType""#,
        r#""transactionStatus": "RELEASED", "transactionType""#,
    ),
    version(
        "bigcommerce.order",
        "v2_orders_collection_vcr_cassette.yml",
        "date_modified",
        r#""date_modified":"Sun, 24 Mar 2013 23:07:53 +0000""#,
        r#""date_modified":"Mon, 25 Mar 2013 08:00:00 +0000""#,
    ),
    version(
        "easypost.shipment",
        "returns-create.json",
        "updated_at",
        r#""updated_at": "2025-05-09T20:40:03Z""#,
        r#""updated_at": "2025-05-10T09:00:00Z""#,
    ),
    version(
        "easypost.tracker",
        "event-body_tracker_updated.json",
        "status",
        r#""tracking_code":"1","status":"in_transit""#,
        r#""tracking_code":"1","status":"delivered""#,
    ),
    version(
        "ebay.inventory_status",
        "ReviseInventoryStatusResponse.xml",
        "Quantity",
        "<Quantity>101</Quantity>",
        "<Quantity>100</Quantity>",
    ),
    version(
        "ebay.order",
        "GetOrdersResponseWithShippingCarrier.xml",
        "CheckoutStatus.LastModifiedTime",
        "<LastModifiedTime>2021-10-04T18:19:57.000Z<",
        "<LastModifiedTime>2021-10-05T08:00:00.000Z<",
    ),
    version(
        "lightspeed.sale",
        "Sale_show_vcr_cassette.yml",
        "timeStamp",
        r#""timeStamp":"2015-11-06T01:53:19+00:00""#,
        r#""timeStamp":"2015-11-07T09:00:00+00:00""#,
    ),
    version(
        "lightspeed.variant",
        "productVariants.json",
        "stockLevel",
        r#""stockLevel": 230"#,
        r#""stockLevel": 229"#,
    ),
    version(
        "magento.invoice",
        "get_invoice_orders_tutorial.json",
        "updated_at",
        r#""updated_at": "2017-08-21 22:36:03""#,
        r#""updated_at": "2017-08-22 09:00:00""#,
    ),
    version(
        "magento.source_item",
        "source_items_search_response.json",
        "quantity",
        r#""quantity": 500"#,
        r#""quantity": 499"#,
    ),
    version(
        "shipstation.order",
        "CreateOrderResponse.json",
        "modifyDate",
        r#""modifyDate": "2016-02-16T15:16:53.7070000""#,
        r#""modifyDate": "2016-02-17T09:00:00.0000000""#,
    ),
    version(
        "shopify.fulfillment",
        "fulfillment.json",
        "updated_at",
        r#""updated_at": "2013-11-01T16:06:08-04:00""#,
        r#""updated_at": "2013-11-02T09:00:00-04:00""#,
    ),
    version(
        "shopify.inventory_level",
        "inventory_level.json",
        "updated_at",
        r#""updated_at": "2018-05-07T15:51:26-04:00""#,
        r#""updated_at": "2018-05-08T09:00:00-04:00""#,
    ),
    version(
        "shopify.order",
        "order.json",
        "updated_at",
        r#""updated_at": "2008-01-10T11:00:00-05:00""#,
        r#""updated_at": "2008-01-11T09:00:00-05:00""#,
    ),
    version(
        "shopify.payout",
        "payouts.json",
        "status",
        r#""status": "scheduled""#,
        r#""status": "paid""#,
    ),
    version(
        "square.fulfillment_update",
        "OrderFulfillmentUpdatedEvent.json",
        "version",
        r#""version": 6"#,
        r#""version": 7"#,
    ),
    version(
        "square.inventory_count",
        "BatchRetrieveInventoryCountsResponse.json",
        "calculated_at",
        r#""calculated_at": "2016-11-16T22:28:01.223Z""#,
        r#""calculated_at": "2016-11-17T09:00:00.000Z""#,
    ),
    version(
        "square.order",
        "RetrieveOrderResponse.json",
        "version",
        r#""version": 1"#,
        r#""version": 2"#,
    ),
    version(
        "square.payment",
        "GetPaymentResponse.json",
        "version_token",
        r#""version_token": "56pRkL3slrzet2iQrTp9n0bdJVYTB9YEWdTNjQfZOPV6o""#,
        r#""version_token": "a-later-version-token""#,
    ),
    version(
        "square.refund",
        "RefundPaymentResponse.json",
        "status",
        r#""status": "PENDING""#,
        r#""status": "COMPLETED""#,
    ),
    version(
        "walmart.inventory",
        "getInventory_example.json",
        "quantity.amount",
        r#""amount": 10"#,
        r#""amount": 9"#,
    ),
    version(
        "walmart.order",
        "getAnOrder_example.json",
        "orderLine.statusDate",
        r#""statusDate": 1623835855623"#,
        r#""statusDate": 1623922255623"#,
    ),
    version(
        "walmart.payment_statement",
        "paymentStatement_example.json",
        "lastUpdatedDate",
        r#""lastUpdatedDate": "2022-10-04""#,
        r#""lastUpdatedDate": "2022-10-05""#,
    ),
    version(
        "walmart.return",
        "fetchReturns.json",
        "currentRefundStatus",
        r#""currentRefundStatus": "NOT_REFUNDED""#,
        r#""currentRefundStatus": "REFUNDED""#,
    ),
    version(
        "walmart.shipping_update",
        "shippingUpdates_response_example.json",
        "orderLineStatus.status",
        r#""status": "Shipped""#,
        r#""status": "Delivered""#,
    ),
    version(
        "woocommerce.legacy_order",
        "legacy_v3_view_order_response.json",
        "updated_at",
        r#""updated_at": "2015-01-26T20:00:21Z""#,
        r#""updated_at": "2015-01-27T09:00:00Z""#,
    ),
];

/// Channel objects that are written once and never change: the key names
/// the object (and what it moves), and a replay is always the same record.
const IMMUTABLE: &[(&str, &str)] = &[
    ("amazon.financial_events", "a financial event is posted once; each charge's key names its event, its place in it and its amount"),
    ("amazon.settlement", "a settlement report is issued once for its period"),
    ("magento.credit_memo", "a refund request is sent once; its key names the invoice and the items refunded"),
    ("magento.shipment", "a ship request is sent once; its key names the order, items and tracking numbers"),
    ("shipstation.label", "a label is bought once; another label has another tracking number"),
    ("shopify.refund", "a Shopify refund is created once and never updated"),
    ("shopify.tender_transaction", "a tender transaction is a ledger line, written once"),
    ("square.payout_entry", "a payout entry is a ledger line, written once"),
    ("woocommerce.legacy_refund", "a WooCommerce refund is created once and never updated"),
    ("woocommerce.refund", "a WooCommerce refund is created once and never updated"),
];

/// The canonical records of one sample payload (records that fail are a
/// failed test).
fn records(mapping: &str, payload: &[u8]) -> Vec<serde_json::Value> {
    let (records, failures) = run(mapping, payload);
    assert!(failures.is_empty(), "{mapping}: {failures:?}");
    records
}

/// The canonical records of a payload and the failures of the records
/// that did not map, as `maprt` frames and cuts it.
fn run(mapping: &str, payload: &[u8]) -> (Vec<serde_json::Value>, Vec<String>) {
    let compiled = maprt::find(mapping).expect("compiled into maprt");
    let mut out = Vec::new();
    let mut failures = Vec::new();
    let framed =
        host::format::for_each_record(payload, compiled.format, &host::Limits::DEFAULT, |r| {
            let envelope = host::Envelope::of(compiled);
            host::envelope::transform_record(
                compiled.transform,
                &envelope,
                &r,
                &mut out,
                |_, _, e| failures.push(e.to_string()),
            );
            Ok(())
        });
    if let Err(e) = framed {
        failures.push(e.to_string());
    }
    let records = out
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("output JSON"))
        .collect();
    (records, failures)
}

fn keys(records: &[serde_json::Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| {
            r["idempotency_key"]
                .as_str()
                .expect("an idempotency key")
                .to_owned()
        })
        .collect()
}

/// The mapping file of `id` (`shopify.order` -> `mappings/shopify/order.map`).
fn mapping_file(id: &str) -> std::path::PathBuf {
    let (channel, object) = id.split_once('.').expect("channel.object");
    contract_tests::root().join(format!("mappings/{channel}/{object}.map"))
}

/// A sample's payload, as `mapc test` reads it (a cassette's bodies, a
/// folder's named inputs combined), with the mapping's parameters supplied.
fn sample_payload(id: &str, sample: &str) -> Vec<u8> {
    let file = mapping_file(id);
    let relative = file
        .strip_prefix(contract_tests::root())
        .expect("under the root")
        .to_string_lossy()
        .into_owned();
    let (compiled, _) = contract_tests::compile(&relative);
    let ir = compiled.mapping.expect("compiles");
    let params = mapc::project::sample_params(&file).expect("sample parameters");
    let declared = maprt::find(id).expect("compiled into maprt").params;
    host::params::supply(id, declared, &params).expect("parameters");
    let (channel, object) = id.split_once('.').expect("channel.object");
    let path = contract_tests::root().join(format!("mappings/{channel}/samples/{object}/{sample}"));
    mapc::project::read_sample(&path, &ir.inputs, &ir.optional_inputs).expect("sample")
}

/// Rule (b): the idempotency key identifies the version of the record. The
/// same payload always gives the same keys; a new version of the record
/// (its last-modified time or status changed, as the channel changes them)
/// gives its record a new key, so a consumer that drops replays by key
/// never drops an update.
#[test]
fn idempotency_key_names_the_version() {
    for edit in NEW_VERSIONS {
        let payload = sample_payload(edit.mapping, edit.sample);
        let before = keys(&records(edit.mapping, &payload));
        assert_eq!(
            before,
            keys(&records(edit.mapping, &payload)),
            "{}: a replay",
            edit.mapping
        );
        let text = String::from_utf8(payload).expect("UTF-8 sample");
        assert!(
            text.contains(edit.from),
            "{}: {:?} is not in {}",
            edit.mapping,
            edit.from,
            edit.sample
        );
        let changed = text.replacen(edit.from, edit.to, 1);
        let after = keys(&records(edit.mapping, changed.as_bytes()));
        assert_eq!(after.len(), before.len(), "{}", edit.mapping);
        assert_ne!(
            after[0], before[0],
            "{}: a new `{}` kept the same idempotency key",
            edit.mapping, edit.field
        );
    }
}

/// Rule (b) for objects that never change: a replay gives the same keys.
#[test]
fn immutable_objects_keep_their_keys() {
    for (mapping, _why) in IMMUTABLE {
        let file = mapping_file(mapping);
        let sample = mapc::project::samples_for(&file)
            .into_iter()
            .next()
            .expect("a sample");
        let name = sample
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let payload = sample_payload(mapping, &name);
        let first = keys(&records(mapping, &payload));
        assert!(!first.is_empty(), "{mapping}: no record");
        assert_eq!(
            first,
            keys(&records(mapping, &payload)),
            "{mapping}: a replay"
        );
    }
}

/// Every mapping is in exactly one of the two lists above.
#[test]
fn every_mapping_has_a_version_rule() {
    let mut listed: Vec<&str> = NEW_VERSIONS
        .iter()
        .map(|v| v.mapping)
        .chain(IMMUTABLE.iter().map(|(m, _)| *m))
        .collect();
    listed.sort_unstable();
    let mut all: Vec<&str> = maprt::MAPPINGS.iter().map(|m| m.id).collect();
    all.sort_unstable();
    assert_eq!(listed, all);
}

/// Mappings that read the same channel object (or bodies no field tells
/// apart), so each maps the other's samples: a pair, and why.
const SAME_OBJECT: &[(&str, &str, &str)] = &[
    (
        "magento.credit_memo",
        "magento.shipment",
        "Magento's refund and ship request bodies are both `{items, notify, ...}` and may be \
         identical: the endpoint they were posted to tells them apart, not a field",
    ),
    (
        "walmart.order",
        "walmart.shipping_update",
        "a shipping update response is the Walmart order itself: the order and its \
         fulfilment are two views of one object",
    ),
];

/// Rule (d): a mapping rejects what it does not read. Every sample of every
/// other mapping of the same channel (a refund fed to the order mapping, a
/// label to the shipment mapping) is dead-lettered by the mapping, never
/// mapped, except where the two read the same object ([`SAME_OBJECT`]).
#[test]
fn mappings_reject_the_other_objects_of_their_channel() {
    let same = |a: &str, b: &str| {
        SAME_OBJECT
            .iter()
            .any(|(x, y, _)| (*x == a && *y == b) || (*x == b && *y == a))
    };
    // Every sample's payload, read once: (mapping, sample, payload).
    let mut samples = Vec::new();
    for m in maprt::MAPPINGS {
        for sample in mapc::project::samples_for(&mapping_file(m.id)) {
            let name = sample
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let payload = sample_payload(m.id, &name);
            samples.push((m.id, name, payload));
        }
    }
    let mut mapped = Vec::new();
    for reader in maprt::MAPPINGS {
        let channel = reader.id.split('.').next().unwrap_or_default();
        supply_sample_params(reader.id);
        for (other, name, payload) in &samples {
            if *other == reader.id
                || !other.starts_with(&format!("{channel}."))
                || same(reader.id, other)
            {
                continue;
            }
            let (records, _) = run(reader.id, payload);
            if !records.is_empty() {
                let n = records.len();
                mapped.push(format!(
                    "{} mapped {n} record(s) of {other} ({name})",
                    reader.id
                ));
            }
        }
    }
    assert!(mapped.is_empty(), "{}", mapped.join("\n"));
}

fn supply_sample_params(id: &str) {
    let params = mapc::project::sample_params(&mapping_file(id)).expect("sample parameters");
    let declared = maprt::find(id).expect("compiled into maprt").params;
    host::params::supply(id, declared, &params).expect("parameters");
}
