#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 60) each, seeded from the
# repository's real mappings, samples and published contracts; stops at the
# first crash (libFuzzer writes the input to fuzz/artifacts/<target>/).
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain is
# enough with RUSTC_BOOTSTRAP=1 (set here). See docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
root=..
seed() { # seed <target> <files...>: copy into the target's corpus
  local dir="corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do cp -f "$f" "$dir/$(echo "$f" | tr '/' '_')"; done
}
seed check_text "$root"/mappings/*/*.map
seed check_mutated_mapping "$root"/mappings/*/*.map
seed schema_load "$root"/schemas/channels/*/*.json
[ -d "$root/../shared/contracts" ] && seed schema_load $(find "$root/../shared/contracts" -name '*.json' -size -200k | head -200)
seed framing $(find "$root"/mappings/*/samples -type f ! -name '*.md' -size -64k)
# transform: the first byte picks the mapping; seed each sample under every pick.
mkdir -p corpus/transform
n=0
for f in $(find "$root"/mappings/*/samples -type f ! -name '*.md' -size -64k); do
  for pick in $(seq 0 7 63); do
    { printf "\\$(printf '%03o' "$pick")"; cat "$f"; } > "corpus/transform/seed-$n-$pick"
  done
  n=$((n + 1))
done
cargo fuzz build -O
mkdir -p logs
for target in check_text check_mutated_mapping schema_load transform framing; do
  echo "== $target: ${seconds}s"
  if ! cargo fuzz run -O "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 > "logs/$target.log" 2>&1; then
    tail -40 "logs/$target.log"
    echo "== $target: FAILED (the input is in fuzz/artifacts/$target/)"
    exit 1
  fi
  grep -E "^#[0-9]+ +DONE|Done [0-9]+ runs" "logs/$target.log" | tail -2
done
