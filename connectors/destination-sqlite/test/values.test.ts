import { normalizeTimestampUtc } from '@tributary/core';
import { describe, expect, test } from 'vitest';
import { convertStored, encoderFor, encodeTimestampTz, NO_FIT } from '../src/values.js';

describe('timestamp_tz encoding', () => {
  test.each([
    '2024-07-02T12:00:00Z',
    '2024-07-02T12:00:00.5Z',
    '2024-07-02 12:00:00.123456789+00:00',
    '2024-07-02T12:00:00+0000',
    '2024-02-29T23:59:59.999999z',
    '2024-07-02T14:00:00+02:00',
    '2024-07-02T12:00Z',
    '1969-12-31T23:59:59.999999Z',
    '0099-01-01T00:00:00Z',
  ])('the fast path gives what core gives for %s', (text) => {
    expect(encodeTimestampTz(text)).toBe(normalizeTimestampUtc(text));
  });

  test.each(['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-07-02T12:00:00'])(
    '%s is not a timestamp with an offset',
    (text) => {
      expect(encoderFor('timestamp_tz')(text)).toBe(NO_FIT);
    },
  );
});

describe('widening conversions', () => {
  test('stored values keep their meaning in the wider type', () => {
    expect(convertStored(101, 'integer', 'string')).toBe('101');
    expect(convertStored(101, 'integer', 'decimal')).toBe('101');
    expect(convertStored(101, 'integer', 'number')).toBe(101);
    expect(convertStored(0.1, 'number', 'decimal')).toBe('0.1');
    expect(convertStored(1, 'boolean', 'string')).toBe('true');
    expect(convertStored('{"a":1}', 'object', 'json')).toBe('{"a":1}');
    expect(convertStored('{"a":1}', 'object', 'string')).toBe('{"a":1}');
    expect(convertStored('2024-07-02', 'date', 'timestamp_tz')).toBe('2024-07-02T00:00:00.000000Z');
    expect(convertStored(null, 'integer', 'string')).toBe(null);
  });
});
