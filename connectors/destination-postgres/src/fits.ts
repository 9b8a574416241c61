import { isSpecialValue, type LogicalType, valueFits } from '@tributary/core';

/**
 * core's `valueFits`, answered by char codes for the timestamps a bulk load mostly carries.
 * Core reads a timestamp exactly (regex, then BigInt nanoseconds): on every value of a
 * million-row load that was the largest CPU cost. A value that the quick check does not
 * plainly accept takes core's path, so the answer never differs, except that core's special
 * values are accepted too: numeric and double precision hold NaN and ±Infinity, date and the
 * timestamps ±infinity, and COPY reads them as core spells them. Numbers are core's alone:
 * which texts fit a numeric column (`"007"` does not) is decided in one place.
 */
export function fits(value: unknown, type: LogicalType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'timestamp_tz':
    case 'timestamp':
      if (typeof value === 'string' && plainTimestamp(value, type === 'timestamp_tz')) return true;
      break;
  }
  return valueFits(value, type) || isSpecialValue(value, type);
}

const ZERO = 48;
const COLON = 58;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= ZERO + 9;
}

/** Two digits at `i`, as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - ZERO;
  const b = s.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `YYYY-MM-DDTHH:MM[:SS[.f…]]` then `Z`, `±HH:MM` or `±HHMM` (with an offset) or nothing,
 * with every field plainly in range (day ≤ 28: no calendar needed).
 */
function plainTimestamp(s: string, withOffset: boolean): boolean {
  const n = s.length;
  if (n < 16 || !isDigit(s.charCodeAt(0)) || twoDigits(s, 1) < 0 || !isDigit(s.charCodeAt(3)))
    return false;
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const sep = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 32)) return false;
  if (month < 1 || month > 12 || day < 1 || day > 28) return false;
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  if (hour < 0 || hour > 23 || s.charCodeAt(13) !== COLON || minute < 0 || minute > 59)
    return false;
  let i = 16;
  if (s.charCodeAt(i) === COLON) {
    const second = twoDigits(s, i + 1);
    if (second < 0 || second > 59) return false;
    i += 3;
    const dot = s.charCodeAt(i);
    if (dot === 46 || dot === 44) {
      i++;
      const start = i;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      if (i === start) return false;
    }
  }
  if (i === n) return !withOffset;
  if (!withOffset) return false;
  const zone = s.charCodeAt(i);
  if (zone === 90 || zone === 122) return i + 1 === n;
  if (zone !== 43 && zone !== 45) return false;
  if (twoDigits(s, i + 1) < 0) return false;
  const rest = n - (i + 3);
  if (rest === 3) return s.charCodeAt(i + 3) === COLON && twoDigits(s, i + 4) >= 0;
  return rest === 2 && twoDigits(s, i + 3) >= 0;
}
