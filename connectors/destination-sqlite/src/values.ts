import {
  asText,
  BASE64_TEXT,
  compareValues,
  DECIMAL_TEXT,
  formatInstantUtc,
  INTEGER_TEXT,
  isDateText,
  type LogicalType,
  normalizeTimestampUtc,
  parseTimestamp,
  TIME_TEXT,
} from '@tributary/core';

/** What better-sqlite3 binds: a SQLite value. */
export type SqlValue = number | bigint | string | null;

/** Returned by an encoder for a value its column type cannot hold (core's `valueFits` is false). */
export const NO_FIT: unique symbol = Symbol('no-fit');

/** Turns a non-null JSON value into the SQLite value of a column of one logical type. */
export type Encoder = (value: unknown) => SqlValue | typeof NO_FIT;

/**
 * How each logical type is stored. Exact types never pass through a float: big_integer and
 * decimal are TEXT ("12.00" keeps its scale, 2^64+1 its digits). Timestamps are stored as
 * normalized UTC text with microseconds (`2024-07-02T12:00:00.000000Z`; without offset the
 * same without `Z`), so plain text order is instant order and `=` finds equal instants.
 */
export function sqliteTypeOf(type: LogicalType): 'INTEGER' | 'REAL' | 'TEXT' {
  switch (type) {
    case 'boolean':
    case 'integer':
      return 'INTEGER';
    case 'number':
      return 'REAL';
    default:
      return 'TEXT';
  }
}

const textIf =
  (test: (text: string) => boolean): Encoder =>
  (v) =>
    typeof v === 'string' && test(v) ? v : NO_FIT;

/** `2024-07-02T12:00:00Z`, `…12:00:00.5+00:00`: already UTC, the common case of exports. */
const UTC_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):([0-5]\d):([0-5]\d)(?:\.(\d{1,9}))?(?:Z|z|\+00:?00)$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const FRACTION_ZEROS = '000000';

/**
 * The UTC text of a timestamp that is already UTC, by string work alone: core's parse goes
 * through BigInt and Date and costs microseconds a value, which a million-row load feels.
 * Gives the same text as `formatInstantUtc(parseTimestamp(text))`, or undefined to say
 * "take the general path" (another offset, a leap second, hour 24, years before 1000).
 */
function utcFastPath(text: string): string | undefined {
  if (text.length === 20) {
    const plain = plainUtc(text);
    if (plain !== undefined) return plain;
  }
  const m = UTC_TEXT.exec(text);
  if (!m) return undefined;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || +m[4]! > 23) return undefined;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return undefined;
  const fraction = m[7] ?? '';
  const micros =
    fraction.length >= 6 ? fraction.slice(0, 6) : fraction + FRACTION_ZEROS.slice(fraction.length);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${micros}Z`;
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * `2023-04-11T04:01:12Z` exactly, by char codes: the regex's nine captures are nine strings
 * a value, and at two timestamps a row the collector felt them (measured, see README). Any
 * other text returns undefined and takes the regex, which stays the definition.
 */
function plainUtc(text: string): string | undefined {
  for (const i of DIGIT_POSITIONS) if (!isDigit(text.charCodeAt(i))) return undefined;
  const sep = text.charCodeAt(10);
  const zone = text.charCodeAt(19);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  if ((sep !== 84 && sep !== 32) || (zone !== 90 && zone !== 122)) return undefined;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  // [0-5]\d for minutes and seconds, as the regex has it.
  if (text.charCodeAt(14) > 53 || text.charCodeAt(17) > 53) return undefined;
  const num = (i: number) => (text.charCodeAt(i) - 48) * 10 + text.charCodeAt(i + 1) - 48;
  const year = num(0) * 100 + num(2);
  const month = num(5);
  const day = num(8);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || num(11) > 23) return undefined;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return undefined;
  if (sep === 84) return `${text.slice(0, 19)}.000000Z`;
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.000000Z`;
}

/** A timestamp with an offset as UTC text; `undefined` when the text is not one. */
export function encodeTimestampTz(text: string): string | undefined {
  const fast = utcFastPath(text);
  if (fast !== undefined) return fast;
  const parsed = parseTimestamp(text);
  return parsed?.hasOffset ? formatInstantUtc(parsed.epochNanos) : undefined;
}

function encodeTimestamp(text: string): string | undefined {
  const parsed = parseTimestamp(text);
  return parsed && !parsed.hasOffset ? formatInstantUtc(parsed.epochNanos).slice(0, -1) : undefined;
}

const ENCODERS: Record<LogicalType, Encoder> = {
  boolean: (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : NO_FIT),
  integer: (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : NO_FIT),
  big_integer: (v) => {
    if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : NO_FIT;
    return typeof v === 'string' && INTEGER_TEXT.test(v) ? v : NO_FIT;
  },
  decimal: (v) => {
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : NO_FIT;
    return typeof v === 'string' && DECIMAL_TEXT.test(v) ? v : NO_FIT;
  },
  number: (v) => (typeof v === 'number' ? v : NO_FIT),
  date: textIf(isDateText),
  // core's widen(date, timestamp_tz) is timestamp_tz: a bare date is read as UTC midnight.
  timestamp_tz: (v) => {
    if (typeof v !== 'string') return NO_FIT;
    const utc = encodeTimestampTz(v) ?? (isDateText(v) ? normalizeTimestampUtc(v) : undefined);
    return utc ?? NO_FIT;
  },
  timestamp: (v) => (typeof v === 'string' ? (encodeTimestamp(v) ?? NO_FIT) : NO_FIT),
  time: textIf((t) => TIME_TEXT.test(t)),
  // core's widen turns any clash into `string`, so a string column takes every value as text.
  string: (v) => (typeof v === 'string' ? v : asText(v)),
  bytes: textIf((t) => BASE64_TEXT.test(t)),
  object: (v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? JSON.stringify(v) : NO_FIT,
  array: (v) => (Array.isArray(v) ? JSON.stringify(v) : NO_FIT),
  json: (v) => JSON.stringify(v),
};

/** The encoder of a logical type. */
export function encoderFor(type: LogicalType): Encoder {
  return ENCODERS[type];
}

/** Reads a stored SQLite value back into the JSON value it was made from. */
export function decodeStored(value: unknown, type: LogicalType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'boolean':
      return Number(value) !== 0;
    case 'object':
    case 'array':
    case 'json':
      return typeof value === 'string' ? JSON.parse(value) : value;
    default:
      return typeof value === 'bigint' ? value.toString() : value;
  }
}

/**
 * Re-encodes a stored value for a wider column type; core's `widen` guarantees every value
 * of the old type has a form in the new one (text at worst), so nothing is lost.
 */
export function convertStored(value: unknown, from: LogicalType, to: LogicalType): SqlValue {
  const decoded = decodeStored(value, from);
  if (decoded === null) return null;
  const encoded = ENCODERS[to](decoded);
  return encoded === NO_FIT ? asText(decoded) : encoded;
}

/** Orders two stored values of one logical type with core's `compareValues`. */
export function compareStored(a: unknown, b: unknown, type: LogicalType): number {
  return compareValues(decodeStored(a, type), decodeStored(b, type), type);
}
