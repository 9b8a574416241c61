import { parse as parseLossless } from 'lossless-json';

/**
 * A JSON number whose text a JS number would change: an integer beyond 2^53 or a decimal
 * whose scale matters (`12.50`). It keeps the text so every digit reaches the destination.
 */
export class NumberText {
  constructor(
    readonly text: string,
    readonly integer: boolean,
  ) {}
  toJSON(): number | string {
    const n = Number(this.text);
    return String(n) === this.text ? n : this.text;
  }
}

// Lines without a decimal point or a long digit run parse exactly with JSON.parse, which is
// several times faster; only the others go through the lossless parser.
const RISKY_NUMBER = /\d\.\d|\d{16}/;

function parseNumber(text: string): unknown {
  const hasFraction = text.includes('.');
  const hasExponent = /[eE]/.test(text);
  if (hasExponent) return Number(text);
  if (!hasFraction) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : new NumberText(text, true);
  }
  return new NumberText(text, false);
}

/** Parses one JSON text keeping big integers and decimals as NumberText. */
export function parseJsonExact(text: string): unknown {
  if (!RISKY_NUMBER.test(text)) return JSON.parse(text);
  return parseLossless(text, null, parseNumber);
}
