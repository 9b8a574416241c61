import { valueFits } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { fits } from '../src/fits.js';

describe('fits: the char-code shortcuts agree with core valueFits', () => {
  const times = [
    '2024-03-01T10:00:00Z',
    '2024-03-01T10:00:00z',
    '2024-03-01T10:00:00.123456+02:00',
    '2024-03-01T10:00:00,5-0230',
    '2024-03-01T10:00:00.Z',
    '2024-03-01T10:00:00',
    '2024-03-01 10:00',
    '2024-03-01T10:00Z',
    '2024-03-01T10:00:00 Z',
    '2024-03-01T10:00:00\tZ',
    '2024-02-30T10:00:00Z',
    '2024-02-29T10:00:00Z',
    '2023-02-29T10:00:00Z',
    '2024-13-01T10:00:00Z',
    '2024-00-01T10:00:00Z',
    '2024-03-01T24:00:00Z',
    '2024-03-01T23:60:00Z',
    '2024-03-01T10:00:60Z',
    '2024-03-01T10:00:00+02',
    '2024-03-01T10:00:00+2:00',
    '2024-03-01T10:00:00+02:0',
    '2024-03-01T10:00:00Zx',
    '2024-03-01',
    '2024/03/01T10:00:00Z',
    'not a time',
    '',
    12,
  ];
  for (const type of ['timestamp_tz', 'timestamp'] as const) {
    it(type, () => {
      expect(times.map((v) => fits(v, type))).toEqual(times.map((v) => valueFits(v, type)));
    });
  }

  it('decimal and big_integer: core decides, "007" fits neither', () => {
    const values = ['12.50', '-3', '0', '0.5', '-0.50', '3.', '.5', '+7', '-', '', '1e5'];
    values.push('1.2.3', ' 1', '1 ', '007', '00123', '00.5', '9007199254740993', '-01');
    for (const type of ['decimal', 'big_integer'] as const)
      expect(values.map((v) => fits(v, type))).toEqual(values.map((v) => valueFits(v, type)));
    expect(['007', '00123', '+5', '1e3', ' 5', '5.'].some((v) => fits(v, 'decimal'))).toBe(false);
    expect(fits('NaN', 'decimal')).toBe(true);
  });

  it('integer and string', () => {
    const values = [1, 2 ** 53, 1.5, '1', null, true];
    for (const type of ['integer', 'string'] as const)
      expect(values.map((v) => fits(v, type))).toEqual(values.map((v) => valueFits(v, type)));
  });
});
