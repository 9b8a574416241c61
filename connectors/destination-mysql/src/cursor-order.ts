import { compareValues, type LogicalType } from '@tributary/core';

/**
 * Orders two cursors the way the server orders them once stored, given the text sent for a
 * column of the logical type (encode.ts; null is smallest). Dedup in memory then agrees with
 * the merge's `>=` in SQL: a timestamp is already cut to DATETIME(6)'s microseconds, so two
 * cursors that differ below that are a tie in both, and the result does not depend on where
 * a batch ends.
 */
export function compareStoredCursor(a: unknown, b: unknown, type: LogicalType): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull && bNull ? 0 : aNull ? -1 : 1;
  switch (type) {
    case 'boolean':
      // Stored as TINYINT(1): the text is '1' or '0'.
      return compareValues(a, b, 'integer');
    case 'string':
    case 'bytes':
    case 'object':
    case 'array':
    case 'json':
      return compareCodePoints(String(a), String(b));
    default:
      return compareValues(a, b, type);
  }
}

/**
 * Text by Unicode code point, as a binary utf8mb4 collation compares it. JavaScript's `<`
 * compares UTF-16 units, which puts a character above U+FFFF (a surrogate pair) before
 * U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xPair = x >= 0xd800 && x <= 0xdfff;
    const yPair = y >= 0xd800 && y <= 0xdfff;
    if (xPair !== yPair) return xPair ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
