import {
  asText,
  BASE64_TEXT,
  INTEGER_TEXT,
  type LogicalType,
  NUMBER_TEXT,
  TIME_TEXT,
  widen,
} from '@tributary/core';
import { classifyJson, classifyText } from './classify.js';
import { isDate, timestampKind } from './fast-time.js';
import { NumberText } from './json-numbers.js';
import { canonicalDecimal, canonicalInteger, LEADING_ZERO } from './numeric-text.js';

/** Returned by a converter for a value its type cannot hold; the column then widens. */
export const MISMATCH: unique symbol = Symbol('mismatch');
type Converted = unknown | typeof MISMATCH;

/** Turns one raw value into its logical type's form, or MISMATCH. */
export type Converter = (value: unknown) => Converted;

function fromDateText(text: string, type: 'timestamp' | 'timestamp_tz'): string {
  return type === 'timestamp' ? `${text}T00:00:00` : `${text}T00:00:00Z`;
}

/**
 * A converter for CSV text. An empty text is "" in a string column and null in any other;
 * `nulls` (the user's `null_values`) are null in every column, a string one included: the
 * user listed them as meaning null. Built once per column, never per record.
 */
export function textConverter(type: LogicalType, nulls: ReadonlySet<string>): Converter {
  if (type === 'string') {
    // Without null_values a string column's converter stays the identity (the hot path).
    return nulls.size === 0 ? (v) => v : (v) => (nulls.has(v as string) ? null : v);
  }
  // Without null_values, no Set lookup: hashing each fresh field costs ~0.1 s a million rows.
  const isNull =
    nulls.size === 0 ? (t: string) => t === '' : (t: string) => t === '' || nulls.has(t);
  const typed = textParser(type);
  return (v) => (isNull(v as string) ? null : typed(v as string));
}

function textParser(type: LogicalType): (t: string) => Converted {
  switch (type) {
    case 'integer':
      return (t) => {
        if (!INTEGER_TEXT.test(t) || LEADING_ZERO.test(t)) return MISMATCH;
        const n = Number(t);
        return Number.isSafeInteger(n) ? n : MISMATCH;
      };
    case 'big_integer':
      return (t) => canonicalInteger(t) ?? MISMATCH;
    case 'decimal':
      // A plain decimal keeps its scale as a string; an exponent form ("1e3") is a double.
      return (t) => {
        const decimal = canonicalDecimal(t);
        if (decimal !== undefined) return decimal;
        return NUMBER_TEXT.test(t) && !LEADING_ZERO.test(t) ? Number(t) : MISMATCH;
      };
    case 'number':
      return (t) => (NUMBER_TEXT.test(t) && !LEADING_ZERO.test(t) ? Number(t) : MISMATCH);
    case 'boolean':
      return (t) => {
        const lower = t.toLowerCase();
        return lower === 'true' ? true : lower === 'false' ? false : MISMATCH;
      };
    case 'date':
      return (t) => (isDate(t) ? t : MISMATCH);
    case 'timestamp':
    case 'timestamp_tz': {
      const kind = type === 'timestamp_tz' ? 'tz' : 'local';
      return (t) => {
        if (timestampKind(t) === kind) return t;
        return isDate(t) ? fromDateText(t, type) : MISMATCH;
      };
    }
    case 'time':
      return (t) => (TIME_TEXT.test(t) ? t : MISMATCH);
    case 'bytes':
      return (t) => (BASE64_TEXT.test(t) ? t : MISMATCH);
    case 'object':
    case 'array':
    case 'json':
      return (t) => {
        try {
          const parsed: unknown = JSON.parse(t);
          if (type === 'json') return parsed;
          const isArray = Array.isArray(parsed);
          const fits = type === 'array' ? isArray : !isArray && typeof parsed === 'object';
          return fits && parsed !== null ? parsed : MISMATCH;
        } catch {
          return MISMATCH;
        }
      };
    case 'string':
      return (t) => t;
  }
}

/** A converter for values parsed from JSON. Nested exact numbers become plain JSON. */
export function jsonConverter(type: LogicalType): Converter {
  return (v) => {
    if (v === null || v === undefined) return null;
    switch (type) {
      case 'string':
        return typeof v === 'string' ? v : asText(plain(v));
      case 'integer':
        return typeof v === 'number' && Number.isSafeInteger(v) ? v : MISMATCH;
      case 'big_integer':
        if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
        return v instanceof NumberText && v.integer ? v.text : MISMATCH;
      case 'decimal':
        if (typeof v === 'number') return v;
        return v instanceof NumberText ? v.text : MISMATCH;
      case 'number':
        return typeof v === 'number' ? v : MISMATCH;
      case 'boolean':
        return typeof v === 'boolean' ? v : MISMATCH;
      case 'object':
        return typeof v === 'object' && !Array.isArray(v) && !(v instanceof NumberText)
          ? plain(v)
          : MISMATCH;
      case 'array':
        return Array.isArray(v) ? plain(v) : MISMATCH;
      case 'json':
        return plain(v);
      default:
        return typeof v === 'string' ? textParser(type)(v) : MISMATCH;
    }
  };
}

/** A value with every nested NumberText turned into plain JSON (a number when exact). */
function plain(value: unknown): unknown {
  if (value instanceof NumberText) return value.toJSON();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

/** The type a value that did not fit `type` moves the column to (never the same type). */
export function widenedType(type: LogicalType, value: unknown, fromText: boolean): LogicalType {
  const observed = fromText ? classifyText(value as string) : classifyJson(value);
  const next = widen(type, observed ?? 'string');
  if (next !== type) return next;
  return type === 'object' || type === 'array' ? 'json' : 'string';
}
