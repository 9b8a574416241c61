import { describe, expect, it } from 'vitest';
import { copyField, decodeLine } from '../src/copy-text.js';

const noop = () => {};

describe('COPY text encoding', () => {
  it('escapes backslash, tab, newline and carriage return, keeps quotes', () => {
    expect(copyField('a\\b\tc\nd\re "q" \'s\'', 'string', noop)).toBe(
      'a\\\\b\\tc\\nd\\re "q" \'s\'',
    );
  });
  it('writes null as \\N and the text "\\N" escaped', () => {
    expect(copyField(null, 'string', noop)).toBe('\\N');
    expect(copyField('\\N', 'string', noop)).toBe('\\\\N');
  });
  it('writes bytes as escaped hex, json as JSON text', () => {
    expect(copyField('AAH+', 'bytes', noop)).toBe('\\\\x0001fe');
    expect(copyField({ a: 'x\ty' }, 'object', noop)).toBe('{"a":"x\\\\ty"}');
  });
  it('reads a refused line back with special numbers as core spells them', () => {
    const columns = [
      { field: 'dbl', type: 'number' as const },
      { field: 'num', type: 'decimal' as const },
      { field: 'at', type: 'timestamp_tz' as const },
    ];
    expect(decodeLine('NaN\t-Infinity\tinfinity', columns)).toEqual({
      dbl: 'NaN',
      num: '-Infinity',
      at: 'infinity',
    });
    expect(decodeLine('-Infinity\t1.50\t\\N', columns)).toEqual({ dbl: '-Infinity', num: '1.50' });
  });
});
