import {
  DECIMAL_TEXT,
  INTEGER_TEXT,
  isCanonicalDecimal,
  isCanonicalInteger,
} from '@tributary/core';

// A leading zero ("007", "01.5") is an identifier, not a number: reading it as one would
// drop the zero. Such texts stay strings.
export const LEADING_ZERO = /^[-+]?0\d/;

const PLUS = 43;
const MINUS = 45;

/**
 * A CSV text that reads as a big integer, in core's canonical spelling (`"+12"` → `"12"`),
 * or undefined when it is no integer or its leading zero makes it an identifier. Core takes
 * a big integer string only in that spelling; any other makes destinations widen to text.
 */
export function canonicalInteger(text: string): string | undefined {
  if (isCanonicalInteger(text)) return text;
  if (LEADING_ZERO.test(text) || !INTEGER_TEXT.test(text)) return undefined;
  return text.charCodeAt(0) === PLUS ? text.slice(1) : text;
}

/**
 * A CSV text that reads as a plain decimal, in core's canonical spelling with its scale kept
 * (`".5"` → `"0.5"`, `"+1.5"` → `"1.5"`, `"5."` → `"5"`, `"-.50"` → `"-0.50"`), or undefined
 * when it is no plain decimal (`"1e3"`) or its leading zero makes it an identifier
 * (`"007.5"`). A canonical text comes back as is, without a copy: the common case.
 */
export function canonicalDecimal(text: string): string | undefined {
  if (isCanonicalDecimal(text)) return text;
  if (LEADING_ZERO.test(text) || !DECIMAL_TEXT.test(text)) return undefined;

  const first = text.charCodeAt(0);
  const signed = first === PLUS || first === MINUS;
  let digits = signed ? text.slice(1) : text;
  if (digits.endsWith('.')) digits = digits.slice(0, -1);
  if (digits.startsWith('.')) digits = `0${digits}`;
  return first === MINUS ? `-${digits}` : digits;
}
