import { describe, expect, it } from 'vitest';
import {
  coerceCursor,
  compareDecimalText,
  compareValues,
  fieldsOf,
  fieldTypeOf,
  isSpecialValue,
  normalizeTimestampUtc,
  observedType,
  parseTimestamp,
  schemaFor,
  valueFits,
  widen,
} from '../src/index.js';

describe('logical types and their JSON Schema', () => {
  it('reads back every type it writes', () => {
    for (const type of [
      'boolean',
      'integer',
      'big_integer',
      'decimal',
      'number',
      'date',
      'timestamp_tz',
      'timestamp',
      'time',
      'string',
      'bytes',
      'object',
      'array',
    ] as const) {
      expect(fieldTypeOf(schemaFor(type, true))).toEqual({ type, nullable: true });
      expect(fieldTypeOf(schemaFor(type, false))).toEqual({ type, nullable: false });
    }
    expect(fieldTypeOf(schemaFor('json'))).toEqual({ type: 'json', nullable: true });
  });

  it('reads Airbyte schemas: number with airbyte_type integer, date-time with zone', () => {
    expect(fieldTypeOf({ type: 'number', airbyte_type: 'integer' }).type).toBe('integer');
    expect(fieldTypeOf({ type: 'string', format: 'date-time' }).type).toBe('timestamp_tz');
    expect(fieldTypeOf({ type: ['null', 'string'], format: 'date' })).toEqual({
      type: 'date',
      nullable: true,
    });
  });

  it('lists a stream schema fields in order', () => {
    const fields = fieldsOf({
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' } },
    });
    expect([...fields.keys()]).toEqual(['id', 'name']);
  });
});

describe('widen', () => {
  it('follows integer → big_integer → decimal, integer → number, anything → string', () => {
    expect(widen('integer', 'big_integer')).toBe('big_integer');
    expect(widen('big_integer', 'decimal')).toBe('decimal');
    expect(widen('integer', 'number')).toBe('number');
    expect(widen('decimal', 'number')).toBe('decimal');
    expect(widen('integer', 'string')).toBe('string');
    expect(widen('date', 'timestamp_tz')).toBe('timestamp_tz');
    expect(widen('object', 'array')).toBe('json');
    expect(widen('boolean', 'integer')).toBe('string');
  });
});

describe('compareValues (BR-10: numbers never compare as text)', () => {
  it('orders integers as numbers, also when one side is old text state', () => {
    const values = [1, 9, 10, 11];
    const max = values.reduce((a, b) => (compareValues(a, b, 'integer') >= 0 ? a : b));
    expect(max).toBe(11);
    expect(compareValues('9', 10, 'integer')).toBe(-1);
    expect(compareValues('11', 11, 'integer')).toBe(0);
  });

  it('compares decimals and big integers exactly', () => {
    expect(compareDecimalText('12.50', '12.5')).toBe(0);
    expect(compareDecimalText('-0.01', '0')).toBe(-1);
    expect(compareValues('9007199254740993', '9007199254740992', 'big_integer')).toBe(1);
    expect(
      compareValues('123456789012345678901234.5', '123456789012345678901234.49', 'decimal'),
    ).toBe(1);
  });

  it('compares timestamps as instants, keeping microseconds', () => {
    expect(compareValues('2024-07-02T14:00:00+02:00', '2024-07-02T12:00:00Z', 'timestamp_tz')).toBe(
      0,
    );
    expect(
      compareValues('2024-07-02T12:00:00.000001Z', '2024-07-02T12:00:00Z', 'timestamp_tz'),
    ).toBe(1);
    expect(
      compareValues('2024-08-01 00:00:00+00', '2024-07-31T23:59:59.999999Z', 'timestamp_tz'),
    ).toBe(1);
  });
});

describe('coerceCursor', () => {
  it('turns an old text cursor into the number it stands for', () => {
    expect(coerceCursor('11', 'integer')).toBe(11);
    expect(typeof coerceCursor('11', 'integer')).toBe('number');
    expect(coerceCursor('99999999999999999999', 'integer')).toBe('99999999999999999999');
    expect(coerceCursor(12, 'decimal')).toBe('12');
  });
});

describe('timestamps', () => {
  it('parses offsets and fractions to the nanosecond', () => {
    expect(parseTimestamp('1970-01-01T00:00:01.000000001Z')).toEqual({
      epochNanos: 1_000_000_001n,
      hasOffset: true,
    });
    expect(parseTimestamp('1970-01-01T01:00:00+01:00')?.epochNanos).toBe(0n);
    expect(parseTimestamp('1970-01-01 00:00:00')).toEqual({ epochNanos: 0n, hasOffset: false });
    expect(parseTimestamp('2024-02-30T00:00:00Z')).toBeUndefined();
  });

  it('normalizes to UTC text with microseconds', () => {
    expect(normalizeTimestampUtc('2024-07-02T14:00:00.123456+02:00')).toBe(
      '2024-07-02T12:00:00.123456Z',
    );
    expect(normalizeTimestampUtc('1969-12-31T23:59:59.999999Z')).toBe(
      '1969-12-31T23:59:59.999999Z',
    );
  });
});

describe('valueFits and observedType', () => {
  it('says which values a column holds without loss', () => {
    expect(valueFits(2 ** 53, 'integer')).toBe(false);
    expect(valueFits('18446744073709551617', 'big_integer')).toBe(true);
    expect(valueFits('12.00', 'decimal')).toBe(true);
    expect(valueFits('Quarterly plan', 'integer')).toBe(false);
    expect(valueFits('2024-07-02T12:00:00Z', 'timestamp')).toBe(false);
    expect(valueFits('2024-07-02T12:00:00Z', 'timestamp_tz')).toBe(true);
  });

  it('reads a value in the light of its column', () => {
    expect(observedType('Quarterly plan', 'integer')).toBe('string');
    expect(observedType('12.5', 'integer')).toBe('decimal');
    expect(observedType('12.5', 'string')).toBe('string');
    expect(observedType(3.5, 'integer')).toBe('number');
  });
});

describe('special values (NaN, infinities) as strings of their type', () => {
  it('knows the spellings of each type, and only those', () => {
    for (const v of ['NaN', 'Infinity', '-Infinity']) {
      expect([v, isSpecialValue(v, 'number'), isSpecialValue(v, 'decimal')]).toEqual([
        v,
        true,
        true,
      ]);
    }
    for (const type of ['date', 'timestamp', 'timestamp_tz'] as const) {
      expect(['infinity', '-infinity'].map((v) => isSpecialValue(v, type))).toEqual([true, true]);
      expect(isSpecialValue('Infinity', type)).toBe(false);
    }
    expect(isSpecialValue('nan', 'number')).toBe(false);
    expect(isSpecialValue('+Infinity', 'decimal')).toBe(false);
    expect(isSpecialValue('infinity', 'number')).toBe(false);
    expect(isSpecialValue(Number.NaN, 'number')).toBe(false);
    expect(isSpecialValue('NaN', 'integer')).toBe(false);
    expect(isSpecialValue('NaN', 'big_integer')).toBe(false);
    expect(isSpecialValue('NaN', 'string')).toBe(false);
  });

  it('are left out by valueFits, so a store that cannot hold them widens to text', () => {
    expect(valueFits('NaN', 'number')).toBe(false);
    expect(valueFits('Infinity', 'decimal')).toBe(false);
    expect(valueFits('infinity', 'timestamp_tz')).toBe(false);
    expect(valueFits('-infinity', 'date')).toBe(false);
  });

  it('order as PostgreSQL orders them: -Infinity < numbers < Infinity < NaN', () => {
    const numbers = ['NaN', 'Infinity', '12.5', '-Infinity', '-3'];
    expect([...numbers].sort((a, b) => compareValues(a, b, 'decimal'))).toEqual([
      '-Infinity',
      '-3',
      '12.5',
      'Infinity',
      'NaN',
    ]);
    expect(compareValues('NaN', 1e308, 'number')).toBe(1);
    expect(compareValues('-Infinity', -1e308, 'number')).toBe(-1);
    const instants = ['infinity', '2024-07-02T12:00:00.000000Z', '-infinity'];
    expect([...instants].sort((a, b) => compareValues(a, b, 'timestamp_tz'))).toEqual([
      '-infinity',
      '2024-07-02T12:00:00.000000Z',
      'infinity',
    ]);
  });
});
