import { asText, formatInstantUtc, type LogicalType, parseTimestamp } from '@tributary/core';

/** An instant as MySQL DATETIME(6) text in UTC: `2024-07-02 12:00:00.000000`. */
export function datetimeUtc(epochNanos: bigint): string {
  const iso = formatInstantUtc(epochNanos);
  return `${iso.slice(0, 10)} ${iso.slice(11, 26)}`;
}

/** The RECORD's emitted_at (epoch milliseconds) as DATETIME(6) text. */
export function emittedAtText(emittedAt: number): string {
  return datetimeUtc(BigInt(Math.trunc(emittedAt)) * 1_000_000n);
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
