import { describe, expect, it } from 'vitest';
import {
  isCanonicalDecimal,
  isCanonicalInteger,
  observedType,
  valueFits,
  widen,
} from '../src/index.js';

/** The definition the char-code checks follow, as regexes, for the differential test. */
const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** Every text of up to `length` characters from `alphabet`. */
function* texts(alphabet: string, length: number): Generator<string> {
  yield '';
  let level = [''];
  for (let n = 1; n <= length; n++) {
    const next: string[] = [];
    for (const prefix of level) for (const c of alphabet) next.push(prefix + c);
    yield* next;
    level = next;
  }
}

describe('canonical number texts: only these fit a numeric column as strings', () => {
  const notCanonical = ['007', '00123', '00', '-01', '+5', '1e3', '1E3', ' 5', '5 ', '5.', '.5'];

  it('big_integer takes canonical integer texts only', () => {
    const fit = ['0', '-0', '7', '-12', '9007199254740993', '18446744073709551617'];
    expect(fit.map((v) => valueFits(v, 'big_integer'))).toEqual(fit.map(() => true));
    const misfit = [...notCanonical, '-', '', '1.0', '٣', '0x10', 'NaN'];
    expect(misfit.map((v) => valueFits(v, 'big_integer'))).toEqual(misfit.map(() => false));
  });

  it('decimal takes canonical decimal texts only, scale as written', () => {
    const fit = ['0', '0.5', '-0.50', '1.50', '12.00', '-3', '9007199254740993', '0.000'];
    expect(fit.map((v) => valueFits(v, 'decimal'))).toEqual(fit.map(() => true));
    const misfit = [...notCanonical, '00.5', '+1.5', '1.2.3', '-.5', '-', '', 'Infinity'];
    expect(misfit.map((v) => valueFits(v, 'decimal'))).toEqual(misfit.map(() => false));
  });

  it('integer and number take no string at all', () => {
    for (const type of ['integer', 'number'] as const)
      expect(['7', '0', '9007199254740993'].map((v) => valueFits(v, type))).toEqual([
        false,
        false,
        false,
      ]);
  });

  it('a non-canonical text bound for a numeric column is a string, so the column widens to text', () => {
    for (const column of ['integer', 'big_integer', 'decimal', 'number'] as const) {
      expect(notCanonical.map((v) => observedType(v, column))).toEqual(
        notCanonical.map(() => 'string'),
      );
      expect(widen(column, observedType('007', column))).toBe('string');
    }
    expect(observedType('9007199254740993', 'integer')).toBe('big_integer');
    expect(observedType('1.50', 'integer')).toBe('decimal');
  });

  it('the char-code checks agree with the regex definition on every short text', () => {
    let checked = 0;
    for (const text of texts('01-+.e 9', 5)) {
      checked++;
      if (isCanonicalInteger(text) !== INTEGER.test(text)) expect(['integer', text]).toBe('');
      if (isCanonicalDecimal(text) !== DECIMAL.test(text)) expect(['decimal', text]).toBe('');
    }
    expect(checked).toBe(37449);
  });
});
