import type { LogicalType } from './logical-type.js';

/**
 * Values that JSON has no literal for travel as these exact strings, in a field of their own
 * type: a `number` (an IEEE double) or a `decimal` may be not-a-number or infinite, and a
 * date or timestamp may lie infinitely late or early (PostgreSQL has all of them). The
 * spellings are PostgreSQL's output, which its input and `Number()` both read back.
 */
export const SPECIAL_NUMBERS: readonly string[] = ['NaN', 'Infinity', '-Infinity'];
export const SPECIAL_INSTANTS: readonly string[] = ['infinity', '-infinity'];

/**
 * True when a value is one of the special values of the logical type. `valueFits` leaves them
 * out because most stores cannot hold them (a column widens to text, which keeps the text); a
 * destination whose column holds them accepts them with this check.
 */
export function isSpecialValue(value: unknown, type: LogicalType): boolean {
  if (typeof value !== 'string') return false;
  switch (type) {
    case 'number':
    case 'decimal':
      return SPECIAL_NUMBERS.includes(value);
    case 'date':
    case 'timestamp':
    case 'timestamp_tz':
      return SPECIAL_INSTANTS.includes(value);
    default:
      return false;
  }
}
