import { BadRecordError, type Message, schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destination } from '../src/index.js';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';
import { catalogOf, context, records, runWrite, stateOf, stream } from './helpers/run.js';

/** ids from..to with a STATE every 3 records and at the end, as an incremental source sends. */
function items(from: number, to: number): Message[] {
  const out: Message[] = [];
  for (let id = from; id <= to; id++) {
    out.push(...records('items', [{ id, name: `item ${id}` }]));
    if (id % 3 === 0 || id === to) out.push(stateOf('items', { cursor: id }, id));
  }
  return out;
}

describe.skipIf(!serverUser)('destination-postgres: BR-11 a trigger refuses id 8', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.client.query(`CREATE FUNCTION refuse_8() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = 8 THEN RAISE EXCEPTION 'id 8 is refused'; END IF; RETURN NEW; END $$`);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const catalog = (policy: 'fail' | 'reject', _schema: string) =>
    catalogOf(
      stream(
        'items',
        { id: schemaFor('integer'), name: schemaFor('string') },
        {
          primary_key: [['id']],
          cursor_field: ['id'],
          on_bad_record: policy,
        },
      ),
    );

  async function withTrigger(schema: string, policy: 'fail' | 'reject') {
    const config = { ...db.config, schema };
    await runWrite(config, catalog(policy, schema), []); // creates the table
    await db.client.query(
      `CREATE TRIGGER refuse_8 BEFORE INSERT ON ${schema}.items FOR EACH ROW EXECUTE FUNCTION refuse_8()`,
    );
    return config;
  }

  const ids = async (schema: string) =>
    (await db.client.query(`SELECT id::int FROM ${schema}.items ORDER BY id`)).rows.map(
      (r) => r.id,
    );

  it('fail: ids 1..6 and state 6 stay; after the trigger is dropped, resuming gives 1..10', async () => {
    const config = await withTrigger('br11_fail', 'fail');
    const run1 = await runWrite(config, catalog('fail', 'br11_fail'), items(1, 10));
    const error = run1.error as BadRecordError;
    expect(error).toBeInstanceOf(BadRecordError);
    expect(error.message).toContain("stream 'items'");
    expect(error.message).toContain('record id=8');
    expect(error.message).toContain('id 8 is refused');
    expect(error.context).toMatchObject({ stream: 'items', recordKey: 'id=8' });
    expect(await ids('br11_fail')).toEqual([1, 2, 3, 4, 5, 6]);
    const acked = run1.out.filter((m) => m.type === 'STATE');
    expect(acked.map((m) => m.type === 'STATE' && m.state.stream?.stream_state)).toEqual([
      { cursor: 3 },
      { cursor: 6 },
    ]);
    const committed = await destination.committedState!(
      config,
      catalog('fail', 'br11_fail'),
      context(),
    );
    expect(committed.map((s) => s.stream?.stream_state)).toEqual([{ cursor: 6 }]);

    await db.client.query('DROP TRIGGER refuse_8 ON br11_fail.items');
    const run2 = await runWrite(config, catalog('fail', 'br11_fail'), items(7, 10));
    expect(run2.error).toBeUndefined();
    expect(await ids('br11_fail')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const after = await destination.committedState!(
      config,
      catalog('fail', 'br11_fail'),
      context(),
    );
    expect(after.map((s) => s.stream?.stream_state)).toEqual([{ cursor: 10 }]);
  });

  it('reject: ids 1..7, 9, 10 land, state 10, and a REJECT names id 8 and the reason', async () => {
    const config = await withTrigger('br11_reject', 'reject');
    const run = await runWrite(config, catalog('reject', 'br11_reject'), items(1, 10));
    expect(run.error).toBeUndefined();
    expect(await ids('br11_reject')).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10]);
    const rejects = run.out.flatMap((m) =>
      m.type === 'TRACE' && m.trace.reject ? [m.trace.reject] : [],
    );
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({
      stream_descriptor: { name: 'items' },
      code: 'bad_record',
      record: { id: 8, name: 'item 8' },
      record_key: 'id=8',
    });
    expect(rejects[0]?.reason).toContain('id 8 is refused');
    const committed = await destination.committedState!(
      config,
      catalog('reject', 'br11_reject'),
      context(),
    );
    expect(committed.map((s) => s.stream?.stream_state)).toEqual([{ cursor: 10 }]);
  });
});

describe.skipIf(!serverUser)('destination-postgres: a value a hand-made column refuses', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  for (const mode of ['append', 'append_dedup'] as const) {
    it(`${mode}: the error names stream, column and record key`, async () => {
      const table = `codes_${mode}`;
      await db.client.query(
        `CREATE TABLE ${table} (id bigint PRIMARY KEY, code varchar(3),
           _tributary_extracted_at timestamptz, _tributary_sync_id bigint,
           _tributary_deleted_at timestamptz)`,
      );
      const catalog = catalogOf(
        stream(
          table,
          { id: schemaFor('integer'), code: schemaFor('string') },
          { primary_key: [['id']], destination_sync_mode: mode },
        ),
      );
      const run = await runWrite(
        db.config,
        catalog,
        records(table, [
          { id: 1, code: 'abc' },
          { id: 2, code: 'abcd' },
        ]),
      );
      const error = run.error as BadRecordError;
      expect(error).toBeInstanceOf(BadRecordError);
      expect(error.message).toBe(
        `stream '${table}', column 'code': record id=2 refused by PostgreSQL: value too long for type character varying(3)`,
      );
      expect(error.context).toEqual({
        stream: table,
        column: 'code',
        recordKey: 'id=2',
        sqlState: '22001',
      });
      expect((await db.client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows).toEqual([
        { n: 0 },
      ]);
    });
  }
});
