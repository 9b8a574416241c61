import { type Message, SchemaError } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MysqlConfig } from '../src/config.js';
import { destination } from '../src/index.js';
import { MIB, ReloadBuffer } from '../src/reload-buffer.js';
import { writeMessages } from '../src/write.js';
import { createTestDatabase, serverUp, type TestDatabase } from './helpers/db.js';
import {
  catalogOf,
  context,
  memoryLogger,
  records,
  runWrite,
  stateOf,
  stream,
  traces,
} from './helpers/run.js';

const tickets = (policy: 'evolve' | 'freeze') =>
  catalogOf(
    stream(
      'tickets',
      { id: { type: 'integer' }, title: { type: ['integer', 'null'] } },
      { primary_key: [['id']], schema_policy: policy },
    ),
  );

describe.skipIf(!serverUp)('schema evolution (MySQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('BR-06: widens an integer column to text, converting the values exactly', async () => {
    const config = { ...db.config, table_prefix: 'evolve_' };
    const run1 = await runWrite(config, tickets('evolve'), [
      ...records('tickets', [
        { id: 1, title: 101 },
        { id: 2, title: null },
      ]),
      stateOf('tickets', { cursor: 2 }, 1),
    ]);
    expect(run1.error).toBeUndefined();
    const [type1] = await db.rows(
      `SELECT DATA_TYPE AS t FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'evolve_tickets' AND COLUMN_NAME = 'title'`,
    );
    expect(type1).toEqual({ t: 'bigint' });

    const run2 = await runWrite(config, tickets('evolve'), [
      ...records('tickets', [
        { id: 3, title: 'Quarterly plan' },
        { id: 4, title: null },
      ]),
      stateOf('tickets', { cursor: 4 }, 2),
    ]);
    expect(run2.error).toBeUndefined();
    const [type2] = await db.rows(
      `SELECT DATA_TYPE AS t FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'evolve_tickets' AND COLUMN_NAME = 'title'`,
    );
    expect(type2).toEqual({ t: 'text' });
    expect(await db.rows('SELECT id, title FROM evolve_tickets ORDER BY id')).toEqual([
      { id: '1', title: '101' },
      { id: '2', title: null },
      { id: '3', title: 'Quarterly plan' },
      { id: '4', title: null },
    ]);
    const change = traces(run2.out, 'SCHEMA_CHANGE')[0]?.schema_change;
    expect(change).toMatchObject({
      change: 'column_widened',
      column: 'title',
      from_type: 'integer',
      to_type: 'string',
    });
  });

  it('BR-06: freeze fails before writing, naming stream, column, types and record id=3', async () => {
    const config = { ...db.config, table_prefix: 'freeze_' };
    await runWrite(config, tickets('freeze'), [
      ...records('tickets', [
        { id: 1, title: 101 },
        { id: 2, title: null },
      ]),
      stateOf('tickets', { cursor: 2 }, 1),
    ]);
    const run2 = await runWrite(config, tickets('freeze'), [
      ...records('tickets', [
        { id: 3, title: 'Quarterly plan' },
        { id: 4, title: null },
      ]),
      stateOf('tickets', { cursor: 4 }, 2),
    ]);
    expect(run2.error).toBeInstanceOf(SchemaError);
    const message = (run2.error as Error).message;
    for (const part of ['tickets', "'title'", 'integer', 'string', 'id=3', '"Quarterly plan"']) {
      expect(message).toContain(part);
    }
    expect(message).not.toContain('id=4');
    expect(await db.rows('SELECT id, title FROM freeze_tickets ORDER BY id')).toEqual([
      { id: '1', title: '101' },
      { id: '2', title: null },
    ]);
  });

  it('BR-06: one batch with 101 and "Quarterly plan" ends as text', async () => {
    const config = { ...db.config, table_prefix: 'mixed_' };
    const run = await runWrite(config, tickets('evolve'), [
      ...records('tickets', [
        { id: 1, title: 101 },
        { id: 3, title: 'Quarterly plan' },
      ]),
    ]);
    expect(run.error).toBeUndefined();
    expect(await db.rows('SELECT id, title FROM mixed_tickets ORDER BY id')).toEqual([
      { id: '1', title: '101' },
      { id: '3', title: 'Quarterly plan' },
    ]);
  });

  it('BR-20: a new field adds a nullable tier column and keeps every value', async () => {
    const config = db.config;
    const accounts = (withTier: boolean) =>
      catalogOf(
        stream(
          'accounts',
          {
            id: { type: 'integer' },
            name: { type: ['string', 'null'] },
            ...(withTier ? { tier: { type: ['string', 'null'] } } : {}),
            updated_at: { type: 'string', format: 'date-time' },
          },
          {
            primary_key: [['id']],
            cursor_field: ['updated_at'],
            destination_sync_mode: 'append_dedup',
          },
        ),
      );
    await runWrite(config, accounts(false), [
      ...records('accounts', [{ id: 1, name: 'Acme', updated_at: '2024-04-01T10:00:00Z' }]),
      stateOf('accounts', { cursor: '2024-04-01T10:00:00Z' }, 1),
    ]);
    const run2 = await runWrite(config, accounts(true), [
      ...records('accounts', [
        { id: 2, name: 'Birch', updated_at: '2024-04-02T09:00:00Z', tier: 'gold' },
        { id: 1, name: 'Acme', updated_at: '2024-04-02T10:00:00Z', tier: 'silver' },
      ]),
      stateOf('accounts', { cursor: '2024-04-02T10:00:00Z' }, 2),
    ]);
    expect(run2.error).toBeUndefined();
    expect(await db.rows('SELECT id, name, tier FROM accounts ORDER BY id')).toEqual([
      { id: '1', name: 'Acme', tier: 'silver' },
      { id: '2', name: 'Birch', tier: 'gold' },
    ]);
    const [tier] = await db.rows(
      `SELECT DATA_TYPE AS t, IS_NULLABLE AS n FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'accounts' AND COLUMN_NAME = 'tier'`,
    );
    expect(tier).toEqual({ t: 'text', n: 'YES' });
    expect(traces(run2.out, 'SCHEMA_CHANGE').map((t) => t.schema_change)).toEqual([
      {
        stream_descriptor: { name: 'accounts' },
        change: 'column_added',
        field: 'tier',
        column: 'tier',
        to_type: 'string',
      },
    ]);
  });

  // MySQL commits the open transaction on DDL: records loaded before their STATE must not
  // ride along. Records 1 and 2 are loaded (batch_size 1) when record 3 brings a new field.
  const members = (mode: 'append' | 'append_dedup', onBad: 'fail' | 'reject' = 'fail') =>
    catalogOf(
      stream(
        'members',
        { id: { type: 'integer' }, name: { type: 'string' } },
        { destination_sync_mode: mode, primary_key: [['id']], on_bad_record: onBad },
      ),
    );
  const joined = (): Message[] =>
    records('members', [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c', tier: 'gold' },
    ]);
  const committed = async (prefix: string, mode: 'append' | 'append_dedup') => ({
    rows: await db.rows(`SELECT id, name, tier FROM ${prefix}members ORDER BY id`),
    states: (
      await destination.committedState!(
        { ...db.config, table_prefix: prefix },
        members(mode),
        context(),
      )
    ).map((s) => s.stream?.stream_state),
  });

  it('a new field after loaded records commits none of them before their STATE', async () => {
    const config = { ...db.config, table_prefix: 'ddl_', batch_size: 1 };
    const logger = memoryLogger();
    const failed = await runWrite(config, members('append'), joined(), {
      failAfter: new Error('source broke'),
      ctx: context(logger),
    });
    expect((failed.error as Error).message).toContain('source broke');
    expect(await committed('ddl_', 'append')).toEqual({ rows: [], states: [] });
    expect(logger.warnings).toEqual([]);

    const rerun = await runWrite(config, members('append'), [
      ...joined(),
      stateOf('members', { cursor: 3 }, 1),
    ]);
    expect(rerun.error).toBeUndefined();
    expect(await committed('ddl_', 'append')).toEqual({
      rows: [
        { id: '1', name: 'a', tier: null },
        { id: '2', name: 'b', tier: null },
        { id: '3', name: 'c', tier: 'gold' },
      ],
      states: [{ cursor: 3 }],
    });
  });

  it('a new field after a STATE held for the next commit: that STATE and its records stay', async () => {
    const config = {
      ...db.config,
      table_prefix: 'held_',
      batch_size: 1,
      commit_interval_ms: 60_000,
    };
    const [first, ...rest] = joined();
    const run = await runWrite(
      config,
      members('append_dedup'),
      [first!, stateOf('members', { cursor: 1 }, 1), ...rest],
      { failAfter: new Error('source broke') },
    );
    expect((run.error as Error).message).toContain('source broke');
    expect(await committed('held_', 'append_dedup')).toEqual({
      rows: [{ id: '1', name: 'a', tier: null }],
      states: [{ cursor: 1 }],
    });
    expect(run.out.filter((m) => m.type === 'STATE')).toHaveLength(1);
  });

  it('records loaded again after a schema change are not rejected twice', async () => {
    const config = { ...db.config, table_prefix: 'rej_', batch_size: 1 };
    await runWrite(config, members('append', 'reject'), []);
    await db.conn.query(
      `CREATE TRIGGER rej_refuse BEFORE INSERT ON rej_members FOR EACH ROW
        IF NEW.id = 2 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'id 2 refused'; END IF`,
    );
    const run = await runWrite(config, members('append', 'reject'), [
      ...joined(),
      stateOf('members', { cursor: 3 }, 1),
    ]);
    expect(run.error).toBeUndefined();
    expect(traces(run.out, 'REJECT').map((t) => t.reject?.record_key)).toEqual(['id=2']);
    expect(await committed('rej_', 'append')).toEqual({
      rows: [
        { id: '1', name: 'a', tier: null },
        { id: '3', name: 'c', tier: 'gold' },
      ],
      states: [{ cursor: 3 }],
    });
  });

  // reload_buffer_mb 1 and batch_size 2 with names of 200,000 characters: a batch holds about
  // 400 kB of LOAD DATA text, so two batches fit in the buffer and a third lets them go.
  const bulky = (ids: number[], extra: Record<string, unknown> = {}): Message[] =>
    records(
      'members',
      ids.map((id) => ({ id, name: String(id).padEnd(200_000, '.'), ...extra })),
    );
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const capped = (prefix: string) => ({
    ...db.config,
    table_prefix: prefix,
    batch_size: 2,
    reload_buffer_mb: 1,
  });
  const landed = async (prefix: string) =>
    (await db.rows(`SELECT id FROM ${prefix}members ORDER BY id`)).map((r) => r.id);

  it('past reload_buffer_mb a new field commits the loaded records early, once each, warning once', async () => {
    const logger = memoryLogger();
    const run = await runWrite(
      capped('cap_'),
      members('append'),
      [
        ...bulky(range(1, 6)), // the third batch passes the cap
        ...bulky([7], { tier: 'gold' }), // DDL: 1-6 are committed ahead of their STATE
        ...bulky([8]),
        stateOf('members', { cursor: 8 }, 1),
        ...bulky(range(9, 12)), // two batches: held again
        ...bulky([13], { level: 'top' }), // DDL: 9-12 rolled back and loaded again
        stateOf('members', { cursor: 13 }, 2),
      ],
      { ctx: context(logger) },
    );
    expect(run.error).toBeUndefined();
    expect(
      await db.rows('SELECT id, LENGTH(name) AS n, tier, level FROM cap_members ORDER BY id'),
    ).toEqual(
      range(1, 13).map((id) => ({
        id: String(id),
        n: 200_000,
        tier: id === 7 ? 'gold' : null,
        level: id === 13 ? 'top' : null,
      })),
    );
    expect((await committed('cap_', 'append')).states).toEqual([{ cursor: 13 }]);
    expect(logger.warned).toHaveLength(1);
    expect(logger.warned[0]?.message).toContain('ahead of their STATE');
    expect(logger.warned[0]?.meta).toMatchObject({ stream: 'members', reload_buffer_mb: 1 });
  });

  it('past reload_buffer_mb, a failure after the early commit leaves those records', async () => {
    const logger = memoryLogger();
    const run = await runWrite(
      capped('early_'),
      members('append'),
      [...bulky(range(1, 6)), ...bulky([7], { tier: 'gold' }), ...bulky([8])],
      { failAfter: new Error('source broke'), ctx: context(logger) },
    );
    expect((run.error as Error).message).toContain('source broke');
    expect(await landed('early_')).toEqual(range(1, 6).map(String));
    expect(run.out.filter((m) => m.type === 'STATE')).toEqual([]);
    expect(logger.warned.map((w) => w.meta?.stream)).toEqual(['members']);
  });

  it('holds no more than reload_buffer_mb for re-loading, however long the run without STATE', async () => {
    const config = destination.parseConfig(capped('bounded_')) as MysqlConfig;
    const reload = new ReloadBuffer(config.reload_buffer_mb * MIB);
    const held: number[] = [];
    async function* sampled(messages: Message[]): AsyncGenerator<Message> {
      for (const message of messages) {
        held.push(reload.bytes);
        yield message;
      }
    }
    // 40 records, 20 batches, about 8 MB of LOAD DATA text with no STATE until the end.
    const logger = memoryLogger();
    const out: Message[] = [];
    const input = sampled([...bulky(range(1, 40)), stateOf('members', { cursor: 40 }, 1)]);
    for await (const m of writeMessages(
      config,
      members('append'),
      input,
      context(logger),
      reload,
    )) {
      out.push(m);
    }
    expect(Math.max(...held)).toBeLessThanOrEqual(MIB);
    expect(reload.peakBytes).toBeLessThanOrEqual(MIB);
    expect(reload.peakBytes).toBeGreaterThan(MIB / 2); // two batches were held before the cap
    expect(reload.bytes).toBe(0);
    expect(out.filter((m) => m.type === 'STATE')).toHaveLength(1);
    expect(await landed('bounded_')).toEqual(range(1, 40).map(String));
    expect(logger.warned).toEqual([]);
  });

  it('widens a 3-byte charset column for an emoji under evolve; freeze names the reason', async () => {
    await db.conn.query(
      `CREATE TABLE notes (id BIGINT, body VARCHAR(20) CHARACTER SET utf8mb3,
        _tributary_extracted_at DATETIME(6), _tributary_sync_id BIGINT,
        _tributary_deleted_at DATETIME(6))`,
    );
    const notes = (policy: 'evolve' | 'freeze') =>
      catalogOf(
        stream(
          'notes',
          { id: { type: 'integer' }, body: { type: 'string' } },
          { primary_key: [['id']], schema_policy: policy },
        ),
      );
    const frozen = await runWrite(db.config, notes('freeze'), [
      ...records('notes', [{ id: 1, body: 'rocket 🚀' }]),
      stateOf('notes', {}, 1),
    ]);
    expect(frozen.error).toBeInstanceOf(SchemaError);
    expect((frozen.error as Error).message).toContain("table 'notes' column 'body'");
    expect((frozen.error as Error).message).toContain('utf8mb3');
    expect(await db.rows('SELECT COUNT(*) AS n FROM notes')).toEqual([{ n: '0' }]);

    const evolved = await runWrite(db.config, notes('evolve'), [
      ...records('notes', [
        { id: 1, body: 'rocket 🚀' },
        { id: 2, body: 'x'.repeat(300) },
      ]),
      stateOf('notes', {}, 1),
    ]);
    expect(evolved.error).toBeUndefined();
    expect(await db.rows('SELECT id, body FROM notes ORDER BY id')).toEqual([
      { id: '1', body: 'rocket 🚀' },
      { id: '2', body: 'x'.repeat(300) },
    ]);
  });
});
