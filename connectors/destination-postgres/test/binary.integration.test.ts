import { type LogicalType, valueFits } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryTuples, decodeTuple } from '../src/binary-decode.js';
import { BinaryRows, binaryEncoder, instantField } from '../src/binary-rows.js';
import { pgTypeOf } from '../src/column-types.js';
import { copyBinary } from '../src/copy-into.js';
import { jsonText, pgText } from '../src/copy-text.js';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';

const noop = () => {};

/** Values of each type: the plain ones go as binary, the others must be left to text. */
const VALUES: Partial<Record<LogicalType, unknown[]>> = {
  integer: [
    0,
    -0,
    1,
    -1,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 32 + 5,
    -(2 ** 40),
    2 ** 53 - 1,
    -(2 ** 53) + 1,
    1.5,
    '3',
  ],
  big_integer: [
    0,
    42,
    -7,
    '9223372036854775807',
    '123456789012345678901234567890',
    '-0',
    '+12',
    '007',
    '1.0',
    'x',
  ],
  decimal: [
    '0',
    '0.00',
    '-0.00',
    '12.50',
    '-12.50',
    '+3.25',
    '007.500',
    '5.',
    '0.00001',
    '0.1234',
    '10000',
    '100000000.0001',
    '99999999999999999999999.99999999999999999',
    '-1',
    '1e5',
    '.5',
    12.5,
    -0.25,
    1e21,
    1e-7,
    3,
    Number.NaN,
    'NaN',
  ],
  number: [0, -0, 0.1, -1.5e300, 5e-324, 1e21, Number.NaN, Number.POSITIVE_INFINITY, 7, '1'],
  boolean: [true, false, 't'],
  timestamp_tz: [
    '2024-03-01T10:00:00Z',
    '2024-03-01T10:00:00.123456+02:00',
    '2024-03-01 10:00:00,5-0230',
    '2024-02-29T23:59:59.999999Z',
    '2023-02-29T10:00:00Z',
    '2024-03-31T10:00Z',
    '1999-12-31T23:59:59.000001Z',
    '0001-01-01T00:00:00Z',
    '0050-06-15T12:00:00+14:00',
    '9999-12-31T23:59:59.999999-14:00',
    '1600-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2024-03-01T10:00:00.1234567Z',
    '2024-03-01T10:00:00+15:00',
    '2024-03-01T10:00:00',
    '0000-01-01T00:00:00Z',
    '2024-03-01T10:00:60Z',
    '2024-03-01T24:00:00Z',
  ],
  timestamp: [
    '2024-03-01T10:00:00',
    '2024-03-01T10:00:00.5',
    '2024-12-31 23:59',
    '1970-01-01T00:00:00',
    '1500-07-04T01:02:03.000004',
    '2024-03-01T10:00:00Z',
  ],
  date: [
    '2024-02-29',
    '2000-01-01',
    '1999-12-31',
    '0001-01-01',
    '9999-12-31',
    '2023-02-29',
    '2024-1-01',
  ],
  time: ['00:00', '23:59:59.999999', '12:34:56', '07:08:09.5', '24:00:00', '12:00:00.1234567'],
  string: [
    '',
    'plain',
    'tab\there\nnew\\line\r',
    'é ü 中文 🎉',
    'nul\u0000inside',
    'x'.repeat(200),
    'é'.repeat(100),
    5,
  ],
  bytes: [Buffer.from([0, 1, 254, 255]).toString('base64'), '', 'not base64!'],
  object: [{ a: { b: [1, 'x'] } }, { s: 'nul\u0000' }, [1]],
  array: [['a', 'b'], [], { a: 1 }],
  json: [7, 'text', { a: null }, [true]],
};

describe('binary COPY: the encoder takes only values core accepts', () => {
  for (const [type, values] of Object.entries(VALUES) as [LogicalType, unknown[]][]) {
    it(type, () => {
      const encode = binaryEncoder(type, (v) => jsonText(v, noop));
      for (const value of values) {
        const taken = encode(value, new BinaryRows(64, noop));
        if (taken) expect([value, valueFits(value, type)]).toEqual([value, true]);
      }
    });
  }
});

describe.skipIf(!serverUser)(
  'binary COPY: every value is what Postgres reads from its text',
  () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    for (const [type, values] of Object.entries(VALUES) as [LogicalType, unknown[]][]) {
      it(type, async () => {
        const pgType = pgTypeOf(type);
        const table = `t_${type}`;
        await db.client.query(`CREATE TABLE ${table} (n bigint, v ${pgType}, at timestamptz)`);
        const encode = binaryEncoder(type, (v) => jsonText(v, noop));
        const rows = new BinaryRows(16, noop);
        const taken: unknown[] = [];
        for (const value of values) {
          const start = rows.pos;
          rows.ensure(2);
          rows.int16(3);
          rows.bigintField(taken.length);
          if (!encode(value, rows)) {
            rows.pos = start;
            continue;
          }
          instantField(Date.UTC(2024, 6, 2, 12, 0, 0, 7), rows);
          taken.push(value);
        }
        expect(taken.length).toBeGreaterThan(0);
        const chunk = rows.seal();
        await copyBinary(db.client, table, ['n', 'v', 'at'], chunk);

        const expected = taken.map((v) => pgText(v, type, noop));
        const got = await db.client.query(
          `SELECT t.n, t.v::text AS got, (e.text::${pgType})::text AS want,
           t.at = '2024-07-02T12:00:00.007Z' AS at_ok
         FROM ${table} t JOIN unnest($1::text[]) WITH ORDINALITY AS e(text, i) ON e.i = t.n + 1
         ORDER BY t.n`,
          [expected],
        );
        expect(got.rows.map((r) => [taken[r.n], r.got, r.at_ok])).toEqual(
          got.rows.map((r) => [taken[r.n], r.want, true]),
        );
        expect(got.rows).toHaveLength(taken.length);

        // A refused row is read back for its REJECT: the same value, in core's text form.
        const columns = [
          { field: 'n', type: 'integer' as const },
          { field: 'v', type },
        ];
        const decoded = binaryTuples(chunk).map((t) => decodeTuple(t, columns).v);
        const roundTrip = await db.client.query(
          `SELECT (e.text::${pgType})::text AS back FROM unnest($1::text[]) WITH ORDINALITY e(text, i)
         ORDER BY e.i`,
          [decoded.map((v) => pgText(v, type, noop))],
        );
        expect(roundTrip.rows.map((r) => r.back)).toEqual(got.rows.map((r) => r.got));
      });
    }
  },
);
