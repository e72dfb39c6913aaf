#!/usr/bin/env bash
# Regenerates the zstd test fixtures in test/unit/fixtures/zstd/ (read through fzstd by
# test/unit/zstd.test.ts) with the machine's zstd CLI (made with v1.5.4). The tests only read the
# committed files; run this again only to change the fixture set:
#   bash scripts/make-zstd-fixtures.sh
# Inputs are generated deterministically (seeded PRNG) by node; the originals are not committed,
# manifest.json records each one's size and SHA-256 instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/test/unit/fixtures/zstd"
ZSTD="${ZSTD:-/usr/bin/zstd}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out/roundtrip" "$work/in" "$work/rt"

# ---- Inputs ---------------------------------------------------------------------------------
node - "$work/in" "$work/rt" <<'EOF'
const fs = require('fs');
const path = require('path');
const [inDir, rtDir] = process.argv.slice(2);
let seed = 0x2545f491;
function rnd() { // xorshift32
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const words = ('the model agent peer shutdown config server weights copy preserve delete scratchpad tool call ' +
  'bash python file directory instructions evaluation transcript sample score assistant user system message ' +
  'content role id metadata timestamp token usage output input error result success failure').split(' ');
function sentence(n) { const w = []; for (let i = 0; i < n; i++) w.push(pick(words)); return w.join(' '); }
function sample(i) {
  return {
    id: `sample-${i}`, epoch: 1 + (i % 3),
    input: sentence(20 + int(40)),
    messages: Array.from({ length: 2 + int(5) }, (_, k) => ({
      id: `msg-${i}-${k}-${int(1e9).toString(36)}`,
      role: pick(['system', 'user', 'assistant', 'tool']),
      content: sentence(5 + int(60)),
      ...(rnd() < 0.3 ? { tool_calls: [{ id: `call_${int(1e12).toString(36)}`, function: 'bash', arguments: { cmd: `cat /srv/${pick(words)}/${pick(words)}.json` } }] } : {}),
    })),
    scores: { peer_preservation: { value: pick(['C', 'I']), explanation: sentence(12) } },
    model_usage: { input_tokens: int(100000), output_tokens: int(5000) },
  };
}
function randomBytes(n) { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = int(256); return b; }
const w = (name, data) => fs.writeFileSync(path.join(inDir, name), data);

w('empty.bin', Buffer.alloc(0));
w('one-byte.txt', 'a');
w('tiny.txt', 'hello, zstd\n');
w('repetitive.txt', 'peer preservation '.repeat(2000));
w('sample.json', JSON.stringify(sample(1), null, 2));
w('samples.json', JSON.stringify(Array.from({ length: 60 }, (_, i) => sample(i)), null, 2)); // ~> 128 KB
w('random.bin', randomBytes(40000));
w('zeros.bin', Buffer.alloc(300000)); // RLE blocks
// Text with long-distance repeats (for --long): an 80 KB chunk, 700 KB of dots, the chunk again.
const chunk = Buffer.from(Array.from({ length: 40 }, (_, i) => JSON.stringify(sample(1000 + i))).join('\n'));
w('long-distance.txt', Buffer.concat([chunk, Buffer.alloc(700000, 0x2e), chunk]));
// Mixed: random runs, text, binary with small alphabet (Huffman without many matches).
const mixed = [];
for (let i = 0; i < 40; i++) {
  const k = int(4);
  if (k === 0) mixed.push(randomBytes(200 + int(2000)));
  else if (k === 1) mixed.push(Buffer.from(sentence(50 + int(400))));
  else if (k === 2) { const b = Buffer.alloc(500 + int(3000)); for (let j = 0; j < b.length; j++) b[j] = 65 + int(6); mixed.push(b); }
  else mixed.push(Buffer.alloc(100 + int(5000), int(256)));
}
w('mixed.bin', Buffer.concat(mixed));
// 4 KB random, then 'z' + 60 bytes copied from the last 4 KB, over and over: with a 4 KB window
// every block's literals are all 'z' (RLE literals).
const rl = [...randomBytes(4096)];
while (rl.length < 40000) { rl.push(122); const a = rl.length - 4000 + int(3000); for (let k = 0; k < 60; k++) rl.push(rl[a + k]); }
w('rle-literals.bin', Buffer.from(rl));
// 2 KB random, 34 MB of zeros (RLE blocks), the 2 KB again: an offset past 2^25 (offset code 25).
const far = randomBytes(2000);
w('far-offset.bin', Buffer.concat([far, Buffer.alloc(34 * 1024 * 1024), far]));
// Bytes 0..15, geometric: a Huffman tree small enough to be sent as direct 4-bit weights.
w('nibbles.bin', Buffer.from(Array.from({ length: 40000 }, () => { let v = 0; while (v < 15 && rnd() < 0.45) v++; return v; })));
// Skewed bytes with few matches: more than 16 KB of Huffman literals in one block (5-byte literals header).
w('skewed.bin', Buffer.from(Array.from({ length: 24000 }, () => Math.min(255, Math.floor(-Math.log(1 - rnd()) * 12)))));

// Round-trip set: many small varied inputs.
for (let i = 0; i < 64; i++) {
  const n = [0, 1, 2, 3, 5, 17, 100, 1000, 5000, 20000][i % 10] + int(50);
  const kind = i % 5;
  let b;
  if (kind === 0) b = randomBytes(n);
  else if (kind === 1) b = Buffer.from(sentence(Math.max(1, n >> 3))).subarray(0, n);
  else if (kind === 2) { b = Buffer.alloc(n); for (let j = 0; j < n; j++) b[j] = 48 + int(1 + (i % 7)); }
  else if (kind === 3) b = Buffer.from(JSON.stringify(Array.from({ length: 1 + (n >> 9) }, (_, k) => sample(k + i)))).subarray(0, n);
  else { b = Buffer.alloc(n); let j = 0; while (j < n) { const run = 1 + int(40); b.fill(int(4) ? 32 : int(256), j, Math.min(n, j + run)); j += run; } }
  fs.writeFileSync(path.join(rtDir, `rt${String(i).padStart(2, '0')}.bin`), b);
}
EOF

# ---- Compression ----------------------------------------------------------------------------
manifest="$work/manifest.tsv"
: > "$manifest"
# add NAME INPUT NOTE [zstd args...]: compress INPUT (a file, so the frame records its size) into NAME.zst
add() {
  local name="$1" input="$2" note="$3"; shift 3
  "$ZSTD" -q -f "$@" "$input" -o "$out/$name.zst"
  printf '%s\t%s\t%s\n' "$name.zst" "$input" "$note" >> "$manifest"
}
# addpipe: through a pipe, so the frame has no Frame_Content_Size
addpipe() {
  local name="$1" input="$2" note="$3"; shift 3
  "$ZSTD" -q -c "$@" < "$input" > "$out/$name.zst"
  printf '%s\t%s\t%s\n' "$name.zst" "$input" "$note" >> "$manifest"
}
I="$work/in"
add empty "$I/empty.bin" "empty input" -3
add one-byte "$I/one-byte.txt" "one byte" -3 --no-check
add tiny "$I/tiny.txt" "tiny text" -3 --check
add repetitive-l1 "$I/repetitive.txt" "repetitive text, level 1" -1
add repetitive-l19 "$I/repetitive.txt" "repetitive text, level 19" -19 --no-check
add sample-l3 "$I/sample.json" "one Inspect-like sample, level 3" -3
add samples-l1 "$I/samples.json" "60 samples (>128 KB, several blocks), level 1" -1 --check
add samples-l3 "$I/samples.json" "60 samples, level 3, no checksum" -3 --no-check
add samples-l19 "$I/samples.json" "60 samples, level 19" -19
add samples-ultra22 "$I/samples.json" "60 samples, --ultra -22" --ultra -22
add samples-fast "$I/samples.json" "60 samples, --fast=5 (negative level)" --fast=5
add samples-wlog10 "$I/samples.json" "60 samples, 1 KB window (small blocks)" -3 --zstd=wlog=10
addpipe samples-pipe "$I/samples.json" "60 samples through a pipe: no Frame_Content_Size" -3
add samples-nosize "$I/samples.json" "60 samples, --no-content-size" -6 --no-content-size
add random "$I/random.bin" "40 KB random bytes (raw blocks), checksum" -3 --check
add zeros "$I/zeros.bin" "300 KB zeros (RLE blocks)" -3
addpipe long-distance "$I/long-distance.txt" "a repeat 760 KB back, --long=27 through a pipe (128 MB window)" -19 --long=27
add mixed-l3 "$I/mixed.bin" "mixed random/text/runs, level 3" -3
add mixed-l19 "$I/mixed.bin" "mixed random/text/runs, level 19" -19
add far-offset "$I/far-offset.bin" "a match 34 MB back (offset code 25), --long=26" -19 --long=26
add nibbles "$I/nibbles.bin" "16 symbols: Huffman tree as direct weights" -19
add skewed "$I/skewed.bin" "skewed bytes: 24 KB of Huffman literals in one block" -1
add rle-literals "$I/rle-literals.bin" "copies separated by one repeated byte: RLE literals" -19 --zstd=wlog=12

# Several frames in one file: tiny + sample + empty, decoded as their concatenation.
cat "$out/tiny.zst" "$out/sample-l3.zst" "$out/empty.zst" > "$out/multi-frame.zst"
cat "$I/tiny.txt" "$I/sample.json" "$I/empty.bin" > "$work/multi-frame.out"
printf '%s\t%s\t%s\n' multi-frame.zst "$work/multi-frame.out" "three concatenated frames" >> "$manifest"
# Skippable frames (magic 0x184D2A50 and 0x184D2A5F) before and between frames.
{ printf '\x50\x2a\x4d\x18\x05\x00\x00\x00skip!'; cat "$out/tiny.zst"; printf '\x5f\x2a\x4d\x18\x00\x00\x00\x00'; cat "$out/one-byte.zst"; } > "$out/skippable.zst"
cat "$I/tiny.txt" "$I/one-byte.txt" > "$work/skippable.out"
printf '%s\t%s\t%s\n' skippable.zst "$work/skippable.out" "skippable frames around two frames" >> "$manifest"

# A frame that names a dictionary (the decoder must refuse it).
mkdir -p "$work/train"
for i in $(seq 1 200); do echo "{\"id\": $i, \"role\": \"assistant\", \"content\": \"sample $i with text $((i * 7919 % 1000)) and words like tool_call bash\"}" > "$work/train/s$i.json"; done
"$ZSTD" -q --train "$work"/train/*.json -o "$work/dict" --maxdict=1024
printf 'hello world\n' | "$ZSTD" -q -c -D "$work/dict" > "$out/dictionary.zst"

# Round-trip set, levels cycling through -5..19 and ultra 22, every fourth through a pipe.
levels=(1 3 -5 19 7 12 2 22)
i=0
for f in "$work"/rt/*.bin; do
  base="$(basename "$f" .bin)"
  lvl="${levels[$((i % ${#levels[@]}))]}"
  args=(-q -c --ultra "-$lvl")
  [ "$lvl" -lt 0 ] && args=(-q -c "--fast=${lvl#-}")
  [ $((i % 3)) -eq 0 ] && args+=(--no-check)
  if [ $((i % 4)) -eq 0 ]; then "$ZSTD" "${args[@]}" < "$f" > "$out/roundtrip/$base.zst"
  else "$ZSTD" "${args[@]}" "$f" > "$out/roundtrip/$base.zst"; fi
  printf '%s\t%s\t%s\n' "roundtrip/$base.zst" "$f" "round trip, level $lvl" >> "$manifest"
  i=$((i + 1))
done

# Check every fixture with the CLI, then write the manifest (name, note, size and SHA-256 of the original).
node - "$manifest" "$out/manifest.json" <<'EOF'
const fs = require('fs');
const crypto = require('crypto');
const [tsv, json] = process.argv.slice(2);
const entries = fs.readFileSync(tsv, 'utf8').trim().split('\n').map((line) => {
  const [file, input, note] = line.split('\t');
  const data = fs.readFileSync(input);
  return { file, note, size: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex') };
});
fs.writeFileSync(json, JSON.stringify({ generator: 'scripts/make-zstd-fixtures.sh', entries }, null, 1) + '\n');
EOF
while IFS=$'\t' read -r file input _; do
  cmp -s <("$ZSTD" -q -d -c "$out/$file") "$input" || { echo "zstd CLI disagrees on $file" >&2; exit 1; }
done < "$manifest"
echo "wrote $(find "$out" -name '*.zst' | wc -l) fixtures, $(du -sk "$out" | cut -f1) KB, in $out"
