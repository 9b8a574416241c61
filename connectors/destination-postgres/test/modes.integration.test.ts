import { record, schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destination } from '../src/index.js';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';
import { catalogOf, context, records, runWrite, stateOf, stream } from './helpers/run.js';

const ORDERS = {
  id: schemaFor('integer'),
  amount: schemaFor('decimal'),
  updated_at: schemaFor('timestamp_tz'),
};

describe.skipIf(!serverUser)('destination-postgres: sync modes and state', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const rowsOf = async (table: string) =>
    (await db.client.query(`SELECT id::int, amount::text FROM "${table}" ORDER BY id, amount`))
      .rows;

  it('append commits with each STATE and rolls back what no STATE covers', async () => {
    const catalog = catalogOf(stream('appended', ORDERS));
    const messages = [
      ...records('appended', [
        { id: 1, amount: '1.10' },
        { id: 2, amount: '2.20' },
      ]),
      stateOf('appended', { cursor: 2 }, 1),
      ...records('appended', [{ id: 3, amount: '3.30' }]),
    ];
    const { out, error } = await runWrite(db.config, catalog, messages, {
      failAfter: new Error('source failed'),
    });
    expect((error as Error).message).toContain('source failed');
    expect(out.map((m) => m.type)).toEqual(['STATE']);
    expect(await rowsOf('appended')).toEqual([
      { id: 1, amount: '1.10' },
      { id: 2, amount: '2.20' },
    ]);
    const committed = await destination.committedState!(db.config, catalog, context());
    expect(committed).toEqual([
      {
        type: 'STREAM',
        stream: { stream_descriptor: { name: 'appended' }, stream_state: { cursor: 2 } },
        tributary: { generation: 0, sequence: 1 },
      },
    ]);
    await destination.resetState!(db.config, catalog, [], context());
    expect(await destination.committedState!(db.config, catalog, context())).toEqual([]);
  });

  it('overwrite swaps the new table in only after the input ended normally', async () => {
    const catalog = catalogOf(stream('snap', ORDERS, { destination_sync_mode: 'overwrite' }));
    await runWrite(
      db.config,
      catalog,
      records('snap', [
        { id: 1, amount: '1' },
        { id: 2, amount: '2' },
      ]),
    );
    const failed = await runWrite(db.config, catalog, records('snap', [{ id: 9, amount: '9' }]), {
      failAfter: new Error('cancelled'),
    });
    expect(failed.error).toBeDefined();
    expect(await rowsOf('snap')).toEqual([
      { id: 1, amount: '1' },
      { id: 2, amount: '2' },
    ]);
    const ok = await runWrite(db.config, catalog, records('snap', [{ id: 3, amount: '3' }]));
    expect(ok.error).toBeUndefined();
    expect(await rowsOf('snap')).toEqual([{ id: 3, amount: '3' }]);
  });

  it('append_dedup: greatest cursor wins, ties go to the later record, whatever the batches', async () => {
    const input = [
      { id: 1, amount: '1', updated_at: '2024-01-02T00:00:00Z' },
      { id: 1, amount: '2', updated_at: '2024-01-01T23:00:00-02:00' }, // later instant
      { id: 1, amount: '3', updated_at: '2024-01-02T00:00:00Z' }, // older
      { id: 2, amount: '4', updated_at: '2024-01-05T00:00:00Z' },
      { id: 2, amount: '5', updated_at: '2024-01-05T00:00:00Z' }, // tie: later wins
      { id: 3, amount: '6', updated_at: null },
      { id: 3, amount: '7', updated_at: '2023-01-01T00:00:00Z' }, // a value beats null
      { id: 3, amount: '8', updated_at: null },
    ];
    const options = {
      destination_sync_mode: 'append_dedup' as const,
      primary_key: [['id']],
      cursor_field: ['updated_at'],
    };
    const expected = [
      { id: 1, amount: '2' },
      { id: 2, amount: '5' },
      { id: 3, amount: '7' },
    ];
    // One batch, then one STATE after every record: the same rows.
    await runWrite(
      db.config,
      catalogOf(stream('dedup_a', ORDERS, options)),
      records('dedup_a', input),
    );
    const split = records('dedup_b', input).flatMap((m, i) => [m, stateOf('dedup_b', { i }, i)]);
    await runWrite(db.config, catalogOf(stream('dedup_b', ORDERS, options)), split);
    expect(await rowsOf('dedup_a')).toEqual(expected);
    expect(await rowsOf('dedup_b')).toEqual(expected);
  });

  it('append_dedup leaves a row whose data did not change untouched, metadata too', async () => {
    const catalog = catalogOf(
      stream('same', ORDERS, {
        destination_sync_mode: 'append_dedup',
        primary_key: [['id']],
        sync_id: 1,
      }),
    );
    const row = { id: 1, amount: '1.00', updated_at: '2024-01-01T00:00:00Z' };
    await runWrite(db.config, catalog, [record('same', row, Date.UTC(2024, 0, 1))]);
    const first = await db.client.query('SELECT xmin::text, _tributary_sync_id FROM same');
    const again = catalogOf(
      stream('same', ORDERS, {
        destination_sync_mode: 'append_dedup',
        primary_key: [['id']],
        sync_id: 2,
      }),
    );
    await runWrite(db.config, again, [record('same', row, Date.UTC(2024, 0, 2))]);
    const second = await db.client.query('SELECT xmin::text, _tributary_sync_id FROM same');
    expect(second.rows).toEqual(first.rows);
    expect(second.rows[0]._tributary_sync_id).toBe('1');
  });

  it('interleaved streams share the connection: one COPY at a time, all rows land', async () => {
    const catalog = catalogOf(
      stream('left', ORDERS),
      stream('right', ORDERS, { destination_sync_mode: 'append_dedup', primary_key: [['id']] }),
    );
    const messages = [1, 2, 3, 4].flatMap((id) => [
      ...records('left', [{ id, amount: `${id}` }]),
      ...records('right', [{ id: id % 2, amount: `${id}` }]),
    ]);
    const { error } = await runWrite(db.config, catalog, [...messages, stateOf('left', {}, 1)]);
    expect(error).toBeUndefined();
    expect((await rowsOf('left')).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(await rowsOf('right')).toEqual([
      { id: 0, amount: '4' },
      { id: 1, amount: '3' },
    ]);
  });
});
