import { DATE_TEXT, TIMESTAMP_TEXT } from '@tributary/core';

// Core's parseTimestamp computes an exact instant (BigInt nanoseconds); checking a value's
// shape per record needs only the calendar, which these do without allocating a BigInt.

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > DAYS[m - 1]!) return false;
  if (m === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

/** True for a valid calendar date `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  if (text.length !== 10) return false;
  const m = DATE_TEXT.exec(text);
  return m !== null && validDate(+m[1]!, +m[2]!, +m[3]!);
}

/** 'tz' for a valid timestamp with an offset, 'local' without one, undefined otherwise. */
export function timestampKind(text: string): 'tz' | 'local' | undefined {
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!)) return undefined;
  if (+m[4]! > 24 || +m[5]! > 59 || (m[6] !== undefined && +m[6] > 60)) return undefined;
  return m[8] === undefined ? 'local' : 'tz';
}
