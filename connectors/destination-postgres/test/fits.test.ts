import { valueFits } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { fits } from '../src/fits.js';

describe('fits: the timestamp shortcut agrees with core valueFits', () => {
  const values = [
    '2024-03-01T10:00:00Z',
    '2024-03-01T10:00:00.123456+02:00',
    '2024-03-01T10:00:00',
    '2024-03-01 10:00',
    '2024-02-30T10:00:00Z',
    '2024-02-29T10:00:00Z',
    '2023-02-29T10:00:00Z',
    '2024-13-01T10:00:00Z',
    '2024-03-01T24:00:00Z',
    '2024-03-01T10:00:00+02',
    'not a time',
    12,
  ];
  for (const type of ['timestamp_tz', 'timestamp'] as const) {
    it(type, () => {
      expect(values.map((v) => fits(v, type))).toEqual(values.map((v) => valueFits(v, type)));
    });
  }
});
