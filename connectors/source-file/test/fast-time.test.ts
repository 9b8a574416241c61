import { TIMESTAMP_TEXT } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { timestampKind } from '../src/fast-time.js';

// The regex-only reading, as timestampKind was before its char-code path: the definition.
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function byRegex(text: string): 'tz' | 'local' | undefined {
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1]!) return undefined;
  if (mo === 2 && d === 29 && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return undefined;
  if (+m[4]! > 24 || +m[5]! > 59 || (m[6] !== undefined && +m[6] > 60)) return undefined;
  return m[8] === undefined ? 'local' : 'tz';
}

/** Deterministic pseudo-random texts around the timestamp shapes (mulberry32). */
function* texts(count: number): Generator<string> {
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bases = [
    '2023-04-11T04:01:12Z',
    '2024-02-29 23:59:60.123456+05:30',
    '1900-02-29T24:00',
    '2023-12-31T10:00:00,5-0800',
    '2023-06-30T10:00:00.000000001+01',
    '0001-01-01T00:00:00 z',
  ];
  const alphabet = '0123456789-:T Zz+.,x\t';
  for (let i = 0; i < count; i++) {
    const chars = [...bases[i % bases.length]!];
    const edits = Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (chars.length + 1));
      const c = alphabet[Math.floor(random() * alphabet.length)]!;
      const op = random();
      if (op < 0.4) chars[at] = c;
      else if (op < 0.7) chars.splice(at, 0, c);
      else chars.splice(at, 1);
    }
    yield chars.join('');
  }
}

describe('timestampKind', () => {
  it('reads the common shapes without the regex', () => {
    expect(timestampKind('2023-04-11T04:01:12Z')).toBe('tz');
    expect(timestampKind('2023-04-11 04:01:12.5+02:00')).toBe('tz');
    expect(timestampKind('2023-04-11T04:01')).toBe('local');
    expect(timestampKind('2023-02-29T04:01:12Z')).toBeUndefined();
    expect(timestampKind('2023-04-11T04:01:12 Z')).toBe('tz');
  });

  it('agrees with the regex reading on 50,000 edited texts', () => {
    const disagreements: string[] = [];
    for (const text of texts(50_000)) {
      if (timestampKind(text) !== byRegex(text)) disagreements.push(text);
    }
    expect(disagreements).toEqual([]);
  });
});
