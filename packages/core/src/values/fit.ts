import { isCanonicalDecimal, isCanonicalInteger } from './decimal.js';
import { isDateText, parseTimestamp } from './instant.js';
import type { LogicalType } from './logical-type.js';
import { BASE64_TEXT, TIME_TEXT } from './patterns.js';

/**
 * True when a non-null value can be held by a column of the logical type without losing
 * anything. Destinations call it before buffering a record: a value that does not fit
 * widens the column (policy `evolve`) or fails the batch (policy `freeze`). A big integer or
 * decimal fits as a string only in its canonical spelling (`isCanonicalDecimal`): `"007"`
 * in a numeric column would come back as 7.
 */
export function valueFits(value: unknown, type: LogicalType): boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'big_integer':
      return (
        (typeof value === 'number' && Number.isSafeInteger(value)) ||
        (typeof value === 'string' && isCanonicalInteger(value))
      );
    case 'decimal':
      return (
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && isCanonicalDecimal(value))
      );
    case 'number':
      return typeof value === 'number';
    case 'date':
      return typeof value === 'string' && isDateText(value);
    case 'timestamp_tz': {
      if (typeof value !== 'string') return false;
      return parseTimestamp(value)?.hasOffset === true;
    }
    case 'timestamp': {
      if (typeof value !== 'string') return false;
      const parsed = parseTimestamp(value);
      return parsed !== undefined && !parsed.hasOffset;
    }
    case 'time':
      return typeof value === 'string' && TIME_TEXT.test(value);
    case 'string':
      return typeof value === 'string';
    case 'bytes':
      return typeof value === 'string' && BASE64_TEXT.test(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'json':
      return true;
  }
}

/**
 * The type a value shows, read in the light of the column it is meant for: the text `"12.5"`
 * bound for a numeric column is a decimal, for any other column a string, and `"007"` a
 * string everywhere.
 */
export function observedType(value: unknown, columnType: LogicalType): LogicalType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'number';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && value !== null) return 'object';
  if (typeof value === 'string') {
    const numericColumn =
      columnType === 'integer' ||
      columnType === 'big_integer' ||
      columnType === 'decimal' ||
      columnType === 'number';
    if (numericColumn && isCanonicalInteger(value)) return 'big_integer';
    if (numericColumn && isCanonicalDecimal(value)) return 'decimal';
    if (columnType === 'date' || columnType === 'timestamp' || columnType === 'timestamp_tz') {
      const parsed = parseTimestamp(value);
      if (parsed)
        return parsed.hasOffset ? 'timestamp_tz' : isDateText(value) ? 'date' : 'timestamp';
    }
  }
  return 'string';
}

/** The text a value takes in a text column: strings as they are, anything else as JSON. */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
