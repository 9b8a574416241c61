import {
  DECIMAL_TEXT,
  INTEGER_TEXT,
  type LogicalType,
  NUMBER_TEXT,
  TIME_TEXT,
} from '@tributary/core';
import { isDate, timestampKind } from './fast-time.js';
import { NumberText } from './json-numbers.js';
import { LEADING_ZERO } from './numeric-text.js';

/** The logical type a CSV text shows, or undefined for an empty text (no evidence). */
export function classifyText(text: string): LogicalType | undefined {
  if (text === '') return undefined;
  const c = text.charCodeAt(0);
  const numeric = (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46;
  if (numeric && !LEADING_ZERO.test(text)) {
    if (INTEGER_TEXT.test(text)) {
      return Number.isSafeInteger(Number(text)) ? 'integer' : 'big_integer';
    }
    if (DECIMAL_TEXT.test(text)) return 'decimal';
    if (NUMBER_TEXT.test(text)) return 'number';
  }
  if (numeric) {
    if (isDate(text)) return 'date';
    const ts = timestampKind(text);
    if (ts) return ts === 'tz' ? 'timestamp_tz' : 'timestamp';
    if (TIME_TEXT.test(text)) return 'time';
    return 'string';
  }
  const lower = text.length <= 5 ? text.toLowerCase() : '';
  if (lower === 'true' || lower === 'false') return 'boolean';
  return 'string';
}

/** The logical type a JSON value shows, or undefined for null. */
export function classifyJson(value: unknown): LogicalType | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isSafeInteger(value) ? 'integer' : 'number';
    case 'string': {
      // JSON strings are text by intent; only dates and timestamps are read out of them.
      const c = value.charCodeAt(0);
      if (!(c >= 48 && c <= 57)) return 'string';
      if (isDate(value)) return 'date';
      const ts = timestampKind(value);
      if (ts) return ts === 'tz' ? 'timestamp_tz' : 'timestamp';
      return 'string';
    }
    default:
      if (value instanceof NumberText) return value.integer ? 'big_integer' : 'decimal';
      return Array.isArray(value) ? 'array' : 'object';
  }
}
