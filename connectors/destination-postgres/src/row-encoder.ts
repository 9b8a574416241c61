import type { LogicalType } from '@tributary/core';
import { COPY_NULL, copyField } from './copy-text.js';

/** One column's field of a COPY line, from a value that fits the column. */
export type FieldEncoder = (value: unknown) => string;

/**
 * True when a text needs no COPY escape and holds no U+0000: nothing below U+000E (tab, line
 * feed, carriage return, NUL) and no backslash. A char-code scan beats a regex on the short
 * texts a record mostly carries.
 */
function plainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 14 || c === 92) return false;
  }
  return true;
}

/**
 * The encoder for a column of the logical type. The commonest shapes (text, numbers, text
 * that is plain) skip the general path; anything else goes through `copyField`, so the bytes
 * never differ from it.
 */
export function fieldEncoder(type: LogicalType, onNul: () => void): FieldEncoder {
  const general = (value: unknown) => copyField(value, type, onNul);
  switch (type) {
    case 'string':
    case 'decimal':
    case 'big_integer':
    case 'timestamp_tz':
    case 'timestamp':
    case 'date':
    case 'time':
      return (value) =>
        typeof value === 'string' && plainText(value)
          ? value
          : value === null || value === undefined
            ? COPY_NULL
            : general(value);
    case 'integer':
    case 'number':
      // A JS number's text never holds a COPY special character.
      return (value) =>
        typeof value === 'number'
          ? String(value)
          : value === null || value === undefined
            ? COPY_NULL
            : general(value);
    default:
      return general;
  }
}
