import { BadRecordError, record, schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';
import { catalogOf, EMITTED_AT, runWrite, stream } from './helpers/run.js';

const ROWS = 12_000; // more than one COPY chunk

function rows(name: string) {
  return Array.from({ length: ROWS }, (_, i) =>
    record(name, { id: i + 1, note: `row\t${i + 1}\\` }, EMITTED_AT),
  );
}

describe.skipIf(!serverUser)('destination-postgres: a refused row in a later chunk', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const setUp = async (name: string, policy: 'fail' | 'reject') => {
    const catalog = catalogOf(
      stream(
        name,
        { id: schemaFor('integer'), note: schemaFor('string') },
        {
          primary_key: [['id']],
          on_bad_record: policy,
        },
      ),
    );
    await runWrite(db.config, catalog, []);
    await db.client.query(`ALTER TABLE ${name} ADD CONSTRAINT not_11000 CHECK (id <> 11000)`);
    return catalog;
  };

  it('reject: every other row lands, with its text intact', async () => {
    const catalog = await setUp('chunked', 'reject');
    const run = await runWrite(db.config, catalog, rows('chunked'));
    expect(run.error).toBeUndefined();
    const got = await db.client.query(
      `SELECT count(*)::int AS n, min(id)::int AS lo, max(id)::int AS hi,
         bool_and(note = 'row' || chr(9) || id || '\\') AS intact,
         count(*) FILTER (WHERE id = 11000)::int AS refused FROM chunked`,
    );
    expect(got.rows).toEqual([{ n: ROWS - 1, lo: 1, hi: ROWS, intact: true, refused: 0 }]);
    const rejects = run.out.flatMap((m) =>
      m.type === 'TRACE' && m.trace.reject ? [m.trace.reject] : [],
    );
    expect(rejects.map((r) => [r.record_key, r.record])).toEqual([
      ['id=11000', { id: 11000, note: 'row\t11000\\' }],
    ]);
  });

  it('fail: nothing of the batch lands and the error names the record', async () => {
    const catalog = await setUp('chunked_fail', 'fail');
    const run = await runWrite(db.config, catalog, rows('chunked_fail'));
    expect(run.error).toBeInstanceOf(BadRecordError);
    expect((run.error as BadRecordError).context.recordKey).toBe('id=11000');
    const got = await db.client.query('SELECT count(*)::int AS n FROM chunked_fail');
    expect(got.rows).toEqual([{ n: 0 }]);
  });
});
