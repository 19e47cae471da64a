//! (a) Structure-aware: one of the repository's mappings, its tokens
//! (words and punctuation) dropped, duplicated, swapped or replaced with a
//! token of another mapping as the input's bytes say, then parsed, checked
//! and generated. Mutations of real mappings reach the checker's deep
//! paths that random text does not.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

/// Words, runs of white space and single punctuation characters.
fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let class = |c: char| {
            if c.is_alphanumeric() || c == '_' {
                0
            } else if c.is_whitespace() {
                1
            } else {
                2
            }
        };
        let next = chars.peek().map(|(_, n)| class(*n));
        if class(c) == 2 || next != Some(class(c)) {
            let end = i + c.len_utf8();
            tokens.push(&text[start..end]);
            start = end;
        }
    }
    tokens
}

fuzz_target!(|data: &[u8]| {
    let texts = common::mapping_texts();
    let Some((&pick, ops)) = data.split_first() else {
        return;
    };
    let Some((file, text)) = texts.get(usize::from(pick) % texts.len().max(1)) else {
        return;
    };
    let mut toks = tokens(text);
    let donor = tokens(&texts[usize::from(pick / 2) % texts.len()].1);
    for op in ops.chunks(3) {
        let [kind, a, b] = [op[0], *op.get(1).unwrap_or(&0), *op.get(2).unwrap_or(&0)];
        if toks.is_empty() {
            break;
        }
        let at = (usize::from(a) << 8 | usize::from(b)) % toks.len();
        match kind % 4 {
            0 => {
                toks.remove(at);
            }
            1 => toks.insert(at, toks[at]),
            2 => {
                let other = (at + usize::from(b) + 1) % toks.len();
                toks.swap(at, other);
            }
            _ => {
                if let Some(t) =
                    donor.get((usize::from(a) * 31 + usize::from(b)) % donor.len().max(1))
                {
                    toks[at] = t;
                }
            }
        }
    }
    let mutated: String = toks.concat();
    let compiled = mapc::compile(file, &mutated, &common::read);
    if let Some(ir) = &compiled.mapping {
        let _ = mapc::codegen::generate(ir);
    }
});
