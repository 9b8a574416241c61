import { formatInstantUtc, parseTimestamp } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { encodeTimestampTz } from '../src/values.js';

// Core's parse, the definition the fast paths must give the same text as.
function byCore(text: string): string | undefined {
  const parsed = parseTimestamp(text);
  return parsed?.hasOffset ? formatInstantUtc(parsed.epochNanos) : undefined;
}

/** Deterministic texts: the plain UTC shape with one char changed, inserted or removed. */
function* texts(): Generator<string> {
  const bases = ['2023-04-11T04:01:12Z', '2024-02-29 23:59:59z', '1000-01-01T00:00:00Z'];
  const alphabet = '0123456789-:T Zz+.';
  for (const base of bases) {
    yield base;
    for (let at = 0; at < base.length; at++) {
      for (const c of alphabet) {
        yield base.slice(0, at) + c + base.slice(at + 1);
        yield base.slice(0, at) + c + base.slice(at);
      }
      yield base.slice(0, at) + base.slice(at + 1);
    }
  }
}

describe('encodeTimestampTz', () => {
  it('gives the plain UTC shape micros without parsing', () => {
    expect(encodeTimestampTz('2023-04-11T04:01:12Z')).toBe('2023-04-11T04:01:12.000000Z');
    expect(encodeTimestampTz('2023-04-11 04:01:12z')).toBe('2023-04-11T04:01:12.000000Z');
    expect(encodeTimestampTz('2023-02-29T04:01:12Z')).toBeUndefined();
  });

  it("agrees with core's parse on every one-char edit of the plain shape", () => {
    const disagreements: string[] = [];
    let count = 0;
    for (const text of texts()) {
      count++;
      if (encodeTimestampTz(text) !== byCore(text)) disagreements.push(text);
    }
    expect(count).toBeGreaterThan(2000);
    expect(disagreements).toEqual([]);
  });
});
