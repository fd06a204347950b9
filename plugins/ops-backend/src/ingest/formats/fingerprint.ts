/**
 * Stable fingerprints of label sets.
 *
 * The algorithm is the one Prometheus and Alertmanager use for the
 * fingerprint of a label set (`model.LabelSet.Fingerprint`): 64-bit FNV-1a
 * over the UTF-8 bytes of every `name 0xFF value 0xFF`, names in sorted
 * order, printed as 16 lower-case hex digits. 0xFF never occurs in UTF-8, so
 * the encoding is unambiguous. Using the same algorithm means an alert whose
 * sender left out `fingerprint` gets the key Alertmanager would have given it
 * (for label names in ASCII, which is what Prometheus allows; other names
 * are still hashed deterministically, only the sort order may differ from
 * Go's byte order).
 *
 * The 64-bit state is kept in two unsigned 32-bit halves (module state: the
 * parsers are synchronous and never re-enter), so that the hot loop stays
 * in small numbers: no BigInt, no allocation per byte.
 */

let lo = 0;
let hi = 0;

function reset(): void {
  // FNV-1a 64 offset basis 0xcbf29ce484222325
  lo = 0x84222325;
  hi = 0xcbf29ce4;
}

/** The UTF-8 bytes of one character. */
const scratch = new Uint8Array(4);

/**
 * Mixes in the UTF-8 encoding of `s` (lone surrogates as U+FFFD), then the
 * 0xFF separator, which never occurs in UTF-8 and so ends every string
 * unambiguously. Each byte is XORed in, then the state is multiplied by the
 * FNV prime 2^40 + 0x1b3 modulo 2^64. The state stays in locals during the
 * loop (module-level numbers above 2^31 would be boxed on every store).
 */
function mixField(s: string): void {
  let l = lo;
  let h = hi;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    let len = 1;
    let c = i === n ? 0xff : s.charCodeAt(i);
    if (c < 0x80 || i === n) {
      // one byte: ASCII, or the separator after the last character
      scratch[0] = c;
    } else if (c < 0x800) {
      scratch[0] = 0xc0 | (c >> 6);
      scratch[1] = 0x80 | (c & 0x3f);
      len = 2;
    } else {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        scratch[0] = 0xf0 | (cp >> 18);
        scratch[1] = 0x80 | ((cp >> 12) & 0x3f);
        scratch[2] = 0x80 | ((cp >> 6) & 0x3f);
        scratch[3] = 0x80 | (cp & 0x3f);
        len = 4;
      } else {
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        scratch[0] = 0xe0 | (c >> 12);
        scratch[1] = 0x80 | ((c >> 6) & 0x3f);
        scratch[2] = 0x80 | (c & 0x3f);
        len = 3;
      }
    }
    for (let k = 0; k < len; k++) {
      const x = l ^ scratch[k];
      // low half: x * 0x1b3 in two 16-bit steps (all small integers)
      const pl = (x & 0xffff) * 0x1b3;
      const ph = (x >>> 16) * 0x1b3 + (pl >>> 16);
      // high half: h * 0x1b3 in 16-bit steps too, the carry of the low
      // product, and x * 2^40 (whose bits beyond 64 fall off: x << 8 in
      // 32-bit arithmetic)
      h =
        ((((h >>> 16) * 0x1b3) << 16) +
          (h & 0xffff) * 0x1b3 +
          (x << 8) +
          (ph >>> 16)) |
        0;
      l = ((ph & 0xffff) << 16) | (pl & 0xffff);
    }
  }
  lo = l >>> 0;
  hi = h >>> 0;
}

/** Two hex digits for every byte value. */
const HEX_BYTES = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).padStart(2, '0'),
);

function hex(): string {
  return (
    HEX_BYTES[hi >>> 24] +
    HEX_BYTES[(hi >>> 16) & 0xff] +
    HEX_BYTES[(hi >>> 8) & 0xff] +
    HEX_BYTES[hi & 0xff] +
    HEX_BYTES[lo >>> 24] +
    HEX_BYTES[(lo >>> 16) & 0xff] +
    HEX_BYTES[(lo >>> 8) & 0xff] +
    HEX_BYTES[lo & 0xff]
  );
}

function mixSortedLabels(labels: Record<string, string>): void {
  const names = Object.keys(labels).sort();
  for (const name of names) {
    mixField(name);
    mixField(labels[name]);
  }
}

/**
 * The fingerprint of a label set: independent of the order of the labels,
 * equal to Prometheus' label-set fingerprint.
 */
export function labelsFingerprint(labels: Record<string, string>): string {
  reset();
  mixSortedLabels(labels);
  return hex();
}

/**
 * The default fingerprint of a generic signal: entity ref, name and sorted
 * labels, each string ended by the 0xFF separator.
 */
export function signalFingerprint(
  entityRef: string | undefined,
  name: string,
  labels: Record<string, string>,
): string {
  reset();
  mixField(entityRef ?? '');
  mixField(name);
  mixSortedLabels(labels);
  return hex();
}
