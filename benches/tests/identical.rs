//! The baseline stays honest: on the generated corpus, the compiled mapping,
//! the hand-written code and the evaluator produce identical output (not a
//! timing test).

use benches::{corpus, run, subject, Variant};

#[test]
fn compiled_handwritten_and_evaluator_agree_on_the_corpus() {
    let subject = subject().unwrap();
    let corpus = corpus::ndjson(7, 300);
    let mut outputs = Vec::new();
    for variant in [
        Variant::Compiled { threads: 1 },
        Variant::Compiled { threads: 2 },
        Variant::HandWritten,
        Variant::Evaluator,
    ] {
        let mut out = Vec::new();
        assert_eq!(
            run(variant, &subject, &corpus, &mut out).unwrap(),
            0,
            "{}",
            variant.label()
        );
        outputs.push((variant.label(), out));
    }
    let (first_label, first) = &outputs[0];
    assert_eq!(String::from_utf8_lossy(first).lines().count(), 300);
    for (label, out) in &outputs[1..] {
        if out != first {
            let a = String::from_utf8_lossy(first);
            let b = String::from_utf8_lossy(out);
            let (x, y) = a
                .lines()
                .zip(b.lines())
                .find(|(x, y)| x != y)
                .unwrap_or(("", ""));
            panic!("{label} differs from {first_label}:\n{x}\n{y}");
        }
    }
}

#[test]
fn the_corpus_is_deterministic_and_realistic() {
    let a = corpus::ndjson(42, 200);
    assert_eq!(a, corpus::ndjson(42, 200));
    assert_ne!(a, corpus::ndjson(43, 200));
    let sizes: Vec<usize> = String::from_utf8(a)
        .unwrap()
        .lines()
        .map(str::len)
        .collect();
    let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
    assert!(*min >= 1000 && *max <= 4500, "{min}..{max} bytes");
}
