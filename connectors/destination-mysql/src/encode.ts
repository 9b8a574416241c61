import { asText, formatInstantUtc, type LogicalType, parseTimestamp } from '@tributary/core';

/** An instant as MySQL DATETIME(6) text in UTC: `2024-07-02 12:00:00.000000`. */
export function datetimeUtc(epochNanos: bigint): string {
  const iso = formatInstantUtc(epochNanos);
  return `${iso.slice(0, 10)} ${iso.slice(11, 26)}`;
}

let lastEmittedAt = Number.NaN;
let lastEmittedText = '';

/** The RECORD's emitted_at (epoch milliseconds) as DATETIME(6) text. */
export function emittedAtText(emittedAt: number): string {
  // Records of one read share few distinct instants; formatting each again is measurable.
  if (emittedAt !== lastEmittedAt) {
    lastEmittedText = datetimeUtc(BigInt(Math.trunc(emittedAt)) * 1_000_000n);
    lastEmittedAt = emittedAt;
  }
  return lastEmittedText;
}

const UTC_TEXT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|z|\+00:?00)?$/;

/**
 * DATETIME(6) text for a timestamp already in UTC (`…Z`, `+00:00`) or without offset, by
 * slicing: the common case, and many times cheaper than parsing to an instant. Returns
 * undefined for anything else (an offset to apply, a bare date). An impossible date such
 * as 2024-02-31 passes here and is refused by the server in strict mode.
 */
export function utcDatetimeText(value: string, withOffset: boolean): string | undefined {
  const m = UTC_TEXT.exec(value);
  if (!m || (m[4] !== undefined) !== withOffset) return undefined;
  const fraction = m[3] === undefined ? '000000' : (m[3] + '00000').slice(0, 6);
  return `${m[1]} ${m[2]}.${fraction}`;
}

/**
 * The text a value is sent as for a column of the logical type (the server converts it),
 * or null. Timestamps with an offset become UTC; those without are kept as written.
 */
export function encodeValue(value: unknown, type: LogicalType): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'boolean':
      return value === true ? '1' : value === false ? '0' : asText(value);
    case 'integer':
    case 'number':
    case 'big_integer':
    case 'decimal':
      return typeof value === 'string' ? value.trim() : String(value);
    case 'timestamp_tz':
    case 'timestamp': {
      const parsed = typeof value === 'string' ? parseTimestamp(value) : undefined;
      return parsed ? datetimeUtc(parsed.epochNanos) : asText(value);
    }
    case 'object':
    case 'array':
    case 'json':
      return JSON.stringify(value);
    default:
      return asText(value);
  }
}
