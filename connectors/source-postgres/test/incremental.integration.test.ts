import {
  CancelledError,
  type ConfiguredCatalog,
  parseTimestamp,
  type StateMessage,
} from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  configFor,
  configure,
  createDatabase,
  cursorsOf,
  dropDatabase,
  recordingContext,
  recordsOf,
  serverOrSkip,
  source,
  sql,
  statesOf,
} from './helpers.js';

const user = await serverOrSkip('incremental.integration.test.ts');

describe.skipIf(!user)('incremental reads', () => {
  let db = '';
  const run = (text: string) => sql(user as string, db, text);
  const config = (extra: Record<string, unknown> = {}) =>
    configFor(user as string, db, { checkpoint_interval: 3, ...extra });

  async function catalogOf(name: string, cursor: string): Promise<ConfiguredCatalog> {
    const discovered = await source.discover(config(), recordingContext());
    return configure(discovered.streams, [name], {
      sync_mode: 'incremental',
      cursor_field: [cursor],
    });
  }

  async function read(
    catalog: ConfiguredCatalog,
    states: StateMessage[] = [],
    extra: Record<string, unknown> = {},
  ) {
    const ctx = recordingContext();
    const messages = await collect(source.read(config(extra), catalog, states, ctx));
    return { messages, records: recordsOf(messages), states: statesOf(messages), ctx };
  }

  beforeAll(async () => {
    db = await createDatabase(user as string);
  });

  afterAll(async () => {
    if (db) await dropDatabase(user as string, db);
  });

  it('BR-11: checkpoints at 3, 6, 9, 10; resuming from 6 emits exactly 7..10', async () => {
    await run(`CREATE TABLE items (id int PRIMARY KEY, name text);
      INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 10) i;`);
    const catalog = await catalogOf('items', 'id');

    const first = await read(catalog);
    expect(first.records.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(cursorsOf(first.messages)).toEqual([3, 6, 9, 10]);
    // Each STATE comes right after the record it covers.
    const order = first.messages
      .filter((m) => m.type === 'RECORD' || m.type === 'STATE')
      .map((m) => (m.type === 'RECORD' ? m.record.data.id : 'S'));
    expect(order).toEqual([1, 2, 3, 'S', 4, 5, 6, 'S', 7, 8, 9, 'S', 10, 'S']);

    const atSix = first.states[1] as StateMessage;
    expect(atSix.stream?.stream_state).toEqual({ cursor_field: ['id'], cursor: 6, last_pk: [6] });
    const resumed = await read(catalog, [atSix]);
    expect(resumed.records).toEqual([
      { id: 7, name: 'item 7' },
      { id: 8, name: 'item 8' },
      { id: 9, name: 'item 9' },
      { id: 10, name: 'item 10' },
    ]);
    expect(cursorsOf(resumed.messages)).toEqual([9, 10]);
    const page = resumed.ctx.logs.find((l) => l.message === 'incremental page');
    expect(page?.meta).toEqual({ stream: 'items', lower_bound: 6, upper_bound: '10' });

    // An old state whose integer cursor was written as text still compares as a number.
    const old: StateMessage = {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'items' }, stream_state: { cursor: '9' } },
    };
    const fromOld = await read(catalog, [old]);
    expect(fromOld.records.map((r) => r.id)).toEqual([9, 10]);
  });

  it('BR-20: a column added at the source is discovered and read from the old state', async () => {
    await run(`CREATE TABLE accounts (id int PRIMARY KEY, name text, updated_at timestamptz);
      INSERT INTO accounts VALUES (1, 'Acme', '2024-04-01T10:00:00Z');`);
    const first = await read(await catalogOf('accounts', 'updated_at'));
    expect(first.records).toEqual([
      { id: 1, name: 'Acme', updated_at: '2024-04-01T10:00:00.000000Z' },
    ]);
    const last = first.states.at(-1) as StateMessage;

    await run(`ALTER TABLE accounts ADD COLUMN tier text;
      INSERT INTO accounts VALUES (2, 'Birch', '2024-04-02T09:00:00Z', 'gold');
      UPDATE accounts SET tier = 'silver', updated_at = '2024-04-02T10:00:00Z' WHERE id = 1;`);
    const catalog = await catalogOf('accounts', 'updated_at');
    const props = catalog.streams[0]?.stream.json_schema.properties as Record<string, unknown>;
    expect(Object.keys(props)).toEqual(['id', 'name', 'updated_at', 'tier']);
    expect(props.tier).toEqual({ type: ['string', 'null'] });

    const second = await read(catalog, [last]);
    expect(second.records.map((r) => [r.id, r.name, r.tier])).toEqual([
      [2, 'Birch', 'gold'],
      [1, 'Acme', 'silver'],
    ]);
    expect(cursorsOf(second.messages)).toEqual(['2024-04-02T10:00:00.000000Z']);
  });

  it('BR-25: an empty table reads as 0 records, then exactly the one inserted', async () => {
    await run(
      'CREATE TABLE refunds (id int PRIMARY KEY, amount numeric(10,2), created_at timestamptz)',
    );
    const catalog = await catalogOf('refunds', 'created_at');
    const first = await read(catalog);
    expect(first.records).toEqual([]);
    expect(first.states.map((s) => s.stream?.stream_state)).toEqual([
      { cursor_field: ['created_at'], cursor: null },
    ]);

    await run(`INSERT INTO refunds VALUES (1, 9.99, '2024-08-01T00:00:00Z')`);
    const second = await read(catalog, first.states);
    expect(second.records).toEqual([
      { id: 1, amount: '9.99', created_at: '2024-08-01T00:00:00.000000Z' },
    ]);
    const cursor = cursorsOf(second.messages)[0] as string;
    expect(parseTimestamp(cursor)?.epochNanos).toBe(
      parseTimestamp('2024-08-01T00:00:00Z')?.epochNanos,
    );

    const third = await read(catalog, second.states);
    expect(third.records).toEqual([]);
    expect(third.states.map((s) => s.stream?.stream_state)).toEqual(
      second.states.map((s) => s.stream?.stream_state),
    );
  });

  it('rows sharing a cursor value across a checkpoint and a page are neither lost nor repeated', async () => {
    await run(`CREATE TABLE events (id int PRIMARY KEY, updated_at timestamptz NOT NULL);
      INSERT INTO events SELECT i, '2024-05-01 10:00:00.123456+00' FROM generate_series(1, 5) i;
      INSERT INTO events SELECT i, '2024-05-01 10:00:00.123457+00' FROM generate_series(6, 7) i;`);
    const catalog = await catalogOf('events', 'updated_at');
    const small = { checkpoint_interval: 2, fetch_size: 2 };
    const first = await read(catalog, [], small);
    expect(first.records.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(first.states.map((s) => s.stream?.stream_state)).toEqual([
      { cursor_field: ['updated_at'], cursor: '2024-05-01T10:00:00.123456Z', last_pk: [2] },
      { cursor_field: ['updated_at'], cursor: '2024-05-01T10:00:00.123456Z', last_pk: [4] },
      { cursor_field: ['updated_at'], cursor: '2024-05-01T10:00:00.123457Z', last_pk: [6] },
      { cursor_field: ['updated_at'], cursor: '2024-05-01T10:00:00.123457Z', last_pk: [7] },
    ]);
    const resumed = await read(catalog, [first.states[0] as StateMessage], small);
    expect(resumed.records.map((r) => r.id)).toEqual([3, 4, 5, 6, 7]);
  });

  it('a row updated during the read comes again in the next run, never skipped', async () => {
    await run(`CREATE TABLE moving (id int PRIMARY KEY, v int NOT NULL);
      INSERT INTO moving SELECT i, 1 FROM generate_series(1, 6) i;`);
    const catalog = await catalogOf('moving', 'v');
    const seen: unknown[] = [];
    let states: StateMessage[] = [];
    const iterator = source.read(config({ fetch_size: 2 }), catalog, [], recordingContext());
    for await (const m of iterator) {
      if (m.type === 'STATE') states = [m.state];
      if (m.type !== 'RECORD') continue;
      seen.push(m.record.data.id);
      // Mid-read: one row already sent and one not yet read both move past the read's bound.
      if (m.record.data.id === 2) await run('UPDATE moving SET v = 2 WHERE id IN (1, 5)');
    }
    expect(seen).toEqual([1, 2, 3, 4, 6]);
    const next = await read(catalog, states);
    expect(next.records).toEqual([
      { id: 1, v: 2 },
      { id: 5, v: 2 },
    ]);
  });

  it('a stream without a primary key resumes by the hashes of records sent at its cursor', async () => {
    await run(`CREATE TABLE logs (at timestamptz NOT NULL, msg text);
      INSERT INTO logs VALUES ('2024-06-01T00:00:00Z', 'a'), ('2024-06-01T00:00:00Z', 'a'),
        ('2024-06-01T00:00:00Z', 'b'), ('2024-06-02T00:00:00Z', 'c');`);
    const catalog = await catalogOf('logs', 'at');
    const first = await read(catalog, [], { checkpoint_interval: 2 });
    expect(first.records.map((r) => r.msg).sort()).toEqual(['a', 'a', 'b', 'c']);
    expect(cursorsOf(first.messages)).toEqual([
      '2024-06-01T00:00:00.000000Z',
      '2024-06-02T00:00:00.000000Z',
    ]);
    const resumed = await read(catalog, [first.states[0] as StateMessage]);
    const before = first.records.slice(0, 2).map((r) => r.msg);
    const after = resumed.records.map((r) => r.msg);
    expect([...before, ...after].sort()).toEqual(['a', 'a', 'b', 'c']);
    expect(after.at(-1)).toBe('c');
  });

  it('stops at the next page when the run is cancelled, the last checkpoint kept', async () => {
    await run(`CREATE TABLE many (id int PRIMARY KEY);
      INSERT INTO many SELECT generate_series(1, 20);`);
    const catalog = await catalogOf('many', 'id');
    const controller = new AbortController();
    const ctx = { ...recordingContext(), signal: controller.signal };
    const seen: unknown[] = [];
    const states: unknown[] = [];
    const error = await (async () => {
      for await (const m of source.read(config({ fetch_size: 5 }), catalog, [], ctx)) {
        if (m.type === 'STATE') states.push(m.state.stream?.stream_state);
        if (m.type !== 'RECORD') continue;
        seen.push(m.record.data.id);
        if (m.record.data.id === 7) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(states).toEqual([
      { cursor_field: ['id'], cursor: 3, last_pk: [3] },
      { cursor_field: ['id'], cursor: 6, last_pk: [6] },
    ]);
  });
});
