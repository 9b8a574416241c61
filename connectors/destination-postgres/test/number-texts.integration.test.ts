import { schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';
import { catalogOf, records, runWrite, stream } from './helpers/run.js';

/**
 * A text that only reads as a number ("007") is a string: a numeric column would keep 7.
 * The column widens to text, earlier values keep their text, the new one stays as sent.
 */
describe.skipIf(!serverUser)('destination-postgres: "007" is text, never the number 7', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const typeOf = async (table: string) =>
    (
      await db.client.query(
        `SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = 'a'`,
        [table],
      )
    ).rows[0]?.data_type;
  const values = async (table: string) =>
    (await db.client.query(`SELECT a FROM ${table} ORDER BY id`)).rows.map((r) => r.a);
  const catalog = (name: string, type: 'integer' | 'decimal') =>
    catalogOf(stream(name, { id: schemaFor('integer'), a: schemaFor(type) }));

  it('CSV sampled as integer, then "007" and "00123": column a is text holding them exactly', async () => {
    const run = await runWrite(
      db.config,
      catalog('z2', 'integer'),
      records('z2', [
        { id: 1, a: 1 },
        { id: 2, a: '007' },
        { id: 3, a: '00123' },
      ]),
    );
    expect(run.error).toBeUndefined();
    expect(await typeOf('z2')).toBe('text');
    expect(await values('z2')).toEqual(['1', '007', '00123']);
  });

  it('"007" after 1.50 and 2^53+1 in a numeric column: text, every value exact', async () => {
    const run = await runWrite(
      db.config,
      catalog('mixed', 'integer'),
      records('mixed', [
        { id: 1, a: 1 },
        { id: 2, a: 2 },
        { id: 3, a: '9007199254740993' },
        { id: 4, a: '1.50' },
        { id: 5, a: '007' },
        { id: 6, a: '+5' },
        { id: 7, a: '1e3' },
        { id: 8, a: '5.' },
      ]),
    );
    expect(run.error).toBeUndefined();
    expect(await typeOf('mixed')).toBe('text');
    expect(await values('mixed')).toEqual([
      '1',
      '2',
      '9007199254740993',
      '1.50',
      '007',
      '+5',
      '1e3',
      '5.',
    ]);
  });

  it('two runs, {"a":1} then {"a":"007"}: the text column holds "007"', async () => {
    const first = await runWrite(
      db.config,
      catalog('runs', 'integer'),
      records('runs', [{ id: 1, a: 1 }]),
    );
    expect(first.error).toBeUndefined();
    expect(await typeOf('runs')).toBe('bigint');
    const second = await runWrite(
      db.config,
      catalog('runs', 'integer'),
      records('runs', [{ id: 2, a: '007' }]),
    );
    expect(second.error).toBeUndefined();
    expect(await typeOf('runs')).toBe('text');
    expect(await values('runs')).toEqual(['1', '007']);
  });

  it('a decimal column keeps canonical texts as numeric and widens for "00.5"', async () => {
    const run = await runWrite(
      db.config,
      catalog('amounts', 'decimal'),
      records('amounts', [
        { id: 1, a: '1.50' },
        { id: 2, a: '-0.25' },
        { id: 3, a: '00.5' },
      ]),
    );
    expect(run.error).toBeUndefined();
    expect(await typeOf('amounts')).toBe('text');
    expect(await values('amounts')).toEqual(['1.50', '-0.25', '00.5']);
  });
});
