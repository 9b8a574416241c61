import { normalizeTimestampUtc } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { converterFor, logicalTypeOf, toParameter } from '../src/values.js';

describe('converterFor', () => {
  const tz = converterFor({ name: 'timestamptz' });

  it('reshapes a UTC timestamptz exactly as core normalizes it', () => {
    for (const text of [
      '2024-03-01 10:00:00+00',
      '2024-03-01 10:00:00.5+00',
      '2024-03-01 10:00:00.123456+00',
      '1900-01-01 00:00:00.000001+00',
      '2024-03-01 10:00:00.12+00',
      '2024-03-01 10:00:00.123+00',
      '2024-03-01 10:00:00.1234+00',
      '2024-03-01 10:00:00.12345+00',
    ]) {
      expect(tz(text)).toBe(normalizeTimestampUtc(text));
    }
    expect(tz('2024-03-01 10:00:00.5+00')).toBe('2024-03-01T10:00:00.500000Z');
  });

  it('keeps what it cannot read as the server wrote it', () => {
    expect(tz('infinity')).toBe('infinity');
    expect(tz('0044-03-15 12:00:00+00 BC')).toBe('0044-03-15 12:00:00+00 BC');
  });

  it('never shifts a timestamp without zone', () => {
    expect(converterFor({ name: 'timestamp' })('2024-03-01 10:00:00.123456')).toBe(
      '2024-03-01T10:00:00.123456',
    );
  });

  it('parses nested arrays with their element type, NULL kept apart from "NULL"', () => {
    const ints = converterFor({ name: '_int4', element: { name: 'int4' } });
    expect(ints('{{1,2},{3,NULL}}')).toEqual([
      [1, 2],
      [3, null],
    ]);
    const texts = converterFor({ name: '_text', element: { name: 'text' } });
    expect(texts('{"a\\"b",NULL,"NULL"}')).toEqual(['a"b', null, 'NULL']);
  });

  it('keeps non-finite floats as text and bigints as digits', () => {
    expect(converterFor({ name: 'float8' })('NaN')).toBe('NaN');
    expect(converterFor({ name: 'int8' })('9223372036854775807')).toBe('9223372036854775807');
    expect(logicalTypeOf({ name: 'int8' })).toBe('big_integer');
  });

  it('turns base64 bytes back into a hex bytea parameter', () => {
    expect(converterFor({ name: 'bytea' })('\\xdeadbeef')).toBe('3q2+7w==');
    expect(toParameter('3q2+7w==', 'bytes')).toBe('\\xdeadbeef');
  });
});
