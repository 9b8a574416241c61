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
