import { schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';
import { catalogOf, context, memoryLogger, records, runWrite, stream } from './helpers/run.js';

describe.skipIf(!serverUser)('destination-postgres: column types and values', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  for (const policy of ['evolve', 'freeze'] as const) {
    it(`special values keep their column types and arrive as themselves (${policy})`, async () => {
      const name = `specials_${policy}`;
      const catalog = catalogOf(
        stream(
          name,
          {
            id: schemaFor('integer'),
            num: schemaFor('decimal'),
            dbl: schemaFor('number'),
            tstz: schemaFor('timestamp_tz'),
            ts: schemaFor('timestamp'),
            d: schemaFor('date'),
          },
          { schema_policy: policy },
        ),
      );
      // Row 1 is plain (a binary row), the others carry what source-postgres reads from
      // numeric 'NaN', float8 '±Infinity', timestamptz/timestamp/date '±infinity'.
      const rows = [
        {
          id: 1,
          num: '1.50',
          dbl: 0.5,
          tstz: '2024-03-01T08:00:00.000000Z',
          ts: '2024-03-01T10:00:00',
          d: '2024-03-01',
        },
        { id: 2, num: 'NaN', dbl: 'NaN', tstz: 'infinity', ts: 'infinity', d: 'infinity' },
        {
          id: 3,
          num: 'Infinity',
          dbl: 'Infinity',
          tstz: '-infinity',
          ts: '-infinity',
          d: '-infinity',
        },
        { id: 4, num: '-Infinity', dbl: '-Infinity', tstz: null, ts: null, d: null },
      ];
      const run = await runWrite(db.config, catalog, records(name, rows));
      expect(run.error).toBeUndefined();
      expect(run.out).toEqual([]);
      const types = await db.client.query(
        `SELECT column_name, data_type FROM information_schema.columns
         WHERE table_name = $1 AND column_name IN ('num', 'dbl', 'tstz', 'ts', 'd')
         ORDER BY ordinal_position`,
        [name],
      );
      expect(types.rows.map((r) => [r.column_name, r.data_type])).toEqual([
        ['num', 'numeric'],
        ['dbl', 'double precision'],
        ['tstz', 'timestamp with time zone'],
        ['ts', 'timestamp without time zone'],
        ['d', 'date'],
      ]);
      const got = await db.client.query(
        `SELECT id::int, num::text, dbl::text, tstz::text, ts::text, d::text FROM ${name} ORDER BY id`,
      );
      expect(got.rows).toEqual([
        {
          id: 1,
          num: '1.50',
          dbl: '0.5',
          tstz: '2024-03-01 08:00:00+00',
          ts: '2024-03-01 10:00:00',
          d: '2024-03-01',
        },
        { id: 2, num: 'NaN', dbl: 'NaN', tstz: 'infinity', ts: 'infinity', d: 'infinity' },
        {
          id: 3,
          num: 'Infinity',
          dbl: 'Infinity',
          tstz: '-infinity',
          ts: '-infinity',
          d: '-infinity',
        },
        { id: 4, num: '-Infinity', dbl: '-Infinity', tstz: null, ts: null, d: null },
      ]);
    });
  }

  it('maps every logical type to its column type and stores values exactly', async () => {
    const catalog = catalogOf(
      stream('values', {
        id: schemaFor('integer'),
        big: schemaFor('big_integer'),
        price: schemaFor('decimal'),
        ratio: schemaFor('number'),
        at_tz: schemaFor('timestamp_tz'),
        at_local: schemaFor('timestamp'),
        day: schemaFor('date'),
        ok: schemaFor('boolean'),
        doc: schemaFor('object'),
        tags: schemaFor('array'),
        any: schemaFor('json'),
        note: schemaFor('string'),
        blob: schemaFor('bytes'),
      }),
    );
    const row = {
      id: 1,
      big: '123456789012345678901234567890',
      price: '12.50',
      ratio: 0.1,
      at_tz: '2024-03-01T10:00:00.123456+02:00',
      at_local: '2024-03-01T10:00:00.5',
      day: '2024-02-29',
      ok: true,
      doc: { a: { b: [1, 'x'] } },
      tags: ['a', 'b'],
      any: 7,
      note: 'tab\there\nnew line \\ back "quoted" \'single\'\r',
      blob: Buffer.from([0, 1, 254, 255]).toString('base64'),
    };
    const config = { ...db.config, schema: 'landing' };
    // The machine's zone must not move a timestamp without zone.
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    const { error } = await runWrite(config, catalog, records('values', [row]));
    process.env.TZ = zone;
    expect(error).toBeUndefined();

    const types = await db.client.query(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'landing' AND table_name = 'values' ORDER BY ordinal_position`,
    );
    expect(types.rows.map((r) => [r.column_name, r.data_type])).toEqual([
      ['id', 'bigint'],
      ['big', 'numeric'],
      ['price', 'numeric'],
      ['ratio', 'double precision'],
      ['at_tz', 'timestamp with time zone'],
      ['at_local', 'timestamp without time zone'],
      ['day', 'date'],
      ['ok', 'boolean'],
      ['doc', 'jsonb'],
      ['tags', 'jsonb'],
      ['any', 'jsonb'],
      ['note', 'text'],
      ['blob', 'bytea'],
      ['_tributary_extracted_at', 'timestamp with time zone'],
      ['_tributary_sync_id', 'bigint'],
      ['_tributary_deleted_at', 'timestamp with time zone'],
    ]);

    await db.client.query("SET TimeZone TO 'Asia/Tokyo'");
    const got = await db.client.query(
      `SELECT id::text, big::text, price::text, ratio, at_tz = '2024-03-01T08:00:00.123456Z' AS tz_ok,
         at_local::text, day::text, ok, doc, tags, "any", note, encode(blob, 'hex') AS blob,
         _tributary_extracted_at = '2024-07-02T12:00:00Z' AS extracted_ok, _tributary_deleted_at
       FROM landing."values"`,
    );
    await db.client.query("SET TimeZone TO 'UTC'");
    expect(got.rows).toEqual([
      {
        id: '1',
        big: '123456789012345678901234567890',
        price: '12.50',
        ratio: 0.1,
        tz_ok: true,
        at_local: '2024-03-01 10:00:00.5',
        day: '2024-02-29',
        ok: true,
        doc: { a: { b: [1, 'x'] } },
        tags: ['a', 'b'],
        any: 7,
        note: row.note,
        blob: '0001feff',
        extracted_ok: true,
        _tributary_deleted_at: null,
      },
    ]);
  });

  it('appends into a table made by hand with narrower types (int, numeric(8,2), varchar)', async () => {
    // Binary COPY bytes are type-specific (an int is four bytes): such a table takes text.
    await db.client.query(`CREATE TABLE handmade (id integer, amount numeric(8,2),
      note varchar(10), at timestamptz, _tributary_extracted_at timestamptz,
      _tributary_sync_id bigint, _tributary_deleted_at timestamptz)`);
    const catalog = catalogOf(
      stream('handmade', {
        id: schemaFor('integer'),
        amount: schemaFor('decimal'),
        note: schemaFor('string'),
        at: schemaFor('timestamp_tz'),
      }),
    );
    const rows = [
      { id: 1, amount: '12.5', note: 'short', at: '2024-03-01T10:00:00Z' },
      { id: 2, amount: '-0.125', note: 'é', at: null },
    ];
    expect((await runWrite(db.config, catalog, records('handmade', rows))).error).toBeUndefined();
    const got = await db.client.query(
      'SELECT id, amount::text, note, at::text FROM handmade ORDER BY id',
    );
    expect(got.rows).toEqual([
      { id: 1, amount: '12.50', note: 'short', at: '2024-03-01 10:00:00+00' },
      { id: 2, amount: '-0.13', note: 'é', at: null },
    ]);
  });

  it('drops NUL from text and jsonb with one warning per stream', async () => {
    const logger = memoryLogger();
    const catalog = catalogOf(
      stream('nul', { id: schemaFor('integer'), t: schemaFor('string'), j: schemaFor('object') }),
    );
    const rows = [
      { id: 1, t: 'a\u0000b', j: { k: 'x\u0000y', 'n\u0000': 1 } },
      { id: 2, t: '\u0000', j: { k: ['\u0000'] } },
    ];
    const { error } = await runWrite(db.config, catalog, records('nul', rows), {
      ctx: context(logger),
    });
    expect(error).toBeUndefined();
    const got = await db.client.query('SELECT id, t, j FROM nul ORDER BY id');
    expect(got.rows).toEqual([
      { id: '1', t: 'ab', j: { k: 'xy', n: 1 } },
      { id: '2', t: '', j: { k: [''] } },
    ]);
    expect(logger.warnings).toHaveLength(1);
  });

  it('BR-04: Renée is stored as UTF-8 bytes 52656ec3a965', async () => {
    const catalog = catalogOf(
      stream('towns', { name: schemaFor('string'), city: schemaFor('string') }),
    );
    const rows = [
      { name: 'Renée', city: 'Créteil' },
      { name: 'José', city: 'Orléans' },
    ];
    expect((await runWrite(db.config, catalog, records('towns', rows))).error).toBeUndefined();
    const got = await db.client.query(
      `SELECT name, city, encode(convert_to(name, 'UTF8'), 'hex') AS hex FROM towns ORDER BY name DESC`,
    );
    expect(got.rows).toEqual([
      { name: 'Renée', city: 'Créteil', hex: '52656ec3a965' },
      { name: 'José', city: 'Orléans', hex: '4a6f73c3a9' },
    ]);
  });

  it('BR-25: an empty stream still gives its table, with its columns and 0 rows', async () => {
    const catalog = catalogOf(
      stream(
        'refunds',
        {
          id: schemaFor('integer'),
          amount: schemaFor('decimal'),
          created_at: schemaFor('timestamp_tz'),
        },
        {
          cursor_field: ['created_at'],
          primary_key: [['id']],
          destination_sync_mode: 'append_dedup',
        },
      ),
    );
    const { out, error } = await runWrite(db.config, catalog, []);
    expect(error).toBeUndefined();
    expect(out).toEqual([]);
    const columns = await db.client.query(
      `SELECT column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = 'refunds' AND column_name NOT LIKE '\\_tributary\\_%'
       ORDER BY ordinal_position`,
    );
    expect(columns.rows.map((r) => r.column_name)).toEqual(['id', 'amount', 'created_at']);
    expect((await db.client.query('SELECT count(*)::int AS n FROM refunds')).rows).toEqual([
      { n: 0 },
    ]);
  });
});
