import { labelsFingerprint, signalFingerprint } from './fingerprint';
import { isEntityRefSyntax, parseTimestamp } from './util';

/** Straightforward FNV-1a 64 with BigInt, to check the limb arithmetic. */
function referenceFingerprint(labels: Record<string, string>): string {
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  const add = (bytes: Iterable<number>) => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * prime) & mask;
  };
  for (const name of Object.keys(labels).sort()) {
    add(Buffer.from(name, 'utf8'));
    add([0xff]);
    add(Buffer.from(labels[name], 'utf8'));
    add([0xff]);
  }
  return h.toString(16).padStart(16, '0');
}

describe('labelsFingerprint', () => {
  it('is the FNV-1a offset basis for no labels', () => {
    expect(labelsFingerprint({})).toBe('cbf29ce484222325');
  });

  it('agrees with a BigInt FNV-1a 64 over UTF-8', () => {
    const cases: Array<Record<string, string>> = [
      { alertname: 'Up' },
      { alertname: 'HighLatency', job: 'api', instance: 'api-0:9090' },
      { zone: 'zürich', emoji: '🔥 on fire', cjk: '障害' },
      { empty: '' },
    ];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let i = 0; i < 200; i++) {
      const labels: Record<string, string> = {};
      const n = rand() % 6;
      for (let j = 0; j < n; j++) {
        const chars = Array.from({ length: rand() % 12 }, () =>
          String.fromCharCode(
            rand() % 3 === 0 ? rand() % 0x3000 : 32 + (rand() % 90),
          ),
        );
        labels[`l${rand() % 50}`] = chars.join('');
      }
      cases.push(labels);
    }
    for (const labels of cases) {
      expect(labelsFingerprint(labels)).toBe(referenceFingerprint(labels));
    }
  });

  it('hashes a lone surrogate like U+FFFD, as Go would after decoding JSON', () => {
    expect(labelsFingerprint({ a: '\ud800' })).toBe(
      labelsFingerprint({ a: '\ufffd' }),
    );
  });

  it('does not depend on label order', () => {
    expect(labelsFingerprint({ a: '1', b: '2' })).toBe(
      labelsFingerprint({ b: '2', a: '1' }),
    );
  });

  it('separates names from values unambiguously', () => {
    expect(labelsFingerprint({ ab: 'c' })).not.toBe(
      labelsFingerprint({ a: 'bc' }),
    );
    expect(signalFingerprint(undefined, 'ab', {})).not.toBe(
      signalFingerprint('a', 'b', {}),
    );
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T10:00:00.1Z', '2026-11-24T10:00:00.100Z'],
    ['2026-11-24T10:00:00.123456789Z', '2026-11-24T10:00:00.123Z'],
    ['2026-11-24T11:00:00+01:00', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T11:00:00+0100', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T05:30:00-04:30', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24 10:00:00z', '2026-11-24T10:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ])('parses %p', (text, iso) => {
    expect(new Date(parseTimestamp(text)!).toISOString()).toBe(iso);
  });

  it.each([
    '2026-11-24',
    '2026-11-24T10:00:00',
    '2026-13-01T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-11-24T24:00:00Z',
    '2026-11-24T10:60:00Z',
    '2026-11-24T10:00:00+25:00',
    'Tue, 24 Nov 2026 10:00:00 GMT',
    '1764000000',
    `2026-11-24T10:00:00.${'1'.repeat(100_000)}Z`,
  ])('rejects %p', text => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});

describe('isEntityRefSyntax', () => {
  it('bounds the length of every part', () => {
    expect(isEntityRefSyntax(`component:default/${'a'.repeat(63)}`)).toBe(true);
    expect(isEntityRefSyntax(`component:default/${'a'.repeat(64)}`)).toBe(
      false,
    );
    expect(isEntityRefSyntax('x'.repeat(10_000))).toBe(false);
  });
});
