import { compareDecimalText } from './decimal.js';
import { parseTimestamp } from './instant.js';
import type { LogicalType } from './logical-type.js';
import { DECIMAL_TEXT, INTEGER_TEXT, NUMBER_TEXT } from './patterns.js';

/**
 * Orders two non-null values of one logical type the way the type means them: numbers as
 * numbers (never `"9" > "10"`), decimals and big integers exactly, timestamps as instants.
 * Values that are not of the type (an old state's `"11"` for an integer cursor) are read as
 * the type first, so they compare correctly too.
 */
export function compareValues(a: unknown, b: unknown, type: LogicalType): number {
  switch (type) {
    case 'integer':
    case 'number':
    case 'big_integer':
    case 'decimal':
      return compareNumeric(a, b);
    case 'timestamp_tz':
    case 'timestamp':
    case 'date': {
      const x = parseTimestamp(String(a));
      const y = parseTimestamp(String(b));
      if (x && y) return x.epochNanos < y.epochNanos ? -1 : x.epochNanos > y.epochNanos ? 1 : 0;
      return compareText(String(a), String(b));
    }
    case 'boolean':
      return Number(a === true || a === 'true') - Number(b === true || b === 'true');
    default:
      return compareText(
        typeof a === 'string' ? a : JSON.stringify(a),
        typeof b === 'string' ? b : JSON.stringify(b),
      );
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumeric(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = numericText(a);
  const y = numericText(b);
  if (x !== undefined && y !== undefined && DECIMAL_TEXT.test(x) && DECIMAL_TEXT.test(y)) {
    return compareDecimalText(x, y);
  }
  const nx = Number(a);
  const ny = Number(b);
  if (Number.isNaN(nx) || Number.isNaN(ny)) return compareText(String(a), String(b));
  return nx < ny ? -1 : nx > ny ? 1 : 0;
}

function numericText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) {
    const text = String(value);
    return NUMBER_TEXT.test(text) && !/[eE]/.test(text) ? text : undefined;
  }
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

/**
 * Reads a cursor value back into its type: a state written as `{cursor: "11"}` for an integer
 * cursor becomes 11. Values that do not read as the type are returned unchanged.
 */
export function coerceCursor(value: unknown, type: LogicalType): unknown {
  if (value === null || value === undefined) return value;
  if (type === 'integer' && typeof value === 'string' && INTEGER_TEXT.test(value.trim())) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.trim();
  }
  if (type === 'number' && typeof value === 'string' && NUMBER_TEXT.test(value.trim())) {
    return Number(value);
  }
  if ((type === 'big_integer' || type === 'decimal') && typeof value === 'number') {
    return String(value);
  }
  return value;
}
