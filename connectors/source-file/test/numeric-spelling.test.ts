import {
  fieldsOf,
  isCanonicalDecimal,
  isCanonicalInteger,
  type Message,
  valueFits,
} from '@tributary/core';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalDecimal, canonicalInteger } from '../src/numeric-text.js';
import { context, one, records, sync, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Every [field, value] of the records whose value does not fit its column's type. */
function misfits(catalogSchema: unknown, messages: Message[]): Array<[string, unknown]> {
  const types = fieldsOf(catalogSchema);
  return records(messages).flatMap((record) =>
    Object.entries(record).flatMap(([field, value]): Array<[string, unknown]> => {
      const type = types.get(field)?.type;
      return value === null || (type && valueFits(value, type)) ? [] : [[field, value]];
    }),
  );
}

describe('decimal texts travel in core canonical spelling, scale kept', () => {
  it('reads .5, +1.5, 5. and 2.50 as 0.5, 1.5, 5 and 2.50 in a decimal column', async () => {
    const path = tmp.write('amounts.csv', 'id,amount\n1,.5\n2,+1.5\n3,5.\n4,2.50\n');
    const { catalog, messages } = await sync(one(path));
    const schema = catalog.streams[0]!.json_schema;

    expect(schema.properties).toEqual({
      id: { type: ['integer', 'null'] },
      amount: { type: ['string', 'null'], format: 'decimal' },
    });
    expect(records(messages)).toEqual([
      { id: 1, amount: '0.5' },
      { id: 2, amount: '1.5' },
      { id: 3, amount: '5' },
      { id: 4, amount: '2.50' },
    ]);
    expect(misfits(schema, messages)).toEqual([]);
  });

  it('respells signs and bare points, and keeps negative zero as written', async () => {
    const path = tmp.write('signs.csv', 'v\n-.50\n+0\n-0.00\n+.5\n-5.\n0.\n-3\n');
    const { catalog, messages } = await sync(one(path));
    const schema = catalog.streams[0]!.json_schema;

    expect(schema.properties).toEqual({ v: { type: ['string', 'null'], format: 'decimal' } });
    expect(records(messages).map((r) => r.v)).toEqual([
      '-0.50',
      '0',
      '-0.00',
      '0.5',
      '-5',
      '0',
      '-3',
    ]);
    expect(misfits(schema, messages)).toEqual([]);
  });

  it('respells a value that reaches the decimal column after the sample', async () => {
    const path = tmp.write('late.csv', 'v\n1.25\n.5\n+7.\n');
    const { messages } = await sync(one(path, { sample_rows: 1 }));
    expect(records(messages).map((r) => r.v)).toEqual(['1.25', '0.5', '7']);
  });

  it('respells a value that widens an integer column to decimal', async () => {
    const path = tmp.write('widen.csv', 'v\n1\n2\n.75\n+5.\n');
    const ctx = context();
    const { messages } = await sync(one(path, { sample_rows: 2 }), {}, ctx);
    expect(records(messages).map((r) => r.v)).toEqual([1, 2, '0.75', '5']);
    expect(ctx.warnings.map(([, meta]) => [meta.from_type, meta.to_type])).toEqual([
      ['integer', 'decimal'],
    ]);
  });

  it('keeps a decimal with a leading zero as text, like an integer with one', async () => {
    const sampled = tmp.write('codes.csv', 'v,n\n007.5,007\n1.5,1\n');
    const a = await sync(one(sampled));
    expect(a.catalog.streams[0]!.json_schema.properties).toEqual({
      v: { type: ['string', 'null'] },
      n: { type: ['string', 'null'] },
    });
    expect(records(a.messages)).toEqual([
      { v: '007.5', n: '007' },
      { v: '1.5', n: '1' },
    ]);

    const late = tmp.write('codes-late.csv', 'v\n1.5\n-01.5\n.5\n');
    const b = await sync(one(late, { sample_rows: 1 }));
    expect(records(b.messages).map((r) => r.v)).toEqual(['1.5', '-01.5', '.5']);
    expect(b.ctx.warnings.map(([, meta]) => [meta.line, meta.to_type])).toEqual([[3, 'string']]);
  });

  it('keeps exponent forms as doubles, in their own column and in a decimal one', async () => {
    const own = tmp.write('exp.csv', 'v\n1e3\n+2.5E-1\n');
    const a = await sync(one(own));
    expect(a.catalog.streams[0]!.json_schema.properties).toEqual({
      v: { type: ['number', 'null'] },
    });
    expect(records(a.messages).map((r) => r.v)).toEqual([1000, 0.25]);

    const mixed = tmp.write('exp-late.csv', 'v\n1.50\n1e3\n.5e1\n');
    const b = await sync(one(mixed, { sample_rows: 1 }));
    expect(records(b.messages).map((r) => r.v)).toEqual(['1.50', 1000, 5]);
    expect(misfits(b.catalog.streams[0]!.json_schema, b.messages)).toEqual([]);
  });

  it('drops the plus of a big integer', async () => {
    const path = tmp.write('big.csv', 'v\n9007199254740993\n+9007199254740995\n+0\n');
    const { catalog, messages } = await sync(one(path));
    const schema = catalog.streams[0]!.json_schema;
    expect(schema.properties).toEqual({
      v: { type: ['string', 'null'], airbyte_type: 'big_integer' },
    });
    expect(records(messages).map((r) => r.v)).toEqual([
      '9007199254740993',
      '9007199254740995',
      '0',
    ]);
    expect(misfits(schema, messages)).toEqual([]);
  });
});

describe('canonicalDecimal and canonicalInteger', () => {
  const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)$/;
  const INTEGER = /^[-+]?\d+$/;
  const LEADING_ZERO = /^[-+]?0\d/;

  /** Every text of up to `length` characters from `alphabet`. */
  function* texts(alphabet: string, length: number): Generator<string> {
    let level = [''];
    yield '';
    for (let n = 1; n <= length; n++) {
      level = level.flatMap((prefix) => [...alphabet].map((c) => prefix + c));
      yield* level;
    }
  }

  it('gives a canonical text of the same value for every plain number without a leading zero', () => {
    const scale = (s: string) => s.split('.')[1]?.length ?? 0;
    const wrong: string[] = [];
    let respelled = 0;
    for (const text of texts('0159.+-e', 5)) {
      const decimal = canonicalDecimal(text);
      const integer = canonicalInteger(text);
      const plain = !LEADING_ZERO.test(text);
      const decimalOk =
        decimal === undefined
          ? !(plain && DECIMAL.test(text))
          : plain &&
            DECIMAL.test(text) &&
            isCanonicalDecimal(decimal) &&
            Object.is(Number(decimal), Number(text)) &&
            scale(decimal) === scale(text);
      const integerOk =
        integer === undefined
          ? !(plain && INTEGER.test(text))
          : isCanonicalInteger(integer) && integer === decimal;
      if (!decimalOk || !integerOk) wrong.push(text);
      if (decimal !== undefined && decimal !== text) respelled++;
    }
    expect(wrong).toEqual([]);
    expect(respelled).toBeGreaterThan(100);
  });

  it('returns a canonical text itself', () => {
    for (const text of ['2570.52', '0', '-0.00', '12', '-3.10']) {
      expect(canonicalDecimal(text)).toBe(text);
    }
    expect(canonicalInteger('-12')).toBe('-12');
  });
});
