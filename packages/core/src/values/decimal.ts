/**
 * True when a text is the one spelling of an integer that travels as a string (`-12`, `0`):
 * an optional minus, then digits without a leading zero. `"007"`, `"+7"`, `" 7"` and `"1e3"`
 * are other texts that merely read as numbers; a numeric column would keep the number and
 * lose the text, so they are strings. Char codes, not a regex: destinations ask per value.
 */
export function isCanonicalInteger(text: string): boolean {
  const n = text.length;
  const start = n > 0 && text.charCodeAt(0) === MINUS ? 1 : 0;
  return wholeEnd(text, start) === n;
}

/**
 * True when a text is the one spelling of a decimal that travels as a string (`-12.50`,
 * `0.5`, `3`): a canonical integer, then optionally a point and at least one digit, the
 * scale kept as written. No `+`, no exponent, no `.5` or `5.`, no leading zero but the lone
 * one before the point.
 */
export function isCanonicalDecimal(text: string): boolean {
  const n = text.length;
  const start = n > 0 && text.charCodeAt(0) === MINUS ? 1 : 0;
  let i = wholeEnd(text, start);
  if (i === n) return true;
  if (i < 0 || text.charCodeAt(i) !== POINT) return false;
  const fraction = ++i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  return i === n && i > fraction;
}

const MINUS = 45;
const POINT = 46;
const ZERO = 48;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** Where the whole digits from `start` end: -1 when there are none or a leading zero. */
function wholeEnd(text: string, start: number): number {
  const n = text.length;
  let i = start;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === start || (text.charCodeAt(start) === ZERO && i > start + 1)) return -1;
  return i;
}

/**
 * Exact comparison of decimal literals written as text (`"-12.50"`, `"3"`, `"1e3"` is not
 * accepted): no rounding through a JS number, whatever the number of digits.
 */
export function compareDecimalText(a: string, b: string): number {
  const x = splitDecimal(a);
  const y = splitDecimal(b);
  if (x.negative !== y.negative) {
    if (x.isZero && y.isZero) return 0;
    return x.negative ? -1 : 1;
  }
  const magnitude = compareMagnitude(x, y);
  return x.negative ? -magnitude : magnitude;
}

interface SplitDecimal {
  negative: boolean;
  whole: string;
  fraction: string;
  isZero: boolean;
}

function splitDecimal(text: string): SplitDecimal {
  let t = text.trim();
  let negative = false;
  if (t.startsWith('-')) {
    negative = true;
    t = t.slice(1);
  } else if (t.startsWith('+')) {
    t = t.slice(1);
  }
  const dot = t.indexOf('.');
  const whole = (dot < 0 ? t : t.slice(0, dot)).replace(/^0+/, '');
  const fraction = (dot < 0 ? '' : t.slice(dot + 1)).replace(/0+$/, '');
  return { negative, whole, fraction, isZero: whole === '' && fraction === '' };
}

function compareMagnitude(x: SplitDecimal, y: SplitDecimal): number {
  if (x.whole.length !== y.whole.length) return x.whole.length < y.whole.length ? -1 : 1;
  if (x.whole !== y.whole) return x.whole < y.whole ? -1 : 1;
  const width = Math.max(x.fraction.length, y.fraction.length);
  const fx = x.fraction.padEnd(width, '0');
  const fy = y.fraction.padEnd(width, '0');
  if (fx === fy) return 0;
  return fx < fy ? -1 : 1;
}
