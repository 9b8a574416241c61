import { BadRecordError, type Message } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destination } from '../src/index.js';
import { createTestDatabase, SERVER, serverUp, type TestDatabase } from './helpers/db.js';
import { catalogOf, context, records, runWrite, stateOf, stream, traces } from './helpers/run.js';

const ITEMS = { id: { type: 'integer' }, name: { type: 'string' } };

/** Ids 1..10 with a STATE after every third record, as a source checkpointing by 3 would. */
function items(): Message[] {
  const out: Message[] = [];
  for (let id = 1; id <= 10; id++) {
    out.push(...records('items', [{ id, name: `item ${id}` }]));
    if (id % 3 === 0 || id === 10) out.push(stateOf('items', { cursor: id }, id));
  }
  return out;
}

describe.skipIf(!serverUp)('bad records and deletions (MySQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function withTrigger(prefix: string, onBad: 'fail' | 'reject') {
    const config = { ...db.config, table_prefix: prefix, batch_size: 2 };
    const catalog = catalogOf(
      stream('items', ITEMS, { primary_key: [['id']], on_bad_record: onBad }),
    );
    await runWrite(config, catalog, []);
    await db.conn.query(
      `CREATE TRIGGER ${prefix}refuse BEFORE INSERT ON ${prefix}items FOR EACH ROW
        IF NEW.id = 8 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'id 8 refused'; END IF`,
    );
    return { config, catalog, run: await runWrite(config, catalog, items()) };
  }

  it('BR-11: a trigger refusing id 8 fails the run with only the earlier batches committed', async () => {
    const { config, catalog, run } = await withTrigger('fail_', 'fail');
    expect(run.error).toBeInstanceOf(BadRecordError);
    expect((run.error as Error).message).toContain("stream 'items'");
    expect((run.error as Error).message).toContain('id=8');
    expect((run.error as BadRecordError).context).toMatchObject({
      stream: 'items',
      recordKey: 'id=8',
    });
    expect(await db.rows('SELECT id FROM fail_items ORDER BY id')).toEqual(
      [1, 2, 3, 4, 5, 6].map((id) => ({ id: String(id) })),
    );
    const states = await destination.committedState!(config, catalog, context());
    expect(states.map((s) => s.stream?.stream_state)).toEqual([{ cursor: 6 }]);
    expect(run.out.filter((m) => m.type === 'STATE')).toHaveLength(2);
  });

  it('BR-11: under reject the rest is committed and id 8 comes back as a REJECT', async () => {
    const { config, catalog, run } = await withTrigger('rej_', 'reject');
    expect(run.error).toBeUndefined();
    expect(await db.rows('SELECT id FROM rej_items ORDER BY id')).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 9, 10].map((id) => ({ id: String(id) })),
    );
    const rejects = traces(run.out, 'REJECT').map((t) => t.reject);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({
      stream_descriptor: { name: 'items' },
      record: { id: 8, name: 'item 8' },
      record_key: 'id=8',
    });
    expect(rejects[0]?.reason).toContain('id 8 refused');
    const states = await destination.committedState!(config, catalog, context());
    expect(states.map((s) => s.stream?.stream_state)).toEqual([{ cursor: 10 }]);
  });

  it('a value the column cannot hold fails naming stream, column and record key', async () => {
    await db.conn.query(
      `CREATE TABLE small (id BIGINT, qty INT, _tributary_extracted_at DATETIME(6),
        _tributary_sync_id BIGINT, _tributary_deleted_at DATETIME(6))`,
    );
    const catalog = catalogOf(
      stream(
        'small',
        { id: { type: 'integer' }, qty: { type: 'integer' } },
        {
          primary_key: [['id']],
        },
      ),
    );
    const run = await runWrite(db.config, catalog, [
      ...records('small', [
        { id: 1, qty: 5 },
        { id: 2, qty: 3_000_000_000 },
      ]),
      stateOf('small', {}, 1),
    ]);
    expect(run.error).toBeInstanceOf(BadRecordError);
    expect((run.error as BadRecordError).context).toMatchObject({
      stream: 'small',
      column: 'qty',
      recordKey: 'id=2',
    });
    expect(await db.rows('SELECT COUNT(*) AS n FROM small')).toEqual([{ n: '0' }]);
  });

  // LOAD DATA turns an INT overflow into a warning: the batch is rolled back and retried
  // row by row, and the STATEs held in savepoints (one commit a minute) decide what stays.
  async function overflow(prefix: string, onBad: 'fail' | 'reject') {
    await db.conn.query(
      `CREATE TABLE ${prefix}qty (id BIGINT, qty INT, _tributary_extracted_at DATETIME(6),
        _tributary_sync_id BIGINT, _tributary_deleted_at DATETIME(6))`,
    );
    const config = { ...db.config, table_prefix: prefix, commit_interval_ms: 60_000 };
    const catalog = catalogOf(
      stream(
        'qty',
        { id: { type: 'integer' }, qty: { type: 'integer' } },
        { primary_key: [['id']], on_bad_record: onBad },
      ),
    );
    const input: Message[] = [];
    for (let id = 1; id <= 9; id++) {
      input.push(...records('qty', [{ id, qty: id === 8 ? 3_000_000_000 : id }]));
      if (id % 3 === 0) input.push(stateOf('qty', { cursor: id }, id));
    }
    const run = await runWrite(config, catalog, input);
    const ids = await db.rows(`SELECT id FROM ${prefix}qty ORDER BY id`);
    const states = await destination.committedState!(config, catalog, context());
    return { run, ids: ids.map((r) => Number(r.id)), states };
  }

  it('a refused value in a batch after uncommitted STATEs: fail keeps what they cover', async () => {
    const { run, ids, states } = await overflow('ovf_', 'fail');
    expect(run.error).toBeInstanceOf(BadRecordError);
    expect((run.error as BadRecordError).context).toMatchObject({
      stream: 'qty',
      column: 'qty',
      recordKey: 'id=8',
    });
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    expect(states.map((s) => s.stream?.stream_state)).toEqual([{ cursor: 6 }]);
    expect(run.out.filter((m) => m.type === 'STATE')).toHaveLength(2);
  });

  it('a refused value under reject: the rest and the last STATE are committed', async () => {
    const { run, ids, states } = await overflow('ovr_', 'reject');
    expect(run.error).toBeUndefined();
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 9]);
    expect(states.map((s) => s.stream?.stream_state)).toEqual([{ cursor: 9 }]);
    const rejects = traces(run.out, 'REJECT').map((t) => t.reject);
    expect(rejects).toMatchObject([
      { record: { id: 8, qty: 3_000_000_000 }, record_key: 'id=8', field: 'qty' },
    ]);
    // STATE 6 waits in a savepoint for the next commit; the REJECT comes as it is found.
    const kinds = run.out.map((m) => (m.type === 'TRACE' ? m.trace.type : m.type));
    expect(kinds).toEqual(['STATE', 'REJECT', 'STATE', 'STATE']);
    const acked = run.out.flatMap((m) =>
      m.type === 'STATE' ? [m.state.stream?.stream_state] : [],
    );
    expect(acked).toEqual([{ cursor: 3 }, { cursor: 6 }, { cursor: 9 }]);
  });

  const deals = (policy: 'hard' | 'soft', prefix: string) => ({
    config: { ...db.config, table_prefix: prefix },
    catalog: catalogOf(
      stream(
        'deals',
        {
          id: { type: 'integer' },
          name: { type: 'string' },
          updated_at: { type: 'string', format: 'date-time' },
        },
        {
          destination_sync_mode: 'append_dedup',
          primary_key: [['id']],
          cursor_field: ['updated_at'],
          delete_policy: policy,
        },
      ),
    ),
  });
  const run1 = records('deals', [
    { id: 1, name: 'North', updated_at: '2024-07-01T00:00:00Z' },
    { id: 2, name: 'South', updated_at: '2024-07-01T00:00:00Z' },
    { id: 3, name: 'East', updated_at: '2024-07-01T00:00:00Z' },
  ]);
  const marker = records('deals', [{ id: 2, _deleted: true, updated_at: '2024-07-02T12:00:00Z' }]);
  const older = records('deals', [{ id: 1, _deleted: true, updated_at: '2024-06-01T00:00:00Z' }]);
  const revive = records('deals', [{ id: 2, name: 'South', updated_at: '2024-07-03T00:00:00Z' }]);

  it('BR-22: hard deletes remove the row; an older marker is ignored; a later record revives', async () => {
    const { config, catalog } = deals('hard', 'hard_');
    await runWrite(config, catalog, run1);
    const run2 = await runWrite(config, catalog, [...marker, ...older]);
    expect(run2.error).toBeUndefined();
    expect(await db.rows('SELECT id FROM hard_deals ORDER BY id')).toEqual([
      { id: '1' },
      { id: '3' },
    ]);
    await runWrite(config, catalog, revive);
    expect(
      await db.rows('SELECT id, name, _tributary_deleted_at AS d FROM hard_deals ORDER BY id'),
    ).toEqual([
      { id: '1', name: 'North', d: null },
      { id: '2', name: 'South', d: null },
      { id: '3', name: 'East', d: null },
    ]);
  });

  it('BR-22: soft deletes stamp the marker instant in UTC and a later record revives', async () => {
    const { config, catalog } = deals('soft', 'soft_');
    await runWrite(config, catalog, run1);
    await runWrite(config, catalog, [...marker, ...older]);
    expect(
      await db.rows('SELECT id, name, _tributary_deleted_at AS d FROM soft_deals ORDER BY id'),
    ).toEqual([
      { id: '1', name: 'North', d: null },
      { id: '2', name: 'South', d: '2024-07-02 12:00:00.000000' },
      { id: '3', name: 'East', d: null },
    ]);
    await runWrite(config, catalog, revive);
    expect(
      await db.rows(
        'SELECT id, updated_at AS u, _tributary_deleted_at AS d FROM soft_deals WHERE id = 2',
      ),
    ).toEqual([{ id: '2', u: '2024-07-03 00:00:00.000000', d: null }]);
  });
});

describe.skipIf(!serverUp)('check (MySQL)', () => {
  it('succeeds on the test server', async () => {
    const status = await destination.check({ ...SERVER, database: 'test' }, context());
    expect(status).toEqual({ status: 'SUCCEEDED' });
  });

  it('names host and user but never the password when refused or unreachable', async () => {
    const secret = 'sw0rdfish-secret';
    const refused = await destination.check(
      { ...SERVER, user: 'nobody_here', password: secret, database: 'test' },
      context(),
    );
    expect(refused.status).toBe('FAILED');
    expect(refused.message).toContain('nobody_here');
    expect(refused.message).toContain(SERVER.host);
    expect(refused.message).not.toContain(secret);
    const unreachable = await destination.check(
      { host: '127.0.0.1', port: 1, user: 'root', password: secret, database: 'test' },
      context(),
    );
    expect(unreachable.status).toBe('FAILED');
    expect(unreachable.message).toContain("user 'root' at 127.0.0.1:1");
    expect(unreachable.message).not.toContain(secret);
  });
});
