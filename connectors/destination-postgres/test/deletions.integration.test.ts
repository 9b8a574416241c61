import { schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';
import { catalogOf, records, runWrite, stream } from './helpers/run.js';

const RUN1 = [
  { id: 1, name: 'North', updated_at: '2024-07-01T00:00:00Z' },
  { id: 2, name: 'South', updated_at: '2024-07-01T00:00:00Z' },
  { id: 3, name: 'East', updated_at: '2024-07-01T00:00:00Z' },
];
const MARKER = { id: 2, _deleted: true, updated_at: '2024-07-02T12:00:00Z' };
const REVIVED = { id: 2, name: 'South', updated_at: '2024-07-03T00:00:00Z' };

describe.skipIf(!serverUser)('destination-postgres: BR-22 deletions', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const deals = (policy: 'hard' | 'soft', mode: 'append_dedup' | 'append' = 'append_dedup') =>
    catalogOf(
      stream(
        'deals',
        {
          id: schemaFor('integer'),
          name: schemaFor('string'),
          updated_at: schemaFor('timestamp_tz'),
        },
        {
          primary_key: [['id']],
          cursor_field: ['updated_at'],
          destination_sync_mode: mode,
          delete_policy: policy,
        },
      ),
    );

  const rows = async (schema: string) =>
    (
      await db.client.query(
        `SELECT id::int, name, to_char(_tributary_deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS deleted_at
         FROM ${schema}.deals ORDER BY id`,
      )
    ).rows;

  for (const mode of ['append_dedup', 'append'] as const) {
    it(`hard (${mode}): row 2 is deleted, then revived by a later record`, async () => {
      const config = { ...db.config, schema: `hard_${mode}` };
      await runWrite(config, deals('hard', mode), records('deals', RUN1));
      expect(
        (await runWrite(config, deals('hard', mode), records('deals', [MARKER]))).error,
      ).toBeUndefined();
      expect((await rows(config.schema)).map((r) => r.id)).toEqual([1, 3]);
      await runWrite(config, deals('hard', mode), records('deals', [REVIVED]));
      expect(await rows(config.schema)).toEqual([
        { id: 1, name: 'North', deleted_at: null },
        { id: 2, name: 'South', deleted_at: null },
        { id: 3, name: 'East', deleted_at: null },
      ]);
    });

    it(`soft (${mode}): row 2 keeps its data and gets the marker's instant, then revives`, async () => {
      const config = { ...db.config, schema: `soft_${mode}` };
      await runWrite(config, deals('soft', mode), records('deals', RUN1));
      await runWrite(config, deals('soft', mode), records('deals', [MARKER]));
      expect(await rows(config.schema)).toEqual([
        { id: 1, name: 'North', deleted_at: null },
        { id: 2, name: 'South', deleted_at: '2024-07-02T12:00:00Z' },
        { id: 3, name: 'East', deleted_at: null },
      ]);
      await runWrite(config, deals('soft', mode), records('deals', [REVIVED]));
      const after = await rows(config.schema);
      expect(after.filter((r) => r.id === 2).map((r) => r.deleted_at)).toEqual(
        mode === 'append_dedup' ? [null] : ['2024-07-02T12:00:00Z', null],
      );
    });
  }

  it('append_dedup ignores a marker older than the row', async () => {
    const config = { ...db.config, schema: 'stale_marker' };
    await runWrite(config, deals('hard'), records('deals', RUN1));
    await runWrite(
      config,
      deals('hard'),
      records('deals', [{ ...MARKER, updated_at: '2024-06-30T00:00:00Z' }]),
    );
    expect((await rows(config.schema)).map((r) => r.id)).toEqual([1, 2, 3]);
  });
});
