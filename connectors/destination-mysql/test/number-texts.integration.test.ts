import { schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUp, type TestDatabase } from './helpers/db.js';
import { catalogOf, records, runWrite, stream } from './helpers/run.js';

/**
 * A text that only reads as a number ("007") is a string: a DECIMAL column would keep 7.00.
 * The column widens to text, earlier values keep their text, the new one stays as sent.
 */
describe.skipIf(!serverUp)('"007" is text, never the number 7 (MySQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const typeOf = async (table: string) =>
    (
      await db.rows(
        `SELECT DATA_TYPE AS t FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'a'`,
        [table],
      )
    )[0]?.t;
  const values = async (table: string) =>
    (await db.rows(`SELECT a FROM ${table} ORDER BY id`)).map((r) => r.a);
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

  it('1, 2, "007", "1.50", 2^53+1: text, every value exact (was 7.00)', async () => {
    const run = await runWrite(
      db.config,
      catalog('mixed', 'integer'),
      records('mixed', [
        { id: 1, a: 1 },
        { id: 2, a: 2 },
        { id: 3, a: '007' },
        { id: 4, a: '1.50' },
        { id: 5, a: '9007199254740993' },
        { id: 6, a: '+5' },
        { id: 7, a: '5.' },
      ]),
    );
    expect(run.error).toBeUndefined();
    expect(await typeOf('mixed')).toBe('text');
    expect(await values('mixed')).toEqual([
      '1',
      '2',
      '007',
      '1.50',
      '9007199254740993',
      '+5',
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

  it('a DECIMAL column takes canonical texts and widens for "00.5"', async () => {
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
